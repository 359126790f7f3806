"""The self-contained HTML report: tables of the results and the plots embedded as base64 PNG
(one file, no external assets)."""

from __future__ import annotations

import base64
import html
from typing import Any

from edgert.sim.reports.files import route_table_rows

__all__ = ["render_html"]

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
.ok{color:#11772d;font-weight:600}.no{color:#b00020;font-weight:600}
img{max-width:100%;border:1px solid #eee;margin:0.5em 0}
"""


class Raw(str):
    """Markup that table cells take as is."""


def _e(x: Any) -> str:
    if isinstance(x, Raw):
        return str(x)
    if x is None:
        return "&ndash;"
    if isinstance(x, float):
        return f"{x:,.1f}" if abs(x) >= 10 else f"{x:.3g}"
    return html.escape(str(x))


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def cpu_charged_text(cpu: dict[str, Any]) -> str:
    """``results.json``'s ``cpu_charged`` in words: what worker CPU time each request paid."""
    factor = cpu.get("factor", 1.0)
    scaled = f" x {factor:g} (edge hardware factor)" if factor != 1.0 else ""
    if cpu.get("mode") == "fixed":
        return f"a fixed {cpu.get('ms_per_request'):g} ms per request{scaled} (deterministic)"
    return f"the measured CPU time of each request{scaled} (not deterministic)"


def _latency_model_line(scenario: dict[str, Any]) -> str:
    from edgert.backbone import error_line

    return error_line()


def offload_cell(d: dict[str, Any]) -> Any:
    """A deployment's offload ratio; none for ``origin-only`` (no edge to offload to: its
    ``offload_ratio`` in ``results.json`` is the share the app answered without its backend)."""
    return Raw("&ndash; (no edge)") if d.get("mode") == "origin-only" else d["offload_ratio"]


def _verdict(ok: bool | None) -> Raw:
    if ok is None:
        return Raw("&ndash;")
    return Raw('<span class="ok">yes</span>' if ok else '<span class="no">no</span>')


def _object_sections(deps: dict[str, Any]) -> list[str]:
    """Durable Object call latency by caller region (per binding), for deployments with calls."""
    parts: list[str] = []
    for name, d in deps.items():
        objects = d.get("durable_objects", {})
        if not objects.get("calls"):
            continue
        parts.append(f"<h3>{html.escape(name)}: Durable Object call latency by caller region</h3>")
        parts.append(
            "<p>Network time of each call: the round trip between the caller's PoP and the "
            "object's home PoP (0 when local). Regions are the caller PoPs' regions.</p>"
        )
        rows: list[list[Any]] = []
        for binding, scope in [("all", objects), *sorted(objects["by_binding"].items())]:
            homes = ", ".join(
                f"{code} ({n})"
                for code, n in sorted(scope["home_pops"].items(), key=lambda x: (-x[1], x[0]))[:5]
            )
            lat = scope["latency_ms"]
            rows.append(
                [
                    binding,
                    "ALL",
                    scope["calls"],
                    lat["p50"],
                    lat["p95"],
                    scope["local_share"],
                    homes,
                ]
            )
            for region, v in scope["by_caller_region"].items():
                rows.append([binding, region, v["n"], v["p50"], v["p95"], None, ""])
        header = ["binding", "caller region", "calls", "p50 ms", "p95 ms", "local share"]
        parts.append(_table([*header, "home PoPs (calls)"], rows))
    return parts


def _release_sections(releases: dict[str, Any], plots: dict[str, bytes]) -> list[str]:
    """Per release: the strategies compared on the same traffic, the events of each, the
    timeline plot."""
    parts: list[str] = []
    for name, rel in releases.items():
        parts.append(f"<h2>Release {html.escape(name)}: blast radius by strategy</h2>")
        parts.append(
            f"<p>{html.escape(rel['script'])} released at {rel['at_s']:g} s on the "
            f"{html.escape(rel['deployment'])} deployment; gate: "
            f"{html.escape(str(rel['gate']))}. Each strategy is a run of its own on the same "
            "traffic. Failed requests: 5xx answers of the new version.</p>"
        )
        parts.append(
            _table(
                [
                    "strategy", "status", "failed requests", "users hurt", "PoPs exposed",
                    "detected after s", "rolled back after s", "immediate / this",
                ],
                [
                    [
                        c["strategy"], c["status"], c["error_requests"], c["error_users"],
                        c["pops_exposed"], c["time_to_detection_s"], c["time_to_rollback_s"],
                        c["immediate_over_this"],
                    ]
                    for c in rel["comparison"]
                ],
            )
        )  # fmt: skip
        for sname, m in rel["strategies"].items():
            if "events" not in m:
                continue
            parts.append(
                f"<h3>{html.escape(sname)}: {html.escape(m['strategy_text'])}</h3><p>PoPs where "
                f"users got errors: {html.escape(', '.join(m['error_pops']) or 'none')}; first "
                f"wave: {html.escape(', '.join(m['first_wave']))}.</p>"
            )
            parts.append(
                _table(
                    ["t (s from release)", "event", "PoPs", "reason"],
                    [[e["t_s"], e["kind"], ", ".join(e["pops"]), e["reason"]] for e in m["events"]],
                )
            )
        fname = next((f for f in plots if f.startswith("release_") and name in f), None)
        if fname is not None:
            png = base64.b64encode(plots[fname]).decode()
            parts.append(f"<img alt='{html.escape(fname)}' src='data:image/png;base64,{png}'>")
    return parts


def render_html(results: dict[str, Any], measured: dict[str, Any], plots: dict[str, bytes]) -> str:
    s = results["scenario"]
    deps = results["deployments"]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>edgert simulate: {html.escape(s['name'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>edgert simulate: {html.escape(s['name'])}</h1>",
        f"<p>seed {s['seed']}, {s['duration_s']:g} s of traffic, {s['sessions']:,} sessions, "
        f"{s['requests_per_deployment']:,} requests per deployment, page = "
        f"{html.escape(' → '.join(s['page']))} &times; {s['pages_per_session']}, origin in "
        f"{html.escape(s['origin_region'])}, users from {s['cities']:,} cities. Charged worker CPU: "
        f"{html.escape(cpu_charged_text(results['cpu_charged']))}.</p>",
        f"<p>{html.escape(_latency_model_line(s))}</p>",
    ]
    claims = results.get("claims")
    if claims:
        parts.append(f"<h2>The seed's claims, for users in {html.escape(claims['city'])}</h2>")
        parts.append(
            f"<p>Reproduced: {_verdict(claims['reproduced'])}</p>"
            + _table(
                ["claim", "range (ms)", "measured median (ms)", "samples", "reproduced"],
                [
                    [
                        c["claim"],
                        f"{c['range_ms'][0]:g} to "
                        + (f"{c['range_ms'][1]:g}" if c["range_ms"][1] is not None else "∞"),
                        c["measured_p50_ms"],
                        c["samples"],
                        _verdict(c["reproduced"]),
                    ]
                    for c in claims["claims"]
                ],
            )
        )
    parts.append("<h2>Latency per deployment</h2>")
    rows = []
    for name, d in deps.items():
        g, pg = d["latency_ms"]["global"], d["page_load_ms"]["global"]
        rows.append(
            [
                name,
                d["pops"],
                d["requests"],
                g["p50"],
                g["p95"],
                g["p99"],
                pg["p50"],
                pg["p95"],
                pg["p99"],
                offload_cell(d),
                d["cold_starts"],
                d["cache"]["hit_ratio"],
            ]
        )
    parts.append(
        _table(
            [
                "deployment",
                "PoPs",
                "requests",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "page p50",
                "page p95",
                "page p99",
                "offload",
                "cold starts",
                "cache hits",
            ],
            rows,
        )
    )
    parts.append("<h3>By region (client continent)</h3>")
    rows = []
    for name, d in deps.items():
        for r, v in d["latency_ms"]["by_region"].items():
            pg = d["page_load_ms"]["by_region"].get(r, {})
            rows.append(
                [
                    name,
                    r,
                    v["n"],
                    v["p50"],
                    v["p95"],
                    v["p99"],
                    pg.get("p50"),
                    pg.get("p95"),
                    pg.get("p99"),
                ]
            )
    parts.append(
        _table(
            [
                "deployment",
                "region",
                "requests",
                "p50",
                "p95",
                "p99",
                "page p50",
                "page p95",
                "page p99",
            ],
            rows,
        )
    )
    for fname in ("latency_cdf.png", "page_load.png"):
        if fname in plots:
            parts.append(
                f"<img alt='{fname}' src='data:image/png;base64,{base64.b64encode(plots[fname]).decode()}'>"
            )
    parts.append("<h2>Advice per route</h2>")
    adv = results["advice"]
    parts.append(
        _table(
            ["route", "verdict (rule)", "measured", "agree", "p50 saving (ms)", "reason"],
            [
                [
                    a["route"],
                    a["verdict"],
                    a.get("measured"),
                    _verdict(a.get("agrees")),
                    a.get("saving_p50_ms"),
                    a["reason"],
                ]
                for a in adv
            ],
        )
    )
    parts.append("<h3>Routes</h3>")
    rows = []
    for name, d in deps.items():
        rows += route_table_rows(name, d)
    parts.append(
        _table(
            [
                "deployment",
                "route",
                "requests",
                "p50",
                "p95",
                "p99",
                "edge only",
                "origin trips",
                "ok",
            ],
            rows,
        )
    )
    parts.append("<h2>PoPs</h2>")
    for fname, png in plots.items():
        if fname.startswith("map_"):
            parts.append(
                f"<img alt='{fname}' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"
            )
    for name, d in deps.items():
        top = sorted(d["by_pop"].items(), key=lambda kv: (-kv[1]["requests"], kv[0]))[:15]
        parts.append(f"<h3>{html.escape(name)}: busiest PoPs</h3>")
        parts.append(
            _table(
                ["PoP", "region", "requests", "p50 ms", "cache hit ratio"],
                [
                    [c, v["region"], v["requests"], v["p50_ms"], v.get("cache_hit_ratio")]
                    for c, v in top
                ],
            )
        )
    parts.append("<h2>KV and Durable Objects</h2>")
    parts.append(
        _table(
            [
                "deployment",
                "KV writes",
                "KV reads",
                "stale",
                "stale share",
                "stale age p50 s",
                "DO calls",
                "DO p50 ms",
            ],
            [
                [
                    n,
                    d["kv"]["writes"],
                    d["kv"]["reads"],
                    d["kv"]["stale"],
                    d["kv"]["stale_share"],
                    d["kv"]["stale_age_s"]["p50"],
                    d["durable_objects"]["calls"],
                    d["durable_objects"]["latency_ms"]["p50"],
                ]
                for n, d in deps.items()
            ],
        )
    )
    if "kv_staleness.png" in plots:
        parts.append(
            f"<img alt='staleness' src='data:image/png;base64,{base64.b64encode(plots['kv_staleness.png']).decode()}'>"
        )
    parts.extend(_object_sections(deps))
    parts.extend(_release_sections(results.get("releases", {}), plots))
    parts.append("<h2>Measured worker CPU (not part of the deterministic results)</h2>")
    rows = []
    for name, m in measured.get("deployments", {}).items():
        c = m["worker_cpu_ms"]["per_request"]
        rows.append([name, m["wall_s"], m["requests_per_s"], c["mean"], c["p50"], c["p99"]])
    parts.append(
        _table(
            [
                "deployment",
                "run wall s",
                "simulated req/s",
                "CPU mean ms",
                "CPU p50 ms",
                "CPU p99 ms",
            ],
            rows,
        )
    )
    parts.append("</body></html>")
    return "\n".join(parts)
