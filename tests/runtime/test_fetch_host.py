"""Outbound fetch and timers become host operations: a real local server in real time, and
the deterministic virtual-time host."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiohttp import web

from edgert import Request, Response, VirtualTimeHost, Worker

PROXY = """
export default {
  async fetch(request, env, ctx) {
    const upstream = await fetch(env.ORIGIN + '/echo?x=1', { method: 'POST', body: 'ping', headers: { 'x-from': 'worker' } });
    const text = await upstream.text();
    ctx.waitUntil(fetch(env.ORIGIN + '/log', { method: 'POST', body: 'bg' }));
    return new Response(`${upstream.status} ${upstream.headers.get('x-origin')} ${text}`);
  }
}
"""


@pytest.fixture()
def origin(serve_in_thread: Callable[[web.Application], str]) -> tuple[str, list[str]]:
    seen: list[str] = []

    async def echo(request: web.Request) -> web.Response:
        body = await request.text()
        seen.append(f"{request.path} {body} {request.headers.get('x-from')}")
        return web.Response(text=f"echo:{body}", headers={"x-origin": "yes"})

    app = web.Application()
    app.router.add_route("*", "/echo", echo)
    app.router.add_route("*", "/log", echo)
    return serve_in_thread(app), seen


def test_fetch_against_a_real_local_server(origin: tuple[str, list[str]]) -> None:
    url, seen = origin
    w = Worker(PROXY, vars={"ORIGIN": url})
    r = w.fetch("https://edge.test/")
    assert r.status == 200 and r.text() == "200 yes echo:ping"
    assert r.stats.ops >= 2
    w.close()  # waits for the waitUntil fetch
    assert "/echo ping worker" in seen and "/log bg None" in seen


async def test_fetch_async_on_the_callers_loop(origin: tuple[str, list[str]]) -> None:
    url, _ = origin
    w = Worker(PROXY, vars={"ORIGIN": url})
    r = await w.fetch_async("https://edge.test/")
    assert r.text() == "200 yes echo:ping"
    await w.aclose()


def test_virtual_time_host_is_deterministic_and_charges_latency() -> None:
    def handler(request: Request) -> tuple[Response, float]:
        return Response(f"echo:{request.body.decode()}", headers={"x-origin": "v"}), 0.120

    w = Worker(PROXY, vars={"ORIGIN": "http://origin.test"})
    host = VirtualTimeHost(fetch_handler=handler)
    slot = host.submit(w.core, Request("https://edge.test/"))
    host.run()
    assert slot["response"].text() == "200 v echo:ping"
    assert slot["responded"] - slot["began"] == pytest.approx(0.120)
    assert [r.url for r in host.fetched] == [
        "http://origin.test/echo?x=1",
        "http://origin.test/log",
    ]
    assert host.fetched[0].headers["x-from"] == "worker"


def test_timers_fire_in_virtual_time() -> None:
    src = """
    export default { async fetch() {
      const order = [];
      setTimeout(() => order.push('b'), 200);
      const id = setTimeout(() => order.push('never'), 100);
      clearTimeout(id);
      setTimeout(() => order.push('a'), 50);
      await new Promise(r => setTimeout(r, 300));
      return Response.json({ order, now: Date.now() });
    } }"""
    w = Worker(src)
    host = VirtualTimeHost(start=1000.0)
    r = host.fetch(w.core, Request("https://a.test/"))
    assert r.json() == {"order": ["a", "b"], "now": 1_000_300}


def test_fetch_errors_reject_with_type_error() -> None:
    src = """export default { async fetch() {
      try { await fetch('http://127.0.0.1:9/'); return new Response('no') } catch (e) { return new Response(e.name) } } }"""
    w = Worker(src, wall_timeout_s=10)
    assert w.fetch("https://a.test/").text() == "TypeError"
    w.close()


def test_pass_through_on_exception_forwards_to_origin() -> None:
    src = "export default { fetch(r, env, ctx) { ctx.passThroughOnException(); throw new Error('bug') } }"
    host = VirtualTimeHost(fetch_handler=lambda req: Response(f"origin saw {req.url}"))
    r = host.fetch(Worker(src).core, Request("https://a.test/x"))
    assert r.status == 200 and r.text() == "origin saw https://a.test/x"


def test_an_isolate_awaiting_an_operation_serves_other_requests() -> None:
    src = """
    let served = 0;
    export default { async fetch(request) {
      served++;
      if (new URL(request.url).pathname === '/slow') {
        const r = await fetch('http://origin.test/');
        return new Response('slow ' + await r.text() + ' after ' + served);
      }
      return new Response('fast ' + served);
    } }"""
    w = Worker(src, max_isolates=1)
    host = VirtualTimeHost(fetch_handler=lambda req: (Response("origin"), 1.0))
    slow = host.submit(w.core, Request("https://a.test/slow"))
    fast = host.submit(w.core, Request("https://a.test/fast"))
    assert slow["response"] is None
    assert fast["response"].text() == "fast 2"  # answered while /slow waits, same isolate
    host.run()
    assert slow["response"].text() == "slow origin after 2"
    assert w.core.pool_stats()[0] == 1
