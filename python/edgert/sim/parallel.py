"""Running one deployment over several processes, sharded by PoP.

When PoPs share no state (no KV, no Durable Objects: each PoP's isolates, HTTP cache and client
connections are its own, and the simulated origin is stateless), the sessions that anycast
delivers to disjoint sets of PoPs never interact. :func:`run_sharded` routes every session to its
PoP (the network's own anycast rule and the user's own draw), deals the PoPs out to ``processes``
shards by load (greedy, heaviest first, ties by code: deterministic), runs each shard in its own
process on the same traffic, and concatenates the columns.

Exactness: the result is the same, to the bit, as one process's. Each session draws its network
jitter from its own random stream (:func:`edgert.sim.runner.session_rng`), so no draw depends on
how other users' events interleave; each PoP sees its own events in the same order in a shard as
in the whole run (events are ordered by virtual time, ties by scheduling order, and a shard's
events are scheduled in the same relative order); and the recorder sorts its columns by
(session, call) before anything is summed. ``tests/sim/test_sim_parallel.py`` checks the bytes.

The same independence lets one process run its PoPs a group at a time (:func:`run_grouped`,
``POPS_PER_GROUP`` PoPs a group, exact for the same reasons): a request then runs in one of a few
recently used isolates instead of one of hundreds, whose heaps would all compete for the CPU's
caches. At 327 PoPs that costs about a third less CPU per request (docs/benchmarks.md).

Scenarios whose PoPs share state (KV replicas fed by one central store, Durable Objects that
live at one PoP and are called from all) run in one process: :func:`auto_processes` picks one,
and :func:`edgert.sim.simulation.simulate` falls back to one process with a warning when more
processes or a cluster are asked for (:func:`unshardable_reason` says why). Sharding them
exactly would need conservative synchronisation between shards (a shard may run ahead only up to
the next instant at which another shard could affect it, i.e. the smallest PoP-to-store
latency); at the scale of these scenarios the windows are a few ms of virtual time, each a round
of inter-process messages, which costs more than it saves on two cores.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from edgert.errors import ScenarioError
from edgert.pops import load_pops
from edgert.routing import AnycastRouter
from edgert.sim.deployments import START
from edgert.sim.population import Population
from edgert.sim.runner import DeploymentRun, Progress, run_deployment
from edgert.sim.scenario import DeploymentSpec, Scenario
from edgert.sim.traffic import Traffic, make_traffic

__all__ = [
    "auto_processes",
    "check_shardable",
    "plan_groups",
    "run_grouped",
    "run_shard",
    "run_sharded",
    "shardable",
    "unshardable_reason",
]


#: Below this many requests per deployment, more processes cost more (start-up: each process
#: loads the cities and draws the traffic again) than they save.
MIN_REQUESTS_TO_SHARD = 50_000


def shardable(scenario: Scenario) -> bool:
    """Whether the PoPs of the scenario share no state (no KV, no Durable Objects)."""
    return not (
        scenario.kv
        or scenario.worker.kv
        or scenario.traffic.kv_writes_per_s
        or scenario.worker.durable_objects
        # A wrangler config may bind KV or Durable Objects: conservatively, one process.
        or scenario.worker.config is not None
    )


def unshardable_reason(scenario: Scenario) -> str:
    """Why the scenario cannot be sharded by PoP, in one sentence (for the fallback message)."""
    what = []
    if scenario.kv or scenario.worker.kv or scenario.traffic.kv_writes_per_s:
        what.append("KV (one central store feeds every PoP's replica)")
    if scenario.worker.durable_objects:
        what.append("Durable Objects (each lives at one PoP and is called from all)")
    if scenario.worker.config is not None:
        what.append("a wrangler config (it may bind KV or Durable Objects)")
    return (
        f"its PoPs share state through {' and '.join(what)}, so sharding them by PoP would "
        "change the results; it runs in one process on this machine"
    )


def check_shardable(scenario: Scenario) -> None:
    """Raises when PoPs would share state (KV, Durable Objects) across shards."""
    if not shardable(scenario):
        raise ScenarioError(f"processes: {unshardable_reason(scenario)}")


def auto_processes(scenario: Scenario, traffic: Traffic) -> int:
    """The default number of processes: the machine's cores (at most 8) when sharding gives the
    same result (:func:`shardable`) and the run is large enough to gain, else 1."""
    cores = os.cpu_count() or 1
    if cores < 2 or not shardable(scenario) or traffic.requests < MIN_REQUESTS_TO_SHARD:
        return 1
    return min(cores, 8)


#: PoPs per group in :func:`run_grouped`: few enough that their isolates stay in the caches.
POPS_PER_GROUP = 8


def _session_pops(
    scenario: Scenario, deployment: DeploymentSpec, traffic: Traffic, population: Population
) -> tuple[list[str], npt.NDArray[np.int64]]:
    """The deployment's PoP codes and each session's PoP (the network's own anycast rule)."""
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
    return [p.code for p in pops], pop_of


def _deal(loads: list[int], keys: list[str], bins: int) -> list[int]:
    """Bin of each item: greedy, heaviest first (ties by key), into the lightest bin
    (ties by index): deterministic."""
    order = sorted(range(len(loads)), key=lambda j: (-loads[j], keys[j]))
    totals = [0] * bins
    out = [0] * len(loads)
    for j in order:
        k = min(range(bins), key=lambda b: (totals[b], b))
        out[j] = k
        totals[k] += loads[j]
    return out


def plan_groups(
    scenario: Scenario,
    deployment: DeploymentSpec,
    traffic: Traffic,
    population: Population,
    processes: int,
) -> list[list[npt.NDArray[np.int64]]]:
    """Session indices per process, in groups of at most ``POPS_PER_GROUP`` PoPs (sessions of
    one PoP always share a group); every session is in exactly one group."""
    codes, pop_of = _session_pops(scenario, deployment, traffic, population)
    load = np.bincount(pop_of, minlength=len(codes)).tolist()
    used = [j for j in range(len(codes)) if load[j]]
    n_groups = max(processes, -(-len(used) // POPS_PER_GROUP))
    group_of_used = _deal([load[j] for j in used], [codes[j] for j in used], n_groups)
    group_of_pop = np.zeros(len(codes), dtype=np.int64)
    for j, g in zip(used, group_of_used, strict=True):
        group_of_pop[j] = g
    group = group_of_pop[pop_of]
    groups = [np.nonzero(group == g)[0].astype(np.int64) for g in range(n_groups)]
    group_load = [len(s) for s in groups]
    process_of = _deal(group_load, [f"{g:06d}" for g in range(n_groups)], processes)
    return [
        [groups[g] for g in range(n_groups) if process_of[g] == k and len(groups[g])]
        for k in range(processes)
    ]


def run_grouped(
    scenario: Scenario,
    deployment: DeploymentSpec,
    traffic: Traffic,
    population: Population,
    groups: list[npt.NDArray[np.int64]],
    progress: Progress | None = None,
) -> list[DeploymentRun]:
    """Runs each group of sessions (PoP-disjoint) on its own network, one after the other."""
    return [
        run_deployment(scenario, deployment, traffic, population, progress, sessions=g)
        for g in groups
        if len(g)
    ]


def run_shard(
    scenario: Scenario, deployment: DeploymentSpec, groups: list[npt.NDArray[np.int64]]
) -> list[DeploymentRun]:
    """One shard, in a process of its own (local or a cluster's): the traffic drawn again from
    the scenario's seed, then its groups of sessions."""
    population = Population(scenario.population, scenario.access)
    traffic = make_traffic(scenario, population, scenario.latency_params(), START)
    return run_grouped(scenario, deployment, traffic, population, groups)


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
        do_home=cat("do_home"),
        do_binding=cat("do_binding"),
        do_bindings=runs[0].do_bindings,  # sharded runs have no Durable Objects
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
    progress: Progress | None = None,
    cluster: Any = None,
) -> DeploymentRun:
    """The deployment's run, its PoPs dealt out to ``processes`` worker processes (with one,
    in this process), each running its PoPs a group at a time. ``progress`` is called as
    groups finish in this process, and once per shard from worker processes. With ``cluster``
    (a ``distributed.Client``) the shards are tasks on that Dask cluster
    (:mod:`edgert.sim.cluster`): the same bytes."""
    check_shardable(scenario)
    plan = plan_groups(scenario, deployment, traffic, population, processes)
    if cluster is not None:
        from edgert.sim.cluster import run_shards_on_cluster

        return _merge(
            deployment.name,
            run_shards_on_cluster(cluster, scenario, deployment.name, plan, progress),
        )
    if processes == 1:
        return _merge(
            deployment.name,
            run_grouped(scenario, deployment, traffic, population, plan[0], progress),
        )
    context = multiprocessing.get_context("spawn")
    # The shards' processes start with one BLAS thread each (the variables must be set before
    # NumPy loads OpenBLAS): the processes already use every core, and OpenBLAS's idle threads
    # spin after each call (routing grids at start-up), taking CPU from the other shard.
    saved = {name: os.environ.get(name) for name in _BLAS_THREADS}
    os.environ.update(dict.fromkeys(_BLAS_THREADS, "1"))
    runs: list[DeploymentRun] = []
    try:
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            futures = [
                pool.submit(run_shard, scenario, deployment, groups) for groups in plan if groups
            ]
            for f in futures:
                done = f.result()
                runs.extend(done)
                if progress is not None:
                    progress(sum(len(r.total_ms) for r in done))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return _merge(deployment.name, runs)


#: Environment variables that set the thread count of NumPy's BLAS (OpenBLAS, or an OpenMP one).
_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
