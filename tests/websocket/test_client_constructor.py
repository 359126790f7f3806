"""``new WebSocket(url, protocols)`` in a worker (the WHATWG client constructor, as Workers has
it): it connects through the worker's outgoing ``fetch()`` upgrade (same egress policy), fires
``open``/``message``/``close``/``error`` with ``readyState``, ``protocol``, ``extensions`` and
``binaryType`` as the standard says; the constructor's and ``close()``'s argument errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from edgert import Worker
from edgert.egress import EgressPolicy

from .conftest import StartEdge

websockets = pytest.importorskip("websockets")
from websockets.asyncio.server import serve  # noqa: E402

CLIENT = """
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/errors') {
      const name = (f) => { try { f(); return 'none'; } catch (e) { return e.name; } };
      return Response.json([
        name(() => new WebSocket('ftp://example.com/')),
        name(() => new WebSocket('ws://example.com/#frag')),
        name(() => new WebSocket('not a url')),
        name(() => new WebSocket(env.ORIGIN, ['a b'])),
        name(() => new WebSocket(env.ORIGIN, ['chat', 'chat'])),
        name(() => new WebSocket()),
      ]);
    }
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    const target = url.pathname === '/refused' ? env.CLOSED : env.ORIGIN.replace('ws:', 'http:');
    const origin = new WebSocket(target, ['chat', 'other']);
    const early = [origin.readyState, origin.binaryType, origin.url, origin.protocol];
    try { origin.send('too early'); } catch (e) { early.push(e.name); }
    origin.binaryType = 'nonsense';  // ignored (an enumeration)
    early.push(origin.binaryType);
    origin.binaryType = 'arraybuffer';
    origin.addEventListener('open', () => {
      server.send(JSON.stringify({ early, open: [origin.readyState, origin.protocol, origin.extensions] }));
    });
    origin.onmessage = (ev) => server.send(typeof ev.data === 'string' ? 'text:' + ev.data
      : ev.data instanceof Blob ? 'blob:' + ev.data.size : 'binary:' + ev.data.byteLength);
    origin.onerror = (ev) => server.send('error:' + ev.type + ':' + origin.readyState);
    origin.onclose = (ev) => {
      let after;
      try { origin.send('after close'); after = origin.bufferedAmount; } catch (e) { after = e.name; }
      server.send(`close:${ev.code}:${ev.reason}:${ev.wasClean}:${origin.readyState}:${after}`);
    };
    server.addEventListener('message', (ev) => {
      if (ev.data === 'bye') origin.close(3000, 'done');
      else if (ev.data === 'bad close') { try { origin.close(1001); } catch (e) { server.send('close threw ' + e.name); } }
      else if (ev.data === 'blob') { origin.binaryType = 'blob'; origin.send(new Uint8Array([1, 2, 3])); }
      else origin.send(ev.data);
    });
    return new Response(null, { status: 101, webSocket: client });
  },
};
"""


async def echo(ws: object) -> None:
    async for message in ws:  # type: ignore[attr-defined]
        reply = message if isinstance(message, bytes) else f"origin echo {message}"
        await ws.send(reply)  # type: ignore[attr-defined]


@pytest.fixture
async def origin() -> AsyncIterator[int]:
    async with serve(echo, "127.0.0.1", 0, subprotocols=["chat"]) as server:  # type: ignore[list-item]
        yield next(iter(server.sockets)).getsockname()[1]


def client(port: int) -> Worker:
    """CLIENT, connecting to the origin at ``port``."""
    return Worker(
        CLIENT,
        vars={"ORIGIN": f"ws://127.0.0.1:{port}/room", "CLOSED": "ws://127.0.0.1:9/"},
    )


async def recv(ws: object) -> str:
    return str(await asyncio.wait_for(ws.recv(), 5))  # type: ignore[attr-defined]


async def test_open_messages_and_close(edge: StartEdge, origin: int) -> None:
    srv = await edge(client(origin), EgressPolicy.open())
    async with websockets.connect(f"ws://127.0.0.1:{srv.port}/ws") as ws:
        opened = json.loads(await recv(ws))
        room = f"ws://127.0.0.1:{origin}/room"
        # CONNECTING, 'blob' by default, the URL as ws:, no protocol yet; send() too early.
        assert opened["early"] == [0, "blob", room, "", "InvalidStateError", "blob"]
        state, protocol, extensions = opened["open"]
        assert (state, protocol) == (1, "chat")
        assert extensions.startswith("permessage-deflate")  # what the host agreed with the origin
        await ws.send("hello")
        assert await recv(ws) == "text:origin echo hello"
        await ws.send(b"\x00\x01\x02\x03")
        assert await recv(ws) == "binary:4"
        await ws.send("bad close")
        assert await recv(ws) == "close threw InvalidAccessError"
        await ws.send("bye")
        # The closing handshake with the origin completes; send() after close only counts.
        assert await recv(ws) == "close:3000:done:true:3:11"


async def test_blob_binary_type(edge: StartEdge, origin: int) -> None:
    srv = await edge(client(origin), EgressPolicy.open())
    async with websockets.connect(f"ws://127.0.0.1:{srv.port}/ws") as ws:
        await recv(ws)
        await ws.send("blob")  # the origin echoes three bytes; the worker gets a Blob
        assert await recv(ws) == "blob:3"


async def test_failure_fires_error_then_close_1006(edge: StartEdge, origin: int) -> None:
    srv = await edge(client(origin), EgressPolicy.open())
    async with websockets.connect(f"ws://127.0.0.1:{srv.port}/refused") as ws:
        assert await recv(ws) == "error:error:3"
        assert await recv(ws) == "close:1006::false:3:11"


async def test_the_egress_policy_applies(edge: StartEdge, origin: int) -> None:
    srv = await edge(client(origin), EgressPolicy())  # private addresses refused
    async with websockets.connect(f"ws://127.0.0.1:{srv.port}/ws") as ws:
        assert await recv(ws) == "error:error:3"
        assert (await recv(ws)).startswith("close:1006::false:3")


async def test_argument_errors(edge: StartEdge, origin: int) -> None:
    srv = await edge(client(origin), EgressPolicy.open())
    import aiohttp

    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{srv.port}/errors") as r,
    ):
        names = json.loads(await r.text())
    assert names == ["SyntaxError"] * 5 + ["TypeError"]
