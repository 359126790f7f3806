"""The request pipeline's drivers (edgert.pipeline_virtual, edgert.pipeline_realtime): what
they promise to the embedding and to the next change (core calls on execution threads)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from edgert import Client, Network, Origin, Request, Response
from edgert import worker as worker_module
from edgert._core import Step

WORKER = """
export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === '/alone') return new Response('alone');
    if (path === '/never') { await new Promise(() => setTimeout(() => {}, 60000)); }
    const upstream = await fetch('https://a.example/from-origin');
    return new Response('via ' + await upstream.text());
  }
}
"""
ROUTES = [("a.example/*", "w"), ("a.example/static/*", None)]


def _origin(request: Request) -> Response:
    return Response("origin", headers={"cache-control": "max-age=60"})


class _CoreCalls:
    """Records the thread of every ``begin``/``abort`` a core gets (a proxy of the real core)."""

    def __init__(self, real: Any, threads: list[tuple[str, int]]) -> None:
        self._real = real
        self._threads = threads

    def begin(self, request: Any, now: float) -> list[Step]:
        self._threads.append(("begin", threading.get_ident()))
        return self._real.begin(request, now)  # type: ignore[no-any-return]

    def abort(self, task: int, now: float) -> list[Step]:
        self._threads.append(("abort", threading.get_ident()))
        return self._real.abort(task, now)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@pytest.fixture
def core_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    threads: list[tuple[str, int]] = []
    new_core = worker_module.Worker.new_core

    def recording(self: Any, **options: Any) -> Any:
        return _CoreCalls(new_core(self, **options), threads)

    monkeypatch.setattr(worker_module.Worker, "new_core", recording)
    return threads


def _on_a_thread(net: Network, pool: ThreadPoolExecutor) -> None:
    """Makes the real-time driver's core seam asynchronous, as an executor would: the call runs
    on another thread and its steps come back to the loop later."""
    loop = asyncio.get_running_loop()

    def call_core(
        core: Any, call: Callable[[float], list[Step]], then: Callable[[list[Step]], None]
    ) -> None:
        future = pool.submit(call, time.time())
        future.add_done_callback(lambda f: loop.call_soon_threadsafe(then, f.result()))

    net._realtime.call_core = call_core  # type: ignore[method-assign]


async def test_core_calls_on_another_thread_need_only_the_seam(
    core_calls: list[tuple[str, int]],
) -> None:
    net = Network(
        "demo", Origin(handler=_origin), workers={"w": WORKER}, routes=ROUTES, clock="real",
        wall_timeout_s=0.5,
    )  # fmt: skip
    with ThreadPoolExecutor(1) as pool:
        _on_a_thread(net, pool)
        alone = await net.fetch("https://a.example/alone", client="Paris")
        via = await net.fetch("https://a.example/page", client="Paris")
        never = await net.fetch("https://a.example/never", client="Paris")  # aborted at 0.5 s
        # A server's request: the answer cannot be known inside begin_at any more.
        answered: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        pop, client = net.pops[0], Client(city="Paris")
        url = "https://a.example/alone"
        assert net.begin_at(pop, client, Request(url), url, answered.set_result) is None
        served = await asyncio.wait_for(answered, 10)
        await net.aclose()
    assert (alone.status, alone.text()) == (200, "alone")
    assert (via.status, via.text()) == (200, "via origin")
    assert never.status == 504 and never.trace.outcome == "canceled"
    assert served.text() == "alone"
    loop_thread = threading.get_ident()
    assert [kind for kind, _ in core_calls].count("abort") == 1
    assert len(core_calls) == 5 and all(t != loop_thread for _, t in core_calls)


async def _async_origin(request: Request) -> Response:
    await asyncio.sleep(0)
    return _origin(request)


async def test_begin_at_answers_at_once_what_needs_nothing_from_outside() -> None:
    net = Network(
        "demo", Origin(handler=_async_origin), workers={"w": WORKER}, routes=ROUTES, clock="real"
    )
    pop, client = net.pops[0], Client(city="Paris")
    later: list[Response] = []

    def begin(url: str) -> Response | None:
        return net.begin_at(pop, client, Request(url), url, later.append)

    alone = begin("https://a.example/alone")
    assert alone is not None and alone.text() == "alone"
    assert begin("https://a.example/static/a.css") is None  # a miss: the origin, later
    for _ in range(1000):
        if later:
            break
        await asyncio.sleep(0.01)
    assert [r.text() for r in later] == ["origin"]
    hit = begin("https://a.example/static/a.css")  # a fresh hit in the PoP's cache
    assert hit is not None and hit.text() == "origin"
    assert hit.headers.get("cf-cache-status") == "HIT"
    await net.aclose()


def test_virtual_time_runs_a_request_on_the_clock_alone() -> None:
    """In virtual time the same path runs without an event loop and ends on the clock."""
    net = Network("demo", Origin(handler=_origin), workers={"w": WORKER}, routes=ROUTES, seed=3)
    done: list[float] = []
    pending = net.submit("https://a.example/page", client="Paris", on_done=lambda r: done.append(
        net.now()))  # fmt: skip
    assert pending.response is None
    net.run()
    assert pending.response is not None and pending.response.text() == "via origin"
    trace = pending.response.trace
    assert done == [trace.finished_at]
    assert trace.finished_at - trace.started_at == pytest.approx(trace.total_ms / 1000.0)
    assert trace.origin_requests == 1 and len(trace.origin_legs) == 1
