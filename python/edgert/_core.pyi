"""Type stubs for the native module ``edgert._core``; hand-written."""

from collections.abc import Iterable, Mapping
from typing import Any, Literal, final

__all__ = ["CachedResponse", "HttpCache", "LookupResult", "OriginRequest", "__version__"]

__version__: str

_Headers = Iterable[tuple[str, str]] | Mapping[str, str] | None
_CacheStatus = Literal[
    "HIT", "MISS", "EXPIRED", "STALE", "UPDATING", "REVALIDATED", "BYPASS", "DYNAMIC"
]
_LookupKind = Literal["hit", "stale", "revalidate", "miss", "bypass", "unavailable"]

# --- cache (rust/src/py/cache.rs) ---------------------------------------------------------------

@final
class CachedResponse:
    """A response the cache produced, carrying ``cf-cache-status``."""

    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> list[tuple[str, str]]: ...
    @property
    def body(self) -> bytes | None: ...
    @property
    def cache_status(self) -> _CacheStatus: ...
    def header(self, name: str) -> str | None: ...

@final
class OriginRequest:
    """A request the host must send to the origin."""

    @property
    def method(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def headers(self) -> list[tuple[str, str]]: ...
    def header(self, name: str) -> str | None: ...

@final
class LookupResult:
    """What a lookup tells the host to do."""

    @property
    def kind(self) -> _LookupKind: ...
    @property
    def cache_status(self) -> _CacheStatus: ...
    @property
    def age(self) -> int | None: ...
    @property
    def status(self) -> int | None: ...
    @property
    def response(self) -> CachedResponse | None: ...
    @property
    def origin_request(self) -> OriginRequest | None: ...

@final
class HttpCache:
    """A shared HTTP cache (RFC 9111, RFC 5861, RFC 9213) with a byte budget; times in seconds."""

    def __new__(
        cls,
        max_bytes: int = ...,
        *,
        estimated_entries: int = 4096,
        targeted_fields: list[str] | None = None,
        heuristic_fraction: float = 0.1,
        heuristic_max_s: int = 86400,
        max_variants: int = 16,
        max_entry_bytes: int | None = None,
    ) -> HttpCache: ...
    def lookup(
        self,
        method: str,
        url: str,
        headers: _Headers = None,
        now: float = 0.0,
        *,
        cf: Mapping[str, Any] | None = None,
    ) -> LookupResult: ...
    def store(
        self,
        method: str,
        url: str,
        headers: _Headers,
        status: int,
        response_headers: _Headers,
        body: bytes | None,
        request_time: float,
        response_time: float,
        *,
        cf: Mapping[str, Any] | None = None,
    ) -> CachedResponse | OriginRequest: ...
    def fetch_failed(
        self,
        method: str,
        url: str,
        headers: _Headers = None,
        now: float = 0.0,
        *,
        cf: Mapping[str, Any] | None = None,
    ) -> CachedResponse | None: ...
    def put(
        self,
        method: str,
        url: str,
        headers: _Headers,
        status: int,
        response_headers: _Headers,
        body: bytes | None,
        now: float,
        *,
        cf: Mapping[str, Any] | None = None,
    ) -> bool: ...
    def match(
        self,
        method: str,
        url: str,
        headers: _Headers = None,
        now: float = 0.0,
        *,
        ignore_method: bool = False,
        cf: Mapping[str, Any] | None = None,
    ) -> CachedResponse | None: ...
    def delete(
        self,
        method: str,
        url: str,
        *,
        ignore_method: bool = False,
        cf: Mapping[str, Any] | None = None,
    ) -> bool: ...
    def purge_url(self, url: str) -> int: ...
    def purge_prefix(self, prefix: str) -> int: ...
    def purge_tags(self, tags: list[str]) -> int: ...
    def purge_all(self) -> int: ...
    def metrics(self) -> dict[str, int]: ...
