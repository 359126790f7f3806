"""The client's leg in virtual time: the network's spelled-out draws are LatencyModel's, the
per-(client, PoP) values are the model's, and the request's record lands in the right fields."""

from __future__ import annotations

import dataclasses
import random

import pytest

import edgert
from edgert import Client, Network, Origin, Response
from edgert.latency import LatencyModel

EDGE = """
export default { async fetch(request) {
  const url = new URL(request.url);
  if (url.pathname.startsWith('/edge')) return new Response('edge ' + request.cf.colo);
  return fetch(request);
} }
"""

SEEN: list[edgert.Request] = []


def origin(request: edgert.Request) -> Response:
    SEEN.append(request)
    return Response("from the origin")


class PlainModel(LatencyModel):
    """The same model as a subclass: the network then calls LatencyModel.exchange itself."""

    __slots__ = ()


def network(model: LatencyModel, *, dns_cached: bool = True) -> Network:
    return Network(
        pops="demo",
        origin=Origin(handler=origin, region="IAD", service_time_s=0.02),
        workers={"app": EDGE},
        seed=5,
        latency=model,
        dns_cached=dns_cached,
    )


def traces(net: Network, rng: random.Random | None) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    clients = [Client(city="Tokyo"), Client(city="Paris", access="mobile", access_ms=41.5)]
    for i in range(6):
        pending = net.submit(
            "https://app.example/edge" if i % 3 else "https://app.example/page",
            client=clients[i % 2],
            rng=rng,
        )
        net.run()
        assert pending.response is not None
        trace = dataclasses.asdict(pending.response.trace)
        del trace["worker_cpu_ms"]  # measured: differs between runs
        out.append(trace)
    return out


@pytest.mark.parametrize("dns_cached", [True, False])
@pytest.mark.parametrize("own_rng", [False, True])
def test_the_spelled_out_client_leg_draws_what_latency_model_exchange_draws(
    dns_cached: bool, own_rng: bool
) -> None:
    fast = traces(
        network(LatencyModel(), dns_cached=dns_cached), random.Random(9) if own_rng else None
    )
    plain = traces(
        network(PlainModel(), dns_cached=dns_cached), random.Random(9) if own_rng else None
    )
    assert fast == plain
    assert [t["connection"] for t in fast] == ["new", "new", "reused", "reused", "reused", "reused"]
    assert all(t["connect_ms"] == 0.0 and t["tls_ms"] == 0.0 for t in fast[2:])
    assert (fast[0]["dns_ms"] == 0.0) == dns_cached


def test_the_trace_holds_the_client_legs_values() -> None:
    net = network(LatencyModel())
    paris = Client(city="Paris", access="mobile", access_ms=41.5)
    SEEN.clear()
    pending = net.submit("https://app.example/page", client=paris)
    net.run()
    assert pending.response is not None
    t = pending.response.trace
    model, pop = net.model, net.router.route_client(paris)
    p = model.params
    assert (t.url, t.pop, t.clock, t.worker, t.client_city) == (
        "https://app.example/page",
        pop.code,
        "virtual",
        "app",
        "Paris",
    )
    assert t.route == "*/*" and t.connection == "new"
    assert t.client_rtt_ms == model.min_rtt_ms(paris, pop) + 41.5 + p.datacenter_access_ms
    assert t.origin_rtt_ms == net.legs.origin_rtt(pop) > 0
    assert t.connect_ms >= t.client_rtt_ms and t.tls_ms >= t.client_rtt_ms
    assert t.request_ms >= t.client_rtt_ms
    # The origin saw the request with the PoP's cf-ray (the request's number and the PoP).
    (forwarded,) = SEEN
    ray = forwarded.headers.get("cf-ray")
    assert ray is not None and ray.endswith(f"-{pop.code}") and len(ray.split("-")[0]) == 16
