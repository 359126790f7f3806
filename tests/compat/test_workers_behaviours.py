"""Behaviours real Workers scripts rely on, each as Workers documents it (issue 15, "Why"):
``passThroughOnException`` after any failure of the handler, ``Host`` of a subrequest from the
URL being fetched, ``CF-Connecting-IP`` from the connection (never the client's word), uncaught
errors in the ``edgert dev`` log, the local ``request.cf`` TLS fields."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import edgert
from edgert import Network, Origin
from edgert.dev import DevSession
from edgert.server import EdgeServer

from .helpers import WORKERS

# -- passThroughOnException: any failure of the handler goes on to the origin ----------------

FAILURES = {
    "returns undefined": "ctx.passThroughOnException(); await null; return undefined;",
    "returns a non-Response": "ctx.passThroughOnException(); return { status: 200 };",
    "throws after an await": (
        "ctx.passThroughOnException(); await new Promise((r) => setTimeout(r, 5));"
        " throw new Error('late');"
    ),
    "rejects": "ctx.passThroughOnException(); return Promise.reject(new Error('no'));",
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_pass_through_on_any_failure_reaches_the_origin(failure: str) -> None:
    src = f"export default {{ async fetch(request, env, ctx) {{ {FAILURES[failure]} }} }}"
    seen: list[edgert.Request] = []

    def origin(request: edgert.Request) -> str:
        seen.append(request)
        return "from the origin"

    # The origin serves other hosts: the request goes on to it as if no worker ran, not to the
    # Internet under its own host name.
    net = Network(
        pops="demo",
        origin=Origin(handler=origin, hosts=["origin.example"]),
        workers={"w": src},
        seed=1,
    )
    r = net.fetch_sync("https://app.example/p?q=1", client="Paris", method="GET")
    assert (r.status, r.text()) == (200, "from the origin")
    assert [s.url for s in seen] == ["https://app.example/p?q=1"]
    # The runtime's marker never reaches the origin.
    assert seen[0].headers.get("x-edgert-pass-through") is None


def test_without_pass_through_a_failure_is_a_500() -> None:
    src = "export default { async fetch() { await null; return undefined } }"
    net = Network(pops="demo", origin=Origin(handler=lambda r: "o"), workers={"w": src}, seed=1)
    r = net.fetch_sync("https://app.example/", client="Paris")
    assert r.status == 500 and r.trace.outcome == "invalidResponse"


# -- Host of a subrequest: the URL's, never a copied Host field ---------------------------------


def test_subrequest_host_follows_the_url() -> None:
    src = """export default { async fetch(request) {
      const a = await fetch(new Request("https://api.other.example:8443/x", request));
      const b = await fetch("https://origin.example/y", { headers: { host: "evil.example" } });
      return new Response(await a.text() + " " + await b.text());
    } }"""
    net = Network(
        pops="demo",
        origin=Origin(handler=lambda r: r.headers.get("host") or "-", hosts=["origin.example"]),
        workers={"w": src},
        internet=lambda r: edgert.Response(r.headers.get("host") or "-"),
        seed=1,
    )
    r = net.fetch_sync("https://app.example/", client="Paris", headers={"host": "app.example"})
    assert r.text() == "api.other.example:8443 origin.example"


# -- the servers: CF-Connecting-IP, Host, pass-through without an origin ------------------------

ECHO = """export default { async fetch(request, env, ctx) {
  const url = new URL(request.url);
  if (url.pathname === "/fail") { ctx.passThroughOnException(); throw new Error("oops"); }
  if (url.pathname === "/upstream") {
    const r = await fetch(new Request(url.searchParams.get("to"), request));
    return new Response(await r.text());
  }
  const h = request.headers;
  return Response.json({
    ip: h.get("cf-connecting-ip"), real: h.get("x-real-ip"), xff: h.get("x-forwarded-for"),
    marker: h.get("x-edgert-pass-through"), tls: request.cf.tlsVersion,
  });
} }"""


@pytest.fixture(params=["native", "asyncio"])
async def server(request: pytest.FixtureRequest) -> AsyncIterator[EdgeServer]:
    network = Network("demo", Origin(handler=lambda r: "origin"), workers={"w": ECHO}, clock="real")
    s = EdgeServer(network, port=0, front=request.param)
    await s.start()
    yield s
    await s.close(grace_s=1.0)
    await network.aclose()


async def test_cf_connecting_ip_comes_from_the_connection(server: EdgeServer) -> None:
    spoofed = {
        "CF-Connecting-IP": "6.6.6.6",
        "X-Real-IP": "6.6.6.6",
        "X-Forwarded-For": "203.0.113.9",
        "x-edgert-pass-through": "1",
    }
    async with aiohttp.ClientSession() as client:
        async with client.get(server.url + "/", headers=spoofed) as answer:
            seen = await answer.json()
        async with client.get(server.url + "/") as answer:
            plain = await answer.json()
    assert seen["ip"] == seen["real"] == "127.0.0.1"
    assert seen["xff"] == "203.0.113.9, 127.0.0.1"
    assert seen["marker"] is None
    assert plain["ip"] == plain["xff"] == "127.0.0.1"
    assert plain["tls"] == ""  # plain HTTP outside edgert dev


async def _serve_text(handler: Callable[[aiohttp.web.Request], str]) -> tuple[Any, int]:
    from aiohttp import web

    async def respond(request: web.Request) -> web.Response:
        return web.Response(text=handler(request))

    app = web.Application()
    app.router.add_get("/{tail:.*}", respond)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, port


async def test_real_subrequest_sends_the_urls_host(tmp_path: Path) -> None:
    runner, port = await _serve_text(lambda r: r.headers.get("host", "-"))
    network = Network(
        "demo", Origin(handler=lambda r: "o", hosts=()), workers={"w": ECHO}, clock="real"
    )
    server = EdgeServer(network, port=0)
    await server.start()
    try:
        async with aiohttp.ClientSession() as client:
            to = f"http://localhost:{port}/x"
            async with client.get(server.url + "/upstream", params={"to": to}) as answer:
                # The incoming Host (the server's 127.0.0.1:PORT) was copied into the request:
                # the upstream sees the fetched URL's host instead.
                assert await answer.text() == f"localhost:{port}"
    finally:
        await server.close(grace_s=1.0)
        await network.aclose()
        await runner.cleanup()


# -- edgert dev: the log, request.cf, pass-through without an origin ---------------------------

DEV_SCRIPT = """
import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async fetch(request) { await this.ctx.storage.get("x"); throw new Error("object failed"); }
}
export default { async fetch(request, env, ctx) {
  const path = new URL(request.url).pathname;
  if (path === "/late") { await new Promise((r) => setTimeout(r, 1)); throw new Error("late boom"); }
  if (path === "/undefined") return undefined;
  if (path === "/object") return env.ROOMS.get(env.ROOMS.idFromName("a")).fetch(request);
  if (path === "/pass") { ctx.passThroughOnException(); throw new Error("to the origin"); }
  return Response.json(request.cf);
} }
"""


@pytest.fixture
async def dev(
    dev_session: Callable[..., DevSession], tmp_path: Path
) -> AsyncIterator[tuple[DevSession, io.StringIO]]:
    (tmp_path / "index.js").write_text(DEV_SCRIPT)
    (tmp_path / "wrangler.toml").write_text(
        'name = "d"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n'
        '[[durable_objects.bindings]]\nname = "ROOMS"\nclass_name = "Room"\n'
        '[edgert]\npops = ["FRA"]\n'
    )
    out = io.StringIO()
    session = dev_session(tmp_path, out)
    await session.start()
    try:
        yield session, out
    finally:
        await session.close()


async def test_dev_logs_uncaught_errors_with_their_stack(
    dev: tuple[DevSession, io.StringIO],
) -> None:
    session, out = dev
    async with aiohttp.ClientSession() as client:
        for path in ("/late", "/undefined", "/object"):
            async with client.get(f"http://127.0.0.1:{session.port}{path}") as answer:
                assert answer.status == 500
                assert (await answer.text()).startswith("Error 1101")
    await session.close()  # flushes the log
    log = out.getvalue()
    assert "✘ [ERROR] uncaught exception: Error: late boom" in log
    assert "at fetch (index.js:" in log  # the stack, pointing into the script
    assert "✘ [ERROR] the handler did not return a Response: TypeError:" in log
    assert "Error: object failed" in log


async def test_dev_reports_tls_as_wrangler_dev_does(dev: tuple[DevSession, io.StringIO]) -> None:
    session, _ = dev
    async with aiohttp.ClientSession() as client:
        async with client.get(f"http://127.0.0.1:{session.port}/") as answer:
            cf = await answer.json()
        # Without an origin, a pass-through answers the "no origin" 502 (it does not loop back
        # into the dev server under the request's own host).
        async with client.get(f"http://127.0.0.1:{session.port}/pass") as answer:
            assert answer.status == 502 and "no origin is configured" in await answer.text()
    assert cf["tlsVersion"] == "TLSv1.3"
    assert cf["tlsCipher"] == "AEAD-AES128-GCM-SHA256"
    assert cf["tlsClientAuth"]["certPresented"] == "0"


async def test_block_on_tls_example_runs_under_dev(
    dev_session: Callable[..., DevSession], tmp_path: Path
) -> None:
    """The Workers example "Block on TLS" refuses anything below TLS 1.2: under ``edgert dev``
    the local request passes (and goes on to the local origin)."""
    if not WORKERS.is_dir():
        pytest.skip("../shared/data/workers-examples/docs is not present")
    runner, port = await _serve_text(lambda r: "origin page")
    (tmp_path / "index.js").write_text((WORKERS / "block_on_tls.js").read_text())
    (tmp_path / "wrangler.toml").write_text(
        f'name = "t"\nmain = "index.js"\n[edgert]\npops = ["FRA"]\n'
        f'origin = "http://127.0.0.1:{port}"\n'
    )
    session = dev_session(tmp_path)
    await session.start()
    try:
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://127.0.0.1:{session.port}/") as answer,
        ):
            assert (answer.status, await answer.text()) == (200, "origin page")
    finally:
        await session.close()
        await runner.cleanup()


def test_tls_fields_in_virtual_time() -> None:
    src = "export default { fetch(r) { return Response.json(r.cf) } }"
    net = Network(pops="demo", origin=Origin(handler=lambda r: "o"), workers={"w": src}, seed=1)
    cf = json.loads(net.fetch_sync("https://a.example/", client="Tokyo").text())
    assert (cf["tlsVersion"], cf["tlsCipher"]) == ("TLSv1.3", "AEAD-AES128-GCM-SHA256")
    net12 = Network(
        pops="demo", origin=Origin(handler=lambda r: "o"), workers={"w": src}, seed=1, tls="1.2"
    )
    cf12 = json.loads(net12.fetch_sync("https://a.example/", client="Tokyo").text())
    assert cf12["tlsCipher"] == "ECDHE-ECDSA-AES128-GCM-SHA256"


async def test_bad_tls_version_is_a_config_error() -> None:
    network = Network("demo", Origin(handler=lambda r: "o"), workers={"w": ECHO}, clock="real")
    with pytest.raises(edgert.ConfigError):
        EdgeServer(network, tls_version="SSLv3")
    await asyncio.sleep(0)


TS_WORKER = """interface Env {
  GREETING: string;
}

function fail(message: string): never {
  throw new Error(message);
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    await null;
    fail(`typed ${env.GREETING}`);
  },
};
"""


async def test_dev_log_points_typescript_stacks_at_the_source(
    dev_session: Callable[..., DevSession], tmp_path: Path
) -> None:
    (tmp_path / "index.ts").write_text(TS_WORKER)
    (tmp_path / "wrangler.toml").write_text(
        'name = "ts"\nmain = "index.ts"\nvars = { GREETING = "boom" }\n[edgert]\npops = ["FRA"]\n'
    )
    out = io.StringIO()
    session = dev_session(tmp_path, out)
    await session.start()
    try:
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://127.0.0.1:{session.port}/") as answer,
        ):
            assert answer.status == 500
    finally:
        await session.close()
    log = out.getvalue()
    assert "uncaught exception: Error: typed boom" in log
    assert "index.ts:6" in log  # the `throw`, in the TypeScript source


async def test_the_origin_sees_the_client_address_as_workers_documents() -> None:
    """Same-zone subrequests: ``CF-Connecting-IP`` reflects the worker's ``X-Real-IP`` (which
    the script may change); a request passed through as if no worker ran has no ``X-Real-IP``."""
    src = """export default { async fetch(request, env, ctx) {
      const path = new URL(request.url).pathname;
      if (path === "/pass") { ctx.passThroughOnException(); throw new Error("x"); }
      const headers = new Headers(request.headers);
      if (path === "/changed") headers.set("x-real-ip", "198.51.100.7");
      headers.set("cf-connecting-ip", "6.6.6.6");  // the script's own value does not stick
      return fetch(new Request(request, { headers }));
    } }"""
    seen: dict[str, tuple[str | None, str | None]] = {}

    def origin(request: edgert.Request) -> str:
        path = request.url.split("/", 3)[3]
        seen[path] = (request.headers.get("cf-connecting-ip"), request.headers.get("x-real-ip"))
        return "origin"

    network = Network("demo", Origin(handler=origin), workers={"w": src}, clock="real")
    server = EdgeServer(network, port=0)
    await server.start()
    try:
        async with aiohttp.ClientSession() as client:
            for path in ("same", "changed", "pass"):
                async with client.get(f"{server.url}/{path}") as answer:
                    assert await answer.text() == "origin"
    finally:
        await server.close(grace_s=1.0)
        await network.aclose()
    assert seen["same"] == ("127.0.0.1", "127.0.0.1")
    assert seen["changed"] == ("198.51.100.7", "198.51.100.7")
    assert seen["pass"] == ("127.0.0.1", None)
