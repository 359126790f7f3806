"""The native front's server-wide limits: stalled uploads (body timeout, bounded memory), the
body buffer across the server, and the connection limit. Each refusal is answered, closes its
connection, and the server keeps serving."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from server_client import Conn, request
from server_world import make_served

from edgert.server import ServerLimits


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


async def _open(port: int, n: int) -> list[Conn]:
    return list(await asyncio.gather(*(Conn.open(port) for _ in range(n))))


@pytest.mark.slow
async def test_stalled_uploads_hold_little_memory_and_each_gets_408() -> None:
    s = await make_served(ServerLimits(body_timeout_s=1.0))
    try:
        await request(s.port, "/warm")
        before = _rss_bytes()
        conns = await _open(s.port, 200)
        head = b"POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\nabc"
        await asyncio.gather(*(c.send(head) for c in conns))
        # Every upload is now stalled; the bodies announced add up to 400 MB.
        assert (await request(s.port, "/still")).status == 200
        grown = _rss_bytes() - before
        replies = await asyncio.gather(*(c.reply() for c in conns))
        assert [r.status for r in replies] == [408] * 200
        assert all(await asyncio.gather(*(c.at_eof() for c in conns)))
        assert grown < 30 * 1024 * 1024, grown
        assert (await request(s.port, "/after")).status == 200
    finally:
        await s.server.close(grace_s=1.0)
        await s.network.aclose()


async def test_a_stalled_upload_gets_408_and_is_closed() -> None:
    s = await make_served(ServerLimits(body_timeout_s=0.2))
    try:
        conn = await Conn.open(s.port)
        await conn.send(b"POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
        reply = await conn.reply()
        assert reply.status == 408
        assert b"body" in reply.body
        assert reply.header("connection") == "close"
        assert await conn.at_eof()
        assert (await request(s.port, "/still")).status == 200
    finally:
        await s.server.close(grace_s=1.0)
        await s.network.aclose()


async def test_bodies_past_the_servers_buffer_get_503_with_retry_after() -> None:
    s = await make_served(ServerLimits(max_buffered_body_bytes=1000, body_timeout_s=30))
    try:
        holder = await Conn.open(s.port)
        # 800 bytes buffered and the rest never comes: the buffer is mostly taken.
        await holder.send(b"POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n")
        await holder.send(b"h" * 800)
        second = await Conn.open(s.port)
        await second.send(b"POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 500\r\n\r\n")
        # The second body's first piece may race the holder's bytes into the buffer: send
        # until the server answers.
        await second.send(b"s" * 500)
        reply = await second.reply()
        assert reply.status == 503
        assert reply.header("retry-after") is not None
        assert await second.at_eof()
        # A request without a body is not affected.
        assert (await request(s.port, "/still")).status == 200
        await holder.close()
    finally:
        await s.server.close(grace_s=1.0)
        await s.network.aclose()


async def test_connections_past_the_limit_get_503_and_are_closed() -> None:
    s = await make_served(ServerLimits(max_connections=2))
    try:
        first, second = await _open(s.port, 2)
        assert (await first.get("/1")).status == 200
        assert (await second.get("/2")).status == 200
        third = await Conn.open(s.port)
        reply = await third.reply()
        assert reply.status == 503
        assert reply.header("retry-after") is not None
        assert await third.at_eof()
        await first.close()
        # Once a connection has closed there is room again.
        for _ in range(200):
            if s.server.connections < 2:
                break
            await asyncio.sleep(0.01)
        assert (await request(s.port, "/again")).status == 200
        await second.close()
    finally:
        await s.server.close(grace_s=1.0)
        await s.network.aclose()


async def test_close_returns_within_the_grace_period_with_a_request_stuck() -> None:
    s = await make_served()
    busy = await Conn.open(s.port)
    await busy.send(b"GET /slow-stuck HTTP/1.1\r\nHost: a\r\n\r\n")
    await s.gate.reached("/slow-stuck").wait()
    await asyncio.wait_for(s.server.close(grace_s=0.1), 5.0)
    assert s.server.connections == 0
    with contextlib.suppress(ConnectionError):
        await busy.reader.read()
    s.gate.event("/slow-stuck").set()
    await s.network.aclose()


async def test_a_body_counts_against_the_buffer_until_its_request_is_answered() -> None:
    s = await make_served(ServerLimits(max_buffered_body_bytes=1000))
    try:
        waiting = await Conn.open(s.port)
        body = b"w" * 800
        await waiting.send(
            b"POST /slow-held HTTP/1.1\r\nHost: a\r\nContent-Length: 800\r\n\r\n" + body
        )
        await s.gate.reached("/slow-held").wait()  # complete, and waiting on the origin
        second = await Conn.open(s.port)
        await second.send(
            b"POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 500\r\n\r\n" + b"s" * 500
        )
        assert (await second.reply()).status == 503
        s.gate.event("/slow-held").set()
        assert (await waiting.reply()).body == b"slow:origin/slow-held"
        # Answered: its 800 bytes are given back.
        third = await Conn.open(s.port)
        await third.send(b"POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 500\r\n\r\n" + b"t" * 500)
        assert (await third.reply()).status == 200
        for conn in (waiting, second, third):
            await conn.close()
    finally:
        await s.server.close(grace_s=1.0)
        await s.network.aclose()
