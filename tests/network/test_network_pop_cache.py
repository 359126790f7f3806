"""Each PoP's HTTP cache: pass-through requests, and the cache a PoP's workers share."""

from __future__ import annotations

from typing import Any

from edgert import Network, Origin, Request, Response

WORKER = """
export default {
  async fetch(request) {
    const upstream = await fetch("https://origin.example/asset");
    return new Response(await upstream.text(), {
      headers: { "x-upstream-cache": upstream.headers.get("cf-cache-status") || "none" },
    });
  },
};
"""


def counting_origin(headers: dict[str, str]) -> tuple[Origin, list[Request]]:
    seen: list[Request] = []

    def handler(request: Request) -> Any:
        seen.append(request)
        etag = '"v1"'
        if request.headers.get("if-none-match") == etag:
            return Response(None, status=304, headers={"etag": etag, **headers})
        return Response("asset body", headers={"etag": etag, **headers})

    return Origin(handler=handler, region="IAD", hosts=["origin.example"]), seen


def test_a_pass_through_request_is_served_from_the_pops_cache_the_second_time() -> None:
    origin, seen = counting_origin({"cache-control": "public, max-age=60"})
    net = Network(["NRT", "GRU"], origin=origin, seed=1)
    first = net.fetch_sync("https://origin.example/asset", client="Tokyo")
    second = net.fetch_sync("https://origin.example/asset", client="Tokyo")
    assert (first.status, second.status) == (200, 200)
    assert first.trace.cache_status == "MISS" and not first.trace.edge_only
    assert second.trace.cache_status == "HIT" and second.trace.edge_only
    assert second.text() == "asset body"
    assert second.headers.get("cf-cache-status") == "HIT"
    assert len(seen) == 1
    # A HIT skips the origin leg: the Tokyo client waits far less than for the MISS.
    assert second.trace.total_ms < first.trace.total_ms / 2
    # Each PoP has its own cache: Sao Paulo misses.
    far = net.fetch_sync("https://origin.example/asset", client="Sao Paulo")
    assert far.trace.pop == "GRU" and far.trace.cache_status == "MISS"
    assert len(seen) == 2
    nrt = net.cache("NRT")
    assert nrt is not None and nrt.metrics()["hits"] >= 1


def test_an_expired_entry_is_revalidated_with_its_etag() -> None:
    origin, seen = counting_origin({"cache-control": "public, max-age=1"})
    net = Network(["NRT"], origin=origin, seed=1)
    net.fetch_sync("https://origin.example/asset", client="Tokyo")
    net.run(until=net.now() + 5)
    again = net.fetch_sync("https://origin.example/asset", client="Tokyo")
    assert again.status == 200 and again.text() == "asset body"
    assert again.trace.cache_status == "REVALIDATED"
    assert seen[-1].headers.get("if-none-match") == '"v1"'


def test_uncacheable_responses_go_to_the_origin_every_time() -> None:
    origin, seen = counting_origin({"cache-control": "no-store"})
    net = Network(["NRT"], origin=origin, seed=1)
    for _ in range(3):
        r = net.fetch_sync("https://origin.example/asset", client="Tokyo")
        assert r.trace.cache_status in ("BYPASS", "DYNAMIC")
    assert len(seen) == 3


def test_without_caches_the_pop_forwards_everything() -> None:
    origin, seen = counting_origin({"cache-control": "public, max-age=60"})
    net = Network(["NRT"], origin=origin, seed=1, cache=False)
    for _ in range(2):
        r = net.fetch_sync("https://origin.example/asset", client="Tokyo")
        assert r.trace.cache_status is None
    assert len(seen) == 2 and net.cache("NRT") is None


def test_a_workers_subrequests_go_through_its_pops_cache() -> None:
    origin, seen = counting_origin({"cache-control": "public, max-age=60"})
    net = Network(["NRT"], origin=origin, workers={"w": WORKER}, seed=1)
    first = net.fetch_sync("https://site.example/", client="Tokyo")
    second = net.fetch_sync("https://site.example/", client="Tokyo")
    assert first.headers.get("x-upstream-cache") == "MISS"
    assert second.headers.get("x-upstream-cache") == "HIT"
    assert second.trace.edge_only and len(seen) == 1


async def test_real_time_pass_through_uses_the_cache_too() -> None:
    origin, seen = counting_origin({"cache-control": "public, max-age=60"})
    async with Network(["NRT"], origin=origin, clock="real", seed=1) as net:
        first = await net.fetch("https://origin.example/asset", client="Tokyo")
        second = await net.fetch("https://origin.example/asset", client="Tokyo")
    assert (first.trace.cache_status, second.trace.cache_status) == ("MISS", "HIT")
    assert len(seen) == 1
