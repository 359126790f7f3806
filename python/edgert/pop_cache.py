"""A PoP's HTTP cache in front of the origin, for requests the PoP passes through.

Owns the steps a PoP takes for a request no worker handles (as Cloudflare's CDN does for a
zone without a Worker on the route): look the request up in the PoP's
:class:`~edgert.cache.CacheStore` (RFC 9111 in the Rust core), answer a hit at once, otherwise
send the cache's origin request (conditional when it holds a validator), store the answer and
serve what the cache says. A stale-while-revalidate hit is served at once and revalidated in the
background; an unreachable origin gets a stale response where ``stale-if-error`` allows one.

A HEAD the cache cannot answer is forwarded as a HEAD (RFC 9110 9.3.2: the origin answers it
without content), not turned into a GET: its answer is served and never stored as the GET's
representation; a stale stored response is revalidated by a conditional HEAD, whose 304
freshens it (RFC 9111 4.3.4). Updating stored headers from a HEAD's 200 (RFC 9111 4.3.5) is not
done; the stored response stays stale and the next GET revalidates it.

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
    if method == "HEAD" and kind != "stale":
        return (yield from _head_through(store, request, template, kind, result.cache_status, now))
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


def _labelled(answer: Response, cache_status: str) -> Response:
    """The origin's answer to a HEAD as served: no content, ``cf-cache-status`` set."""
    headers = [
        (k, v) for k, v in answer.headers.items() if k not in ("cf-cache-status", "cache-tag")
    ]
    headers.append(("cf-cache-status", cache_status))
    return Response(None, status=answer.status, headers=headers, status_text=answer.status_text)


def _head_through(
    store: CacheStore,
    request: Request,
    template: OriginRequest,
    kind: str,
    cache_status: str,
    now: float,
) -> Generator[OriginCall, tuple[Response | BaseException, float], PassThrough]:
    """A HEAD the cache cannot answer: forwarded as a HEAD (see the module docstring)."""
    method, url = request.method, request.url
    headers = request.headers.items()
    if kind == "revalidate":  # conditional, with the stored response's validators
        sent = Request(template.url, method="HEAD", headers=template.headers)
    else:  # the client's own HEAD (a miss, or a request the cache does not serve)
        sent = Request(url, method="HEAD", headers=headers)
    answer, arrived = yield OriginCall(sent)
    if isinstance(answer, BaseException):
        stale = store.fetch_failed(method, url, headers, arrived)
        if stale is not None:
            return PassThrough(stale.to_response(), stale.cache_status)
        raise answer
    if kind == "revalidate" and answer.status == 304:
        stored: Any = store.store(
            method, url, headers, 304, answer.headers.items(), b"", now, arrived
        )
        if not isinstance(stored, OriginRequest):
            return PassThrough(stored.to_response(), stored.cache_status)
        # The 304 validated nothing stored: ask once more, unconditionally.
        answer, arrived = yield OriginCall(Request(url, method="HEAD", headers=headers))
        if isinstance(answer, BaseException):
            raise answer
    return PassThrough(_labelled(answer, cache_status), cache_status)


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
