"""Native dispatch: once Python has met a request's placement, route and core, the native
front begins the next ones on execution threads and answers them without Python; a request
that must wait is adopted by Python, and a stuck turn is answered by the watchdog."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from server_client import Conn, Reply, read_reply

from edgert import Network, Origin, Request, Response, Worker
from edgert.server import AccessRecord, EdgeServer

WORKER = """
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === '/origin') {
      const r = await fetch('https://origin.example/data');
      return new Response('via origin: ' + await r.text());
    }
    if (url.pathname === '/later') {
      ctx.waitUntil(fetch('https://origin.example/background'));
      return new Response('answered first');
    }
    if (url.pathname === '/spin') for (;;) {}
    return new Response('v1 ' + url.pathname, { headers: { 'x-version': '1' } });
  }
}
"""


class Counting:
    """Counts the requests Python runs itself (``Network.begin_at``)."""

    def __init__(self, network: Network) -> None:
        self.calls = 0
        original = network.begin_at

        def begin_at(*args: Any) -> Any:
            self.calls += 1
            return original(*args)

        network.begin_at = begin_at  # type: ignore[method-assign]


async def served(records: list[AccessRecord], origin_seen: list[str]) -> tuple[Network, EdgeServer]:
    def origin(request: Request) -> Response:
        origin_seen.append(request.url)
        return Response("origin says hi")

    network = Network(
        "demo",
        Origin(handler=origin),
        workers={"app": Worker(WORKER, cpu_ms=2000)},
        clock="real",
        wall_timeout_s=1.0,
        threads=2,
    )
    server = EdgeServer(network, port=0, on_request=records.append)
    await server.start()
    return network, server


async def get(conn: Conn, path: str) -> Reply:
    await conn.send(f"GET {path} HTTP/1.1\r\nHost: app.example\r\n\r\n".encode())
    return await read_reply(conn.reader)


async def test_requests_after_the_first_are_answered_without_python() -> None:
    records: list[AccessRecord] = []
    network, server = await served(records, [])
    python = Counting(network)
    conn = await Conn.open(server.port)
    for i in range(10):
        reply = await get(conn, f"/{i}")
        assert reply.status == 200 and reply.body == f"v1 /{i}".encode()
    assert python.calls == 1  # the first one taught the front its placement and core
    await conn.close()
    await server.close(grace_s=1.0)
    await network.aclose()
    assert len(records) == 10
    assert all(r.status == 200 and r.cpu_ms > 0 for r in records)


async def test_a_request_that_waits_is_adopted_by_python() -> None:
    seen: list[str] = []
    network, server = await served([], seen)
    python = Counting(network)
    conn = await Conn.open(server.port)
    assert (await get(conn, "/warm")).status == 200
    reply = await get(conn, "/origin")
    assert reply.status == 200 and reply.body == b"via origin: origin says hi"
    reply = await get(conn, "/later")  # written by the front; its waitUntil fetch by Python
    assert reply.body == b"answered first"
    for _ in range(2000):  # a bounded wait for the background fetch, not a timing assertion
        if any(url.endswith("/background") for url in seen):
            break
        await asyncio.sleep(0.005)
    assert any(url.endswith("/background") for url in seen)
    assert python.calls == 1
    await conn.close()
    await server.close(grace_s=1.0)
    await network.aclose()


async def test_a_replaced_worker_is_served_from_its_next_request() -> None:
    network, server = await served([], [])
    conn = await Conn.open(server.port)
    assert (await get(conn, "/a")).body == b"v1 /a"
    assert (await get(conn, "/a")).body == b"v1 /a"
    network.replace_worker("app", WORKER.replace("'v1 '", "'v2 '"))
    assert (await get(conn, "/a")).body == b"v2 /a"
    assert (await get(conn, "/a")).body == b"v2 /a"
    await conn.close()
    await server.close(grace_s=1.0)
    await network.aclose()


@pytest.mark.parametrize("warm", [True, False], ids=["native", "first-request"])
async def test_a_stuck_turn_is_answered_503(warm: bool) -> None:
    network, server = await served([], [])
    conn = await Conn.open(server.port)
    if warm:
        assert (await get(conn, "/warm")).status == 200
    reply = await get(conn, "/spin")
    assert reply.status == 503 and b"1102" in reply.body
    other = await Conn.open(server.port)
    assert (await get(other, "/after")).status == 200
    await other.close()
    await conn.close()
    await server.close(grace_s=1.0)
    await network.aclose()
