"""The origin client is transparent (RFC 9110 7.6.1, RFC 9112 6.3), through ``edgert serve`` as
a caching proxy and through a worker's ``fetch``, against a raw origin on 127.0.0.1 that sends
exactly the bytes of each case."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator

import pytest
from raw_origin import GZIPPED, RawOrigin, exchange

from edgert import Worker
from edgert.host.upstream import UpstreamClient
from edgert.server import EdgeServer, build_network


@pytest.fixture
async def origin() -> AsyncIterator[RawOrigin]:
    server = await RawOrigin().start()
    yield server
    await server.close()


Edge = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@pytest.fixture
async def proxy(origin: RawOrigin) -> AsyncIterator[Edge]:
    network = build_network(None, origin=origin.url)
    server = EdgeServer(network, port=0)
    await server.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    yield reader, writer
    writer.close()
    await server.close(grace_s=1.0)
    await network.aclose()


# -- edgert serve as a caching proxy ------------------------------------------------------------


async def test_proxy_keeps_the_encoding_and_the_encoded_bytes(
    proxy: Edge, origin: RawOrigin
) -> None:
    reader, writer = proxy
    for expected_status in ("MISS", "HIT"):
        reply = await exchange(reader, writer, "GET", "/gzip", "Accept-Encoding: gzip\r\n")
        assert reply.status == 200
        assert reply.header("content-encoding") == "gzip"
        assert reply.body == GZIPPED  # not decompressed on the way
        assert gzip.decompress(reply.body).startswith(b"hello, compressed world")
        assert reply.header("cf-cache-status") == expected_status
    assert origin.seen[0].headers.get("accept-encoding") == "gzip"  # the client's, not ours


async def test_proxy_removes_the_fields_connection_lists(proxy: Edge, origin: RawOrigin) -> None:
    reader, writer = proxy
    for expected_status in ("MISS", "HIT"):  # not stored either
        reply = await exchange(reader, writer, "GET", "/private")
        names = {k.lower() for k, _ in reply.headers}
        assert reply.status == 200 and reply.body == b"ok"
        assert "x-private" not in names and "keep-alive" not in names
        assert reply.header("x-public") == "shown"
        assert reply.header("cf-cache-status") == expected_status


async def test_proxy_answers_head_and_the_connection_goes_on(
    proxy: Edge, origin: RawOrigin
) -> None:
    reader, writer = proxy
    reply = await exchange(reader, writer, "HEAD", "/head")
    assert reply.status == 200 and reply.header("x-head") == "yes"
    assert reply.header("cf-cache-status") == "MISS"
    assert origin.methods("/head") == ["HEAD"]  # not turned into a GET
    after = await exchange(reader, writer, "GET", "/plain")
    assert after.status == 200 and after.body == b"plain"
    # The HEAD's answer was not stored as the GET's representation.
    full = await exchange(reader, writer, "GET", "/head")
    assert full.body == b"h" * 50 and full.header("cf-cache-status") == "MISS"
    assert origin.methods("/head") == ["HEAD", "GET"]
    head_hit = await exchange(reader, writer, "HEAD", "/head")  # now answered from the GET
    assert head_hit.header("cf-cache-status") == "HIT" and head_hit.header("x-head") == "yes"
    assert origin.methods("/head") == ["HEAD", "GET"]


async def test_proxy_cuts_an_overrun_body_and_drops_that_connection(
    proxy: Edge, origin: RawOrigin
) -> None:
    reader, writer = proxy
    reply = await exchange(reader, writer, "GET", "/overrun")
    assert reply.status == 200 and reply.body == b"hello"  # the declared length, not a 502
    assert reply.header("cf-cache-status") == "MISS"
    again = await exchange(reader, writer, "GET", "/plain")
    assert again.body == b"plain"  # never the "poisoned" bytes left on the wire
    cached = await exchange(reader, writer, "GET", "/overrun")
    assert cached.body == b"hello" and cached.header("cf-cache-status") == "HIT"
    # The overrun connection was closed, so /plain came on a new one.
    assert origin.seen[1].connection != origin.seen[0].connection


# -- a worker's fetch ---------------------------------------------------------------------------

REPORTER = """
export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    const r = await fetch(env.ORIGIN + path, { method: request.method });
    const bytes = new Uint8Array(await r.arrayBuffer());
    return Response.json({
      status: r.status,
      headers: [...r.headers],
      length: bytes.length,
      head: Array.from(bytes.slice(0, 2)),
      text: new TextDecoder().decode(bytes.slice(0, 5)),
    });
  }
}
"""


async def _report(worker: Worker, path: str, method: str = "GET") -> dict[str, object]:
    response = await worker.fetch_async(f"https://edge.test{path}", method=method)
    assert response.status == 200, response.text()
    result: dict[str, object] = json.loads(response.text())
    return result


@pytest.fixture
async def reporter(origin: RawOrigin) -> AsyncIterator[Worker]:
    worker = Worker(REPORTER, vars={"ORIGIN": origin.url})
    yield worker
    await worker.aclose()


async def test_fetch_sees_the_encoded_body_with_its_encoding(reporter: Worker) -> None:
    got = await _report(reporter, "/gzip")
    assert ["content-encoding", "gzip"] in got["headers"]  # type: ignore[operator]
    assert got["length"] == len(GZIPPED) and got["head"] == [0x1F, 0x8B]


async def test_fetch_drops_connection_listed_fields(reporter: Worker) -> None:
    got = await _report(reporter, "/private")
    names = {name for name, _ in got["headers"]}  # type: ignore[attr-defined]
    assert "x-private" not in names and "connection" not in names and "keep-alive" not in names
    assert "x-public" in names


async def test_fetch_sends_head_as_head(reporter: Worker, origin: RawOrigin) -> None:
    got = await _report(reporter, "/head", "HEAD")
    assert origin.methods("/head") == ["HEAD"]
    assert got["length"] == 0 and ["content-length", "50"] in got["headers"]  # type: ignore[operator]
    again = await _report(reporter, "/plain")  # the HEAD left the connection usable
    assert again["text"] == "plain"
    assert origin.connections == 1


async def test_fetch_of_an_overrun_body_gets_the_declared_length(
    reporter: Worker, origin: RawOrigin
) -> None:
    got = await _report(reporter, "/overrun")
    assert got["status"] == 200 and got["text"] == "hello" and got["length"] == 5
    after = await _report(reporter, "/plain")
    assert after["text"] == "plain"
    assert origin.connections == 2  # the overrun connection was not reused


async def test_fetch_follows_redirects_and_reads_chunked_bodies(reporter: Worker) -> None:
    redirected = await _report(reporter, "/redirect")
    assert redirected["status"] == 200 and redirected["text"] == "plain"
    chunked = await _report(reporter, "/chunked")
    assert chunked["length"] == 11 and ["transfer-encoding", "chunked"] not in chunked["headers"]  # type: ignore[operator]


# -- the client's pool --------------------------------------------------------------------------


async def test_keep_alive_connections_are_reused_and_bounded(origin: RawOrigin) -> None:
    client = UpstreamClient(max_idle=2)
    try:
        for _ in range(3):
            response = await client.send("GET", f"{origin.url}/plain", [])
            assert response.body == b"plain"
        assert (client.opened, client.reused, origin.connections) == (1, 2, 1)
        answers = await asyncio.gather(
            *(client.send("GET", f"{origin.url}/plain", []) for _ in range(6))
        )
        assert all(a.body == b"plain" for a in answers)
        assert client.idle_connections() <= 2
    finally:
        await client.close()


async def test_a_request_waits_for_a_slot_at_the_connection_limit(origin: RawOrigin) -> None:
    client = UpstreamClient(max_connections=2)
    try:
        answers = await asyncio.gather(
            *(client.send("GET", f"{origin.url}/plain", []) for _ in range(8))
        )
        assert [a.body for a in answers] == [b"plain"] * 8
        assert origin.connections <= 2
    finally:
        await client.close()


async def test_redirects_are_not_followed_for_the_origin(origin: RawOrigin) -> None:
    client = UpstreamClient()
    try:
        response = await client.send("GET", f"{origin.url}/redirect", [])
        assert response.status == 302 and response.headers.get("location") == "/plain"
    finally:
        await client.close()


async def test_a_connection_the_origin_closed_while_idle_is_not_reused(origin: RawOrigin) -> None:
    client = UpstreamClient()
    try:
        first = await client.send("GET", f"{origin.url}/then-close", [])
        assert first.body == b"bye"
        async with asyncio.timeout(10):  # the origin's FIN takes the connection out of the pool
            while client.idle_connections():
                await asyncio.sleep(0)
        second = await client.send("GET", f"{origin.url}/plain", [])
        assert second.body == b"plain" and origin.connections == 2
    finally:
        await client.close()
