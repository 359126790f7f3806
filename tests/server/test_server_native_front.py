"""``edgert._core.NativeFront`` on its own: the batch interface (fd, take, respond, flush), the
memoised placement, a refused placement, and graceful close."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from server_client import Conn

from edgert import Response
from edgert._core import NativeFront
from edgert.errors import ConfigError


@dataclass(frozen=True)
class Pop:
    code: str


@dataclass(frozen=True)
class Place:
    pop: Pop
    client: str
    cf: str


class Resolver:
    """Places every client at "POP"; ``bad`` names no place. Counts its calls."""

    def __init__(self) -> None:
        self.calls: list[str | None] = []

    def __call__(self, location: str | None) -> Place:
        self.calls.append(location)
        if location == "bad":
            raise ConfigError("no such place\nsecond line")
        return Place(pop=Pop(f"P-{location}"), client="client", cf=json.dumps({"at": location}))


def _front(resolve: Resolver) -> NativeFront:
    return NativeFront(
        resolve,
        "127.0.0.1",
        0,
        max_header_bytes=8192,
        max_body_bytes=1000,
        header_timeout_s=5,
        idle_timeout_s=5,
        body_timeout_s=5,
        max_buffered_body_bytes=10_000,
        max_connections=10,
    )


async def _readable(front: NativeFront) -> None:
    loop = asyncio.get_running_loop()
    ready = asyncio.Event()
    loop.add_reader(front.fd, ready.set)
    try:
        await ready.wait()
    finally:
        loop.remove_reader(front.fd)


async def test_take_respond_flush_and_the_placement_memo() -> None:
    resolve = Resolver()
    front = _front(resolve)
    conn = await Conn.open(front.port)
    for _ in range(2):
        await conn.send(
            b"POST /p?q=1 HTTP/1.1\r\nHost: a.example\r\nX-Edgert-Client: here\r\n"
            b"Content-Length: 2\r\n\r\nhi"
        )
        items = []
        while not items:
            await _readable(front)
            items = front.take()
        ((token, pop, client, request, url),) = items
        assert (pop, client, url) == (Pop("P-here"), "client", "http://a.example/p?q=1")
        assert request.method == "POST" and request.body == b"hi"
        assert request.cf == {"at": "here"}
        assert "x-edgert-client" not in request.headers
        assert not token.answered
        front.respond(token, Response("ok", headers={"x-a": "1"}))
        assert token.answered
        front.flush()
        reply = await conn.reply()
        assert (reply.status, reply.body, reply.header("x-a")) == (200, b"ok", "1")
    assert resolve.calls == ["here"]  # resolved once, then remembered
    await conn.close()
    front.close(1.0)
    while not front.stopped:
        await _readable(front)
    front.join()
    assert front.connections == 0


async def test_a_resolver_that_fails_is_answered_500() -> None:
    def broken(location: str | None) -> object:
        raise RuntimeError("resolver bug")

    front = _front(broken)  # type: ignore[arg-type]
    conn = await Conn.open(front.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    reply_task = asyncio.ensure_future(conn.reply())
    while not reply_task.done():  # the resolver runs inside take()
        readable = asyncio.ensure_future(_readable(front))
        await asyncio.wait([reply_task, readable], return_when=asyncio.FIRST_COMPLETED)
        readable.cancel()
        assert front.take() == []
    reply = reply_task.result()
    assert reply.status == 500
    assert b"resolver bug" in reply.body
    await conn.close()
    front.close(0.0)


async def test_a_place_that_does_not_resolve_is_answered_400() -> None:
    front = _front(Resolver())
    conn = await Conn.open(front.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: a\r\nX-Edgert-Client: bad\r\n\r\n")
    reply_task = asyncio.ensure_future(conn.reply())
    # The resolver runs inside take(): take until the reply comes (one wake-up of the fd may
    # come before the request was read, so a single take() could leave the request unplaced).
    while not reply_task.done():
        readable = asyncio.ensure_future(_readable(front))
        await asyncio.wait([reply_task, readable], return_when=asyncio.FIRST_COMPLETED)
        readable.cancel()
        assert front.take() == []
    reply = reply_task.result()
    assert reply.status == 400
    assert reply.body == b"400 Bad Request: no such place\n"
    assert reply.header("connection") is None  # the connection stays usable
    await conn.close()
    front.close(0.0)
    while not front.stopped:
        await _readable(front)
    front.join()
