"""Main flows of the HTTP cache through the Python binding (RFC 9111, RFC 5861, purges, metrics)."""

from __future__ import annotations

from email.utils import formatdate

import pytest

from edgert.cache import CACHE_STATUSES, HttpCache, OriginRequest, OriginResponse, fetch_through
from edgert.errors import ConfigError, HostError, RequestError

T0 = 1_700_000_000.0
URL = "https://example.com/a"


def http_date(t: float) -> str:
    return formatdate(t, usegmt=True)


class Origin:
    """A scripted origin that records what it received."""

    def __init__(self, *answers: OriginResponse | None) -> None:
        self.answers = list(answers)
        self.seen: list[OriginRequest] = []

    def __call__(self, request: OriginRequest) -> OriginResponse | None:
        self.seen.append(request)
        return self.answers.pop(0)


def ok(cc: str, body: bytes = b"hello", *extra: tuple[str, str], at: float = T0) -> OriginResponse:
    return OriginResponse(200, [("cache-control", cc), ("date", http_date(at)), *extra], body)


def test_miss_then_hit_with_age() -> None:
    cache = HttpCache(1 << 20)
    origin = Origin(ok("max-age=60"))
    first = fetch_through(cache, "GET", URL, now=T0, origin=origin)
    assert (first.status, first.cache_status, first.body) == (200, "MISS", b"hello")
    second = fetch_through(cache, "GET", URL, now=T0 + 12, origin=origin)
    assert second.cache_status == "HIT"
    assert second.header("age") == "12"
    assert second.header("cf-cache-status") == "HIT"
    assert len(origin.seen) == 1


def test_lookup_kinds_and_status() -> None:
    cache = HttpCache()
    miss = cache.lookup("GET", URL, [], T0)
    assert (miss.kind, miss.cache_status, miss.response, miss.age) == ("miss", "MISS", None, None)
    assert miss.origin_request is not None and miss.origin_request.method == "GET"
    assert cache.lookup("POST", URL, [], T0).kind == "bypass"
    assert cache.lookup("POST", URL, [], T0).cache_status == "DYNAMIC"
    unavailable = cache.lookup("GET", URL, [("cache-control", "only-if-cached")], T0)
    assert unavailable.kind == "unavailable"
    assert unavailable.response is not None and unavailable.response.status == 504


def test_expired_then_revalidated_with_304() -> None:
    cache = HttpCache()
    origin = Origin(
        ok("max-age=10", b"v1", ("etag", '"v1"')),
        OriginResponse(304, [("etag", '"v1"'), ("cache-control", "max-age=10")]),
    )
    fetch_through(cache, "GET", URL, now=T0, origin=origin)
    result = cache.lookup("GET", URL, [], T0 + 20)
    assert result.kind == "revalidate" and result.cache_status == "EXPIRED"
    served = fetch_through(cache, "GET", URL, now=T0 + 20, origin=origin)
    assert origin.seen[1].header("if-none-match") == '"v1"'
    assert (served.cache_status, served.body) == ("REVALIDATED", b"v1")
    assert cache.lookup("GET", URL, [], T0 + 25).kind == "hit"


def test_expired_full_response() -> None:
    cache = HttpCache()
    origin = Origin(ok("max-age=10", b"v1"), ok("max-age=10", b"v2", at=T0 + 20))
    fetch_through(cache, "GET", URL, now=T0, origin=origin)
    served = fetch_through(cache, "GET", URL, now=T0 + 20, origin=origin)
    assert (served.cache_status, served.body) == ("EXPIRED", b"v2")


def test_stale_while_revalidate_serves_updating() -> None:
    cache = HttpCache()
    origin = Origin(
        ok("max-age=10, stale-while-revalidate=60", b"old", ("etag", '"a"')),
        ok("max-age=10", b"new", ("etag", '"b"'), at=T0 + 30),
    )
    fetch_through(cache, "GET", URL, now=T0, origin=origin)
    served = fetch_through(cache, "GET", URL, now=T0 + 30, origin=origin)
    assert (served.cache_status, served.body) == ("UPDATING", b"old")
    assert fetch_through(cache, "GET", URL, now=T0 + 31, origin=origin).body == b"new"


def test_one_background_revalidation_per_key() -> None:
    cache = HttpCache()
    answer = ok("max-age=10, stale-while-revalidate=60", b"old", ("etag", '"a"'))
    fetch_through(cache, "GET", URL, now=T0, origin=Origin(answer))
    first = cache.lookup("GET", URL, [], T0 + 30)
    assert first.kind == "stale" and first.origin_request is not None
    second = cache.lookup("GET", URL, [], T0 + 31)
    assert (second.kind, second.cache_status, second.origin_request) == ("hit", "UPDATING", None)


def test_stale_if_error_on_503_and_on_unreachable_origin() -> None:
    cache = HttpCache()
    origin = Origin(ok("max-age=10, stale-if-error=100", b"old"), OriginResponse(503), None)
    fetch_through(cache, "GET", URL, now=T0, origin=origin)
    on_503 = fetch_through(cache, "GET", URL, now=T0 + 20, origin=origin)
    assert (on_503.cache_status, on_503.body) == ("STALE", b"old")
    unreachable = fetch_through(cache, "GET", URL, now=T0 + 30, origin=origin)
    assert unreachable.cache_status == "STALE"


def test_unreachable_origin_without_stale_raises() -> None:
    cache = HttpCache()
    with pytest.raises(ConnectionError):
        fetch_through(cache, "GET", URL, now=T0, origin=Origin(None))


def test_private_and_no_store_bypass() -> None:
    cache = HttpCache()
    for cc in ("private, max-age=60", "no-store"):
        served = fetch_through(cache, "GET", URL, now=T0, origin=Origin(ok(cc)))
        assert served.cache_status == "BYPASS"
        assert cache.lookup("GET", URL, [], T0 + 1).kind == "miss"


def test_vary_selects_variants() -> None:
    cache = HttpCache()
    for lang in ("en", "fr"):
        answer = ok("max-age=60", lang.encode(), ("vary", "accept-language"))
        fetch_through(cache, "GET", URL, [("accept-language", lang)], now=T0, origin=Origin(answer))
    for lang in ("en", "fr"):
        hit = cache.lookup("GET", URL, [("Accept-Language", lang)], T0 + 1)
        assert hit.kind == "hit" and hit.response is not None and hit.response.body == lang.encode()
    assert cache.lookup("GET", URL, [("accept-language", "de")], T0 + 1).kind == "miss"


def test_unsafe_method_invalidates() -> None:
    cache = HttpCache()
    fetch_through(cache, "GET", URL, now=T0, origin=Origin(ok("max-age=60")))
    posted = fetch_through(cache, "POST", URL, now=T0 + 1, origin=Origin(OriginResponse(200)))
    assert posted.cache_status == "DYNAMIC"
    assert cache.lookup("GET", URL, [], T0 + 2).kind == "miss"
    assert cache.metrics()["invalidations"] == 1


def test_head_from_stored_get_and_range() -> None:
    cache = HttpCache()
    fetch_through(cache, "GET", URL, now=T0, origin=Origin(ok("max-age=60", b"0123456789")))
    head = cache.lookup("HEAD", URL, [], T0 + 1).response
    assert head is not None and head.status == 200 and head.body is None
    part = cache.lookup("GET", URL, [("range", "bytes=2-5")], T0 + 1).response
    assert part is not None and (part.status, part.body) == (206, b"2345")
    assert part.header("content-range") == "bytes 2-5/10"


def test_client_conditional_answered_304() -> None:
    cache = HttpCache()
    fetch_through(cache, "GET", URL, now=T0, origin=Origin(ok("max-age=60", b"x", ("etag", '"e"'))))
    answer = cache.lookup("GET", URL, {"if-none-match": '"e"'}, T0 + 1).response
    assert answer is not None and answer.status == 304


def test_cdn_cache_control_targets_the_cache() -> None:
    cache = HttpCache()
    fields = [("cache-control", "no-store"), ("cdn-cache-control", "max-age=60")]
    answer = OriginResponse(200, fields, b"x")
    fetch_through(cache, "GET", URL, now=T0, origin=Origin(answer))
    assert cache.lookup("GET", URL, [], T0 + 30).kind == "hit"


def test_purges() -> None:
    cache = HttpCache()
    for path, tag in (("/assets/1", "a"), ("/assets/2", "b"), ("/page", "a")):
        answer = ok("max-age=600", b"x", ("cache-tag", tag))
        fetch_through(cache, "GET", "https://example.com" + path, now=T0, origin=Origin(answer))
    assert cache.purge_tags(["A"]) == 2
    assert cache.purge_prefix("example.com/assets/") == 1
    assert cache.metrics()["entries"] == 0
    fetch_through(cache, "GET", URL, now=T0, origin=Origin(ok("max-age=60")))
    assert cache.purge_url(URL) == 1
    assert cache.purge_all() == 0


def test_budget_and_evictions_in_metrics() -> None:
    cache = HttpCache(50_000, estimated_entries=64)
    for i in range(200):
        answer = ok("max-age=600", b"x" * 1000)
        fetch_through(cache, "GET", f"https://example.com/{i}", now=T0, origin=Origin(answer))
    metrics = cache.metrics()
    assert metrics["bytes"] <= 50_000
    assert metrics["evictions"] > 0
    assert metrics["stores"] == 200 and metrics["misses"] == 200


def test_cf_options_force_ttl_and_key() -> None:
    cache = HttpCache()
    cf = {"cacheTtl": 100, "cacheKey": "my-key"}
    answer = OriginResponse(200, [("cache-control", "no-store")], b"forced")
    served = fetch_through(cache, "GET", URL, now=T0, origin=Origin(answer), cf=cf)
    assert served.cache_status == "MISS"
    hit = cache.lookup("GET", "https://example.com/other", [], T0 + 50, cf=cf)
    assert hit.kind == "hit"
    assert cache.lookup("GET", URL, [], T0 + 50).kind == "miss"
    by_status = {"cacheTtlByStatus": {"200-299": 5, "404": -1}}
    gone = OriginResponse(404, [("cache-control", "max-age=600")], b"")
    missing = fetch_through(cache, "GET", URL + "/404", now=T0, origin=Origin(gone), cf=by_status)
    assert missing.cache_status == "BYPASS"


def test_bad_inputs_raise_typed_errors() -> None:
    cache = HttpCache()
    with pytest.raises(HostError):
        cache.lookup("GET", URL, [], -1.0)
    with pytest.raises(RequestError):
        cache.lookup("GET", URL, [("bad name", "x")], T0)
    with pytest.raises(ConfigError):
        cache.lookup("GET", URL, [], T0, cf={"cacheTtlByStatus": {"abc": 1}})
    with pytest.raises(ConfigError):
        HttpCache(0)


def test_every_status_is_documented() -> None:
    assert len(CACHE_STATUSES) == 8


def test_hit_response_fields_match_the_built_response() -> None:
    cache = HttpCache()
    answer = ok("max-age=60", b"body", ("cache-tag", "t"), ("x-a", "1"), ("age", "3"))
    fetch_through(cache, "GET", URL, now=T0, origin=Origin(answer))
    hit = cache.lookup("GET", URL, [], T0 + 2).response
    built = cache.lookup("GET", URL, [("if-none-match", '"nomatch"')], T0 + 2).response
    assert hit is not None and built is not None
    assert hit.headers == built.headers
    assert [name for name, _ in hit.headers][-2:] == ["age", "cf-cache-status"]
    assert hit.header("age") == "5" and hit.header("cache-tag") is None
    assert hit.header("X-A") == "1" and hit.header("cf-cache-status") == "HIT"
    assert (hit.status, hit.body) == (built.status, built.body) == (200, b"body")


def test_unreachable_origin_gets_stale_within_stale_if_unreachable() -> None:
    """RFC 9111 4.2.4: a disconnected cache may serve stale; a 503 answer is no disconnection."""
    down = Origin(None)
    cache = HttpCache(1 << 20)
    fetch_through(cache, "GET", URL, now=T0, origin=Origin(ok("max-age=10")))
    stale = fetch_through(cache, "GET", URL, now=T0 + 600, origin=down)
    assert (stale.status, stale.cache_status, stale.body) == (200, "STALE", b"hello")
    error = fetch_through(cache, "GET", URL, now=T0 + 600, origin=Origin(OriginResponse(503)))
    assert error.status == 503
    strict = HttpCache(1 << 20, stale_if_unreachable_s=0)
    fetch_through(strict, "GET", URL, now=T0, origin=Origin(ok("max-age=10")))
    with pytest.raises(ConnectionError):
        fetch_through(strict, "GET", URL, now=T0 + 600, origin=Origin(None))
    revalidate = HttpCache(1 << 20)
    fetch_through(revalidate, "GET", URL, now=T0, origin=Origin(ok("max-age=10, must-revalidate")))
    with pytest.raises(ConnectionError):
        fetch_through(revalidate, "GET", URL, now=T0 + 600, origin=Origin(None))
