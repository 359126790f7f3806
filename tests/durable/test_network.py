"""Durable Objects in a network, in virtual time: one instance per id, placed at the first
caller's PoP (or its hinted region), every other PoP paying the PoP-to-PoP round trip."""

from __future__ import annotations

from do_helpers import virtual_network

from edgert.durable import ObjectCall
from examples import DOCS_COUNTER

COUNTER_URL = "https://app.example/increment?name=shared"


def test_concurrent_increments_from_three_pops_are_exact() -> None:
    net = virtual_network(DOCS_COUNTER, {"COUNTERS": "Counter"})
    first = net.fetch_sync(COUNTER_URL, client="Tokyo", pop="NRT")
    assert first.text() == "Durable Object 'shared' count: 1"
    pending = []
    for city, pop in (("Tokyo", "NRT"), ("Sao Paulo", "GRU"), ("Frankfurt", "FRA")):
        for _ in range(20):
            pending.append(net.submit(COUNTER_URL, client=city, pop=pop))
    net.run()
    counts = sorted(int(p.response.text().rsplit(" ", 1)[1]) for p in pending)
    assert counts == list(range(2, 62)), "every increment saw a distinct value"
    final = net.fetch_sync("https://app.example/?name=shared", client="Tokyo", pop="NRT")
    assert final.text() == "Durable Object 'shared' count: 61"

    ns = net.durable_objects("COUNTERS")
    oid = ns.id_from_name("shared")
    assert ns.ids() == [oid]
    assert ns.home(oid) == "NRT", "placed at the first caller's PoP"
    assert ns.storage(oid) == {"value": 61}


def test_remote_callers_pay_the_pop_to_pop_round_trip() -> None:
    net = virtual_network(DOCS_COUNTER, {"COUNTERS": "Counter"})
    net.fetch_sync(COUNTER_URL, client="Tokyo", pop="NRT")
    local = net.fetch_sync(COUNTER_URL, client="Tokyo", pop="NRT").trace
    remote = net.fetch_sync(COUNTER_URL, client="Sao Paulo", pop="GRU").trace
    (lc,) = local.object_calls
    (rc,) = remote.object_calls
    assert isinstance(rc, ObjectCall)
    assert (lc.home_pop, lc.caller_pop, lc.latency_ms) == ("NRT", "NRT", 0.0)
    assert (rc.home_pop, rc.caller_pop, rc.binding) == ("NRT", "GRU", "COUNTERS")
    assert rc.kind == "call" and rc.method == "increment"
    nrt, gru = (p for code in ("NRT", "GRU") for p in net.pops if p.code == code)
    assert rc.latency_ms == net._pop_rtt_ms(gru, nrt)
    assert rc.latency_ms > 150.0, "Sao Paulo to Tokyo is half the planet away"
    # The time at the PoP is the round trip to the object (virtual time: exactly).
    # (1e-3 ms: epoch seconds as floats carry ~0.2 us of rounding)
    assert local.wait_ms < 1e-3
    assert abs(remote.wait_ms - rc.latency_ms) < 1e-3
    assert remote.as_dict()["object_calls"][0]["home_pop"] == "NRT"


def test_location_hint_places_the_object_in_the_region() -> None:
    source = """
    import { DurableObject } from "cloudflare:workers";
    export class Room extends DurableObject { async where() { return "here"; } }
    export default {
      async fetch(request, env) {
        const hint = new URL(request.url).searchParams.get("hint");
        const stub = env.ROOMS.get(env.ROOMS.idFromName(hint), { locationHint: hint });
        return new Response(await stub.where());
      },
    };
    """
    net = virtual_network(source, {"ROOMS": "Room"})
    expected = {"sam": "GRU", "oc": "SYD", "enam": "IAD", "weur": "FRA", "apac": "NRT"}
    for hint, pop in expected.items():
        r = net.fetch_sync(f"https://app.example/?hint={hint}", client="Tokyo", pop="NRT")
        assert r.text() == "here"
        assert r.trace.object_calls[0].home_pop == pop
        assert (
            net.durable_objects("Room").home(net.durable_objects("Room").id_from_name(hint)) == pop
        )


def test_an_object_never_moves() -> None:
    net = virtual_network(DOCS_COUNTER, {"COUNTERS": "Counter"})
    net.fetch_sync(COUNTER_URL, client="Frankfurt", pop="FRA")
    for city, pop in (("Tokyo", "NRT"), ("Sydney", "SYD"), ("Frankfurt", "FRA")):
        r = net.fetch_sync(COUNTER_URL, client=city, pop=pop)
        assert r.trace.object_calls[0].home_pop == "FRA"


def test_objects_call_objects_from_their_home() -> None:
    source = """
    import { DurableObject } from "cloudflare:workers";
    export class A extends DurableObject {
      async go() {
        const b = this.env.B.getByName("b");
        return "A>" + (await b.leaf()) + ">" + (await (await b.fetch("https://b/x")).text());
      }
    }
    export class B extends DurableObject {
      async leaf() { return "B"; }
      async fetch(request) { return new Response("Bf " + new URL(request.url).pathname); }
    }
    export default {
      async fetch(request, env) {
        return new Response(await env.A.get(env.A.idFromName("a"), { locationHint: "oc" }).go());
      },
    };
    """
    net = virtual_network(source, {"A": "A", "B": "B"})
    r = net.fetch_sync("https://app.example/", client="Tokyo", pop="NRT")
    assert r.text() == "A>B>Bf /x"
    (call,) = r.trace.object_calls  # calls made by objects are not on the request's trace
    assert (call.home_pop, call.caller_pop) == ("SYD", "NRT")
    b = net.durable_objects("B")
    assert b.home(b.id_from_name("b")) == "SYD", "placed at its first caller's PoP: A's home"
    assert abs(r.trace.wait_ms - call.latency_ms) < 1e-3, "B is local to A: no extra latency"


def test_the_hosts_observe_steps_from_the_first_object_host_on() -> None:
    # Only an object host's steps change what is persisted and the alarms: before any object
    # exists, no host calls an observer after each worker step; from the first one on, the
    # object's storage is persisted as before (the count above survives across calls).
    net = virtual_network(DOCS_COUNTER, {"COUNTERS": "Counter"})
    host = net._virtual
    assert host is not None
    net.fetch_sync("https://app.example/nothing-to-count", client="Tokyo", pop="NRT")
    assert host.step_observers == []
    net.fetch_sync(COUNTER_URL, client="Tokyo", pop="NRT")
    assert len(host.step_observers) == 1
    net.fetch_sync(COUNTER_URL, client="Tokyo", pop="NRT")
    assert len(host.step_observers) == 1
    ns = net.durable_objects("COUNTERS")
    assert ns.storage(ns.id_from_name("shared")) == {"value": 2}
