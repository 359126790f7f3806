"""Sharding a deployment by PoP over processes."""

from __future__ import annotations

import numpy as np
import pytest
from sim_helpers import small

from edgert.errors import ScenarioError
from edgert.sim.deployments import START
from edgert.sim.parallel import shard_sessions
from edgert.sim.population import Population
from edgert.sim.reports import results_bytes
from edgert.sim.scenario import parse_scenario
from edgert.sim.simulation import simulate
from edgert.sim.traffic import make_traffic


def test_shards_partition_sessions_by_pop() -> None:
    sc = parse_scenario(small())
    pop = Population(sc.population, sc.access)
    tr = make_traffic(sc, pop, sc.latency_params(), START)
    shards = shard_sessions(sc, sc.deployments[1], tr, pop, 2)
    together = np.sort(np.concatenate(shards))
    assert np.array_equal(together, np.arange(tr.sessions))
    assert all(len(s) for s in shards)


def test_two_processes_same_requests_deterministic_and_close_to_serial() -> None:
    sc = parse_scenario(small(deployments=["edge"]))
    serial = simulate(sc).results["deployments"]["edge"]
    a = simulate(sc, processes=2)
    b = simulate(sc, processes=2)
    assert results_bytes(a.results) == results_bytes(b.results)
    sharded = a.results["deployments"]["edge"]
    assert a.results["scenario"]["processes"] == 2
    assert sharded["requests"] == serial["requests"]
    assert sharded["status"] == serial["status"]
    assert {k: v["requests"] for k, v in sharded["by_pop"].items()} == {
        k: v["requests"] for k, v in serial["by_pop"].items()
    }
    # Same users, same PoPs; only the jitter draws differ.
    assert sharded["latency_ms"]["global"]["p50"] == pytest.approx(
        serial["latency_ms"]["global"]["p50"], rel=0.2
    )


def test_kv_scenarios_are_not_sharded() -> None:
    sc = parse_scenario(small(kv={"ns": {"k": "v"}}))
    with pytest.raises(ScenarioError, match="processes"):
        simulate(sc, processes=2)
