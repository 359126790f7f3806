"""Durable Objects in a real-time network: the same placement and routing, and with
``emulate=True`` a remote call really waits the PoP-to-PoP round trip."""

from __future__ import annotations

from edgert import Network, Origin, Response, Worker
from examples import DOCS_COUNTER


async def test_remote_call_waits_the_round_trip_when_emulating() -> None:
    worker = Worker(DOCS_COUNTER, name="app.js", durable_objects={"COUNTERS": "Counter"})
    net = Network(
        pops="demo",
        origin=Origin(handler=lambda r: Response("o"), region="IAD"),
        workers={"app": worker},
        clock="real",
        emulate=True,
        seed=1,
    )
    async with net:
        url = "https://app.example/increment?name=rt"
        first = await net.fetch(url, client="Frankfurt", pop="FRA")
        assert first.text() == "Durable Object 'rt' count: 1"
        remote = await net.fetch(url, client="Sydney", pop="SYD")
        assert remote.text() == "Durable Object 'rt' count: 2"
    (call,) = remote.trace.object_calls
    assert (call.home_pop, call.caller_pop) == ("FRA", "SYD")
    assert call.latency_ms > 200.0
    # A lower bound, not a timing: the answer cannot come back before the emulated round trip.
    assert remote.trace.wall_ms >= call.latency_ms
    ns = net.durable_objects("Counter")
    assert ns.storage(ns.id_from_name("rt")) == {"value": 2}


async def test_concurrent_calls_on_execution_threads_are_exact() -> None:
    """Several threads run the callers' isolates at once; the object still runs one request
    at a time (its input gate), so 60 concurrent increments from three PoPs count to 60."""
    import asyncio

    worker = Worker(DOCS_COUNTER, name="app.js", durable_objects={"COUNTERS": "Counter"})
    net = Network(
        pops="demo",
        origin=Origin(handler=lambda r: Response("o"), region="IAD"),
        workers={"app": worker},
        clock="real",
        threads=2,
        seed=1,
    )
    async with net:
        url = "https://app.example/increment?name=many"
        replies = await asyncio.gather(
            *(
                net.fetch(url, client=city, pop=pop)
                for city, pop in [("Frankfurt", "FRA"), ("Tokyo", "NRT"), ("Virginia", "IAD")] * 20
            )
        )
        assert all(r.status == 200 for r in replies)
        counts = sorted(int(r.text().rsplit(" ", 1)[1]) for r in replies)
        assert counts == list(range(1, 61))
    ns = net.durable_objects("Counter")
    assert ns.storage(ns.id_from_name("many")) == {"value": 60}
