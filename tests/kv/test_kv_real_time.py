"""KV in real time: the same worker through a real-clock network (an in-process origin), with
and without emulated latency, and a standalone worker's private store."""

from __future__ import annotations

from kv_workers import API, CITY

from edgert import Network, Origin, Worker


def real_network(**options: object) -> Network:
    return Network(
        "demo",
        origin=Origin(handler=lambda r: "origin", region="IAD"),
        workers={"app": Worker(API, kv={"KV": "ns"})},
        clock="real",
        **options,  # type: ignore[arg-type]
    )


def get(net: Network, pop: str, path: str):  # type: ignore[no-untyped-def]
    return net.fetch_sync(f"https://app.example{path}", client=CITY[pop], pop=pop)


def test_real_clock_reads_writes_and_replicas() -> None:
    net = real_network()
    try:
        net.kv("ns").seed({"k": "v0"})
        r = get(net, "GRU", "/get?key=k")
        assert r.json() == {"value": "v0"}
        assert [(x.pop, x.hit) for x in r.trace.kv_reads] == [("GRU", False)]
        assert get(net, "NRT", "/put?key=k&value=v1").json() == {"after": "v1"}
        # GRU cached v0 less than 60 s ago: it still reads v0, and the trace says it is stale.
        r = get(net, "GRU", "/get?key=k")
        assert r.json() == {"value": "v0"}
        read = r.trace.kv_reads[0]
        assert read.hit and read.stale and read.age_s is not None and read.age_s > 0
        assert net.kv("ns").replica("NRT")["k"].text() == "v1"
    finally:
        net.close()


def test_emulated_latency_makes_a_miss_wait_for_the_store() -> None:
    net = real_network(emulate=True)
    try:
        net.kv("ns").seed({"k": "v"})
        miss = get(net, "SYD", "/get?key=k").trace
        hit = get(net, "SYD", "/get?key=k").trace
        modelled = net._kv.one_way_s("SYD") * 2000.0
        assert modelled > 150.0
        assert miss.kv_ms >= 0.9 * modelled  # slept both legs (asyncio.sleep never wakes early)
        assert hit.kv_ms == 0.0
    finally:
        net.close()


def test_standalone_worker_shares_nothing_with_another() -> None:
    a = Worker(API, kv={"KV": "ns"})
    b = Worker(API, kv={"KV": "ns"})
    try:
        assert a.fetch("https://x/put?key=k&value=1").json() == {"after": "1"}
        assert b.fetch("https://x/get?key=k").json() == {"value": None}
        assert a.kv("ns").get("k") == "1" and b.kv("ns").get("k") is None
    finally:
        a.close()
        b.close()
