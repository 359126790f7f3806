"""The Workers Cache API rules (put / match / delete) through the Python binding."""

from __future__ import annotations

import pytest

from edgert._core import HttpCache
from edgert.errors import CachePutError

T0 = 1_700_000_000.0
URL = "https://example.com/api"
FRESH = [("cache-control", "max-age=60")]


@pytest.mark.parametrize(
    ("method", "status", "headers"),
    [
        ("POST", 200, FRESH),
        ("HEAD", 200, FRESH),
        ("GET", 206, FRESH),
        ("GET", 200, [*FRESH, ("vary", "*")]),
    ],
)
def test_put_rejects(method: str, status: int, headers: list[tuple[str, str]]) -> None:
    cache = HttpCache()
    with pytest.raises(CachePutError):
        cache.put(method, URL, [], status, headers, b"x", T0)
    with pytest.raises(TypeError):
        cache.put(method, URL, [], status, headers, b"x", T0)


def test_put_match_delete() -> None:
    cache = HttpCache()
    assert cache.put("GET", URL, [], 200, [*FRESH, ("etag", '"e"')], b"body", T0) is True
    found = cache.match("GET", URL, [], T0 + 5)
    assert found is not None
    assert (found.status, found.body, found.cache_status) == (200, b"body", "HIT")
    assert found.header("age") == "5"
    assert cache.match("GET", URL, [], T0 + 60) is None, "expired responses are not matched"
    assert cache.match("POST", URL, [], T0 + 1) is None
    assert cache.match("POST", URL, [], T0 + 1, ignore_method=True) is not None
    not_modified = cache.match("GET", URL, [("if-none-match", '"e"')], T0 + 1)
    assert not_modified is not None and not_modified.status == 304
    assert cache.delete("GET", URL) is True
    assert cache.delete("GET", URL) is False
    assert cache.match("GET", URL, [], T0 + 1) is None


def test_put_declines_set_cookie_and_no_store() -> None:
    cache = HttpCache()
    assert cache.put("GET", URL, [], 200, [*FRESH, ("set-cookie", "a=1")], b"x", T0) is False
    assert cache.put("GET", URL, [], 200, [("cache-control", "no-store")], b"x", T0) is False
    allowed = [("cache-control", "max-age=60, private=set-cookie"), ("set-cookie", "a=1")]
    assert cache.put("GET", URL, [], 200, allowed, b"x", T0) is True
    found = cache.match("GET", URL, [], T0 + 1)
    assert found is not None and found.header("set-cookie") is None


def test_put_with_cache_ttl_override() -> None:
    cache = HttpCache()
    no_store = [("cache-control", "no-store")]
    stored = cache.put("GET", URL, [], 200, no_store, b"x", T0, cf={"cacheTtl": 10})
    assert stored is True
    assert cache.match("GET", URL, [], T0 + 9, cf={"cacheTtl": 10}) is not None
    assert cache.match("GET", URL, [], T0 + 10) is None
