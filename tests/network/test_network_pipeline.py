"""The request pipeline's drivers (edgert.pipeline_virtual, edgert.pipeline_realtime): what
they promise to the embedding and to the next change (core calls on execution threads)."""

from __future__ import annotations

import asyncio

import pytest

from edgert import Client, Network, Origin, Request, Response

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


@pytest.mark.parametrize("threads", [0, 1])
async def test_real_time_runs_the_pipeline_with_inline_or_threaded_core_calls(
    threads: int,
) -> None:
    net = Network(
        "demo", Origin(handler=_origin), workers={"w": WORKER}, routes=ROUTES, clock="real",
        wall_timeout_s=0.5, threads=threads,
    )  # fmt: skip
    alone = await net.fetch("https://a.example/alone", client="Paris")
    via = await net.fetch("https://a.example/page", client="Paris")
    never = await net.fetch("https://a.example/never", client="Paris")  # aborted at 0.5 s
    # A server's request: known inside begin_at when the core's calls run inline; from an
    # execution thread, it comes through on_response.
    answered: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
    pop, client = net.pops[0], Client(city="Paris")
    url = "https://a.example/alone"
    at_once = net.begin_at(pop, client, Request(url), url, answered.set_result)
    if threads:
        assert at_once is None
        served = await asyncio.wait_for(answered, 10)
    else:
        assert at_once is not None and not answered.done()
        served = at_once
    await net.aclose()
    assert (alone.status, alone.text()) == (200, "alone")
    assert (via.status, via.text()) == (200, "via origin")
    assert via.trace.origin_requests == 1 and len(via.trace.origin_legs) == 1
    assert never.status == 504 and never.trace.outcome == "canceled"
    assert served.text() == "alone"


async def _async_origin(request: Request) -> Response:
    await asyncio.sleep(0)
    return _origin(request)


async def test_begin_at_answers_at_once_what_needs_nothing_from_outside() -> None:
    net = Network(
        "demo", Origin(handler=_async_origin), workers={"w": WORKER}, routes=ROUTES, clock="real",
        threads=0,
    )  # fmt: skip
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
