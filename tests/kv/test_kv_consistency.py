"""The acceptance of KV's eventual consistency, in virtual time: a write is visible at once
where it was made, and elsewhere only once the cached copy's cacheTtl ended."""

from __future__ import annotations

import pytest
from kv_workers import at, network


def value(net, pop: str, key: str):  # type: ignore[no-untyped-def]
    response = at(net, pop, f"/get?key={key}")
    assert response.status == 200, response.text()
    return response.json()["value"], response.trace


def test_write_is_visible_at_once_where_made_and_after_cache_ttl_elsewhere() -> None:
    net = network()
    net.kv("ns").seed({"greeting": "v0"})
    v, trace = value(net, "GRU", "greeting")  # GRU caches v0 (a miss: pays GRU <-> IAD)
    assert v == "v0"
    assert [(r.pop, r.hit) for r in trace.kv_reads] == [("GRU", False)]
    assert trace.kv_ms > 50.0  # Sao Paulo <-> Washington, there and back
    cached_at = net.now()

    written = at(net, "NRT", "/put?key=greeting&value=v1")
    assert written.json() == {"after": "v1"}  # visible at NRT at once (same request)
    v, trace = value(net, "NRT", "greeting")
    assert v == "v1"
    assert trace.kv_reads[0].hit and not trace.kv_reads[0].stale
    assert trace.kv_ms == 0.0

    # GRU keeps serving v0 from its replica until its cacheTtl (60 s) ends.
    net.run(until=cached_at + 50)
    v, trace = value(net, "GRU", "greeting")
    assert v == "v0"
    read = trace.kv_reads[0]
    assert read.hit and read.stale and read.age_s is not None and 40 < read.age_s < 55
    assert net.kv("ns").replica("GRU")["greeting"].text() == "v0"
    assert net.kv("ns").replica("NRT")["greeting"].text() == "v1"

    net.run(until=cached_at + 61)
    v, trace = value(net, "GRU", "greeting")
    assert v == "v1"
    assert not trace.kv_reads[0].hit and not trace.kv_reads[0].stale


def test_negative_lookups_are_cached_too() -> None:
    net = network()
    v, _ = value(net, "GRU", "missing")
    assert v is None
    cached_at = net.now()
    assert net.kv("ns").replica("GRU")["missing"].negative
    at(net, "NRT", "/put?key=missing&value=here")
    net.run(until=cached_at + 30)
    v, trace = value(net, "GRU", "missing")
    assert v is None and trace.kv_reads[0].hit and trace.kv_reads[0].stale
    net.run(until=cached_at + 61)
    v, _ = value(net, "GRU", "missing")
    assert v == "here"


def test_cache_ttl_of_the_read_sets_how_long_it_is_cached() -> None:
    net = network()
    net.kv("ns").seed({"k": "a"})
    assert at(net, "FRA", "/get?key=k&cacheTtl=300").json()["value"] == "a"
    cached_at = net.now()
    net.kv("ns").put("k", "b")  # from Python, at the central store
    net.run(until=cached_at + 200)
    assert value(net, "FRA", "k")[0] == "a"
    net.run(until=cached_at + 301)
    assert value(net, "FRA", "k")[0] == "b"
    # Below the minimum (30 s) is an error the worker can catch.
    r = at(net, "FRA", "/get?key=k&cacheTtl=10")
    assert r.status == 500
    assert (
        r.text()
        == "Error: KV GET failed: 400 Invalid cache_ttl of 10. Cache TTL must be at least 30."
    )


def test_a_miss_pays_the_latency_to_the_store_and_a_hit_pays_none() -> None:
    net = network(kv_home="IAD")
    net.kv("ns").seed({"k": "a"})
    _, miss_syd = value(net, "SYD", "k")
    _, hit_syd = value(net, "SYD", "k")
    _, miss_iad = value(net, "IAD", "k")
    assert miss_syd.kv_ms > 150.0  # Sydney <-> Washington
    assert hit_syd.kv_ms == 0.0
    assert miss_iad.kv_ms < 5.0  # the store is there
    assert miss_syd.total_ms - hit_syd.total_ms > 150.0


def test_the_delete_of_one_pop_reaches_others_after_their_cache_ttl() -> None:
    net = network()
    net.kv("ns").seed({"k": "a"})
    assert value(net, "SYD", "k")[0] == "a"
    t = net.now()
    assert at(net, "NRT", "/delete?key=k").json() == {"after": None}
    assert value(net, "SYD", "k")[0] == "a"
    net.run(until=t + 61)
    assert value(net, "SYD", "k")[0] is None
    assert net.kv("ns").get("k") is None


def test_writes_to_one_key_are_limited_to_one_per_second() -> None:
    net = network()
    assert at(net, "NRT", "/put?key=k&value=1").status == 200
    r = at(net, "NRT", "/put?key=k&value=2")  # well within a second of virtual time
    assert r.status == 500
    assert r.text() == "Error: KV PUT failed: 429 Too Many Requests"
    # A write from another PoP is judged at the store too.
    assert at(net, "GRU", "/put?key=k&value=3").status == 500
    net.run(until=net.now() + 1.0)
    assert at(net, "GRU", "/put?key=k&value=4").status == 200
    assert net.kv("ns").get("k") == "4"
    # Other keys are not limited.
    assert at(net, "GRU", "/put?key=other&value=x").status == 200


def test_expiration_ends_a_key_everywhere() -> None:
    net = network()
    assert at(net, "NRT", "/put?key=temp&value=x&ttl=60").json() == {"after": "x"}
    written = net.now()
    assert value(net, "GRU", "temp")[0] == "x"
    assert net.kv("ns").list()["keys"][0]["name"] == "temp"
    net.run(until=written + 61)
    assert value(net, "NRT", "temp")[0] is None  # its replica entry lives, the value expired
    assert value(net, "GRU", "temp")[0] is None
    assert net.kv("ns").get("temp") is None
    assert net.kv("ns").list()["keys"] == []


def test_persistence_across_a_restart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = network(state_dir=tmp_path)
    first.kv("ns").seed({"seeded": "1"})
    assert at(first, "NRT", "/put?key=written&value=by-worker").status == 200
    assert (tmp_path / "kv.sqlite3").exists()
    second = network(state_dir=tmp_path)
    assert second.kv("ns").keys() == ["seeded", "written"]
    assert value(second, "SYD", "written")[0] == "by-worker"
    # A restart starts with empty replicas.
    assert second.kv("ns").replica("NRT") == {}


def test_replica_inspection_from_python() -> None:
    net = network()
    ns = net.kv("ns")
    ns.put("k", "v", metadata={"owner": "me"})
    value(net, "FRA", "k")
    entry = ns.replica("FRA")["k"]
    assert entry.value == b"v" and entry.metadata == {"owner": "me"}
    assert entry.cached_until - entry.cached_at == pytest.approx(60.0)
    assert ns.replica("SYD") == {}
    assert ns.replica("NOPE") == {}
