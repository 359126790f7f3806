"""Network.prewarm: a spare isolate at a PoP, made without running the worker's code."""

from __future__ import annotations

import asyncio
import json

from edgert import Network, Origin, Response

WORKER = """
const loadedAt = performance.now();
export default {
  async fetch(request) {
    if (new URL(request.url).pathname === '/wait') await fetch('https://origin.example/x');
    return Response.json({ loadedAt, now: performance.now() });
  }
}
"""


async def _origin(request: object) -> Response:
    return Response("origin")


def test_a_prewarmed_pop_serves_its_first_request_from_the_spare() -> None:
    network = Network("demo", Origin(handler=_origin), workers={"w": WORKER})
    pop = network.pops[0].code
    assert network.prewarm(pop) == 1
    assert network.prewarm(pop) == 0
    r = network.fetch_sync("https://a.example/", client="Paris", pop=pop)
    assert r.status == 200
    stats = r.response.stats
    assert stats is not None and stats.cold_start and stats.prewarmed
    body = json.loads(r.body)
    assert body["loadedAt"] == body["now"]  # evaluated in the request, not by prewarm
    assert r.trace.cold_start
    # Another PoP was not prewarmed: a whole cold start there (with its core).
    other = network.pops[1].code
    r = network.fetch_sync("https://a.example/", client="Paris", pop=other)
    assert r.trace.cold_start
    assert r.response.stats is not None and not r.response.stats.prewarmed


def test_a_warm_pool_wants_no_spare() -> None:
    network = Network("demo", Origin(handler=_origin), workers={"w": WORKER})
    pop = network.pops[0].code
    network.fetch_sync("https://a.example/", client="Paris", pop=pop)
    assert network.prewarm(pop) == 0  # an idle isolate is waiting
    assert not network.core(pop, "w").has_spare


async def test_a_request_that_waits_leaves_a_spare_for_the_next_cold_start() -> None:
    gate = asyncio.Event()

    async def slow_origin(request: object) -> Response:
        await gate.wait()
        return Response("origin")

    network = Network("demo", Origin(handler=slow_origin), workers={"w": WORKER}, clock="real")
    pop = network.pops[0].code
    first = asyncio.ensure_future(network.fetch("https://a.example/wait", client="Paris", pop=pop))
    core = network.core(pop, "w")
    # The host prewarms once the first turn came back waiting (from an execution thread);
    # a bounded wait for that, not a timing assertion.
    for _ in range(5000):
        if core.has_spare:
            break
        await asyncio.sleep(0.001)
    assert core.has_spare
    second = await network.fetch("https://a.example/", client="Paris", pop=pop)
    assert second.response.stats is not None
    assert second.response.stats.cold_start and second.response.stats.prewarmed
    gate.set()
    assert (await first).status == 200
    await network.aclose()
