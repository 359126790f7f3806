"""A whole simulation: draws the traffic once, runs it through every deployment, and gathers
the deterministic results (metrics, advice, claims) and, apart, the measured CPU time."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from edgert.errors import ScenarioError
from edgert.sim.advice import advise
from edgert.sim.blas import single_threaded_blas
from edgert.sim.claims import check_claims
from edgert.sim.deployments import START
from edgert.sim.metrics import deployment_metrics, measured_cpu
from edgert.sim.parallel import auto_processes, run_sharded, shardable, unshardable_reason
from edgert.sim.population import Population
from edgert.sim.releases import run_releases
from edgert.sim.runner import DeploymentRun, run_deployment
from edgert.sim.scenario import Scenario
from edgert.sim.studies import run_studies
from edgert.sim.traffic import Traffic, make_traffic

__all__ = ["ShardingFallback", "SimulationResult", "simulate"]

#: Bump when the results' layout changes.
RESULTS_VERSION = 2


@dataclass(slots=True)
class SimulationResult:
    scenario: Scenario
    traffic: Traffic
    runs: dict[str, DeploymentRun]
    #: Deterministic: the same scenario and seed give the same bytes once serialised.
    results: dict[str, Any]
    #: Measured CPU time and run times (vary between runs).
    measured: dict[str, Any] = field(default_factory=dict)


def _progress_bar(total: int, enabled: bool) -> tuple[Callable[[int], None] | None, Any]:
    if not enabled:
        return None, None
    try:
        from tqdm import tqdm  # type: ignore[import-untyped]
    except ImportError:
        return None, None
    bar = tqdm(total=total, unit="req", desc="simulating", dynamic_ncols=True, leave=False)
    return bar.update, bar


class ShardingFallback(UserWarning):
    """More processes or a cluster were asked for, but the scenario's PoPs share state: it ran
    in one process (the message says why)."""


@single_threaded_blas
def simulate(
    scenario: Scenario,
    *,
    progress: bool = False,
    processes: int | None = None,
    cluster: Any = None,
) -> SimulationResult:
    """Runs every deployment of ``scenario`` on the same traffic; with ``processes`` > 1 each
    multi-PoP deployment is sharded by PoP over that many processes (see
    :mod:`edgert.sim.parallel`). The results are the same bytes whatever the number of
    processes. ``None`` (the default) picks it: the machine's cores for a large run whose PoPs
    share no state, else one (:func:`edgert.sim.parallel.auto_processes`).

    ``cluster``: a Dask scheduler's address (``"tcp://host:8786"``) or a ``distributed.Client``;
    the shards then run as tasks on that cluster (:mod:`edgert.sim.cluster`), one per worker
    thread unless ``processes`` says otherwise, with the same bytes as one process.

    A scenario whose PoPs share state (KV, Durable Objects) cannot be sharded by PoP: asked for
    more processes or a cluster, it runs in one process and warns (:class:`ShardingFallback`;
    ``measured["fallback"]`` keeps the message)."""
    if processes is not None and processes < 1:
        raise ScenarioError(f"processes must be >= 1: {processes}")
    fallback = None
    if (cluster is not None or (processes or 1) > 1) and not shardable(scenario):
        fallback = unshardable_reason(scenario)
        warnings.warn(fallback, ShardingFallback, stacklevel=2)
        processes, cluster = 1, None
    client, owned = None, False
    if cluster is not None:
        from edgert.sim.cluster import cluster_workers, connect

        client, owned = connect(cluster)
        if processes is None:
            processes = cluster_workers(client)
    population = Population(scenario.population, scenario.access)
    traffic = make_traffic(scenario, population, scenario.latency_params(), START)
    if processes is None:
        processes = auto_processes(scenario, traffic)
    users = traffic.users
    wc = population.world
    city_rows = population.index[users.city]
    session_region = np.array(
        [wc.continent_of(wc.countries[int(c)]) for c in city_rows], dtype=object
    )
    session_city = np.array([wc.names[int(c)] for c in city_rows], dtype=object)
    runs: dict[str, DeploymentRun] = {}
    metrics: dict[str, Any] = {}
    measured: dict[str, Any] = {"processes": processes, "deployments": {}}
    if client is not None:
        measured["cluster"] = {"scheduler": str(client.scheduler.address), "shards": processes}
    if fallback is not None:
        measured["fallback"] = fallback
    release_runs = sum(len(r.strategies) for r in scenario.releases)
    update, bar = _progress_bar(
        traffic.requests * (len(scenario.deployments) + release_runs), progress
    )
    try:
        for d in scenario.deployments:
            if bar is not None:
                bar.set_description(d.name)
            began = time.perf_counter()
            if d.mode == "edge" and shardable(scenario):
                # PoPs share no state: sharded over processes, and each process runs its PoPs
                # a group at a time (the same bytes; see edgert.sim.parallel).
                run = run_sharded(
                    scenario, d, traffic, population, processes, progress=update, cluster=client
                )
            else:
                run = run_deployment(scenario, d, traffic, population, progress=update)
            wall = time.perf_counter() - began
            runs[d.name] = run
            metrics[d.name] = {
                "mode": d.mode,
                "cache": d.cache,
                **deployment_metrics(run, session_region, traffic.page),
            }
            measured["deployments"][d.name] = {
                "wall_s": round(wall, 3),
                "requests_per_s": round(len(run.total_ms) / wall, 1) if wall > 0 else None,
                "worker_cpu_ms": measured_cpu(run, traffic.page),
            }
        releases = None
        if scenario.releases:
            if bar is not None:
                bar.set_description("releases")
            timings: dict[str, Any] = {}
            releases = run_releases(scenario, traffic, population, update, timings)
            measured["releases"] = {"wall_s": timings}
    finally:
        if bar is not None:
            bar.close()
        if owned and client is not None:
            client.close()
    modes = {d.name: d.mode for d in scenario.deployments}
    cpu = scenario.worker.cpu
    results: dict[str, Any] = {
        "version": RESULTS_VERSION,
        "scenario": {
            "name": scenario.name,
            "seed": scenario.seed,
            "duration_s": scenario.duration_s,
            "pops": scenario.pops if isinstance(scenario.pops, str) else list(scenario.pops),
            "origin_region": scenario.origin.region,
            "sessions": traffic.sessions,
            "requests_per_deployment": traffic.requests,
            "page": list(traffic.page),
            "pages_per_session": traffic.pages,
            "cities": len(population),
        },
        "cpu_charged": {
            "mode": cpu.mode,
            "ms_per_request": cpu.ms if cpu.mode == "fixed" else None,
            "factor": cpu.factor,
            "deterministic": cpu.mode == "fixed",
        },
        "deployments": metrics,
        "advice": advise(metrics, modes, traffic.page, scenario.protocol, scenario.tls),  # type: ignore[arg-type]
    }
    if scenario.studies:
        results["studies"] = run_studies(scenario)
    if releases is not None:
        results["releases"] = releases
    if scenario.claims_city is not None:
        results["claims"] = check_claims(
            runs, modes, session_city, scenario.claims_city, traffic.page
        )
    return SimulationResult(scenario, traffic, runs, results, measured)
