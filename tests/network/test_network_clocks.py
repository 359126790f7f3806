"""The same scenario under both clocks gives the same responses: a real aiohttp origin on
127.0.0.1 in real time, the same origin logic as a Python handler in virtual time."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest
from aiohttp import web
from net_scenario import API, APP, REQUESTS, ROUTES, comparable, origin_logic, virtual_handler

from edgert import Client, Network, Origin

CLIENTS = ("Paris", "Tokyo", "Sao Paulo")


@pytest.fixture()
def origin_url(serve_in_thread: Callable[[web.Application], str]) -> str:
    async def serve(request: web.Request) -> web.Response:
        body = await request.read()
        status, headers, payload = origin_logic(
            request.method, request.host.split(":")[0], request.path_qs, request.headers, body
        )
        return web.Response(status=status, headers=headers, body=payload)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", serve)
    return serve_in_thread(app)


def make_network(origin: Origin) -> Network:
    return Network(
        pops="demo", origin=origin, workers={"app": APP, "api": API}, routes=ROUTES, seed=11
    )


async def test_real_and_virtual_time_give_identical_responses(origin_url: str) -> None:
    real = make_network(Origin(url=origin_url, region="IAD"))
    virtual = make_network(Origin(handler=virtual_handler, region="IAD", service_time_s=0.02))
    assert (real.clock, virtual.clock) == ("real", "virtual")
    compared = 0
    for city in CLIENTS:
        for method, url, headers, body in REQUESTS:
            options = {
                "client": Client(city=city),
                "method": method,
                "headers": headers,
                "body": body,
            }
            a = await real.fetch(url, **options)
            b = await virtual.fetch(url, **options)
            assert comparable(a) == comparable(b), url
            for name in ("pop", "worker", "route", "edge_only", "origin_requests", "connection"):
                assert getattr(a.trace, name) == getattr(b.trace, name), (url, name)
            compared += 1
    await real.aclose()
    assert compared == len(CLIENTS) * len(REQUESTS)


async def test_real_time_forwards_what_the_worker_sends(origin_url: str) -> None:
    net = make_network(Origin(url=origin_url, region="IAD"))
    r = await net.fetch(
        "https://app.example/dashboard?ab=1", client="Tokyo", headers={"cookie": "uid=7"}
    )
    seen = json.loads(r.text())
    assert seen["host"] == "app.example" and seen["target"] == "/dashboard?ab=1"
    assert seen["seen"]["x-user-id"] == "7" and seen["seen"]["x-ab-cohort"] == "B"
    assert seen["seen"]["x-country"] == "JP" and seen["seen"]["cf-ray"].endswith("-NRT")
    t = r.trace
    assert t.clock == "real" and t.pop == "NRT" and not t.edge_only and t.origin_requests == 1
    # Both network legs are modelled (127.0.0.1 has none); the origin's own time is measured.
    assert t.origin_ms > 150 and t.origin_legs[0].server_ms < t.origin_ms
    assert t.worker_ms == t.worker_cpu_ms > 0
    modelled = t.connect_ms + t.tls_ms + t.request_ms + t.origin_legs[0].request_ms
    assert t.total_ms > modelled > 180
    edge = await net.fetch("https://app.example/edge/x", client="Tokyo")
    assert edge.trace.edge_only and edge.trace.connection == "reused"
    # Concurrent requests on one loop share the host; each keeps its own trace.
    urls = [f"https://app.example/item/{i}" for i in range(6)]
    answers = await asyncio.gather(*(net.fetch(u, client="Sydney") for u in urls))
    assert [json.loads(a.text())["target"] for a in answers] == [f"/item/{i}" for i in range(6)]
    assert all(a.trace.pop == "SYD" and a.trace.origin_requests == 1 for a in answers)
    await net.aclose()


def test_fetch_sync_in_real_time(origin_url: str) -> None:
    with make_network(Origin(url=origin_url, region="IAD")) as net:
        r = net.fetch_sync("https://app.example/static/a.css", client="Berlin")
        assert r.status == 200 and r.trace.worker is None and r.trace.pop == "FRA"
        assert json.loads(r.text())["target"] == "/static/a.css"


async def test_emulated_latency_sleeps_the_modelled_legs() -> None:
    net = Network(
        pops="demo",
        origin=Origin(handler=lambda r: "page", region="IAD"),
        workers={"app": APP, "api": API},
        routes=ROUTES,
        seed=3,
        clock="real",
        emulate=True,
    )
    r = await net.fetch("https://app.example/dashboard", client="Tokyo")
    t = r.trace
    assert r.text() == "page" and t.pop == "NRT" and not t.edge_only
    network_ms = t.connect_ms + t.tls_ms + t.request_ms + t.origin_legs[0].request_ms
    # A lower bound only: sleeping guarantees at least the modelled legs.
    assert t.wall_ms >= network_ms - 1.0
    await net.aclose()
