"""edgert.Network in virtual time: the Tokyo user, routes, pass-through, the trace, determinism."""

from __future__ import annotations

import asyncio
import json

import pytest
from net_scenario import API, APP, REQUESTS, ROUTES, virtual_handler

import edgert
from edgert import Client, ConfigError, Network, Origin, Response

EDGE = """
export default { async fetch(request) {
  const url = new URL(request.url);
  if (url.pathname.startsWith('/edge')) return new Response('edge ' + request.cf.colo);
  return fetch(request);
} }
"""


def dynamic_origin(request: edgert.Request) -> Response:
    return Response("<html>dashboard</html>", headers={"content-type": "text/html"})


def tokyo_network(seed: int) -> Network:
    # The seed's scenario: a dynamic page at an origin in Ashburn that spends 50 ms on it.
    origin = Origin(handler=dynamic_origin, region="IAD", service_time_s=0.050)
    return Network(pops="demo", origin=origin, workers={"app": EDGE}, seed=seed)


@pytest.mark.parametrize("seed", range(20))
def test_tokyo_user_cold_request_via_nrt_to_an_iad_origin(seed: int) -> None:
    r = tokyo_network(seed).fetch_sync("https://app.example/dashboard", client=Client(city="Tokyo"))
    t = r.trace
    assert r.status == 200 and r.text() == "<html>dashboard</html>"
    assert t.pop == "NRT" and t.worker == "app" and not t.edge_only
    assert t.connection == "new" and t.connect_ms > 0 and t.tls_ms > 0
    assert t.origin_requests == 1 and len(t.origin_legs) == 1
    assert t.origin_legs[0].server_ms == pytest.approx(50.0)
    # NRT-IAD is ~145 ms measured (165 modelled): 3 short client round trips, the pooled
    # origin leg and the origin's 50 ms.
    assert 220.0 <= t.total_ms <= 320.0


@pytest.mark.parametrize("seed", range(20))
def test_tokyo_user_answered_by_nrt_alone(seed: int) -> None:
    r = tokyo_network(seed).fetch_sync("https://app.example/edge", client=Client(city="Tokyo"))
    t = r.trace
    assert r.text() == "edge NRT"
    assert t.edge_only and t.origin_ms == 0 and t.origin_requests == 0
    assert t.connection == "new"
    assert 10.0 <= t.total_ms <= 50.0


def test_a_warm_connection_skips_the_handshakes() -> None:
    net = tokyo_network(1)
    tokyo = Client(city="Tokyo")
    cold = net.fetch_sync("https://app.example/edge", client=tokyo).trace
    warm = net.fetch_sync("https://app.example/edge", client=tokyo).trace
    assert (cold.connection, warm.connection) == ("new", "reused")
    assert warm.connect_ms == warm.tls_ms == 0.0
    assert warm.total_ms < cold.total_ms
    # Another client opens its own connection.
    assert net.fetch_sync("https://app.example/edge", client="Osaka").trace.connection == "new"


def test_cold_dns_adds_a_lookup() -> None:
    net = tokyo_network(1)
    r = net.fetch_sync("https://app.example/edge", client="Tokyo", dns_cached=False)
    params = net.model.params
    assert r.trace.dns_ms >= params.fixed_access_ms + params.dns_authoritative_rtt_ms


def test_virtual_timeline_equals_the_sum_of_phases() -> None:
    net = tokyo_network(3)
    r = net.fetch_sync("https://app.example/dashboard", client="Tokyo")
    t = r.trace
    assert t.finished_at - t.started_at == pytest.approx(
        t.total_ms / 1000.0, abs=1e-6
    )  # epoch floats
    assert t.wall_ms == pytest.approx(t.total_ms, abs=1e-3)
    assert set(t.phases()) == {
        "dns_ms", "connect_ms", "tls_ms", "request_ms", "origin_ms", "kv_ms", "cache_ms",
        "wait_ms", "worker_ms", "transfer_ms", "total_ms",
    }  # fmt: skip
    assert t.kv_ms == 0.0 and t.cache_ms == 0.0
    assert t.worker_cpu_ms > 0 and t.worker_ms == 0.0  # measured, not charged by default
    assert t.origin_ms == pytest.approx(t.origin_legs[0].total_ms)
    # The trace serialises to JSON.
    assert json.loads(json.dumps(t.as_dict()))["pop"] == "NRT"


def test_cpu_time_charges_the_worker() -> None:
    origin = Origin(handler=dynamic_origin, region="IAD")
    fixed = Network(pops="demo", origin=origin, workers={"app": EDGE}, seed=1, cpu_time=5.0)
    free = Network(pops="demo", origin=origin, workers={"app": EDGE}, seed=1)
    a = fixed.fetch_sync("https://app.example/edge", client="Tokyo").trace
    b = free.fetch_sync("https://app.example/edge", client="Tokyo").trace
    assert a.worker_ms == 5.0 and a.total_ms == pytest.approx(b.total_ms + 5.0)
    measured = Network(pops="demo", origin=origin, workers={"app": EDGE}, cpu_time="measured")
    t = measured.fetch_sync("https://app.example/edge", client="Tokyo").trace
    assert t.worker_ms == t.worker_cpu_ms > 0


def scenario_network(seed: int | None = 11) -> Network:
    origin = Origin(handler=virtual_handler, region="IAD", service_time_s=0.02)
    return Network(
        pops="demo",
        origin=origin,
        workers={"app": APP, "api": API},
        routes=ROUTES,
        seed=seed,
    )


def test_routes_pick_workers_and_pass_through() -> None:
    net = scenario_network()
    traces = {}
    for method, url, headers, body in REQUESTS:
        r = net.fetch_sync(url, client="Paris", method=method, headers=headers, body=body)
        traces[url] = (r, r.trace)
    r, t = traces["https://app.example/edge/hello"]
    assert t.worker == "app" and t.route == "app.example/*" and t.edge_only
    assert r.json() == {
        "alone": True, "colo": "FRA", "country": "FR", "path": "/edge/hello", "rtt": "number"
    }  # fmt: skip
    r, t = traces["https://app.example/dashboard?ab=1"]
    seen = json.loads(r.text())["seen"]
    assert (seen["x-user-id"], seen["x-ab-cohort"], seen["x-country"]) == ("42", "B", "FR")
    assert seen["cf-ipcountry"] == "FR" and seen["cf-ray"].endswith("-FRA")
    assert r.headers["x-worker"] == "app" and r.headers["x-colo"] == "FRA"
    r, t = traces["https://app.example/api/items"]
    assert json.loads(r.text())["body"] == "new item" and json.loads(r.text())["method"] == "POST"
    # A route without a worker, and a URL no route matches, go straight to the origin.
    for url in ("https://app.example/static/app.css", "https://other.example/page"):
        r, t = traces[url]
        assert t.worker is None and not t.edge_only and t.outcome == "passthrough"
        assert "x-worker" not in r.headers
        assert json.loads(r.text())["seen"]["x-user-id"] is None
    assert traces["https://app.example/static/app.css"][1].route == "app.example/static/*"
    assert traces["https://other.example/page"][1].route is None
    r, t = traces["https://app.example/missing"]
    assert r.status == 404 and r.headers["x-worker"] == "app"
    r, t = traces["https://api.example/v1/users?id=7"]
    assert t.worker == "api" and r.text().startswith("api:")
    assert json.loads(r.text()[4:])["target"] == "/data?id=7"
    # The waitUntil fetch to /log starts before the response: it counts as the request's own.
    assert t.origin_requests == 2 and t.background_origin_requests == 0


def test_background_origin_requests_after_the_response() -> None:
    src = """export default { fetch(request, env, ctx) {
      ctx.waitUntil(new Promise(r => setTimeout(r, 5)).then(() => fetch('https://a.example/log')));
      return new Response('fast');
    } }"""
    logged = []

    def origin(request: edgert.Request) -> str:
        logged.append(request.url)
        return "ok"

    net = Network(pops="demo", origin=Origin(handler=origin), workers={"w": src}, seed=1)
    r = net.fetch_sync("https://a.example/", client="Tokyo")
    assert r.text() == "fast" and r.trace.edge_only
    assert r.trace.background_origin_requests == 1 and logged == ["https://a.example/log"]


def test_each_pop_runs_its_own_isolates() -> None:
    counter = """
    let n = 0;
    export default { fetch(request) { n += 1; return new Response(`${request.cf.colo} ${n}`) } }
    """
    origin = Origin(handler=dynamic_origin)
    net = Network(pops="demo", origin=origin, workers={"c": counter}, seed=1)
    seen = [net.fetch_sync("https://a.example/", client=city) for city in
            ("Tokyo", "Tokyo", "Berlin", "Tokyo", "Berlin")]  # fmt: skip
    assert [r.text() for r in seen] == ["NRT 1", "NRT 2", "FRA 1", "NRT 3", "FRA 2"]
    assert [r.trace.cold_start for r in seen] == [True, False, True, False, False]
    assert net.core("NRT", "c") is not net.core("FRA", "c")


def test_anycast_misrouting_and_pops_down() -> None:
    net = tokyo_network(1)
    assert net.fetch_sync("https://a.example/edge", client=Client(city="Tokyo")).trace.pop == "NRT"
    misrouted = Client(city="Tokyo", anycast_u=0.01)
    assert net.fetch_sync("https://a.example/edge", client=misrouted).trace.pop != "NRT"
    net.mark_down("NRT")
    r = net.fetch_sync("https://a.example/edge", client=Client(city="Tokyo"))
    assert r.trace.pop != "NRT" and r.text() == f"edge {r.trace.pop}"
    net.mark_up("NRT")
    assert net.fetch_sync("https://a.example/edge", client="Tokyo", pop="SYD").trace.pop == "SYD"


def run_scenario(seed: int | None) -> list[tuple[object, ...]]:
    """Every request of the scenario submitted at once from several cities, then run."""
    net = scenario_network(seed)
    pending = []
    for i, (method, url, headers, body) in enumerate(REQUESTS * 3):
        city = ("Tokyo", "Sao Paulo", "Sydney", "Chicago")[i % 4]
        pending.append(net.submit(url, client=city, method=method, headers=headers, body=body))
    net.run()
    out = []
    for p in pending:
        assert p.done and p.response is not None
        d = p.trace.as_dict()
        d.pop("worker_cpu_ms")  # measured CPU time: the one thing that is not reproducible
        out.append((p.response.status, p.response.body, d))
    return out


def test_same_seed_same_outcomes_and_timings() -> None:
    a, b = run_scenario(5), run_scenario(5)
    assert a == b
    c = run_scenario(6)
    assert [x[:2] for x in a] == [x[:2] for x in c]  # same outcomes...
    assert [x[2]["total_ms"] for x in a] != [x[2]["total_ms"] for x in c]  # ...other jitter


async def test_async_fetch_and_async_origin_handlers() -> None:
    async def handler(request: edgert.Request) -> tuple[Response, float]:
        await asyncio.sleep(0)  # real I/O would be fine here: this runs on the caller's loop
        return Response("async origin"), 0.2

    net = Network(pops="demo", origin=Origin(handler=handler), workers={"app": EDGE}, seed=2)
    r = await net.fetch("https://a.example/page", client="Tokyo")
    assert r.text() == "async origin" and r.trace.origin_legs[0].server_ms == pytest.approx(200)
    # Concurrent fetches share the virtual clock.
    rs = await asyncio.gather(
        net.fetch("https://a.example/x", client="Tokyo"),
        net.fetch("https://a.example/edge", client="London"),
    )
    assert [x.text() for x in rs] == ["async origin", "edge FRA"]


def test_async_handler_in_sync_virtual_time() -> None:
    async def pure(request: edgert.Request) -> str:
        return "pure"

    async def blocking(request: edgert.Request) -> str:
        await asyncio.sleep(0.001)
        return "never"

    net = Network(pops="demo", origin=Origin(handler=pure), workers={"app": EDGE})
    assert net.fetch_sync("https://a.example/x", client="Tokyo").text() == "pure"
    net = Network(pops="demo", origin=Origin(handler=blocking), workers={"app": EDGE})
    with pytest.raises(ConfigError, match="real I/O"):
        net.fetch_sync("https://a.example/x", client="Tokyo")


def test_origin_hosts_and_the_internet() -> None:
    src = """export default { async fetch() {
      const a = await fetch('https://www.shop.example/a');
      const b = await fetch('https://thirdparty.example/b');
      return new Response(`${await a.text()} | ${b.status} ${await b.text()}`);
    } }"""
    origin = Origin(handler=lambda r: "origin", hosts=["*.shop.example"])
    net = Network(
        pops="demo",
        origin=origin,
        workers={"w": src},
        internet=lambda r: (Response(f"internet {r.url}"), 0.01),
    )
    r = net.fetch_sync("https://www.shop.example/", client="Tokyo")
    assert r.text() == "origin | 200 internet https://thirdparty.example/b"
    assert r.trace.origin_requests == 1 and r.trace.subrequests == 1


def test_origin_failure_rejects_the_workers_fetch() -> None:
    def broken(request: edgert.Request) -> Response:
        raise RuntimeError("origin down")

    src = """export default { async fetch(request) {
      try { await fetch(request); return new Response('no') } catch (e) { return new Response(e.name, { status: 502 }) } } }"""
    net = Network(pops="demo", origin=Origin(handler=broken), workers={"w": src})
    r = net.fetch_sync("https://a.example/", client="Tokyo")
    assert (r.status, r.text()) == (502, "TypeError")
    # Pass-through to a failing origin is a 502 from the PoP.
    net = Network(pops="demo", origin=Origin(handler=broken))
    assert net.fetch_sync("https://a.example/", client="Tokyo").status == 502


def test_configuration_errors() -> None:
    with pytest.raises(ConfigError):
        Network(pops="demo")  # no origin
    with pytest.raises(ConfigError, match="virtual time needs"):
        Network(origin=Origin(url="http://127.0.0.1:1"), clock="virtual")
    with pytest.raises(ConfigError, match="several workers"):
        Network(origin=Origin(handler=dynamic_origin), workers={"a": EDGE, "b": EDGE})
    with pytest.raises(ConfigError, match="unknown worker"):
        Network(
            origin=Origin(handler=dynamic_origin), workers={"a": EDGE}, routes=[("x.com/*", "b")]
        )
    with pytest.raises(ConfigError):
        Origin()
    net = tokyo_network(1)
    with pytest.raises(ConfigError, match="not in this network"):
        net.fetch_sync("https://a.example/", client="Tokyo", pop="CDG")
    with pytest.raises(ConfigError, match="client"):
        net.fetch_sync("https://a.example/")
    assert Network(origin=Origin(url="http://127.0.0.1:1")).clock == "real"
    with pytest.raises(ConfigError, match="emulate"):
        Network(origin=Origin(handler=dynamic_origin), emulate=True)
    with pytest.raises(ConfigError, match="cpu_time"):
        Network(origin=Origin(handler=dynamic_origin), cpu_time=-1)
    with pytest.raises(ConfigError, match="real time"):
        Network(origin=Origin(url="http://127.0.0.1:1")).submit("https://a.example/", client="Oslo")


def test_worker_specs_keep_their_bindings() -> None:
    src = "export default { fetch(r, env) { return new Response(env.GREETING + ' ' + r.cf.colo) } }"
    origin = Origin(handler=dynamic_origin)
    for spec in (
        edgert.Worker(src, vars={"GREETING": "hi"}, seed=3),
        {"source": src, "vars": {"GREETING": "hi"}},
    ):
        net = Network(pops=["NRT", "FRA"], origin=origin, workers={"w": spec})
        assert net.fetch_sync("https://a.example/", client="Kyoto").text() == "hi NRT"
        assert net.fetch_sync("https://a.example/", client="Munich").text() == "hi FRA"


def test_mobile_clients_wait_longer() -> None:
    fixed = tokyo_network(1).fetch_sync("https://a.example/edge", client=Client(city="Tokyo"))
    mobile = tokyo_network(1).fetch_sync(
        "https://a.example/edge", client=Client(city="Tokyo", access="mobile")
    )
    assert mobile.trace.client_rtt_ms - fixed.trace.client_rtt_ms == pytest.approx(25.0)
    assert mobile.trace.total_ms > fixed.trace.total_ms


def test_public_names_are_exported() -> None:
    for name in edgert.__all__:
        assert getattr(edgert, name) is not None
    assert {
        "Network",
        "Origin",
        "Client",
        "Pop",
        "load_pops",
        "LatencyModel",
        "AnycastRouter",
    } <= set(edgert.__all__)


def test_pass_through_on_exception_reaches_the_origin() -> None:
    src = "export default { fetch(r, env, ctx) { ctx.passThroughOnException(); throw new Error('bug') } }"
    seen = []

    def origin(request: edgert.Request) -> str:
        seen.append((request.url, request.headers.get("cf-ipcountry")))
        return "from origin"

    net = Network(pops="demo", origin=Origin(handler=origin), workers={"w": src}, seed=1)
    r = net.fetch_sync("https://a.example/p?q=1", client="Rio de Janeiro")
    assert r.text() == "from origin" and not r.trace.edge_only and r.trace.pop == "GRU"
    assert seen == [("https://a.example/p?q=1", "BR")]


def test_http3_clients() -> None:
    src = "export default { fetch(r) { return Response.json(r.cf) } }"
    origin = Origin(handler=dynamic_origin)
    net = Network(pops="demo", origin=origin, workers={"w": src}, protocol="HTTP/3", seed=1)
    r = net.fetch_sync("https://a.example/", client="Tokyo")
    cf = r.json()
    assert cf["httpProtocol"] == "HTTP/3" and "clientQuicRtt" in cf and "clientTcpRtt" not in cf
    assert r.trace.connect_ms > 0 and r.trace.tls_ms == 0  # QUIC: one combined handshake


def test_wall_timeout_in_virtual_time() -> None:
    src = """export default { async fetch() {
      await new Promise(r => setTimeout(r, 60_000));
      return new Response('late');
    } }"""
    origin = Origin(handler=dynamic_origin)
    net = Network(pops="demo", origin=origin, workers={"w": src}, wall_timeout_s=5.0, seed=1)
    r = net.fetch_sync("https://a.example/", client="Tokyo")
    assert r.status == 504 and r.trace.outcome == "canceled" and r.trace.edge_only
    assert r.trace.wait_ms == pytest.approx(5000.0)
