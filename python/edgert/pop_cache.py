"""A PoP's HTTP cache in front of the origin, for requests the PoP passes through.

Owns the steps a PoP takes for a request no worker handles (as Cloudflare's CDN does for a
zone without a Worker on the route): look the request up in the PoP's
:class:`~edgert.cache.CacheStore` (RFC 9111 in the Rust core), answer a hit at once, otherwise
send the cache's origin request (conditional when it holds a validator), store the answer and
serve what the cache says. A stale-while-revalidate hit is served at once and revalidated in the
background; an unreachable origin gets a stale response where ``stale-if-error`` allows one.

The steps are written once as a generator that yields ``("origin", request)`` when it needs
the origin's answer, so that the virtual-time host (events) and the real-time host (awaits)
drive the same logic with their own clocks.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from edgert._core import CacheStore, OriginRequest, Request, Response

__all__ = ["OriginCall", "PassThrough", "pass_through", "store_revalidation"]


@dataclass(frozen=True, slots=True)
class OriginCall:
    """The driver must send ``request`` to the origin and send back its :class:`Response`
    (or an exception when the origin could not be reached), and the time it arrived."""

    request: Request
    background: bool = False


@dataclass(slots=True)
class PassThrough:
    """What the cache made of one request: the response and its ``cf-cache-status``."""

    response: Response
    cache_status: str
    #: A revalidation to send after answering (stale-while-revalidate), or None.
    revalidate: Request | None = None


def _origin_request(template: OriginRequest, body: bytes | None) -> Request:
    return Request(template.url, method=template.method, headers=template.headers, body=body)


def pass_through(
    store: CacheStore, request: Request, now: float
) -> Generator[OriginCall, tuple[Response | BaseException, float], PassThrough]:
    """The cache's part of a pass-through request received at ``now``.

    Yields :class:`OriginCall` and expects ``(response or exception, time it arrived)``
    back; returns the :class:`PassThrough` to answer with.
    """
    method, url = request.method, request.url
    headers = request.headers.items()
    result = store.lookup(method, url, headers, now)
    kind = result.kind
    served = result.response
    if kind in ("hit", "unavailable") and served is not None:
        return PassThrough(served.to_response(), result.cache_status)
    template = result.origin_request
    assert template is not None, f"lookup kind {kind!r} always carries an origin request"
    if kind == "stale" and served is not None:
        return PassThrough(
            served.to_response(),
            result.cache_status,
            revalidate=_origin_request(template, request.body),
        )
    sent_at = now
    for _ in range(2):  # a 304 that validated nothing stored makes the cache ask once more
        answer, arrived = yield OriginCall(_origin_request(template, request.body))
        if isinstance(answer, BaseException):
            stale = store.fetch_failed(method, url, headers, arrived)
            if stale is not None:
                return PassThrough(stale.to_response(), stale.cache_status)
            raise answer
        stored: Any = store.store(
            method,
            url,
            headers,
            answer.status,
            answer.headers.items(),
            answer.body,
            sent_at,
            arrived,
        )
        if not isinstance(stored, OriginRequest):
            return PassThrough(stored.to_response(), stored.cache_status)
        template, sent_at = stored, arrived
    raise ConnectionError(f"the origin did not validate {method} {url} after a refetch")


def store_revalidation(
    store: CacheStore, request: Request, answer: Response, sent_at: float, arrived: float
) -> None:
    """Stores the answer to the background revalidation of the client's ``request``
    (stale-while-revalidate)."""
    store.store(
        request.method,
        request.url,
        request.headers.items(),
        answer.status,
        answer.headers.items(),
        answer.body,
        sent_at,
        arrived,
    )
