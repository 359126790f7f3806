"""Metrics from recorded columns: KV staleness, Durable Object latency by caller region, cache
hit ratios per PoP (synthetic runs: the numbers are known in advance)."""

from __future__ import annotations

import numpy as np

from edgert.sim.metrics import STALENESS_BINS_S, deployment_metrics, percentiles
from edgert.sim.runner import DeploymentRun


def _run(**over: object) -> DeploymentRun:
    n = 4
    base: dict[str, object] = {
        "name": "edge",
        "pops": ["NRT", "FRA"],
        "session": np.array([0, 0, 1, 1]),
        "call": np.array([0, 1, 0, 1]),
        "pop": np.array([0, 0, 1, 1]),
        "status": np.array([200, 200, 401, 200]),
        "total_ms": np.array([10.0, 20.0, 30.0, 300.0]),
        "edge_only": np.array([True, False, True, False]),
        "cold_start": np.array([True, False, True, False]),
        "new_connection": np.array([True, False, True, False]),
        "origin_requests": np.array([0, 1, 0, 2]),
        "charged_cpu_ms": np.full(n, 0.5),
        "measured_cpu_ms": np.full(n, 0.3),
        "client_rtt_ms": np.full(n, 20.0),
        "origin_rtt_ms": np.full(n, 150.0),
        "page_session": np.array([0, 1]),
        "page_ms": np.array([30.0, 330.0]),
        "kv_stale": np.array([False, True, True, False, True]),
        "kv_age_s": np.array([0.0, 0.5, 7.0, 0.0, 400.0]),
        "do_pop": np.array([0, 1, 1]),
        "do_home": np.array([0, 0, 0]),
        "do_ms": np.array([0.0, 150.0, 170.0]),
        "do_binding": np.array([0, 0, 1]),
        "do_bindings": ["LIMITER", "COUNTER"],
        "cache": {"NRT": {"lookups": 10, "hits": 7, "misses": 3}, "FRA": {"lookups": 0, "hits": 0}},
    }
    base.update(over)
    return DeploymentRun(**base)  # type: ignore[arg-type]


def test_kv_staleness_do_latency_and_cache() -> None:
    m = deployment_metrics(_run(), np.array(["AS", "EU"], dtype=object), ("/a", "/b"))
    kv = m["kv"]
    assert (kv["reads"], kv["stale"], kv["stale_share"]) == (5, 3, 0.6)
    assert kv["stale_age_histogram"]["counts"] == [1, 0, 1, 0, 0, 0, 0, 1]
    assert len(kv["stale_age_histogram"]["edges_s"]) == len(STALENESS_BINS_S)
    assert kv["stale_age_s"]["p50"] == 7.0
    do = m["durable_objects"]
    assert do["calls"] == 3
    assert set(do["by_caller_region"]) == {"NEAS", "WEU"}
    assert do["by_caller_region"]["WEU"]["p50"] == 160.0
    assert do["by_caller_region"]["NEAS"]["p50"] == 0.0
    assert do["local_share"] == 0.333
    assert do["home_pops"] == {"NRT": 3}
    assert list(do["by_binding"]) == ["COUNTER", "LIMITER"]
    limiter = do["by_binding"]["LIMITER"]
    assert (limiter["calls"], limiter["local_share"]) == (2, 0.5)
    assert limiter["by_caller_region"]["WEU"]["p50"] == 150.0
    assert do["by_binding"]["COUNTER"]["by_caller_region"] == {
        "WEU": {"n": 1, "mean": 170.0, "p50": 170.0, "p95": 170.0, "p99": 170.0}
    }
    assert m["by_pop"]["NRT"]["cache_hit_ratio"] == 0.7
    assert m["by_pop"]["FRA"]["cache_hit_ratio"] is None
    assert m["cache"]["hit_ratio"] == 0.7
    assert m["offload_ratio"] == 0.5
    assert m["status"] == {"200": 3, "401": 1}
    assert m["by_route"]["/b"]["origin_requests_mean"] == 1.5
    assert m["latency_ms"]["by_region"]["EU"]["n"] == 2
    assert m["page_load_ms"]["by_region"]["AS"]["p50"] == 30.0


def test_percentiles_empty_and_interpolated() -> None:
    assert percentiles(np.array([]))["p50"] is None
    p = percentiles(np.array([1.0, 2.0, 3.0, 4.0]))
    assert (p["p50"], p["mean"], p["n"]) == (2.5, 2.5, 4)
