"""Running one deployment over several processes, sharded by PoP.

When PoPs share no state (no KV, no Durable Objects: each PoP's isolates, HTTP cache and client
connections are its own, and the simulated origin is stateless), the sessions that anycast
delivers to disjoint sets of PoPs never interact. :func:`run_sharded` routes every session to its
PoP (the network's own anycast rule and the user's own draw), deals the PoPs out to ``processes``
shards by load (greedy, heaviest first, ties by code: deterministic), runs each shard in its own
process on the same traffic, and concatenates the columns.

One thing differs from a single-process run: the network draws its jitter from one random stream
in event order, and each shard sees its own subsequence of events. Results are therefore
deterministic *for a given number of processes* (``results.json`` records it), and statistically,
not byte-wise, equal to the serial run.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from edgert.errors import ScenarioError
from edgert.pops import load_pops
from edgert.routing import AnycastRouter
from edgert.sim.deployments import START
from edgert.sim.population import Population
from edgert.sim.runner import DeploymentRun, run_deployment
from edgert.sim.scenario import DeploymentSpec, Scenario
from edgert.sim.traffic import Traffic, make_traffic

__all__ = ["check_shardable", "run_sharded", "shard_sessions"]


def check_shardable(scenario: Scenario) -> None:
    """Raises when PoPs would share state (KV, Durable Objects) across shards."""
    if scenario.kv or scenario.worker.kv or scenario.traffic.kv_writes_per_s:
        raise ScenarioError("processes: PoPs share KV state; run KV scenarios in one process")


def shard_sessions(
    scenario: Scenario,
    deployment: DeploymentSpec,
    traffic: Traffic,
    population: Population,
    processes: int,
) -> list[npt.NDArray[np.int64]]:
    """Session indices per shard (sessions of one PoP always share a shard)."""
    spec: Any = (
        [scenario.origin.region]
        if deployment.mode == "origin-only"
        else (deployment.pops if deployment.pops is not None else scenario.pops)
    )
    pops = load_pops(list(spec) if isinstance(spec, tuple) else spec)
    router = AnycastRouter(pops)
    users = traffic.users
    wc = population.world
    rows = population.index[users.city]
    lat, lon = wc.latitudes[rows], wc.longitudes[rows]
    pop_of = np.array(
        [
            router.route_index(float(lat[i]), float(lon[i]), u=float(users.anycast_u[i]))
            for i in range(traffic.sessions)
        ],
        dtype=np.int64,
    )
    load = np.bincount(pop_of, minlength=len(pops))
    order = sorted(range(len(pops)), key=lambda j: (-int(load[j]), pops[j].code))
    totals = [0] * processes
    shard_of_pop = np.zeros(len(pops), dtype=np.int64)
    for j in order:
        k = min(range(processes), key=lambda s: (totals[s], s))
        shard_of_pop[j] = k
        totals[k] += int(load[j])
    shard = shard_of_pop[pop_of]
    return [np.nonzero(shard == k)[0].astype(np.int64) for k in range(processes)]


def _run_shard(scenario: Scenario, deployment: DeploymentSpec, sessions: Any) -> DeploymentRun:
    population = Population(scenario.population, scenario.access)
    traffic = make_traffic(scenario, population, scenario.latency_params(), START)
    return run_deployment(scenario, deployment, traffic, population, sessions=sessions)


def _merge(name: str, runs: list[DeploymentRun]) -> DeploymentRun:
    def cat(field: str) -> Any:
        return np.concatenate([getattr(r, field) for r in runs])

    cache: dict[str, dict[str, int]] = {}
    for r in runs:
        for code, metrics in r.cache.items():
            if code not in cache or metrics.get("lookups", 0) > cache[code].get("lookups", 0):
                cache[code] = metrics
    order = np.lexsort((cat("call"), cat("session")))
    page_order = np.argsort(cat("page_session"), kind="stable")
    merged: dict[str, Any] = {}
    for field in (
        "session", "call", "pop", "status", "total_ms", "edge_only", "cold_start",
        "new_connection", "origin_requests", "charged_cpu_ms", "measured_cpu_ms",
        "client_rtt_ms", "origin_rtt_ms",
    ):  # fmt: skip
        merged[field] = cat(field)[order]
    return DeploymentRun(
        name=name,
        pops=runs[0].pops,
        page_session=cat("page_session")[page_order],
        page_ms=cat("page_ms")[page_order],
        kv_stale=cat("kv_stale"),
        kv_age_s=cat("kv_age_s"),
        do_pop=cat("do_pop"),
        do_ms=cat("do_ms"),
        cache=dict(sorted(cache.items())),
        kv_writes=sum(r.kv_writes for r in runs),
        **merged,
    )


def run_sharded(
    scenario: Scenario,
    deployment: DeploymentSpec,
    traffic: Traffic,
    population: Population,
    processes: int,
) -> DeploymentRun:
    """The deployment's run, its PoPs dealt out to ``processes`` worker processes."""
    check_shardable(scenario)
    shards = shard_sessions(scenario, deployment, traffic, population, processes)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        futures = [pool.submit(_run_shard, scenario, deployment, s) for s in shards if len(s)]
        runs = [f.result() for f in futures]
    return _merge(deployment.name, runs)
