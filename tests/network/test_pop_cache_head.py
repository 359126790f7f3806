"""A PoP's pass-through cache forwards a HEAD it cannot answer as a HEAD (RFC 9110 9.3.2), never
stores that answer as the GET's, and freshens a stale stored response with a conditional
HEAD's 304 (RFC 9111 4.3.4)."""

from __future__ import annotations

from typing import Any

from edgert._core import CacheStore, Request, Response
from edgert.pop_cache import OriginCall, PassThrough, pass_through

URL = "https://app.example/page"
T0 = 1_700_000_000.0


def drive(
    store: CacheStore, request: Request, now: float, answers: list[Response]
) -> tuple[PassThrough, list[OriginCall]]:
    """Runs one pass-through, answering its origin calls in order."""
    calls: list[OriginCall] = []
    steps = pass_through(store, request, now)
    try:
        call = next(steps)
        while True:
            calls.append(call)
            call = steps.send((answers[len(calls) - 1], now))
    except StopIteration as stop:
        done: Any = stop.value
    return done, calls


def page(**headers: str) -> Response:
    return Response("x" * 20, headers={"cache-control": "max-age=10", "etag": '"v1"', **headers})


def test_head_miss_goes_as_head_and_is_not_stored() -> None:
    store = CacheStore()
    head = Response(None, headers={"cache-control": "max-age=10", "content-length": "20"})
    done, calls = drive(store, Request(URL, method="HEAD"), T0, [head])
    assert [c.request.method for c in calls] == ["HEAD"]
    assert done.response.status == 200 and done.response.body == b""
    assert done.response.headers.get("content-length") == "20"
    assert done.cache_status == "MISS"
    # A GET afterwards is a miss too: the HEAD's empty answer was not stored.
    done, calls = drive(store, Request(URL), T0 + 1, [page()])
    assert [c.request.method for c in calls] == ["GET"] and done.cache_status == "MISS"
    assert done.response.body == b"x" * 20


def test_stale_entry_is_revalidated_by_a_conditional_head() -> None:
    store = CacheStore()
    drive(store, Request(URL), T0, [page()])
    done, calls = drive(store, Request(URL, method="HEAD"), T0 + 60, [Response(None, status=304)])
    assert [c.request.method for c in calls] == ["HEAD"]
    assert calls[0].request.headers.get("if-none-match") == '"v1"'
    assert done.response.status == 200 and done.response.body == b""
    # Freshened: the next GET is a hit without the origin.
    done, calls = drive(store, Request(URL), T0 + 61, [])
    assert calls == [] and done.cache_status == "HIT" and done.response.body == b"x" * 20


def test_a_fresh_entry_answers_head_without_the_origin() -> None:
    store = CacheStore()
    drive(store, Request(URL), T0, [page()])
    done, calls = drive(store, Request(URL, method="HEAD"), T0 + 1, [])
    assert calls == [] and done.cache_status == "HIT" and done.response.body == b""
