"""The per-PoP HTTP cache as Python sees it.

Owns the Python face of ``edgert._core.HttpCache`` (an RFC 9111 shared cache with RFC 5861 and
RFC 9213, run sans-I/O in Rust) and :func:`fetch_through`, a small synchronous driver that runs one
request through the cache against an origin callable: lookup, origin fetch if needed, store.
Hosts with real I/O (the server, the simulator) follow the same steps with their own clocks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from edgert._core import CachedResponse, CacheStore, HttpCache, LookupResult, OriginRequest

__all__ = [
    "CACHE_STATUSES",
    "CacheStore",
    "CachedResponse",
    "HttpCache",
    "LookupResult",
    "OriginRequest",
    "OriginResponse",
    "fetch_through",
]

#: Every value of the ``cf-cache-status`` header the cache produces.
CACHE_STATUSES = (
    "HIT",
    "MISS",
    "EXPIRED",
    "STALE",
    "UPDATING",
    "REVALIDATED",
    "BYPASS",
    "DYNAMIC",
)

Headers = Sequence[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class OriginResponse:
    """What an origin answered."""

    status: int
    headers: Headers = ()
    body: bytes = b""


#: An origin: answers a request, or returns None when it cannot be reached.
Origin = Callable[[OriginRequest], OriginResponse | None]


@dataclass(slots=True)
class _Exchange:
    cache: HttpCache
    method: str
    url: str
    headers: Headers
    cf: Mapping[str, Any] | None
    latency: float
    origin: Origin
    background: list[OriginRequest] = field(default_factory=list)

    def send(self, request: OriginRequest, now: float) -> CachedResponse:
        answer = self.origin(request)
        if answer is None:
            stale = self.cache.fetch_failed(
                self.method, self.url, self.headers, now + self.latency, cf=self.cf
            )
            if stale is not None:
                return stale
            raise ConnectionError(f"origin unreachable for {request.method} {request.url}")
        result = self.cache.store(
            self.method,
            self.url,
            self.headers,
            answer.status,
            answer.headers,
            answer.body,
            now,
            now + self.latency,
            cf=self.cf,
        )
        if isinstance(result, OriginRequest):
            return self.send(result, now + self.latency)
        return result


def fetch_through(
    cache: HttpCache,
    method: str,
    url: str,
    headers: Headers = (),
    *,
    now: float,
    origin: Origin,
    latency: float = 0.0,
    cf: Mapping[str, Any] | None = None,
) -> CachedResponse:
    """Runs one request through ``cache`` at ``now``, asking ``origin`` when the cache must.

    A ``stale`` lookup (stale-while-revalidate) is served at once and its background revalidation
    is performed before returning, as if it completed ``latency`` seconds later. Raises
    :class:`ConnectionError` when the origin is unreachable and no stale response may be served.
    """
    result = cache.lookup(method, url, list(headers), now, cf=cf)
    exchange = _Exchange(cache, method, url, list(headers), cf, latency, origin)
    served = result.response
    if result.kind in ("hit", "unavailable") and served is not None:
        return served
    request = result.origin_request
    assert request is not None, f"lookup kind {result.kind!r} always carries an origin request"
    if result.kind == "stale" and served is not None:
        with contextlib.suppress(ConnectionError):
            exchange.send(request, now)
        return served
    return exchange.send(request, now)
