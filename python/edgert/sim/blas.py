"""NumPy's BLAS kept to one thread while the simulator plans and runs.

The simulator's matrix products are small (a chunk of sessions against the PoPs, a grid cell's
candidates, a backbone path) and OpenBLAS's idle threads spin after each one: on a machine whose
cores the shard processes already use, that spinning takes CPU from the other shards (~1-2% of
a run's CPU, docs/benchmarks.md, and no wall time gained).
Worker processes start with ``OPENBLAS_NUM_THREADS=1`` (:mod:`edgert.sim.parallel`); in a
process where NumPy is loaded already, ``threadpoolctl`` sets the limit and restores it after.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

__all__ = ["single_threaded_blas"]

P = ParamSpec("P")
R = TypeVar("R")


def single_threaded_blas(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` with NumPy's BLAS on one thread while it runs (the previous limit restored)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with threadpool_limits(1, user_api="blas"):
            return fn(*args, **kwargs)

    return run
