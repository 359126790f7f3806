"""A worker's outgoing WebSocket: ``fetch()`` with ``Upgrade: websocket`` to an origin (a
Python ``websockets`` echo server on the loopback), returned to the client as it is, or
accepted by the worker, which relays with a change; the egress policy applies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from edgert import Worker
from edgert.egress import EgressPolicy

from .conftest import StartEdge

websockets = pytest.importorskip("websockets")
from websockets.asyncio.server import serve  # noqa: E402

PROXY = """
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const upstream = await fetch(env.ORIGIN + url.pathname, { headers: { Upgrade: 'websocket' } });
    if (upstream.status !== 101) return new Response(`origin said ${upstream.status}`, { status: 502 });
    if (url.pathname === '/raw') return new Response(null, { status: 101, webSocket: upstream.webSocket });
    const origin = upstream.webSocket;
    origin.accept();
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener('message', (ev) => origin.send(ev.data.toUpperCase()));
    origin.addEventListener('message', (ev) => server.send('via worker: ' + ev.data));
    return new Response(null, { status: 101, webSocket: client });
  },
};
"""


async def echo(ws: object) -> None:
    async for message in ws:  # type: ignore[attr-defined]
        await ws.send(f"origin echo {message}")  # type: ignore[attr-defined]


@pytest.fixture
async def origin() -> AsyncIterator[int]:
    async with serve(echo, "127.0.0.1", 0) as server:
        yield next(iter(server.sockets)).getsockname()[1]


def proxy(port: int) -> Worker:
    """PROXY, to the origin at ``port``."""
    return Worker(PROXY, vars={"ORIGIN": f"http://127.0.0.1:{port}"})


async def test_returned_as_it_is_and_relayed_by_the_worker(edge: StartEdge, origin: int) -> None:
    srv = await edge(proxy(origin), EgressPolicy.open())
    async with websockets.connect(f"ws://127.0.0.1:{srv.port}/raw") as ws:
        await ws.send("a")
        assert await asyncio.wait_for(ws.recv(), 5) == "origin echo a"
    async with websockets.connect(f"ws://127.0.0.1:{srv.port}/relay") as ws:
        await ws.send("b")
        assert await asyncio.wait_for(ws.recv(), 5) == "via worker: origin echo B"


async def test_the_egress_policy_refuses_a_private_origin(edge: StartEdge, origin: int) -> None:
    srv = await edge(proxy(origin), EgressPolicy())
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(f"ws://127.0.0.1:{srv.port}/raw")
    assert refused.value.response.status_code == 500
