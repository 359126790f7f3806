"""RFC 6455 through the native front: fragmentation, ping/pong, the closing handshake, an
oversize message, an abrupt disconnect (the worker's close event fires, nothing is left
behind), limits on what the worker sends, and (slow) 1,000 sockets on one server."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from edgert import Network, Origin, Worker
from edgert.server import EdgeServer, ServerLimits
from edgert.websocket import hub_of

websockets = pytest.importorskip("websockets")

ECHO = """
const closes = [];
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/closes') return Response.json(closes);
    if (request.headers.get('Upgrade') !== 'websocket' && url.pathname !== '/always') return new Response('expected websocket', { status: 426 });
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener('message', (ev) => {
      const d = ev.data;
      if (d === 'close') server.close(4000, 'asked to');
      else if (d === 'big') server.send('x'.repeat((1 << 20) + 1));
      else if (d === 'state') server.send(String(server.readyState));
      else server.send(typeof d === 'string' ? 'echo:' + d : d);
    });
    server.addEventListener('close', (ev) => closes.push([ev.code, ev.reason, ev.wasClean]));
    return new Response(null, { status: 101, webSocket: client });
  },
};
"""


def url(srv: EdgeServer, path: str = "/ws") -> str:
    return f"ws://127.0.0.1:{srv.port}{path}"


async def closes(srv: EdgeServer, count: int) -> list[Any]:
    """The worker's close events once there are ``count`` (bounded wait: fails on a hang)."""
    import aiohttp

    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            async with http.get(f"http://127.0.0.1:{srv.port}/closes") as r:
                seen = json.loads(await r.text())
            if len(seen) >= count:
                return seen  # type: ignore[no-any-return]
            await asyncio.sleep(0.02)
    raise AssertionError(f"the worker saw {seen}, not {count} close events")


async def test_text_binary_and_fragments(server: EdgeServer) -> None:
    async with websockets.connect(url(server)) as ws:
        await ws.send("a")
        assert await ws.recv() == "echo:a"
        await ws.send(b"\x00\x01\xff")
        assert await ws.recv() == b"\x00\x01\xff"
        # A message in three fragments arrives whole.
        await ws.send(iter(["frag", "men", "ted"]))
        assert await ws.recv() == "echo:fragmented"
        await ws.send("state")
        assert await ws.recv() == "1"


async def test_ping_is_answered(server: EdgeServer) -> None:
    async with websockets.connect(url(server)) as ws:
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 5)  # a hang (no pong) fails here
        assert pong.done() and pong.exception() is None


async def test_closing_handshake_both_ways(server: EdgeServer) -> None:
    async with websockets.connect(url(server)) as ws:
        await ws.send("close")
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        # The worker's close frame came, and ours answered it: a complete handshake.
        assert ws.protocol.close_rcvd is not None and ws.protocol.close_sent is not None
        assert ws.close_code == 4000 and ws.close_reason == "asked to"
    async with websockets.connect(url(server)) as ws:
        await ws.close(3001, "client done")
    seen = await closes(server, 2)
    assert [4000, "asked to", True] in seen and [3001, "client done", True] in seen


async def test_oversize_message_closes_with_1009(server: EdgeServer) -> None:
    async with websockets.connect(url(server), max_size=None) as ws:
        with pytest.raises(websockets.ConnectionClosedError):
            await ws.send("x" * ((1 << 20) + 10))
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == 1009
    seen = await closes(server, 1)
    assert seen[0][0] == 1009 and seen[0][2] is False


async def test_worker_send_over_limit_throws(server: EdgeServer) -> None:
    async with websockets.connect(url(server), max_size=None) as ws:
        await ws.send("big")  # the worker's send throws a RangeError: nothing is sent
        await ws.send("a")
        assert await ws.recv() == "echo:a"


async def test_abrupt_disconnect_fires_close_and_leaves_nothing(server: EdgeServer) -> None:
    ws = await websockets.connect(url(server))
    await ws.send("a")
    assert await ws.recv() == "echo:a"
    ws.transport.abort()  # no closing handshake
    seen = await closes(server, 1)
    assert seen[0][0] == 1006 and seen[0][2] is False
    site = server._native
    assert site is not None
    front = site.front
    assert front.websockets == 0 and not site._sockets.ends
    hub = hub_of(server.network.realtime_host())
    assert not hub.sockets and not hub.handles


async def test_not_an_upgrade_request_gets_the_workers_answer(server: EdgeServer) -> None:
    import aiohttp

    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{server.port}/ws") as r,
    ):
        assert r.status == 426
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{server.port}/always") as r,
    ):
        assert r.status == 502 and "not a WebSocket upgrade" in await r.text()
    # The socket no client took is closed, not left open in the worker.
    assert await closes(server, 1) == [[1011, "the request was not a WebSocket upgrade", False]]
    assert not hub_of(server.network.realtime_host()).sockets


@pytest.mark.slow
async def test_a_thousand_sockets_on_one_server(server: EdgeServer) -> None:
    socks = [await websockets.connect(url(server)) for _ in range(1000)]
    try:
        await asyncio.gather(*(ws.send(f"m{i}") for i, ws in enumerate(socks)))
        got = await asyncio.gather(*(asyncio.wait_for(ws.recv(), 30) for ws in socks))
        assert got == [f"echo:m{i}" for i in range(1000)]
    finally:
        await asyncio.gather(*(ws.close() for ws in socks))
    await closes(server, 1000)


async def test_the_asyncio_front_refuses_upgrades_with_501() -> None:
    worker = Worker(ECHO, min_isolates=1, max_isolates=1)
    net = Network(["FRA"], Origin(handler=lambda r: None), clock="real", workers={"app": worker})
    srv = EdgeServer(net, port=0, front="asyncio")
    await srv.start()
    try:
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(url(srv))
        assert refused.value.response.status_code == 501
        # The worker's socket was closed, not left open.
        assert await closes(srv, 1) == [
            [1011, "the asyncio front does not serve WebSockets", False]
        ]
        assert not hub_of(net.realtime_host()).sockets
    finally:
        await srv.close(1)


async def test_idle_sockets_and_shutdown_close_with_1001() -> None:
    worker = Worker(ECHO, min_isolates=1, max_isolates=1)
    net = Network(["FRA"], Origin(handler=lambda r: None), clock="real", workers={"app": worker})
    srv = EdgeServer(net, port=0, limits=ServerLimits(ws_idle_timeout_s=0.2))
    await srv.start()
    try:
        async with websockets.connect(url(srv)) as ws:
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 10)  # nothing sent: the idle limit closes it
            assert ws.close_code == 1001 and "idle" in (ws.close_reason or "")
        assert (await closes(srv, 1))[0][:2] == [1001, "idle for 0 s"]
    finally:
        await srv.close(1)
    srv = EdgeServer(net, port=0)
    await srv.start()
    ws = await websockets.connect(url(srv))
    await srv.close(2)
    with pytest.raises(websockets.ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 10)
    assert ws.close_code == 1001 and ws.close_reason == "the server is shutting down"
