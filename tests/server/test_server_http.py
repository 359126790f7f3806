"""HTTP/1.1 behaviour of the edge server on real sockets: keep-alive, pipelining, chunked
bodies both ways, HEAD, Expect: 100-continue, HTTP/1.0, the access record."""

from __future__ import annotations

import asyncio
import json

import pytest
from server_client import Conn, request
from server_world import Served, make_served


async def test_keep_alive_serves_several_requests_on_one_connection(served: Served) -> None:
    conn = await Conn.open(served.port)
    for i in range(3):
        reply = await conn.get(f"/n{i}")
        assert reply.status == 200
        assert json.loads(reply.body)["path"] == f"/n{i}"
        assert reply.header("connection") is None
        assert reply.header("date")
    await conn.close()
    assert served.server.connections <= 1


async def test_pipelined_responses_keep_request_order(served: Served, parser: str) -> None:
    if parser == "native":
        pytest.skip("the native front runs pipelined requests one at a time (hyper): see below")
    conn = await Conn.open(served.port)
    # The first request waits on the origin; the second is answered at once by the worker.
    await conn.send(
        b"GET /slow1 HTTP/1.1\r\nHost: a.example\r\n\r\n"
        b"GET /fast HTTP/1.1\r\nHost: a.example\r\n\r\n"
        b"GET /slow2 HTTP/1.1\r\nHost: a.example\r\n\r\n"
    )
    await served.gate.reached("/slow2").wait()
    served.gate.event("/slow2").set()  # the third finishes before the first
    await served.gate.reached("/slow1").wait()
    served.gate.event("/slow1").set()
    first, second, third = (await conn.reply(), await conn.reply(), await conn.reply())
    assert first.body == b"slow:origin/slow1"
    assert json.loads(second.body)["path"] == "/fast"
    assert third.body == b"slow:origin/slow2"
    await conn.close()


async def test_pipelined_requests_run_in_order_one_at_a_time_on_the_native_front(
    parser: str,
) -> None:
    if parser != "native":
        pytest.skip("the asyncio front runs pipelined requests at once (test above)")
    served = await make_served()
    try:
        conn = await Conn.open(served.port)
        await conn.send(
            b"GET /slow1 HTTP/1.1\r\nHost: a.example\r\n\r\n"
            b"GET /fast HTTP/1.1\r\nHost: a.example\r\n\r\n"
            b"GET /slow2 HTTP/1.1\r\nHost: a.example\r\n\r\n"
        )
        await served.gate.reached("/slow1").wait()
        assert not served.gate.reached("/slow2").is_set()  # not started before /slow1 is answered
        served.gate.event("/slow1").set()
        first, second = await conn.reply(), await conn.reply()
        await served.gate.reached("/slow2").wait()
        served.gate.event("/slow2").set()
        third = await conn.reply()
        assert first.body == b"slow:origin/slow1"
        assert json.loads(second.body)["path"] == "/fast"
        assert third.body == b"slow:origin/slow2"
        await conn.close()
    finally:
        for event in served.gate.events.values():
            event.set()
        await served.server.close(grace_s=1.0)
        await served.network.aclose()


async def test_chunked_request_body_reaches_the_worker(served: Served) -> None:
    conn = await Conn.open(served.port)
    await conn.send(
        b"POST /echo HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n"
    )
    await conn.send(b"7\r\n, world\r\n0\r\n\r\n")
    reply = await conn.reply()
    echoed = json.loads(reply.body)
    assert echoed["method"] == "POST"
    assert echoed["body"] == "hello, world"
    assert (await conn.get("/after")).status == 200  # the connection is still in step
    await conn.close()


async def test_chunked_response_when_the_worker_asks_for_it(served: Served) -> None:
    conn = await Conn.open(served.port)
    reply = await conn.get("/chunked")
    assert reply.header("transfer-encoding") == "chunked"
    assert reply.header("content-length") is None
    assert reply.body == b"x" * 100000
    assert (await conn.get("/after")).status == 200
    await conn.close()


async def test_content_length_body(served: Served) -> None:
    conn = await Conn.open(served.port)
    await conn.send(b"PUT /put HTTP/1.1\r\nHost: a.example\r\nContent-Length: 3\r\n\r\nabc")
    assert json.loads((await conn.reply()).body)["body"] == "abc"
    await conn.close()


async def test_head_has_the_length_of_get_and_no_body(served: Served) -> None:
    conn = await Conn.open(served.port)
    head = await conn.get("/thing", method="HEAD")
    assert head.status == 200
    assert int(head.header("content-length") or 0) > 0
    # If a body had followed the HEAD response, this reply would not parse as one.
    after = await conn.get("/after")
    assert json.loads(after.body)["path"] == "/after"
    await conn.close()


async def test_expect_100_continue(served: Served) -> None:
    conn = await Conn.open(served.port)
    await conn.send(
        b"POST /up HTTP/1.1\r\nHost: a.example\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"
    )
    interim = await conn.reader.readuntil(b"\r\n\r\n")
    assert interim.startswith(b"HTTP/1.1 100 ")
    await conn.send(b"data")
    assert json.loads((await conn.reply()).body)["body"] == "data"
    await conn.close()


async def test_http10_without_keep_alive_is_closed_after_the_response(served: Served) -> None:
    conn = await Conn.open(served.port)
    await conn.send(b"GET /old HTTP/1.0\r\n\r\n")
    reply = await conn.reply()
    assert reply.status == 200
    assert reply.header("connection") == "close"
    assert await conn.at_eof()


async def test_worker_that_throws_gets_500_and_the_server_keeps_serving(served: Served) -> None:
    conn = await Conn.open(served.port)
    assert (await conn.get("/throw")).status == 500
    assert (await conn.get("/fine")).status == 200
    await conn.close()


async def test_access_record_carries_status_pop_cpu_and_console_lines(served: Served) -> None:
    reply = await request(served.port, "/log?x=1")
    assert reply.status == 200
    record = served.records[-1]
    assert (record.method, record.path, record.status) == ("GET", "/log?x=1", 200)
    assert record.pop == served.network.pops[0].code
    assert record.cpu_ms > 0
    assert record.wall_ms >= 0
    assert ("log", "hello log") in record.logs
    assert ("warn", "careful") in record.logs
    assert "GET /log?x=1 200" in record.line()


async def test_many_concurrent_connections(served: Served) -> None:
    replies = await asyncio.gather(*(request(served.port, f"/c{i}") for i in range(50)))
    assert sorted(json.loads(r.body)["path"] for r in replies) == sorted(
        f"/c{i}" for i in range(50)
    )


async def test_one_large_chunk_arriving_in_small_pieces(served: Served) -> None:
    conn = await Conn.open(served.port)
    payload = bytes(range(97, 123)) * 4000  # 104,000 bytes in one chunk
    wire = b"%x\r\n" % len(payload) + payload + b"\r\n0\r\n\r\n"
    await conn.send(b"POST /big HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n")
    for i in range(0, len(wire), 997):
        await conn.send(wire[i : i + 997])
    echoed = json.loads((await conn.reply()).body)
    assert echoed["body"] == payload.decode()
    await conn.close()
