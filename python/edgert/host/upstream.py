"""The real-time host's HTTP/1.1 client to origins and the Internet: transparent, pooled, and
checked against the egress policy.

Transparent means the response is what the origin sent: its bytes (no automatic
decompression: ``Content-Encoding`` stays and so does the encoded body), its header fields in
their order and case, minus the hop-by-hop fields (RFC 9110 7.6.1: ``Connection``, the fields
``Connection`` lists, ``Keep-Alive``, ``Proxy-Connection``, ``TE``, ``Transfer-Encoding``,
``Upgrade``), whose framing this client consumed. The method is sent as given (a HEAD stays a
HEAD, and its response has no body whatever its ``Content-Length`` says). Framing follows
RFC 9112 6.3 (h11 does the parsing): a response that carries more bytes than its
``Content-Length`` is read to that length, the rest is discarded and that connection is closed
(never parsed as a next response, which would poison a cache); one that ends before it is an
error. Redirects are followed only when asked (a worker's ``fetch`` with the default ``redirect:
"follow"``), at most 20, each hop checked against the egress policy again.

Theory of operation
-------------------
A :class:`UpstreamClient` keeps one pool per ``(scheme, host, port, policy)``. A request takes
a connection slot of that pool (at most ``max_connections`` in use per pool: others wait), then
the most recently used idle connection (LIFO keeps few connections warm), or opens one: the
egress policy resolves the host and checks every address first, and the connection is made to a
checked address (TLS still verifies the host name), so a second DNS answer cannot rebind it.
Each connection is an asyncio protocol feeding an ``h11.Connection``:

    IDLE (in the pool) --take--> BUSY (request written, response read) --give back--> IDLE
                                   |  the response said close, bytes were left over
                                   v  after it, or it failed / timed out
                                 CLOSED
    IDLE --bytes or EOF from the origin, or idle_timeout_s without use--> CLOSED

Bytes that arrive on an idle connection answer nothing this client asked: the connection is
closed. A request that fails on a reused connection before any byte of its response arrived (the
origin closed it while idle) is retried once on a new connection when its method is idempotent
(RFC 9110 9.2.2, RFC 9112 9.3.1).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import deque
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import h11

from edgert._core import Response
from edgert.egress import EgressPolicy

__all__ = ["UpstreamClient"]

#: Hop-by-hop fields a proxy does not forward (RFC 9110 7.6.1); ``Connection`` adds its own.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade"}
)
_REQUEST_DROPPED = HOP_BY_HOP | {"content-length", "host"}
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 20
PoolKey = tuple[str, str, int, EgressPolicy | None]


class _Stale(ConnectionError):
    """A reused connection ended before any byte of the response: the origin closed it."""


class _Connection(asyncio.Protocol):
    """One connection to an upstream: an asyncio protocol around an ``h11.Connection``."""

    __slots__ = ("busy", "got_bytes", "h11", "idle_timer", "lost", "pool", "transport", "waiter")

    def __init__(self, max_head_bytes: int) -> None:
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=max_head_bytes)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.busy = True
        self.lost = False
        self.got_bytes = False
        self.idle_timer: asyncio.TimerHandle | None = None
        #: The pool whose idle list holds this connection (None while in use).
        self.pool: _Pool | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if not self.busy:  # nothing asked for these bytes
            self.close()
            return
        self.got_bytes = True
        try:
            self.h11.receive_data(data)
        except RuntimeError:  # bytes after EOF
            self.close()
        self._wake()

    def eof_received(self) -> bool | None:
        self._end()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._end()
        self.transport = None

    def _end(self) -> None:
        self.lost = True
        with contextlib.suppress(RuntimeError):
            self.h11.receive_data(b"")
        self._wake()
        if self.pool is not None:  # closed while idle: out of the pool at once
            with contextlib.suppress(ValueError):
                self.pool.idle.remove(self)
            self.pool = None
            self.close()

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def close(self) -> None:
        self.lost = True
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None
        if self.transport is not None:
            self.transport.close()

    async def next_event(self) -> Any:
        conn = self.h11
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            if self.lost:
                raise ConnectionError("the upstream closed the connection")
            loop = asyncio.get_running_loop()
            self.waiter = loop.create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None


class _Pool:
    """The connections of one ``(scheme, host, port, policy)``."""

    __slots__ = ("idle", "in_use", "slots")

    def __init__(self, max_connections: int) -> None:
        self.idle: deque[_Connection] = deque()
        self.slots = asyncio.Semaphore(max_connections)
        self.in_use = 0


def _latin1(text: str) -> bytes:
    return text.encode("latin-1", "replace")


def request_headers(
    headers: Iterable[tuple[str, str]], authority: str, method: str, body: bytes | None
) -> list[tuple[bytes, bytes]]:
    """The header section to send: hop-by-hop fields (and those ``Connection`` lists) removed,
    ``Host`` kept when given (else ``authority``), ``Content-Length`` from the body."""
    items = list(headers)
    listed = {
        token.strip().lower()
        for name, value in items
        if name.lower() == "connection"
        for token in value.split(",")
    }
    host = authority
    out: list[tuple[bytes, bytes]] = []
    for name, value in items:
        lower = name.lower()
        if lower == "host":
            host = value
            continue
        if lower in _REQUEST_DROPPED or lower in listed:
            continue
        out.append((_latin1(name), _latin1(value)))
    out.insert(0, (b"Host", _latin1(host)))
    if body or method in _BODY_METHODS:
        out.append((b"Content-Length", str(len(body or b"")).encode()))
    return out


def response_headers(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    """The origin's header fields, hop-by-hop ones removed after the fields ``Connection``
    lists (RFC 9110 7.6.1); ``Content-Length`` dropped when ``Transfer-Encoding`` framed the
    message (RFC 9112 6.3)."""
    items = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in raw]
    listed: set[str] = set()
    chunked = False
    for name, value in items:
        lower = name.lower()
        if lower == "connection":
            listed.update(t.strip().lower() for t in value.split(","))
        elif lower == "transfer-encoding":
            chunked = True
    out = []
    for name, value in items:
        lower = name.lower()
        if lower in HOP_BY_HOP or lower in listed or (chunked and lower == "content-length"):
            continue
        out.append((name, value))
    return out


class UpstreamClient:
    """A transparent HTTP/1.1 client with a bounded keep-alive pool (see the module docstring).

    ``timeout_s`` bounds a whole request (connect, send, read; redirects included).
    ``max_connections``: connections in use at once per pool (more requests wait);
    ``max_idle``: idle connections kept per pool; ``idle_timeout_s``: how long an idle one is
    kept. ``max_head_bytes``: the largest response header section accepted.
    """

    def __init__(
        self,
        *,
        timeout_s: float = 30.0,
        max_connections: int = 64,
        max_idle: int = 32,
        idle_timeout_s: float = 15.0,
        max_head_bytes: int = 64 * 1024,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.timeout_s = timeout_s
        self.max_connections = max_connections
        self.max_idle = max_idle
        self.idle_timeout_s = idle_timeout_s
        self.max_head_bytes = max_head_bytes
        self._ssl = ssl_context
        self._pools: dict[PoolKey, _Pool] = {}
        self._closed = False
        #: Connections opened and requests sent on a reused connection (for tests and stats).
        self.opened = 0
        self.reused = 0

    async def send(
        self,
        method: str,
        url: str,
        headers: Iterable[tuple[str, str]],
        body: bytes | None = None,
        *,
        egress: EgressPolicy | None = None,
        follow_redirects: bool = False,
    ) -> Response:
        """Sends one request and returns the origin's response, body read.

        ``egress``: the policy the destination (and each redirect's) must pass; None checks
        nothing. Raises :class:`~edgert.errors.EgressRefused`, ``ConnectionError`` (could not
        connect, the connection ended early), ``h11.ProtocolError`` (a malformed response) or
        ``TimeoutError``.
        """
        if self._closed:
            raise ConnectionError("the upstream client is closed")
        async with asyncio.timeout(self.timeout_s):
            headers = list(headers)
            for _ in range(MAX_REDIRECTS + 1):
                response = await self._send_once(method, url, headers, body, egress)
                if not follow_redirects or response.status not in _REDIRECTS:
                    return response
                location = response.headers.get("location")
                if location is None:
                    return response
                target = urljoin(url, location)
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    raise ConnectionError(f"redirect to a non-HTTP(S) URL: {target}")
                # Fetch 4.4 (HTTP-redirect fetch): 303 (but HEAD), and 301/302 after a POST,
                # become a GET without body; Host follows the URL; Authorization stays on
                # the same origin only.
                if (response.status == 303 and method != "HEAD") or (
                    response.status in (301, 302) and method == "POST"
                ):
                    method, body = "GET", None
                    headers = [(k, v) for k, v in headers if not k.lower().startswith("content-")]
                same = _origin_of(target) == _origin_of(url)
                headers = [
                    (k, v)
                    for k, v in headers
                    if k.lower() != "host" and (same or k.lower() != "authorization")
                ]
                url = target
            raise ConnectionError(f"more than {MAX_REDIRECTS} redirects")

    async def _send_once(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
        egress: EgressPolicy | None,
    ) -> Response:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise ConnectionError(f"cannot fetch {url}: only http and https URLs")
        host = (parts.hostname or "").lower()
        if not host:
            raise ConnectionError(f"cannot fetch {url}: no host")
        default_port = 443 if scheme == "https" else 80
        port = parts.port or default_port
        addresses = await egress.addresses(url) if egress is not None else None
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        bracketed = f"[{host}]" if ":" in host else host
        authority = bracketed if port == default_port else f"{bracketed}:{port}"
        sent = request_headers(headers, authority, method, body)
        key: PoolKey = (scheme, host, port, egress)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = _Pool(self.max_connections)
        for attempt in range(2):
            await pool.slots.acquire()
            pool.in_use += 1
            conn: _Connection | None = None
            reusable = False
            try:
                conn, reused = await self._take(pool, scheme, host, port, addresses)
                try:
                    response, reusable = await self._exchange(conn, method, target, sent, body)
                except ConnectionError as exc:
                    if reused and not conn.got_bytes and attempt == 0 and method in _IDEMPOTENT:
                        raise _Stale(str(exc)) from exc
                    raise
                return response
            except _Stale:
                continue
            finally:
                pool.in_use -= 1
                pool.slots.release()
                if conn is not None:
                    self._give_back(pool, conn, reusable)
                if not pool.in_use and not pool.idle and self._pools.get(key) is pool:
                    del self._pools[key]  # nothing kept for this origin: forget it
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def _take(
        self, pool: _Pool, scheme: str, host: str, port: int, addresses: list[str] | None
    ) -> tuple[_Connection, bool]:
        idle = pool.idle
        while idle:
            conn = idle.pop()
            conn.pool = None
            if conn.idle_timer is not None:
                conn.idle_timer.cancel()
                conn.idle_timer = None
            if not conn.lost:
                conn.busy = True
                conn.got_bytes = False
                self.reused += 1
                return conn, True
        return await self._open(scheme, host, port, addresses), False

    async def _open(
        self, scheme: str, host: str, port: int, addresses: list[str] | None
    ) -> _Connection:
        loop = asyncio.get_running_loop()
        tls: ssl.SSLContext | None = None
        if scheme == "https":
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            tls = self._ssl
        conn = _Connection(self.max_head_bytes)
        # Connect to a checked address (the policy resolved the name) or, with no policy, let
        # the loop resolve the name.
        candidates = addresses if addresses is not None else [host]
        error: OSError | None = None
        for address in candidates:
            try:
                await loop.create_connection(
                    lambda: conn,
                    host=address,
                    port=port,
                    ssl=tls,
                    server_hostname=host if tls is not None else None,
                )
            except OSError as exc:
                error = exc
                continue
            self.opened += 1
            return conn
        raise ConnectionError(f"cannot connect to {host}:{port}: {error}") from error

    async def _exchange(
        self,
        conn: _Connection,
        method: str,
        target: str,
        headers: list[tuple[bytes, bytes]],
        body: bytes | None,
    ) -> tuple[Response, bool]:
        """Writes the request and reads its response; also says whether the connection may
        carry another request."""
        state = conn.h11
        try:
            data = state.send(
                h11.Request(method=method.encode(), target=_latin1(target), headers=headers)
            )
            out = [data] if data else []
            if body:
                out.append(state.send(h11.Data(data=body)) or b"")
            out.append(state.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError as exc:
            raise ValueError(f"cannot send this request: {exc}") from None
        transport = conn.transport
        if transport is None or conn.lost:
            raise ConnectionError("the upstream closed the connection")
        transport.write(b"".join(out))
        try:
            event = await conn.next_event()
            while type(event) is h11.InformationalResponse:  # 1xx: the final answer follows
                event = await conn.next_event()
            if type(event) is not h11.Response:
                raise ConnectionError("the upstream closed the connection before responding")
            chunks: list[bytes] = []
            while True:
                part = await conn.next_event()
                kind = type(part)
                if kind is h11.Data:
                    chunks.append(part.data)
                elif kind is h11.EndOfMessage:
                    break
                else:
                    raise ConnectionError("the upstream closed the connection mid-response")
        except h11.RemoteProtocolError as exc:
            if not conn.got_bytes:
                raise ConnectionError(f"the upstream closed the connection: {exc}") from None
            raise ConnectionError(f"malformed response from the upstream: {exc}") from None
        response = Response(
            b"".join(chunks),
            status=event.status_code,
            headers=response_headers(event.headers.raw_items()),
            status_text=event.reason.decode("latin-1"),
        )
        leftover, _closed = state.trailing_data
        reusable = (
            state.our_state is h11.DONE
            and state.their_state is h11.DONE
            and not leftover
            and not conn.lost
        )
        return response, reusable

    def _give_back(self, pool: _Pool, conn: _Connection, reusable: bool) -> None:
        if not reusable or self._closed or len(pool.idle) >= self.max_idle:
            conn.close()
            return
        try:
            conn.h11.start_next_cycle()
        except h11.LocalProtocolError:
            conn.close()
            return
        conn.busy = False
        loop = asyncio.get_running_loop()
        conn.idle_timer = loop.call_later(self.idle_timeout_s, self._expire, pool, conn)
        conn.pool = pool
        pool.idle.append(conn)

    @staticmethod
    def _expire(pool: _Pool, conn: _Connection) -> None:
        conn.idle_timer = None
        conn.pool = None
        with contextlib.suppress(ValueError):
            pool.idle.remove(conn)
        conn.close()

    def idle_connections(self) -> int:
        """Idle connections kept in the pools."""
        return sum(len(p.idle) for p in self._pools.values())

    async def close(self) -> None:
        """Closes every idle connection; later requests fail."""
        self._closed = True
        for pool in self._pools.values():
            while pool.idle:
                conn = pool.idle.pop()
                conn.pool = None
                conn.close()
        self._pools.clear()
        await asyncio.sleep(0)  # let the transports report connection_lost


def _origin_of(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
