"""D1 read replication in virtual time: a commit reaches a replica after the modelled lag and
not before; sessions read their own writes from any PoP; ``served_by_*`` say who answered."""

from __future__ import annotations

from d1_workers import at, network

from edgert import Network, Origin, Worker


def test_a_write_reaches_a_replica_after_the_modelled_lag_and_not_before() -> None:
    net = network(delay_ms=400.0)
    db = net.d1("db")
    service = net.d1_service
    before = db.replicas["NRT"].seq
    out = at(net, "NRT", "/write?v=hello")
    assert out["meta"]["served_by_primary"] is True and out["meta"]["served_by_region"] == "IAD"
    write = service.queries[-1]
    committed_at = write.at + service.one_way_s("NRT", "IAD")
    arrives = committed_at + service.lag_s(db, "NRT")
    assert service.lag_s(db, "NRT") > 0.4  # the IAD -> NRT leg plus the configured delay
    # A new session reads at the Tokyo replica: not there yet.
    stale = at(net, "NRT", "/read")
    assert stale["body"] is None and stale["meta"]["served_by_region"] == "NRT"
    assert stale["meta"]["served_by_primary"] is False
    net.run(until=arrives - 0.001)
    assert db.replicas["NRT"].seq == before
    net.run(until=arrives + 0.001)
    assert db.replicas["NRT"].seq == before + 1
    assert at(net, "NRT", "/read")["body"] == "hello"
    assert db.execute("SELECT body FROM notes", region="NRT") == [{"body": "hello"}]


def test_a_session_reads_its_own_write_from_any_pop() -> None:
    net = network(delay_ms=2000.0)
    written = at(net, "FRA", "/write?v=mine")
    bookmark = written["bookmark"]
    assert bookmark is not None
    # Without the bookmark, Tokyo's replica serves what it has: the write is not there yet.
    assert at(net, "NRT", "/read")["body"] is None
    for pop in ("NRT", "FRA", "IAD", "GRU"):
        read = at(net, pop, f"/read?bookmark={bookmark}")
        assert read["body"] == "mine", pop
        assert read["bookmark"] >= bookmark
    waited = [q for q in net.d1_service.queries if q.pop == "NRT" and q.min_seq > 0]
    assert waited and waited[0].waited_ms > 0  # the replica held the read for the log


def test_a_bookmark_beyond_the_primary_is_served_by_the_primary() -> None:
    net = network()
    read = at(net, "NRT", "/read?bookmark=00000000ffffffff")
    assert read["meta"]["served_by_primary"] is True and read["body"] is None


def test_served_by_says_which_instance_answered() -> None:
    net = network()
    net.d1("db").execute("INSERT INTO notes (body) VALUES ('x')")
    net.run(until=net.now() + 5)
    outside = at(net, "NRT", "/read?nosession=1")  # no Sessions API: the primary, as on D1
    assert outside["meta"]["served_by_region"] == "IAD" and outside["meta"]["served_by_primary"]
    tokyo = at(net, "NRT", "/read")
    assert tokyo["meta"]["served_by_region"] == "NRT" and not tokyo["meta"]["served_by_primary"]
    washington = at(net, "IAD", "/read")  # nearest to IAD is the primary itself
    assert washington["meta"]["served_by_region"] == "IAD"
    assert washington["meta"]["served_by_primary"] is True
    first_primary = at(net, "NRT", "/read?bookmark=first-primary")
    assert first_primary["meta"]["served_by_primary"] is True
    records = net.d1_service.queries
    replica = next(q for q in records if q.region == "NRT")
    primary = next(q for q in records if q.pop == "NRT" and q.region == "IAD" and not q.write)
    assert replica.latency_ms < primary.latency_ms / 10  # a nearby replica vs the Pacific


def test_a_database_persists_under_the_state_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    def make() -> Network:
        return Network(
            "demo",
            origin=Origin(handler=lambda r: "origin"),
            workers={
                "app": Worker(
                    "export default { fetch() { return new Response(''); } }", d1={"DB": "db"}
                )
            },
            clock="virtual",
            state_dir=tmp_path,
            d1={"db": {"replicas": ["NRT"]}},
        )

    net = make()
    net.d1("db").executescript("CREATE TABLE t (v); INSERT INTO t VALUES (1)")
    seq = net.d1("db").seq
    again = make()
    assert again.d1("db").execute("SELECT v FROM t") == [{"v": 1}]
    assert again.d1("db").seq == seq
    assert again.d1("db").replicas["NRT"].seq == seq  # replicas start as a copy
    assert (tmp_path / "d1" / "db.sqlite3").exists()


def test_real_time_honours_the_replication_lag() -> None:
    import json
    import threading
    import time

    from d1_workers import API

    net = Network(
        ["IAD", "NRT"],
        origin=Origin(handler=lambda r: "origin"),
        workers={"app": Worker(API, d1={"DB": "db"})},
        clock="real",
        d1={"db": {"primary": "IAD", "replicas": ["NRT"], "replication_delay_ms": 3000}},
    )

    def get(path: str) -> dict:  # type: ignore[type-arg]
        r = net.fetch_sync(f"https://app.example{path}", client="Tokyo", pop="NRT")
        assert r.status == 200, r.text()
        return json.loads(r.text())["out"]  # type: ignore[no-any-return]

    try:
        db = net.d1("db")
        db.executescript("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        applied = threading.Event()
        db.applied_listeners.append(lambda region, seq: applied.set())
        start = time.monotonic()
        assert get("/write?v=late")["meta"]["served_by_primary"] is True
        assert db.replicas["NRT"].seq < db.seq  # shipped, not yet applied
        assert get("/read")["body"] is None  # Tokyo's replica, within the lag
        assert applied.wait(60)  # bounded: fails only if the log never arrives
        assert time.monotonic() - start >= 3.0  # a timer never fires early
        assert get("/read")["body"] == "late"
    finally:
        net.close()
