"""The numbers of a simulation: latency percentiles per deployment, region and route, page
loads, offload, cold starts, charged CPU, cache hits per PoP, KV staleness, Durable Object call
latency by caller region.

Everything here is a pure function of the recorded columns, which are themselves a pure function
of the scenario and its seed (charged CPU is fixed unless the scenario asks for measured CPU), so
the JSON built from it is byte-identical between runs. Measured CPU time is summarised apart, by
:func:`measured_cpu`, for a file of its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from edgert.pops import pop as pop_by_code
from edgert.sim.runner import DeploymentRun

__all__ = [
    "QUANTILES",
    "STALENESS_BINS_S",
    "deployment_metrics",
    "durable_object_metrics",
    "measured_cpu",
    "percentiles",
]

QUANTILES = (50, 95, 99)
#: Edges of the KV staleness histogram (age of the missed write, seconds).
STALENESS_BINS_S = (0.0, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, float("inf"))
#: Edges of the latency histogram kept for CDF plots (ms, log-spaced).
CDF_EDGES_MS = tuple(round(float(x), 3) for x in np.geomspace(1.0, 20000.0, 121))


def r3(x: float) -> float:
    """Rounded to the microsecond (ms with 3 decimals): stable text in JSON."""
    return round(float(x), 3)


def percentiles(values: npt.NDArray[np.float64]) -> dict[str, Any]:
    """``n``, ``mean`` and p50/p95/p99 (linear interpolation); ``None`` values when empty."""
    if len(values) == 0:
        return {"n": 0, "mean": None, **{f"p{q}": None for q in QUANTILES}}
    qs = np.percentile(values, QUANTILES)
    out: dict[str, Any] = {"n": len(values), "mean": r3(values.mean())}
    out.update({f"p{q}": r3(v) for q, v in zip(QUANTILES, qs, strict=True)})
    return out


def _grouped(values: npt.NDArray[np.float64], keys: npt.NDArray[Any]) -> dict[str, Any]:
    return {str(k): percentiles(values[keys == k]) for k in sorted(set(keys.tolist()))}


def cdf_counts(values: npt.NDArray[np.float64]) -> list[int]:
    """Counts per :data:`CDF_EDGES_MS` bin (for CDF plots without keeping every sample)."""
    counts, _ = np.histogram(np.clip(values, 1.0, 20000.0), bins=np.array(CDF_EDGES_MS))
    return [int(c) for c in counts]


def deployment_metrics(
    run: DeploymentRun,
    session_region: npt.NDArray[Any],
    page: tuple[str, ...],
) -> dict[str, Any]:
    """The deterministic metrics of one deployment's run."""
    region = session_region[run.session] if len(run.session) else np.array([], dtype=str)
    route = np.array(page, dtype=object)[run.call % len(page)] if len(run.call) else np.array([])
    page_region = session_region[run.page_session] if len(run.page_session) else np.array([])
    n = len(run.total_ms)
    status_counts = np.bincount(run.status, minlength=600) if n else np.zeros(600, dtype=int)
    by_route: dict[str, Any] = {}
    for r in page:
        m = route == r
        sel = run.total_ms[m]
        by_route[r] = {
            **percentiles(sel),
            "edge_only_share": r3(run.edge_only[m].mean()) if m.any() else None,
            "origin_requests_mean": r3(run.origin_requests[m].mean()) if m.any() else None,
            "origin_requests_max": int(run.origin_requests[m].max()) if m.any() else None,
            "ok_share": r3((run.status[m] < 400).mean()) if m.any() else None,
            "new_connection_share": r3(run.new_connection[m].mean()) if m.any() else None,
        }
    pops: dict[str, Any] = {}
    for i, code in enumerate(run.pops):
        m = run.pop == i
        if not m.any():
            continue
        p = pop_by_code(code)
        entry: dict[str, Any] = {
            "requests": int(m.sum()),
            "p50_ms": r3(np.median(run.total_ms[m])),
            "latitude": r3(p.latitude),
            "longitude": r3(p.longitude),
            "region": p.region,
        }
        cache = run.cache.get(code)
        if cache is not None:
            entry["cache"] = cache
            hits = cache.get("hits", 0)
            lookups = cache.get("lookups", hits + cache.get("misses", 0))
            entry["cache_hit_ratio"] = r3(hits / lookups) if lookups else None
        pops[code] = entry
    hits = sum(c.get("hits", 0) for c in run.cache.values())
    lookups = sum(
        c.get("lookups", c.get("hits", 0) + c.get("misses", 0)) for c in run.cache.values()
    )
    kv_reads = len(run.kv_stale)
    ages = run.kv_age_s[run.kv_stale]
    hist, _ = np.histogram(ages, bins=np.array(STALENESS_BINS_S))
    return {
        "pops": len(run.pops),
        "requests": n,
        "pages": len(run.page_ms),
        "latency_ms": {
            "global": percentiles(run.total_ms),
            "by_region": _grouped(run.total_ms, region),
        },
        "page_load_ms": {
            "global": percentiles(run.page_ms),
            "by_region": _grouped(run.page_ms, page_region),
        },
        "latency_cdf": {
            "edges_ms": list(CDF_EDGES_MS),
            "global": cdf_counts(run.total_ms),
            "by_region": {
                str(k): cdf_counts(run.total_ms[region == k]) for k in sorted(set(region.tolist()))
            },
        },
        "by_route": by_route,
        "offload_ratio": r3(run.edge_only.mean()) if n else None,
        "status": {str(s): int(c) for s, c in enumerate(status_counts) if c},
        "cold_starts": int(run.cold_start.sum()),
        "new_connections": int(run.new_connection.sum()),
        "worker_cpu_charged_ms": {
            "total": r3(run.charged_cpu_ms.sum()),
            "mean": r3(run.charged_cpu_ms.mean()) if n else None,
        },
        "cache": {
            "available": bool(run.cache),
            "hit_ratio": r3(hits / lookups) if lookups else None,
            "lookups": lookups,
        },
        "kv": {
            "writes": run.kv_writes,
            "reads": kv_reads,
            "stale": int(run.kv_stale.sum()),
            "stale_share": r3(run.kv_stale.mean()) if kv_reads else None,
            "stale_age_s": percentiles(ages),
            "stale_age_histogram": {
                "edges_s": [e if e != float("inf") else None for e in STALENESS_BINS_S],
                "counts": [int(c) for c in hist],
            },
        },
        "durable_objects": durable_object_metrics(run),
        "by_pop": pops,
    }


def _pop_regions(run: DeploymentRun, index: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
    regions = [pop_by_code(code).region for code in run.pops]
    return np.array([regions[i] if i >= 0 else "?" for i in index.tolist()], dtype=object)


def _object_calls(
    run: DeploymentRun, m: npt.NDArray[np.bool_], caller_region: npt.NDArray[Any]
) -> dict[str, Any]:
    ms = run.do_ms[m]
    local = run.do_pop[m] == run.do_home[m]
    homes = np.bincount(run.do_home[m][run.do_home[m] >= 0], minlength=len(run.pops))
    return {
        "calls": int(m.sum()),
        "latency_ms": percentiles(ms),
        "local_share": r3(local.mean()) if len(ms) else None,
        "by_caller_region": _grouped(ms, caller_region[m]),
        "home_pops": {run.pops[i]: int(c) for i, c in enumerate(homes) if c},
    }


def durable_object_metrics(run: DeploymentRun) -> dict[str, Any]:
    """Durable Object calls: the network latency each call paid (the round trip between the
    caller's PoP and the object's home PoP; 0 when they are the same PoP) by the caller PoP's
    region, globally and per binding; the share of local calls; the calls per home PoP."""
    caller_region = _pop_regions(run, run.do_pop)
    every = np.ones(len(run.do_ms), dtype=bool)
    out = _object_calls(run, every, caller_region)
    out["by_binding"] = {
        name: _object_calls(run, run.do_binding == i, caller_region)
        for i, name in sorted(enumerate(run.do_bindings), key=lambda x: x[1])
    }
    return out


def measured_cpu(run: DeploymentRun, page: tuple[str, ...]) -> dict[str, Any]:
    """Measured worker CPU time (varies between runs: kept out of the deterministic results)."""
    route = np.array(page, dtype=object)[run.call % len(page)] if len(run.call) else np.array([])
    cpu = run.measured_cpu_ms
    return {
        "total_ms": r3(cpu.sum()),
        "per_request": percentiles(cpu),
        "by_route": {r: percentiles(cpu[route == r]) for r in page},
    }
