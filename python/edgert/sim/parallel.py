"""Running one deployment over several processes, sharded by PoP.

When PoPs share no state (no KV, no Durable Objects: each PoP's isolates, HTTP cache and client
connections are its own, and the simulated origin is stateless), the sessions that anycast
delivers to disjoint sets of PoPs never interact. :func:`run_sharded` routes every session to its
PoP (the network's own anycast rule and the user's own draw), puts the PoPs in groups of
``POPS_PER_GROUP``, heaviest first (:func:`plan_queue`), and ``processes`` processes take the
groups in turn from that queue (this one at once, the others once they have drawn the traffic
again), each running its groups one after the other; then the columns are concatenated. Taking
groups as they go, rather than a share dealt out beforehand, keeps the processes ending together
whatever their start-up and however the machine's other load slows one of them. On a cluster
(:mod:`edgert.sim.cluster`) the PoPs are dealt out beforehand instead (:func:`plan_groups`:
greedy by requests, heaviest first, ties by code): one task per worker.

Exactness: the result is the same, to the bit, as one process's. Each session draws its network
jitter from its own random stream (:func:`edgert.sim.runner.session_rng`), so no draw depends on
how other users' events interleave; each PoP sees its own events in the same order in a group as
in the whole run (events are ordered by virtual time, ties by scheduling order, and a group's
events are scheduled in the same relative order); and the recorder sorts its columns by
(session, call) before anything is summed. ``tests/sim/test_sim_parallel.py`` checks the bytes.

Running a process's PoPs a group at a time (:func:`run_grouped`) is exact for the same reasons,
and a request then runs in one of a few recently used isolates instead of one of hundreds, whose
heaps would all compete for the CPU's caches. At 327 PoPs that costs about a third less CPU per
request (docs/benchmarks.md).

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
import time
from collections.abc import Collection, Iterator
from concurrent.futures import ProcessPoolExecutor, wait
from typing import Any

import numpy as np
import numpy.typing as npt

from edgert.errors import ScenarioError
from edgert.pops import load_pops
from edgert.routing import AnycastRouter
from edgert.sim.blas import single_threaded_blas
from edgert.sim.deployments import START
from edgert.sim.population import Population
from edgert.sim.runner import DeploymentRun, Progress, run_deployment, token_headers
from edgert.sim.scenario import DeploymentSpec, Scenario
from edgert.sim.traffic import Traffic, make_traffic

__all__ = [
    "auto_processes",
    "check_shardable",
    "plan_groups",
    "plan_queue",
    "run_grouped",
    "run_shard",
    "run_sharded",
    "shard_requests",
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
    """The deployment's PoP codes and each session's PoP: the network's own anycast rule, the
    same method each session routes itself with (:meth:`AnycastRouter.route_each`)."""
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
    pop_of = np.array(
        router.route_each(
            wc.latitudes[rows].tolist(), wc.longitudes[rows].tolist(), users.anycast_u.tolist()
        ),
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
    one PoP always share a group); every session is in exactly one group.

    Balanced by requests: the PoPs, heaviest first, go to the process with the fewest requests
    so far (every session makes the same number of requests, ``pages * len(page)``, so a
    PoP's requests are its sessions times that: exact, no estimate), then each process deals
    its own PoPs into its groups the same way. Dealing PoPs rather than whole groups to the
    processes leaves them at most one PoP's requests apart (a few hundredths of a percent of a
    large run) instead of up to a group's. Deterministic: ties go by PoP code, then by bin."""
    codes, pop_of = _session_pops(scenario, deployment, traffic, population)
    per_session = traffic.pages * len(traffic.page)
    requests = (np.bincount(pop_of, minlength=len(codes)) * per_session).tolist()
    used = [j for j in range(len(codes)) if requests[j]]
    process_of = _deal([requests[j] for j in used], [codes[j] for j in used], processes)
    group_of_pop = np.full(len(codes), -1, dtype=np.int64)
    first = 0  # the first group number of each process
    counts: list[int] = []
    for k in range(processes):
        mine = [j for j, p in zip(used, process_of, strict=True) if p == k]
        n_groups = max(1, -(-len(mine) // POPS_PER_GROUP))
        group_of_mine = _deal([requests[j] for j in mine], [codes[j] for j in mine], n_groups)
        for j, g in zip(mine, group_of_mine, strict=True):
            group_of_pop[j] = first + g
        counts.append(n_groups)
        first += n_groups
    groups = _sessions_by_group(group_of_pop[pop_of], first)
    plan: list[list[npt.NDArray[np.int64]]] = []
    first = 0
    for n_groups in counts:
        plan.append([g for g in groups[first : first + n_groups] if len(g)])
        first += n_groups
    return plan


def plan_queue(
    scenario: Scenario,
    deployment: DeploymentSpec,
    traffic: Traffic,
    population: Population,
    processes: int,
) -> list[npt.NDArray[np.int64]]:
    """Session indices in groups of at most ``POPS_PER_GROUP`` PoPs (sessions of one PoP
    always share a group), heaviest group first: the queue that ``processes`` local processes
    take groups from in turn (:func:`run_sharded`). Every session is in exactly one group.
    Fewer PoPs than four groups of ``POPS_PER_GROUP`` for each process make smaller groups
    (one PoP each at the least), so that a small deployment still has groups to share.

    The PoPs, by requests (heaviest first, ties by code), eight at a time: a real population is
    skewed (the standard workload's heaviest group has ~12% of the requests, its lightest
    0.03%), so the groups come heaviest first and the last ones anybody takes are the lightest.
    A process that starts late (a worker process draws the traffic again) or runs on a slower
    core simply takes fewer groups, and the processes end at most one light group apart,
    where a plan made beforehand leaves them as far apart as their start-up and the machine's
    noise put them. Deterministic."""
    codes, pop_of = _session_pops(scenario, deployment, traffic, population)
    requests = np.bincount(pop_of, minlength=len(codes)).tolist()
    used = sorted(
        (j for j in range(len(codes)) if requests[j]), key=lambda j: (-requests[j], codes[j])
    )
    size = max(1, min(POPS_PER_GROUP, len(used) // (4 * max(1, processes))))
    group_of_pop = np.full(len(codes), -1, dtype=np.int64)
    for n, j in enumerate(used):
        group_of_pop[j] = n // size
    return _sessions_by_group(group_of_pop[pop_of], -(-len(used) // size))


def _sessions_by_group(group: npt.NDArray[np.int64], n_groups: int) -> list[npt.NDArray[np.int64]]:
    """The sessions of each group number (``group[s]`` is session ``s``'s), each group's in
    ascending order (one stable sort, not a scan a group)."""
    order = np.argsort(group, kind="stable").astype(np.int64)
    bounds = np.searchsorted(group[order], np.arange(n_groups + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(n_groups)]


def shard_requests(plan: list[list[npt.NDArray[np.int64]]], traffic: Traffic) -> list[int]:
    """The requests of each process of a plan (:func:`plan_groups`)."""
    per_session = traffic.pages * len(traffic.page)
    return [sum(len(g) for g in groups) * per_session for groups in plan]


def run_grouped(
    scenario: Scenario,
    deployment: DeploymentSpec,
    traffic: Traffic,
    population: Population,
    groups: list[npt.NDArray[np.int64]],
    progress: Progress | None = None,
) -> list[DeploymentRun]:
    """Runs each group of sessions (PoP-disjoint) on its own network, one after the other (the
    tokens' headers made once for all of them)."""
    headers = token_headers(traffic)
    return [
        run_deployment(
            scenario, deployment, traffic, population, progress, sessions=g, headers=headers
        )
        for g in groups
        if len(g)
    ]


def run_shard(
    scenario: Scenario, deployment: DeploymentSpec, groups: list[npt.NDArray[np.int64]]
) -> list[DeploymentRun]:
    """One shard, in a process of its own (a cluster's): the traffic drawn again from the
    scenario's seed, then its groups of sessions."""
    population, traffic = _draw_again(scenario)
    return run_grouped(scenario, deployment, traffic, population, groups)


def _draw_again(scenario: Scenario) -> tuple[Population, Traffic]:
    """In a process of its own: the population and the traffic, drawn from the scenario's seed
    as the parent drew them."""
    population = Population(scenario.population, scenario.access)
    return population, make_traffic(scenario, population, scenario.latency_params(), START)


def _merge(name: str, runs: list[DeploymentRun]) -> DeploymentRun:
    def cat(field: str) -> Any:
        return np.concatenate([getattr(r, field) for r in runs])

    cache: dict[str, dict[str, int]] = {}
    for r in runs:
        for code, metrics in r.cache.items():
            if code not in cache or metrics.get("lookups", 0) > cache[code].get("lookups", 0):
                cache[code] = metrics
    session, call = cat("session"), cat("call")
    # (session, call) order: one key, unique per request; each run is sorted already, so the
    # stable sort (timsort) merges a few sorted stretches (~5x cheaper than a lexsort).
    calls = int(call.max()) + 1 if len(call) else 1
    order = np.argsort(session * calls + call, kind="stable")
    page_order = np.argsort(cat("page_session"), kind="stable")
    merged: dict[str, Any] = {"session": session[order], "call": call[order]}
    for field in (
        "pop", "status", "total_ms", "edge_only", "cold_start",
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


@single_threaded_blas
def run_sharded(
    scenario: Scenario,
    deployment: DeploymentSpec,
    traffic: Traffic,
    population: Population,
    processes: int,
    progress: Progress | None = None,
    cluster: Any = None,
    timings: dict[str, Any] | None = None,
) -> DeploymentRun:
    """The deployment's run, its PoPs in groups that ``processes`` processes take in turn from
    one queue (:func:`plan_queue`), each running its groups one at a time: this process (its
    traffic is drawn already) and ``processes - 1`` worker processes meanwhile. ``progress``
    is called as requests complete, here and (through a shared counter) in the worker
    processes; on a cluster, once per shard. With ``cluster``
    (a ``distributed.Client``) the PoPs are dealt out beforehand instead (:func:`plan_groups`)
    and every shard is a task on that Dask cluster (:mod:`edgert.sim.cluster`): the same bytes.

    ``timings``, when given, is filled with wall seconds: ``plan_s`` (routing the sessions and
    grouping the PoPs), ``shards`` (per local process: ``startup_s``, from its submission to
    its traffic drawn again, 0 in this process, ``run_s``, its groups, and the ``requests``
    and ``groups`` it took), ``merge_s``."""
    check_shardable(scenario)
    began = time.perf_counter()
    if cluster is not None:
        from edgert.sim.cluster import run_shards_on_cluster

        plan = plan_groups(scenario, deployment, traffic, population, processes)
        if timings is not None:
            timings["plan_s"] = round(time.perf_counter() - began, 3)
        runs = run_shards_on_cluster(cluster, scenario, deployment.name, plan, progress)
        return _timed_merge(deployment.name, runs, timings)
    queue = plan_queue(scenario, deployment, traffic, population, processes)
    if timings is not None:
        timings["plan_s"] = round(time.perf_counter() - began, 3)
    shard_times: dict[int, dict[str, float]] = {}
    if min(processes, len(queue)) < 2:
        here = time.perf_counter()
        runs = run_grouped(scenario, deployment, traffic, population, queue, progress)
        shard_times[0] = _times(0.0, time.perf_counter() - here, runs)
    else:
        runs = _run_from_queue(
            scenario, deployment, traffic, population, queue, processes, progress, shard_times
        )
    if timings is not None:
        timings["shards"] = [{"shard": k, **t} for k, t in sorted(shard_times.items())]
    return _timed_merge(deployment.name, runs, timings)


def _times(startup_s: float, run_s: float, runs: Collection[DeploymentRun]) -> dict[str, float]:
    """A process's entry of ``timings["shards"]``: its wall times and what it took."""
    return {
        "startup_s": round(startup_s, 3),
        "run_s": round(run_s, 3),
        "requests": sum(len(r.total_ms) for r in runs),
        "groups": len(runs),
    }


def _run_from_queue(
    scenario: Scenario,
    deployment: DeploymentSpec,
    traffic: Traffic,
    population: Population,
    queue: list[npt.NDArray[np.int64]],
    processes: int,
    progress: Progress | None,
    shard_times: dict[int, dict[str, float]],
) -> list[DeploymentRun]:
    """The queue's groups, taken in turn by this process and ``processes - 1`` worker processes
    (started first: their start-up overlaps this process's first groups); every group's run,
    in the queue's order. ``progress`` hears of the worker processes' requests as they go
    (they count them in a shared counter, read here whenever this process reports its own,
    and while it waits for them)."""
    context = multiprocessing.get_context("spawn")
    # The number of the next group to take, shared by every process (its lock held to take one),
    # and the requests the worker processes have completed.
    taken = context.Value("q", 0)
    completed = context.Value("q", 0)
    others = min(processes, len(queue)) - 1
    heard = 0  # of `completed`, what `progress` has been told

    def report(n: int) -> None:
        nonlocal heard
        if progress is not None:
            theirs = int(completed.value)
            progress(n + theirs - heard)
            heard = theirs

    # The worker processes start with one BLAS thread each (the variables must be set before
    # NumPy loads OpenBLAS): the processes already use every core, and OpenBLAS's idle threads
    # spin after each call (routing grids at start-up), taking CPU from the other processes.
    saved = {name: os.environ.get(name) for name in _BLAS_THREADS}
    os.environ.update(dict.fromkeys(_BLAS_THREADS, "1"))
    done: dict[int, DeploymentRun] = {}
    try:
        with ProcessPoolExecutor(
            max_workers=others,
            mp_context=context,
            initializer=_join_queue,
            initargs=(taken, completed),
        ) as pool:
            submitted = time.time()
            futures = [
                pool.submit(
                    _run_queue_shard, scenario, deployment, queue, submitted, progress is not None
                )
                for _ in range(others)
            ]
            here = time.perf_counter()
            mine = _run_taken(
                scenario, deployment, traffic, population, queue, taken,
                report if progress is not None else None,
            )  # fmt: skip
            shard_times[0] = _times(0.0, time.perf_counter() - here, mine.values())
            done.update(mine)
            waiting = set(futures) if progress is not None else set()
            while waiting:  # the others' progress while they finish (a UI's bar keeps moving)
                waiting = wait(waiting, timeout=0.5).not_done
                report(0)
            for k, f in enumerate(futures, start=1):
                theirs, times = f.result()
                done.update(theirs)
                shard_times[k] = times
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return [done[n] for n in range(len(queue))]


#: In a worker process of :func:`_run_from_queue`: the shared number of the next group to take,
#: and the shared count of requests the worker processes have completed.
_queue_next: Any = None
_queue_completed: Any = None


def _join_queue(taken: Any, completed: Any) -> None:
    """A worker process's initializer: the queue's shared counters (a ``multiprocessing.Value``
    can only be handed to a process as it starts)."""
    global _queue_next, _queue_completed
    _queue_next, _queue_completed = taken, completed


def _count_completed(n: int) -> None:
    """A worker process's progress: ``n`` more requests completed (read by the parent)."""
    with _queue_completed.get_lock():
        _queue_completed.value += n


def _run_taken(
    scenario: Scenario,
    deployment: DeploymentSpec,
    traffic: Traffic,
    population: Population,
    queue: list[npt.NDArray[np.int64]],
    taken: Any,
    progress: Progress | None,
) -> dict[int, DeploymentRun]:
    """The groups this process takes from the queue (``taken``: the shared counter), run one
    after the other, by group number. On an error no group is left to take, so the other
    processes stop after their current one."""
    headers = token_headers(traffic)
    try:
        return {
            n: run_deployment(
                scenario,
                deployment,
                traffic,
                population,
                progress,
                sessions=queue[n],
                headers=headers,
            )
            for n in _take(taken, len(queue))
        }
    except BaseException:
        _drain(taken, len(queue))
        raise


def _take(taken: Any, n_groups: int) -> Iterator[int]:
    """The numbers of the groups this process takes, one at a time, until none is left."""
    while True:
        with taken.get_lock():
            n = int(taken.value)
            if n >= n_groups:
                return
            taken.value = n + 1
        yield n


def _drain(taken: Any, n_groups: int) -> None:
    """Leaves no group to take (after an error: the other processes stop at their next take)."""
    with taken.get_lock():
        taken.value = n_groups


def _run_queue_shard(
    scenario: Scenario,
    deployment: DeploymentSpec,
    queue: list[npt.NDArray[np.int64]],
    submitted: float,
    counted: bool,
) -> tuple[dict[int, DeploymentRun], dict[str, float]]:
    """A worker process of :func:`_run_from_queue`: the traffic drawn again from the scenario's
    seed, then groups from the queue until none is left; its runs by group number, and its
    :func:`_times` (``startup_s`` from the parent's submitting it, ``submitted``,
    ``time.time()``: one clock on one machine, to its traffic drawn). ``counted``: the parent
    reports progress, so completed requests go to the shared counter as they complete."""
    population, traffic = _draw_again(scenario)
    drawn = time.time()
    runs = _run_taken(
        scenario, deployment, traffic, population, queue, _queue_next,
        _count_completed if counted else None,
    )  # fmt: skip
    return runs, _times(drawn - submitted, time.time() - drawn, runs.values())


def _timed_merge(
    name: str, runs: list[DeploymentRun], timings: dict[str, Any] | None
) -> DeploymentRun:
    began = time.perf_counter()
    merged = _merge(name, runs)
    if timings is not None:
        timings["merge_s"] = round(time.perf_counter() - began, 3)
    return merged


#: Environment variables that set the thread count of NumPy's BLAS (OpenBLAS, or an OpenMP one).
_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
