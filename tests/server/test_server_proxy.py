"""``edgert serve`` without a worker: a caching reverse proxy in front of a real origin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from server_client import Conn

from edgert.server import EdgeServer, build_network


@dataclass
class OriginLog:
    seen: list[tuple[str, str, bytes, str | None]] = field(default_factory=list)


@dataclass
class Proxy:
    server: EdgeServer
    log: OriginLog


@pytest.fixture
async def proxy() -> AsyncIterator[Proxy]:
    log = OriginLog()

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        log.seen.append((request.method, request.path_qs, body, request.headers.get("cf-ray")))
        headers = {"cache-control": "public, max-age=60"} if request.path == "/static" else {}
        return web.Response(text=f"{request.method} {request.path_qs} {len(body)}", headers=headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    network = build_network(None, origin=f"http://127.0.0.1:{port}")
    server = EdgeServer(network, port=0)
    await server.start()
    yield Proxy(server, log)
    await server.close()
    await network.aclose()
    await runner.cleanup()


async def test_every_method_is_forwarded_with_its_body(proxy: Proxy) -> None:
    conn = await Conn.open(proxy.server.port)
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        body = b"" if method in ("GET", "OPTIONS") else b"payload"
        head = f"{method} /api/x?q=1 HTTP/1.1\r\nHost: app.example\r\nContent-Length: {len(body)}\r\n\r\n"
        await conn.send(head.encode() + body)
        reply = await conn.reply()
        assert reply.status == 200
        assert reply.body == f"{method} /api/x?q=1 {len(body)}".encode()
    await conn.close()
    assert [m for m, *_ in proxy.log.seen] == ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    assert all(ray for *_, ray in proxy.log.seen)  # the PoP adds cf-ray on the way


async def test_second_get_of_a_cacheable_response_is_a_hit(proxy: Proxy) -> None:
    conn = await Conn.open(proxy.server.port)
    first = await conn.get("/static")
    second = await conn.get("/static")
    await conn.close()
    assert first.body == second.body == b"GET /static 0"
    assert first.header("cf-cache-status") == "MISS"
    assert second.header("cf-cache-status") == "HIT"
    assert len(proxy.log.seen) == 1
