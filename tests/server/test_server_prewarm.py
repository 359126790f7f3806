"""Spare isolates in the server: an accepted connection prepares a spare isolate for the worker
its requests reach (as Workers does during the TLS handshake), without running the worker's
code, so the first request's cold start only evaluates the worker."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from server_client import Conn
from server_world import front_options

from edgert import Network, Origin, Response
from edgert.server import AccessRecord, EdgeServer

# The module notes the host clock while it is evaluated: performance.now() is the turn's
# `now`, so it equals the request's own clock only when the module ran inside that request.
WORKER = """
const loadedAt = performance.now();
export default { fetch() { return Response.json({ loadedAt, now: performance.now() }); } }
"""


async def _origin(request: object) -> Response:
    return Response("origin")


@pytest.fixture
async def world(parser: str) -> AsyncIterator[tuple[Network, EdgeServer, list[AccessRecord]]]:
    network = Network("demo", Origin(handler=_origin), workers={"w": WORKER}, clock="real")
    records: list[AccessRecord] = []
    server = EdgeServer(network, port=0, on_request=records.append, **front_options(parser))
    await server.start()
    yield network, server, records
    await server.close(grace_s=1.0)
    await network.aclose()


async def test_an_accepted_connection_gives_the_first_request_a_spare(
    world: tuple[Network, EdgeServer, list[AccessRecord]],
) -> None:
    network, server, records = world
    home = network.pops[0].code
    conn = await Conn.open(server.port)
    reply = await conn.get("/a")
    assert reply.status == 200
    body = json.loads(reply.body)
    # The module was evaluated during the request, not when the spare was made.
    assert body["loadedAt"] == body["now"]
    (record,) = records
    assert record.cold_start and record.prewarmed
    core = network.core(home, "w")
    assert core.pool_stats()[2] == 1  # one isolate created: the request's, from the spare
    assert not core.has_spare

    # A warm isolate is idle now: a new connection makes no spare and its request is warm.
    second = await Conn.open(server.port)
    reply = await second.get("/b")
    assert reply.status == 200
    assert not records[1].cold_start and not records[1].prewarmed
    assert not core.has_spare
    await conn.close()
    await second.close()


async def test_prewarm_runs_none_of_the_workers_code(
    world: tuple[Network, EdgeServer, list[AccessRecord]],
) -> None:
    network, server, _ = world
    assert server.prewarm() == 1
    assert server.prewarm() == 0  # one spare at most
    core = network.core(network.pops[0].code, "w")
    isolates, inflight, created, discarded = core.pool_stats()
    assert (isolates, inflight, created, discarded) == (0, 0, 0, 0)
    assert core.has_spare and not core.wants_spare
