"""Sharding a deployment by PoP over processes."""

from __future__ import annotations

import numpy as np
import pytest
from sim_helpers import small

from edgert.errors import ScenarioError
from edgert.sim.deployments import START
from edgert.sim.parallel import auto_processes, plan_groups, shardable
from edgert.sim.population import Population
from edgert.sim.reports import results_bytes
from edgert.sim.scenario import parse_scenario
from edgert.sim.simulation import simulate
from edgert.sim.traffic import make_traffic


def test_shards_partition_sessions_by_pop() -> None:
    sc = parse_scenario(small())
    pop = Population(sc.population, sc.access)
    tr = make_traffic(sc, pop, sc.latency_params(), START)
    shards = [np.concatenate(groups) for groups in plan_groups(sc, sc.deployments[1], tr, pop, 2)]
    together = np.sort(np.concatenate(shards))
    assert np.array_equal(together, np.arange(tr.sessions))
    assert all(len(s) for s in shards)


def test_two_processes_give_the_same_bytes_as_one() -> None:
    sc = parse_scenario(small(deployments=["origin-only", "edge"], duration_s=6))
    serial = simulate(sc, processes=1)
    sharded = simulate(sc, processes=2)
    assert serial.measured["processes"] == 1
    assert sharded.measured["processes"] == 2
    assert results_bytes(serial.results) == results_bytes(sharded.results)
    edge = sharded.runs["edge"]
    # Really sharded: more than one PoP saw traffic, and every request is there once.
    assert len(set(edge.pop.tolist())) > 1
    pairs = set(zip(edge.session.tolist(), edge.call.tolist(), strict=True))
    assert len(pairs) == len(edge.session) == sharded.traffic.requests
    for field in ("total_ms", "status", "pop", "cold_start", "client_rtt_ms"):
        assert np.array_equal(getattr(serial.runs["edge"], field), getattr(edge, field)), field


def test_default_processes_is_one_for_small_or_stateful_runs() -> None:
    sc = parse_scenario(small(deployments=["edge"], duration_s=1))
    assert simulate(sc).measured["processes"] == 1
    pop = Population(sc.population, sc.access)
    tr = make_traffic(sc, pop, sc.latency_params(), START)
    assert auto_processes(sc, tr) == 1  # too small to gain
    kv = parse_scenario(small(kv={"ns": {"k": "v"}}, worker={"kv": {"NS": "ns"}}))
    assert not shardable(kv)
    do = parse_scenario(small(worker={"durable_objects": {"COUNTER": "Counter"}}))
    assert not shardable(do)
    assert shardable(sc)


def test_kv_scenarios_are_not_sharded() -> None:
    from edgert.sim.parallel import check_shardable
    from edgert.sim.simulation import ShardingFallback

    sc = parse_scenario(small(kv={"ns": {"k": "v"}}, duration_s=2))
    with pytest.warns(ShardingFallback, match="KV"):
        run = simulate(sc, processes=2)
    assert run.measured["processes"] == 1 and "one process" in run.measured["fallback"]
    with pytest.raises(ScenarioError, match="processes: its PoPs share state through KV"):
        check_shardable(sc)


def test_pop_groups_in_one_process_give_the_same_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from edgert.sim import parallel
    from edgert.sim.runner import run_deployment

    sc = parse_scenario(small(deployments=["edge"], duration_s=6))
    pop = Population(sc.population, sc.access)
    tr = make_traffic(sc, pop, sc.latency_params(), START)
    d = sc.deployments[0]
    whole = run_deployment(sc, d, tr, pop)
    monkeypatch.setattr(parallel, "POPS_PER_GROUP", 1)
    plan = parallel.plan_groups(sc, d, tr, pop, 1)
    assert len(plan) == 1 and len(plan[0]) == len(set(whole.pop.tolist())) > 1
    seen: list[int] = []
    grouped = parallel.run_sharded(sc, d, tr, pop, 1, progress=seen.append)
    assert sum(seen) == len(whole.total_ms)
    for field in ("session", "call", "pop", "status", "total_ms", "cold_start", "client_rtt_ms"):
        assert np.array_equal(getattr(whole, field), getattr(grouped, field)), field
    assert np.array_equal(whole.page_ms, grouped.page_ms)
    assert whole.cache == grouped.cache
