"""Runs many WPT files over worker processes (one isolate per file, ``jobs`` processes).

Processes rather than threads: a file's turns hold its isolate, and a process that a test
breaks (a native crash) takes down only its share of files, which are then reported as
crashed. Files with ``META: timeout=long`` start first, so a slow file does not end the run
alone on one core.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from edgert.wpt.driver import FileResult, Limits, run_file
from edgert.wpt.suite import TestFile


def _one(test: TestFile, limits: Limits) -> dict[str, object]:
    return run_file(test, limits).to_json()


def run_all(
    tests: Iterable[TestFile],
    *,
    jobs: int = 2,
    limits: Limits | None = None,
    progress: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Results of every applicable file of ``tests``, in the order given."""
    limits = limits or Limits()
    todo = [t for t in tests if t.skip is None]
    order = sorted(todo, key=lambda t: not t.long_timeout)
    results: dict[str, FileResult] = {}
    if jobs <= 1:
        for t in order:
            results[t.rel] = run_file(t, limits)
            if progress:
                progress(results[t.rel])
    else:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            futures: dict[str, Future[dict[str, object]]] = {
                t.rel: pool.submit(_one, t, limits) for t in order
            }
            for t in order:
                try:
                    r = FileResult.from_json(futures[t.rel].result())
                except BrokenProcessPool as exc:
                    r = FileResult(t.rel, t.directory, f"CRASH: worker process died ({exc})")
                results[t.rel] = r
                if progress:
                    progress(r)
    return [results[t.rel] for t in todo]
