"""Worker.prewarm: a spare isolate the host asks for while idle serves the next cold start."""

from __future__ import annotations

import time

from edgert import Request, Worker
from edgert._core import CoreWorker


def test_prewarm_makes_one_spare_that_the_next_cold_start_takes() -> None:
    w = Worker(
        "let n = 0; export default { fetch(req, env) { n++; console.log('n', n); return new Response(env.GREETING + n) } }",
        vars={"GREETING": "hi"},
        min_isolates=0,
    )
    assert not w.core.has_spare
    assert w.prewarm() is True
    assert w.prewarm() is False
    assert w.core.has_spare
    r = w.fetch(Request("https://a.test/"))
    assert r.text() == "hi1"
    assert r.stats.cold_start
    assert [line.message for line in r.stats.logs] == ["n 1"]
    assert not w.core.has_spare
    r = w.fetch(Request("https://a.test/"))
    assert r.text() == "hi2"
    assert not r.stats.cold_start


def test_without_a_spare_a_cold_start_builds_everything() -> None:
    w = Worker("export default { fetch() { return new Response('ok') } }", min_isolates=0)
    r = w.fetch(Request("https://a.test/"))
    assert r.text() == "ok"
    assert r.stats.cold_start


def test_stats_tell_a_cold_start_from_a_spare() -> None:
    w = Worker("export default { fetch() { return new Response('ok') } }", min_isolates=0)
    r = w.fetch(Request("https://a.test/"))
    assert r.stats.cold_start and not r.stats.prewarmed
    w.core.trim(0)
    assert w.core.wants_spare
    w.prewarm()
    assert not w.core.wants_spare
    r = w.fetch(Request("https://a.test/"))
    assert r.stats.cold_start and r.stats.prewarmed
    r = w.fetch(Request("https://a.test/"))
    assert not r.stats.cold_start and not r.stats.prewarmed
    assert not w.core.wants_spare  # an idle isolate is waiting


def test_a_lazy_core_runs_no_javascript_until_a_request() -> None:
    # A module whose evaluation throws: a lazy core loads without running it.
    core = CoreWorker("throw new Error('top level ran'); export default {}", lazy=True)
    assert core.pool_stats() == (0, 0, 0, 0)
    assert core.wants_spare
    assert core.prewarm(time.time())
    assert core.pool_stats() == (0, 0, 0, 0)
    (step,) = core.begin(Request("https://a.test/"), time.time())
    assert step.response is not None and step.response.status >= 500
    assert step.response.stats is not None
    assert step.response.stats.error is not None and "top level ran" in step.response.stats.error


def test_lazy_globals_are_native_accessors_with_data_semantics() -> None:
    w = Worker(
        """
        const before = Object.getOwnPropertyDescriptor(globalThis, 'URL');
        const shape = [typeof before.get, before.enumerable, before.configurable];
        globalThis.CacheStorage = 5;
        export default { async fetch() {
          await new Promise((r) => setTimeout(r, 0));
          const after = Object.getOwnPropertyDescriptor(globalThis, 'setTimeout');
          return Response.json([shape, CacheStorage, 'value' in after, after.enumerable,
            new URL('https://x.test/p').pathname, typeof addEventListener, typeof TextEncoder,
            Object.keys(globalThis).includes('URL')]);
        } }
        """
    )
    r = w.fetch(Request("https://a.test/"))
    assert r.status == 200, r.stats.error
    assert r.json() == [
        ["function", False, True],
        5,
        True,
        False,
        "/p",
        "function",
        "function",
        False,
    ]
