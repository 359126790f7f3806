"""A simulation end to end: determinism, results consistent with the traces, and behaviour the
latency model implies (the edge beats the far origin for requests it answers alone)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sim_helpers import small

from edgert.latency import LatencyParams
from edgert.sim.deployments import START
from edgert.sim.metrics import deployment_metrics
from edgert.sim.population import Population
from edgert.sim.reports import results_bytes
from edgert.sim.runner import run_deployment
from edgert.sim.scenario import parse_scenario
from edgert.sim.simulation import simulate
from edgert.sim.traffic import make_traffic


def test_same_seed_same_bytes_and_other_seed_differs() -> None:
    sc = parse_scenario(small())
    a = results_bytes(simulate(sc).results)
    b = results_bytes(simulate(sc).results)
    assert a == b
    c = results_bytes(simulate(sc.with_seed(6)).results)
    assert c != a


def test_measured_cpu_mode_is_flagged_not_deterministic() -> None:
    sc = parse_scenario(
        small(worker={"cpu": {"mode": "measured", "factor": 2.0}}, deployments=["edge"])
    )
    result = simulate(sc)
    assert result.results["cpu_charged"]["deterministic"] is False
    run = result.runs["edge"]
    # Charged CPU is the measured CPU times the edge-hardware factor.
    assert np.allclose(run.charged_cpu_ms, run.measured_cpu_ms * 2.0)


def test_results_agree_with_the_traces() -> None:
    sc = parse_scenario(small())
    pop = Population(sc.population, sc.access)
    tr = make_traffic(sc, pop, LatencyParams(), START)
    run = run_deployment(sc, sc.deployments[1], tr, pop, keep_traces=True)
    traces = run.traces
    assert len(traces) == tr.requests == len(run.total_ms)
    regions = np.array(["X"] * tr.sessions, dtype=object)
    m = deployment_metrics(run, regions, tr.page)
    edge_only = [t.edge_only for t in traces]
    assert m["offload_ratio"] == pytest.approx(sum(edge_only) / len(traces), abs=5e-4)
    totals = np.array([t.total_ms for t in traces])
    assert m["latency_ms"]["global"]["p50"] == pytest.approx(np.percentile(totals, 50), abs=1e-3)
    assert m["latency_ms"]["global"]["p99"] == pytest.approx(np.percentile(totals, 99), abs=1e-3)
    assert m["cold_starts"] == sum(t.cold_start for t in traces)
    statuses = [t.status for t in traces]
    assert m["status"] == {str(s): statuses.count(s) for s in sorted(set(statuses))}
    assert m["pages"] == tr.sessions * tr.pages
    assert sum(p["requests"] for p in m["by_pop"].values()) == len(traces)
    # /api/me goes to the origin once (valid token) or not at all (401); the others never do.
    api = [t for t in traces if t.url.endswith("/api/me")]
    assert {t.origin_requests for t in api if t.status == 200} == {1}
    assert all(t.origin_requests == 0 for t in traces if not t.url.endswith("/api/me"))
    # invalid tokens (10%) get 401 at the edge
    share_401 = statuses.count(401) / len(statuses)
    assert 0.03 < share_401 < 0.2
    # a page's calls are sequential: each starts after the previous one's last byte
    by_session: dict[int, list[float]] = {}
    for s, t in zip(run.session, traces, strict=True):
        by_session.setdefault(int(s), []).append(t)
    for ts in by_session.values():
        for prev, nxt in itertools.pairwise(ts):
            assert nxt.started_at >= prev.finished_at - 1e-9


def test_edge_beats_the_far_origin_for_edge_answered_routes() -> None:
    result = simulate(parse_scenario(small()))
    deps = result.results["deployments"]
    for route in ("/auth", "/geo"):
        assert (
            deps["edge"]["by_route"][route]["p50"] < deps["origin-only"]["by_route"][route]["p50"]
        )
    assert (
        deps["edge"]["page_load_ms"]["global"]["p50"]
        < deps["origin-only"]["page_load_ms"]["global"]["p50"]
    )
    asia = deps["edge"]["latency_ms"]["by_region"]["AS"]["p50"]
    assert asia < deps["origin-only"]["latency_ms"]["by_region"]["AS"]["p50"]
    # The origin-only deployment runs at one PoP, in the origin's metro.
    assert list(deps["origin-only"]["by_pop"]) == ["IAD"]


def test_claims_are_checked_for_the_city() -> None:
    sc = parse_scenario(small(claims={"city": "Tokyo"}))
    claims = simulate(sc).results["claims"]
    assert claims["city"] == "Tokyo"
    assert len(claims["claims"]) == 4
    rtt = claims["claims"][0]
    assert rtt["reproduced"] and rtt["measured_p50_ms"] >= 150
    edge = claims["claims"][3]
    assert edge["samples"] > 0 and edge["measured_p50_ms"] < 60


def test_edge_cache_answers_cacheable_requests_at_the_edge() -> None:
    sc = parse_scenario(
        small(
            deployments=["edge", "edge+cache"],
            origin={"paths": {"/api/catalog": {"cache_control": "public, max-age=600"}}},
            traffic={"page": ["/auth", "/api/catalog"], "invalid_tokens": 0.0},
        )
    )
    result = simulate(sc)
    deps = result.results["deployments"]
    assert deps["edge"]["cache"]["available"] is False
    cached = deps["edge+cache"]
    assert cached["cache"]["available"] is True and cached["cache"]["hit_ratio"] > 0.5
    assert cached["by_route"]["/api/catalog"]["edge_only_share"] > 0.5
    assert deps["edge"]["by_route"]["/api/catalog"]["edge_only_share"] == 0.0
    assert cached["offload_ratio"] > deps["edge"]["offload_ratio"]
    hits = sum(p["cache"]["hits"] for p in cached["by_pop"].values())
    run = result.runs["edge+cache"]
    # Every request of the cacheable route that made no origin request was a cache hit.
    catalog = (run.call % 2) == 1
    assert hits == int((catalog & run.edge_only).sum())
