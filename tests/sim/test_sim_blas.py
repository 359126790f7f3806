"""The simulator keeps NumPy's BLAS on one thread while it plans and runs, and restores it."""

from __future__ import annotations

from sim_helpers import small
from threadpoolctl import threadpool_info, threadpool_limits  # type: ignore[import-untyped]

from edgert.sim.deployments import START
from edgert.sim.population import Population
from edgert.sim.runner import run_deployment
from edgert.sim.scenario import parse_scenario
from edgert.sim.traffic import make_traffic


def blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_a_run_uses_one_blas_thread_and_restores_the_limit() -> None:
    sc = parse_scenario(small(deployments=["edge"]))
    pop = Population(sc.population, sc.access)
    traffic = make_traffic(sc, pop, sc.latency_params(), START)
    seen: list[list[int]] = []
    # Two threads before the run (on any machine), so that the run's limit is visible.
    with threadpool_limits(2, user_api="blas"):
        before = blas_threads()
        run = run_deployment(
            sc, sc.deployments[0], traffic, pop, progress=lambda n: seen.append(blas_threads())
        )
        after = blas_threads()
    assert before and all(n == 2 for n in before)
    assert len(run.total_ms) == traffic.requests
    assert seen and all(threads == [1] * len(before) for threads in seen)
    assert after == before
