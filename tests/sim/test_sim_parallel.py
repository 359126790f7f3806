"""Sharding a deployment by PoP over processes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sim_helpers import small

from edgert.errors import ScenarioError
from edgert.sim.deployments import START
from edgert.sim.parallel import auto_processes, plan_groups, shardable
from edgert.sim.population import Population
from edgert.sim.reports import results_bytes
from edgert.sim.runner import DeploymentRun
from edgert.sim.scenario import Scenario, parse_scenario
from edgert.sim.simulation import simulate
from edgert.sim.traffic import Traffic, make_traffic


def drawn(**overrides: object) -> tuple[Scenario, Population, Traffic]:
    """A small scenario (``sim_helpers.small`` with ``overrides``), its population and traffic."""
    sc = parse_scenario(small(**overrides))
    pop = Population(sc.population, sc.access)
    return sc, pop, make_traffic(sc, pop, sc.latency_params(), START)


def assert_same_run(whole: DeploymentRun, run: DeploymentRun) -> None:
    """``run`` (grouped, sharded) is ``whole`` (one network, every session) column by column."""
    for field in ("session", "call", "pop", "status", "total_ms", "cold_start", "client_rtt_ms"):
        assert np.array_equal(getattr(whole, field), getattr(run, field)), field
    assert np.array_equal(whole.page_ms, run.page_ms)
    assert whole.cache == run.cache


def test_shards_partition_sessions_by_pop() -> None:
    sc, pop, tr = drawn()
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
    sc, _, tr = drawn(deployments=["edge"], duration_s=1)
    assert simulate(sc).measured["processes"] == 1
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

    sc, pop, tr = drawn(deployments=["edge"], duration_s=6)
    d = sc.deployments[0]
    whole = run_deployment(sc, d, tr, pop)
    monkeypatch.setattr(parallel, "POPS_PER_GROUP", 1)
    plan = parallel.plan_groups(sc, d, tr, pop, 1)
    assert len(plan) == 1 and len(plan[0]) == len(set(whole.pop.tolist())) > 1
    seen: list[int] = []
    grouped = parallel.run_sharded(sc, d, tr, pop, 1, progress=seen.append)
    assert sum(seen) == len(whole.total_ms)
    assert_same_run(whole, grouped)


def test_plan_balances_requests_exactly_and_deterministically() -> None:
    from edgert.sim.parallel import POPS_PER_GROUP, _session_pops, shard_requests

    sc, pop, tr = drawn(deployments=["edge"], duration_s=30)
    d = sc.deployments[0]
    codes, pop_of = _session_pops(sc, d, tr, pop)
    per_pop = np.bincount(pop_of, minlength=len(codes)) * tr.pages * len(tr.page)
    for processes in (2, 3):
        plan = plan_groups(sc, d, tr, pop, processes)
        assert [[g.tolist() for g in s] for s in plan] == [
            [g.tolist() for g in s] for s in plan_groups(sc, d, tr, pop, processes)
        ]
        every = np.concatenate([g for s in plan for g in s])
        assert np.array_equal(np.sort(every), np.arange(tr.sessions))  # each session once
        for groups in plan:
            for g in groups:
                assert np.all(np.diff(g) > 0)  # ascending, as the runner schedules them
                assert len(set(pop_of[g].tolist())) <= POPS_PER_GROUP
        # A PoP's sessions are all in one group.
        where = {}
        for k, groups in enumerate(plan):
            for n, g in enumerate(groups):
                for p in set(pop_of[g].tolist()):
                    assert where.setdefault(p, (k, n)) == (k, n)
        loads = shard_requests(plan, tr)
        assert sum(loads) == tr.requests
        # Greedy, heaviest PoP first, into the lightest shard: the shards end at most one
        # PoP's requests apart (the last PoP dealt to the heaviest shard went to the lightest).
        assert max(loads) - min(loads) <= int(per_pop.max())


def test_route_each_is_route_index_for_every_client() -> None:
    from edgert.pops import load_pops
    from edgert.routing import AnycastRouter

    router = AnycastRouter(load_pops("global"))
    rng = np.random.default_rng(7)
    cities = rng.uniform([-60.0, -180.0], [70.0, 180.0], size=(40, 2))
    rows = rng.integers(0, len(cities), size=3000)
    lat, lon = cities[rows, 0].tolist(), cities[rows, 1].tolist()
    u = rng.random(3000).tolist()
    u[:300] = (rng.random(300) * router.params.misroute_share).tolist()  # misrouted clients
    got = router.route_each(lat, lon, u)
    assert got == [router.route_index(a, b, u=c) for a, b, c in zip(lat, lon, u, strict=True)]


def test_queue_groups_pops_heaviest_first() -> None:
    from edgert.sim.parallel import POPS_PER_GROUP, _session_pops, plan_queue

    sc, pop, tr = drawn(deployments=["edge"], duration_s=30)
    d = sc.deployments[0]
    _, pop_of = _session_pops(sc, d, tr, pop)
    queue = plan_queue(sc, d, tr, pop, 2)
    assert len(queue) > 1
    assert [g.tolist() for g in queue] == [g.tolist() for g in plan_queue(sc, d, tr, pop, 2)]
    every = np.concatenate(queue)
    assert np.array_equal(np.sort(every), np.arange(tr.sessions))  # each session once
    where: dict[int, int] = {}
    for n, g in enumerate(queue):
        assert np.all(np.diff(g) > 0)  # ascending, as the runner schedules them
        pops = set(pop_of[g].tolist())
        assert 0 < len(pops) <= POPS_PER_GROUP
        assert len(pops) == 1  # three PoPs, two processes: a PoP a group
        assert all(where.setdefault(p, n) == n for p in pops)  # a PoP's sessions in one group
    # Heaviest first: the PoPs by sessions, eight at a time, so no group outweighs the one
    # before it, and every PoP of a group has at least the sessions of any PoP of the next.
    sizes = [len(g) for g in queue]
    assert sizes == sorted(sizes, reverse=True)
    per_pop = np.bincount(pop_of)
    for a, b in itertools.pairwise(queue):
        assert per_pop[np.unique(pop_of[a])].min() >= per_pop[np.unique(pop_of[b])].max()


def test_processes_take_groups_in_turn_and_give_the_same_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker process really runs groups (this process waits, after its first group,
    until the worker has taken one), and the run is the one of a single process."""
    import time

    from edgert.sim import parallel
    from edgert.sim.runner import run_deployment

    sc, pop, tr = drawn(deployments=["edge"], duration_s=6)
    d = sc.deployments[0]
    whole = run_deployment(sc, d, tr, pop)
    queue = parallel.plan_queue(sc, d, tr, pop, 2)
    assert len(queue) >= 2
    took = parallel._take

    def patient(taken, n_groups):  # type: ignore[no-untyped-def]
        for k, n in enumerate(took(taken, n_groups)):
            yield n
            if k == 0:  # bounded: fails only if the worker process never takes a group
                deadline = time.monotonic() + 120.0
                while taken.value <= n + 1 and time.monotonic() < deadline:
                    time.sleep(0.01)

    monkeypatch.setattr(parallel, "_take", patient)
    timings: dict[str, object] = {}
    seen: list[int] = []
    run = parallel.run_sharded(sc, d, tr, pop, 2, progress=seen.append, timings=timings)
    shards = timings["shards"]
    assert isinstance(shards, list) and [s["shard"] for s in shards] == [0, 1]
    assert all(s["groups"] >= 1 for s in shards)
    assert sum(s["groups"] for s in shards) == len(queue)
    assert sum(s["requests"] for s in shards) == sum(seen) == len(whole.total_ms)
    assert_same_run(whole, run)
