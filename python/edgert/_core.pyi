"""Type stubs for the native module `edgert._core` (the sans-I/O core)."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal, final

__version__: str

class Headers:
    def __init__(
        self, init: Mapping[str, str] | Iterable[tuple[str, str]] | Headers | None = None
    ) -> None: ...
    def __getitem__(self, name: str) -> str: ...
    def get(self, name: str, default: str | None = None) -> str | None: ...
    def get_all(self, name: str) -> list[str]: ...
    def items(self) -> list[tuple[str, str]]: ...
    def keys(self) -> list[str]: ...
    def __contains__(self, name: object) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]: ...

class Request:
    def __init__(
        self,
        url: str,
        *,
        method: str = "GET",
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | Headers | None = None,
        body: bytes | str | None = None,
        cf: Mapping[str, Any] | str | None = None,
    ) -> None: ...
    @property
    def method(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def headers(self) -> Headers: ...
    @property
    def body(self) -> bytes | None: ...
    @property
    def cf(self) -> Any: ...

class LogLine:
    level: str
    message: str
    at: float

class Stats:
    cpu_ms: float
    cold_start: bool
    startup_ms: float
    #: The cold start took a spare isolate made by ``prewarm`` (``startup_ms``: the worker's part).
    prewarmed: bool
    isolate_id: int
    outcome: str
    error: str | None
    logs: list[LogLine]
    ops: int
    wall_ms: float
    wait_until_errors: list[str]
    #: KV reads: ``(namespace, key, hit, version_ns, at)``.
    kv_reads: list[tuple[str, str, bool, int, float]]

class Response:
    def __init__(
        self,
        body: bytes | str | None = None,
        *,
        status: int = 200,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | Headers | None = None,
        status_text: str = "",
    ) -> None: ...
    @property
    def status(self) -> int: ...
    @property
    def status_text(self) -> str: ...
    @property
    def ok(self) -> bool: ...
    @property
    def headers(self) -> Headers: ...
    @property
    def body(self) -> bytes: ...
    @property
    def stats(self) -> Stats | None: ...
    def text(self) -> str: ...
    def json(self) -> Any: ...

class Operation:
    id: int
    task: int
    kind: str
    request: Request | None
    at: float | None
    binding: str | None
    method: str | None
    args: str | None
    data: bytes | None
    #: For "websocket" (``method`` "text", "binary", "close" or "attach"): the socket id, and
    #: a close's code (``args``: the text, the close reason or the handle attached).
    socket: int | None
    code: int | None

class Step:
    task: int
    response: Response | None
    ops: list[Operation]
    done: bool
    stats: Stats | None

class CoreWorker:
    def __init__(
        self,
        source: str,
        *,
        name: str = "worker.js",
        env_json: str = "{}",
        bindings_json: str = "[]",
        cpu_ms: float = 50.0,
        startup_cpu_ms: float = 400.0,
        memory_mb: float = 128.0,
        stack_kb: int = 512,
        subrequests: int = 10_000,
        min_isolates: int = 1,
        max_isolates: int = 64,
        seed: int | None = None,
        now: float = 0.0,
        cache: CacheStore | None = None,
        auth: JwtVerifier | None = None,
        auth_forward: list[tuple[str, str]] | None = None,
        durable: DurableStore | None = None,
        kv: KvReplica | None = None,
        lazy: bool = False,
        modules: list[tuple[str, str, bytes, list[tuple[str, str]]]] | None = None,
        d1: list[D1Database] | None = None,
    ) -> None:
        """``modules``: a multi-file worker's modules as ``(name, kind, payload, imports)``
        (kind ``esm``, ``text`` or ``data``; imports as (specifier, module name)); ``name`` is
        then the entry module and ``source`` is not used. ``d1``: databases the isolates query
        in place (bindings with ``"local": true`` name them by id). A binding
        ``{"type": "edgert:api-base-url", "url": URL}`` gives the isolate an API base URL, which
        relative URLs in ``Request``, ``fetch`` and ``Response.redirect`` resolve against (a
        deployed worker has none, as on Workers: docs/compat.md, "web-platform-tests")."""
    @property
    def format(self) -> str: ...
    @property
    def cpu_ms(self) -> float: ...
    def begin(self, request: Request, now: float) -> list[Step]: ...
    def begin_inline(self, request: Request, now: float) -> list[Step]:
        """``begin`` without releasing the GIL while the request runs (the same steps): for
        single-threaded hosts, such as the simulator's virtual-time driver."""
    def begin_event(self, kind: str, payload_json: str, now: float) -> list[Step]:
        """Starts a non-HTTP event (``"scheduled"``: a cron trigger, payload
        ``{"cron", "scheduledTime"}``); it settles with an empty 200 response or fails."""
    def complete_fetch(self, op: int, response: Response, now: float) -> list[Step]: ...
    def complete_timer(self, op: int, now: float) -> list[Step]: ...
    def complete_value(
        self, op: int, json: str, now: float, data: bytes | None = None
    ) -> list[Step]: ...
    def complete_error(self, op: int, name: str, message: str, now: float) -> list[Step]: ...
    def abort(self, task: int, now: float) -> list[Step]: ...
    def deliver_ws(
        self,
        socket: int,
        kind: str,
        data: str | bytes | None,
        now: float,
        code: int = 1005,
        reason: str = "",
        clean: bool = True,
    ) -> list[Step]:
        """A WebSocket event for the worker's end of ``socket``: ``kind`` "message" (``data``
        str or bytes), "close" (``code``, ``reason``, ``clean``) or "error" (``reason``). The
        event's task comes first; a 410 response: the socket's isolate is gone."""
    def pool_stats(self) -> tuple[int, int, int, int]: ...
    def memory_bytes(self) -> list[int]: ...
    def trim(self, keep: int) -> None: ...
    def prewarm(self, now: float) -> bool: ...
    @property
    def has_spare(self) -> bool: ...
    @property
    def wants_spare(self) -> bool: ...

# --- JWT verification (rust/src/py/jwt.rs) ---------------------------------------------------

class Executor:
    """Execution threads that run workers' JavaScript off the caller's thread, with a watchdog:
    a call that does not come back within its wall limit is answered, its isolate condemned
    and its thread replaced (at most ``max_stuck`` stuck at once; default 2x threads, >= 4)."""

    def __init__(self, threads: int | None = None, *, max_stuck: int | None = None) -> None: ...
    @property
    def threads(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    def stats(self) -> dict[str, int]:
        """threads, queued, running, submitted, completed, condemned, panics, replaced, stuck,
        demoted (abandoned threads moved to the idle scheduling class)."""
    def close(self) -> None:
        """Stops the threads once the queue is empty; never waits for a stuck call."""

ExecutorCallback = Callable[[list[Step], bool], object]

class ExecutorChannel:
    """One event loop's channel to an :class:`Executor`: calls go in with a callback
    ``callback(steps, condemned)``, which :meth:`drain` runs once the call is done (watch
    :meth:`fileno` for readability). ``condemned``: the watchdog answered the call, or it
    failed; the caller answers that call's own request."""

    def __init__(self, executor: Executor) -> None: ...
    def fileno(self) -> int: ...
    @property
    def pending(self) -> int: ...
    def drain(self) -> int: ...
    def begin(
        self, core: CoreWorker, request: Request, wall_ms: float, callback: ExecutorCallback
    ) -> None: ...
    def begin_event(
        self,
        core: CoreWorker,
        kind: str,
        payload_json: str,
        wall_ms: float,
        callback: ExecutorCallback,
    ) -> None: ...
    def complete_fetch(
        self,
        core: CoreWorker,
        op: int,
        response: Response,
        wall_ms: float,
        callback: ExecutorCallback,
    ) -> None: ...
    def complete_timer(
        self, core: CoreWorker, op: int, wall_ms: float, callback: ExecutorCallback
    ) -> None: ...
    def complete_value(
        self,
        core: CoreWorker,
        op: int,
        json: str,
        wall_ms: float,
        callback: ExecutorCallback,
        data: bytes | None = None,
    ) -> None: ...
    def complete_error(
        self,
        core: CoreWorker,
        op: int,
        name: str,
        message: str,
        wall_ms: float,
        callback: ExecutorCallback,
    ) -> None: ...
    def abort(
        self, core: CoreWorker, task: int, wall_ms: float, callback: ExecutorCallback
    ) -> None: ...
    def deliver_ws(
        self,
        core: CoreWorker,
        socket: int,
        kind: str,
        data: str | bytes | None,
        wall_ms: float,
        callback: ExecutorCallback,
        code: int = 1005,
        reason: str = "",
        clean: bool = True,
    ) -> None: ...

class JwtVerifier:
    """A JWT verifier with a fixed policy; ``edgert.jwt.Verifier`` is the documented face."""

    def __init__(
        self,
        keys: bytes,
        *,
        kind: str = "auto",
        algorithms: list[str],
        issuers: list[str] = ...,
        audiences: list[str] = ...,
        leeway_s: int = 0,
        required_claims: list[str] = ...,
        max_token_bytes: int = 8192,
        cache_size: int = 4096,
        jwks_refresh_interval_s: int = 300,
    ) -> None: ...
    def verify(self, token: str | bytes, now_s: float) -> dict[str, Any]:
        """Verifies a JWT at ``now_s`` and returns its claims."""
    def verify_jws(self, token: str | bytes, now_s: float) -> tuple[str, bytes]:
        """Verifies a compact JWS's signature only; returns ``(alg, payload)``."""
    def verify_raw(self, alg: str, message: bytes, signature: bytes) -> None:
        """Checks a raw signature over ``message`` with ``alg``."""
    def update_jwks(self, jwks: bytes, now_s: float) -> int:
        """Replaces the keys with a fetched JWKS; returns the number of usable keys."""
    @property
    def cached_tokens(self) -> int: ...
    @property
    def key_ids(self) -> list[tuple[str | None, str, str | None]]: ...

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
    def to_response(self) -> Response:
        """This response as an :class:`Response` (with ``Age`` and ``cf-cache-status``)."""

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
class CacheStore:
    """One PoP's cache shared by the workers given it (`caches`, cached outbound fetch)."""

    def __init__(self, max_bytes: int = ..., *, max_entry_bytes: int | None = None) -> None: ...
    def metrics(self, name: str | None = None) -> dict[str, int]: ...
    def names(self) -> list[str]: ...
    def purge_url(self, url: str, name: str | None = None) -> int: ...
    def purge_prefix(self, prefix: str, name: str | None = None) -> int: ...
    def purge_all(self, name: str | None = None) -> int: ...
    def lookup(
        self,
        method: str,
        url: str,
        headers: _Headers = None,
        now: float = 0.0,
        *,
        cf: Mapping[str, Any] | None = None,
    ) -> LookupResult:
        """``HttpCache.lookup`` on this PoP's default cache."""
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
    ) -> CachedResponse | OriginRequest:
        """``HttpCache.store`` on this PoP's default cache."""
    def fetch_failed(
        self,
        method: str,
        url: str,
        headers: _Headers = None,
        now: float = 0.0,
        *,
        cf: Mapping[str, Any] | None = None,
    ) -> CachedResponse | None:
        """``HttpCache.fetch_failed`` on this PoP's default cache."""

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
        stale_if_unreachable_s: int = 86400,
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

# -- Durable Objects (rust/src/py/durable.rs) ----------------------------------------------------

class DurableStore:
    """The storage of every Durable Object of one worker (values in their serialized form)."""

    def __init__(self) -> None: ...
    def load(
        self, namespace: str, id: str, entries: list[tuple[str, str]], alarm_ms: float | None = None
    ) -> None: ...
    def get(self, namespace: str, id: str, key: str) -> str | None: ...
    def put(self, namespace: str, id: str, key: str, value: str) -> None: ...
    def entries(self, namespace: str, id: str) -> list[tuple[str, str]]: ...
    def alarm(self, namespace: str, id: str) -> float | None: ...
    def set_alarm(self, namespace: str, id: str, at_ms: float | None) -> None: ...
    def has_changes(self) -> bool: ...
    def take_changes(
        self,
    ) -> list[tuple[str, str, bool, list[tuple[str, str]], list[str], bool, float | None]]: ...
    def ids(self, namespace: str) -> list[str]: ...

def durable_id_from_name(namespace: str, name: str) -> str: ...
def durable_id_is_valid(namespace: str, id: str) -> bool: ...

# --- D1 (rust/src/py/d1.rs) ---------------------------------------------------------------------

class D1Database:
    """One D1 instance (the primary or a read replica) on SQLite: runs queries in the wire
    form, keeps and applies the replication log."""

    def __init__(self, id: str, *, path: str | None = None, primary: bool = True) -> None: ...
    @property
    def id(self) -> str: ...
    @property
    def seq(self) -> int:
        """Commits applied (the instance's bookmark position)."""
    @property
    def primary(self) -> bool: ...
    @property
    def size_bytes(self) -> int: ...
    def execute(self, request: str) -> str:
        """``{"stmts": [{"sql", "params"}], "rows"?}`` or ``{"lines": [...]}`` -> the JSON
        answer (``results``/``count``/``error``, and ``seq``)."""
    def readonly(self, sql: str) -> bool: ...
    def copy_from(self, source: D1Database) -> None: ...
    def keep_log(self, keep: bool) -> None: ...
    def take_commits(self) -> list[tuple[int, str]]: ...
    def apply(self, commit: str) -> None: ...

# --- KV (rust/src/py/kv.rs) ---------------------------------------------------------------------

class KvReplica:
    """One PoP's KV replica, shared by the cores of that PoP."""

    def __init__(
        self, *, default_cache_ttl_s: int = 60, min_cache_ttl_s: int = 30, max_bytes: int = ...
    ) -> None: ...
    @property
    def default_cache_ttl_s(self) -> int: ...
    @property
    def min_cache_ttl_s(self) -> int: ...
    def entries(
        self, namespace: str, now: float
    ) -> list[tuple[str, bytes | None, str | None, int | None, int, float, float]]:
        """``(key, value or None, metadata JSON or None, expiration or None, version_ns,
        cached_at, cached_until)`` of the entries still served at ``now``, sorted by key."""
    def namespaces(self) -> list[str]: ...
    def purge(self, namespace: str, key: str | None = None) -> int: ...
    def metrics(self) -> dict[str, int]: ...

def kv_check_put(
    key: str,
    value_len: int,
    metadata_json: str | None,
    expiration: float | None,
    expiration_ttl: float | None,
    now: float,
) -> int | None: ...
def kv_check_key(op: str, key: str) -> None: ...
def kv_check_list_limit(limit: float | None = None) -> int: ...

# --- rate limiting (rust/src/py/ratelimit.rs) ---------------------------------------------------

class BotModel:
    """The bot model (``rust/src/bots/``), made by ``edgert.bots.BotManagement.native``."""

    def __init__(
        self,
        *,
        ua_rules: list[tuple[str, str | None, str | None, str | None, str | None, str | None]],
        crawlers: list[tuple[str, str, str, list[str]]],
        proxies: list[str],
        window_s: float = 10.0,
    ) -> None: ...
    def cf_json(
        self,
        cf: str,
        headers: list[tuple[str, str]],
        url: str,
        pop: str,
        key: str,
        now: float,
    ) -> str:
        """``cf`` with ``botManagement`` and ``verifiedBotCategory`` (the request counted)."""
    def score(
        self,
        headers: list[tuple[str, str]],
        path: str,
        pop: str,
        key: str,
        now: float,
    ) -> tuple[int, bool, str, bool, bool, list[int]]:
        """``(score, verified_bot, category, static_resource, corporate_proxy,
        detection_ids)`` (the request counted)."""

class RateLimitCounters:
    """One PoP's rate-limiting counters (sliding-window estimate or fixed windows)."""

    def __init__(self, *, mode: str = "sliding") -> None: ...
    @property
    def id(self) -> int: ...
    @property
    def mode(self) -> str: ...
    def hit(self, namespace: str, key: str, limit: int, period: int, now: float) -> bool: ...
    def metrics(self) -> tuple[int, int, int]:
        """``(allowed, refused, keys)``."""

# -- the edge server's wire format (rust/src/server, rust/src/py/server.rs) ---------------------

@final
class RequestHead:
    """A request head parsed from a socket's bytes (see :func:`parse_request_head`)."""

    @property
    def method(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def http10(self) -> bool: ...
    @property
    def keep_alive(self) -> bool: ...
    @property
    def size(self) -> int: ...
    @property
    def content_length(self) -> int | None: ...
    @property
    def chunked(self) -> bool: ...
    @property
    def expect_continue(self) -> bool: ...
    @property
    def client_location(self) -> str | None: ...
    def request(self, body: bytes | None = None, cf: str | None = None) -> Request:
        """The core request of this head (a GET or HEAD body is dropped)."""

def parse_request_head(
    data: bytes, offset: int, max_header_bytes: int, client_header: str, default_host: str
) -> RequestHead | None:
    """The head at ``data[offset:]``, ``None`` if incomplete; raises ``HttpRefusal``."""

def decode_request_chunks(
    data: bytes, offset: int, pending: int, room: int
) -> tuple[bool, int, bytes, int]:
    """``(done, consumed, data, pending)``: the chunked body bytes at ``data[offset:]``."""

def encode_http_response(
    response: Response, date: str, head_only: bool, keep_alive: bool, http10: bool
) -> bytes:
    """The response as HTTP/1.1 bytes."""

# -- the native HTTP/1.1 front (rust/src/front, rust/src/py/front.rs) ---------------------------

@final
class FrontToken:
    """A request of the native front waiting for its response: call it with the response
    (once; later calls do nothing). Usable as ``Network.begin_at``'s ``on_response``."""

    def __call__(self, response: Response) -> None: ...
    @property
    def answered(self) -> bool: ...

@final
class NativeFront:
    """A listening socket served by a Rust I/O thread (hyper's HTTP/1.1 server): connections,
    parsing, limits and response writing. ``resolve(location)`` maps a client-location field
    value (``None``: none) to an object with ``pop``, ``client`` and ``cf`` (JSON text), e.g.
    ``ClientLocator.resolve``; it is memoised per value, and an ``EdgertError`` from it is
    answered 400."""

    def __init__(
        self,
        resolve: Callable[[str | None], Any],
        host: str,
        port: int,
        *,
        max_header_bytes: int,
        max_body_bytes: int,
        header_timeout_s: float,
        idle_timeout_s: float,
        body_timeout_s: float,
        max_buffered_body_bytes: int,
        max_connections: int,
        client_header: str = "x-edgert-client",
        access_log: bool = False,
        ws_idle_timeout_s: float = 300.0,
        ws_max_buffered_bytes: int = 16777216,
    ) -> None: ...
    @property
    def port(self) -> int: ...
    @property
    def websockets(self) -> int:
        """WebSocket connections open now."""
    def take_ws(
        self,
    ) -> list[tuple[int, str, Any, int, str, bool, CoreWorker | None]]:
        """What the WebSocket connections reported: ``(conn, kind, data, code, reason, clean,
        core)``; ``kind`` "open" (``data`` the socket the worker's 101 named, ``core`` the core
        that answered natively), "message" (``data`` str or bytes) or "close"."""
    def ws_send(
        self,
        conn: int,
        kind: str,
        data: str | bytes | None = None,
        code: int = 1000,
        reason: str = "",
    ) -> bool:
        """Sends on connection ``conn``: "text", "binary" or "close"; False if it is gone."""
    @property
    def fd(self) -> int:
        """Readable while requests (or notices) wait: watch it with ``loop.add_reader``."""
    @property
    def connections(self) -> int: ...
    @property
    def stopped(self) -> bool: ...
    def accepted(self) -> bool:
        """Whether a connection was accepted since the last call."""
    def take(self) -> list[tuple[FrontToken, Any, Any, Request, str]]:
        """The waiting requests: ``(token, pop, client, request, url)``; answer each with
        ``respond`` and then ``flush``, or with ``token(response)``."""
    def serve(self, begin: Callable[[Any, Any, Request, str, FrontToken], Response | None]) -> int:
        """Runs every waiting request through ``begin(pop, client, request, url, token)``
        (``Network.begin_at``) and sends the responses it returns in one batch."""
    def respond(self, token: FrontToken, response: Response) -> None:
        """Queues the response of ``token``; it is sent at the next ``flush``."""
    def flush(self) -> None: ...
    def take_log(
        self,
    ) -> list[tuple[float, str, str, int, str, str | None, float, Stats | None]]:
        """Access-log records: ``(time, method, path, status, pop, cache_status, wall_ms,
        stats)``."""
    def close(self, grace_s: float) -> None:
        """Graceful shutdown; returns at once (``stopped`` turns true when done)."""
    def join(self) -> None: ...
    def enable_dispatch(
        self,
        executor: Executor,
        routes: list[tuple[str | None, str, bool, str, bool, str | None]],
    ) -> None:
        """Native dispatch on ``executor``'s threads for requests whose placement, route and
        core the front has learnt; ``routes`` most specific first, as ``(scheme, host,
        host_wild, path, path_wild, worker)``."""
    def learn_core(self, pop: str, worker: str, core: CoreWorker, wall_ms: float) -> None: ...
    def reset_dispatch(self, worker: str | None = None) -> None:
        """Forgets learnt placements and cores (the network's workers changed); with
        ``worker``, only that worker's cores."""
    def dispatched(self) -> dict[str, int]:
        """Requests begun natively (without Python) so far, per worker."""
    def enable_bots(self, model: BotModel | None) -> None:
        """Fills ``request.cf.botManagement`` of every later request with ``model``."""
    def take_adopted(
        self,
    ) -> list[tuple[FrontToken, Any, Any, CoreWorker, str, str, list[Step], bool]]:
        """Requests begun natively that the control plane takes over: ``(token, pop,
        client, core, worker, url, steps, condemned)``; ``token.answered`` when the front wrote
        the response already."""

class EventLoop:
    """The core's discrete-event queue with Python callbacks (virtual time, sans-I/O)."""

    def __init__(self, start: float = 0.0) -> None: ...
    @property
    def now(self) -> float: ...
    @property
    def events(self) -> int: ...
    def at(self, when: float, callback: Callable[[Any], object], argument: Any = None) -> int: ...
    def after(
        self, delay: float, callback: Callable[[Any], object], argument: Any = None
    ) -> int: ...
    def cancel(self, handle: int) -> bool: ...
    def __len__(self) -> int: ...
    def run(self, until: float | None = None, max_events: int | None = None) -> int: ...

def transpile(file: str, source: str) -> tuple[str, list[tuple[str, int, int, bool]], list[int]]:
    """``(code, imports, line_map)`` of one source file: TypeScript compiled to JavaScript by
    oxc (JavaScript unchanged), its imports as ``(specifier, line, column, dynamic)``, and for
    TypeScript the source line of each compiled line. Raises ``ScriptError``
    ``"file:line:column: ..."`` on a syntax error."""
