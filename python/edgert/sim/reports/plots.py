"""PNG plots of a simulation's results (matplotlib, Agg backend, no display needed):
latency CDF per region, a world map of PoPs, the KV staleness histogram, page loads, and each
release's error rate per version over time."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

__all__ = ["available", "render_plots"]


def available() -> bool:
    """Whether matplotlib is installed (``pip install 'edgert[sim]'``)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def _cdf_plot(results: dict[str, Any]) -> bytes:
    import matplotlib.pyplot as plt

    deps = results["deployments"]
    regions = sorted({r for d in deps.values() for r in d["latency_cdf"]["by_region"]})
    # With one region its panel would be the same figure as ALL's: one panel, named for both.
    panels = ["ALL", *regions] if len(regions) > 1 else ["ALL"]
    cols = min(3, len(panels))
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.4 * rows), squeeze=False)
    lo, hi = _data_range_ms(deps)
    for ax, region in zip(axes.flat, panels, strict=False):
        for name, d in deps.items():
            cdf = d["latency_cdf"]
            counts = cdf["global"] if region == "ALL" else cdf["by_region"].get(region)
            if not counts or sum(counts) == 0:
                continue
            c = np.cumsum(counts) / sum(counts)
            ax.step(cdf["edges_ms"][1:], c, where="post", label=name)
        if region == "ALL" and len(regions) == 1:
            region = f"ALL (every client in {regions[0]})"
        ax.set_xscale("log")
        ax.set_xlim(lo, hi)
        ax.set_title(f"request latency, {region}")
        ax.set_xlabel("ms")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    fig.tight_layout()
    return _png(fig)


def _data_range_ms(deps: dict[str, Any]) -> tuple[float, float]:
    """The latency axis: from the lowest bin with data to the highest, with a little room (the
    histogram's bins run from 1 ms to 20 s whatever the data)."""
    lows, highs = [], []
    for d in deps.values():
        cdf = d["latency_cdf"]
        counts = np.asarray(cdf["global"])
        used = np.nonzero(counts)[0]
        if len(used):
            edges = cdf["edges_ms"]
            lows.append(edges[used[0]])
            highs.append(edges[used[-1] + 1])
    if not lows:
        return 1.0, 1000.0
    return max(min(lows) / 1.5, 0.1), max(highs) * 1.5


def _map_plot(results: dict[str, Any], name: str) -> bytes:
    import matplotlib.pyplot as plt

    from edgert.geo import world_cities

    wc = world_cities()
    fig, ax = plt.subplots(figsize=(11, 5.5))
    k = min(8000, len(wc))  # the most populous cities draw the continents
    ax.scatter(wc.longitudes[:k], wc.latitudes[:k], s=1.2, c="#b4b4b4", linewidths=0)
    pops = results["deployments"][name]["by_pop"]
    lon = np.array([p["longitude"] for p in pops.values()])
    lat = np.array([p["latitude"] for p in pops.values()])
    req = np.array([p["requests"] for p in pops.values()], dtype=float)
    med = np.array([p["p50_ms"] for p in pops.values()])
    size = 10 + 400 * req / max(req.max(), 1.0)
    sc = ax.scatter(
        lon, lat, s=size, c=med, cmap="viridis_r", alpha=0.8, edgecolors="k", linewidths=0.3
    )
    fig.colorbar(sc, ax=ax, label="median request latency (ms)")
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 80)
    ax.set_title(f"{name}: PoPs sized by requests, coloured by median latency")
    ax.set_xticks([])
    ax.set_yticks([])
    return _png(fig)


def _staleness_plot(results: dict[str, Any]) -> bytes:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.5))
    deps = results["deployments"]
    names = list(deps)
    edges = next(iter(deps.values()))["kv"]["stale_age_histogram"]["edges_s"]
    labels = [
        f"{edges[i]:g}-{edges[i + 1]:g}" if edges[i + 1] is not None else f">{edges[i]:g}"
        for i in range(len(edges) - 1)
    ]
    x = np.arange(len(labels))
    w = 0.8 / max(len(names), 1)
    for j, name in enumerate(names):
        ax.bar(x + j * w, deps[name]["kv"]["stale_age_histogram"]["counts"], w, label=name)
    ax.set_xticks(x + 0.4 - w / 2, labels)
    ax.set_xlabel("age of the missed write (s)")
    ax.set_ylabel("stale KV reads")
    ax.set_title("KV staleness")
    ax.legend(fontsize=8)
    return _png(fig)


def _pages_plot(results: dict[str, Any]) -> bytes:
    import matplotlib.pyplot as plt

    deps = results["deployments"]
    regions = sorted({r for d in deps.values() for r in d["page_load_ms"]["by_region"]})
    if len(regions) == 1:  # its bars would repeat ALL's
        regions = []
    fig, ax = plt.subplots(figsize=(9, 3.8))
    x = np.arange(len(regions) + 1)
    w = 0.8 / max(len(deps), 1)
    for j, (name, d) in enumerate(deps.items()):
        vals = [d["page_load_ms"]["global"]["p50"] or 0] + [
            (d["page_load_ms"]["by_region"].get(r, {}).get("p50") or 0) for r in regions
        ]
        ax.bar(x + j * w, vals, w, label=name)
    ax.set_xticks(x + 0.4 - w / 2, ["ALL", *regions])
    fig.set_size_inches(max(4.0, 1.5 + 1.2 * len(x)), 3.8)
    ax.set_ylabel("median page load (ms)")
    ax.set_title("page load: sequential calls of one page")
    ax.legend(fontsize=8)
    return _png(fig)


def _release_plot(release: dict[str, Any], name: str) -> bytes:
    """Per strategy: each version's error rate (5xx share, per bin) and the new version's
    share of requests over time; the release, detection and rollback marked."""
    import matplotlib.pyplot as plt

    strategies = [(k, m) for k, m in release["strategies"].items() if "timeline" in m]
    rows = max(1, len(strategies))
    fig, axes = plt.subplots(rows, 1, figsize=(10, 2.6 * rows), squeeze=False, sharex=True)
    for ax, (sname, m) in zip(axes[:, 0], strategies, strict=False):
        tl = m["timeline"]
        x = np.arange(tl["bins"]) * tl["bin_s"] + tl["bin_s"] / 2
        total = np.zeros(tl["bins"])
        for v in tl["versions"].values():
            total += np.array(v["requests"], dtype=float)
        for label, v in tl["versions"].items():
            req = np.array(v["requests"], dtype=float)
            err = np.array(v["errors"], dtype=float)
            rate = np.divide(err, req, out=np.full_like(req, np.nan), where=req > 0)
            ax.plot(x, rate * 100, marker=".", lw=1.2, label=f"{label}: error rate")
        new = m["new_label"]
        if new in tl["versions"]:
            req = np.array(tl["versions"][new]["requests"], dtype=float)
            share = np.divide(req, total, out=np.zeros_like(req), where=total > 0)
            ax2 = ax.twinx()
            ax2.fill_between(x, share * 100, step="mid", alpha=0.15, color="tab:red")
            ax2.set_ylim(0, 105)
            ax2.set_ylabel(f"{new} share %", fontsize=8)
        ax.axvline(release["at_s"], color="k", ls=":", lw=1)
        if m.get("time_to_rollback_s") is not None:
            ax.axvline(release["at_s"] + m["time_to_rollback_s"], color="tab:green", ls="--", lw=1)
        ax.set_ylabel("5xx %")
        ax.set_title(
            f"{name} / {sname} ({m['strategy_text']}): {m['status']}, "
            f"{m['error_requests']} failed requests, {m['error_users']} users, "
            f"{m['pops_exposed_count']} PoPs exposed",
            fontsize=9,
        )
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    axes[-1, 0].set_xlabel("seconds since the start (release: dotted; rollback: dashed)")
    fig.tight_layout()
    return _png(fig)


def render_plots(results: dict[str, Any]) -> dict[str, bytes]:
    """``{file name: PNG bytes}``."""
    import matplotlib

    matplotlib.use("Agg")
    out = {"latency_cdf.png": _cdf_plot(results), "page_load.png": _pages_plot(results)}
    for name, d in results["deployments"].items():
        if d["mode"] == "edge":
            out[f"map_{name.replace('+', '_')}.png"] = _map_plot(results, name)
    if any(d["kv"]["reads"] for d in results["deployments"].values()):
        out["kv_staleness.png"] = _staleness_plot(results)
    for name, release in results.get("releases", {}).items():
        out[f"release_{_file_part(name)}.png"] = _release_plot(release, name)
    return out


def _file_part(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
