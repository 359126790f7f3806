"""Graceful shutdown and per-PoP ports."""

from __future__ import annotations

import asyncio
import contextlib
import json

import pytest
from server_client import Conn, request
from server_world import make_served


async def test_graceful_shutdown_finishes_the_request_in_flight() -> None:
    s = await make_served()
    port = s.port
    busy = await Conn.open(port)
    idle = await Conn.open(port)
    assert (await idle.get("/warm")).status == 200
    await busy.send(b"GET /slow-close HTTP/1.1\r\nHost: a\r\n\r\n")
    await s.gate.reached("/slow-close").wait()
    closing = asyncio.ensure_future(s.server.close(grace_s=30.0))
    assert await idle.at_eof()  # the idle keep-alive connection is closed at once
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)  # no longer accepting
    assert not closing.done()
    s.gate.event("/slow-close").set()
    reply = await busy.reply()
    assert reply.body == b"slow:origin/slow-close"
    assert reply.header("connection") == "close"
    assert await busy.at_eof()
    await closing
    await s.network.aclose()


async def test_shutdown_grace_expires_and_aborts() -> None:
    s = await make_served()
    busy = await Conn.open(s.port)
    await busy.send(b"GET /slow-never HTTP/1.1\r\nHost: a\r\n\r\n")
    await s.gate.reached("/slow-never").wait()
    await s.server.close(grace_s=0.05)
    assert s.server.connections == 0
    with contextlib.suppress(ConnectionError):
        assert await busy.reader.read() == b""
    s.gate.event("/slow-never").set()
    await s.network.aclose()


async def test_a_pop_on_its_own_port() -> None:
    s = await make_served(pop="FRA")
    try:
        reply = await request(s.port, "/where")
        cf = json.loads(reply.body)["cf"]
        assert cf["colo"] == "FRA"
        assert cf["country"] == "DE"
        # The header places the client; the port's PoP still answers.
        far = json.loads((await request(s.port, "/w", "X-Edgert-Client: colo=NRT\r\n")).body)
        assert far["cf"]["colo"] == "FRA"
        assert far["cf"]["country"] == "JP"
        assert s.records[-1].pop == "FRA"
    finally:
        await s.server.close()
        await s.network.aclose()
