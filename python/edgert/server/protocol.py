"""One HTTP/1.1 connection (RFC 9112) as an asyncio protocol, parsed by httptools (llhttp).

Theory of operation
-------------------
Bytes go to the parser as they arrive; its callbacks collect one request at a time (the target,
the header fields, the body, chunked or not). When a request is complete it goes to its PoP
through :meth:`edgert.Network.begin_at`; most requests (a worker that needs nothing from the
outside, a cache hit, route auth's 401) are answered right there, and their response is written
at once. A request that waits (a subrequest, a timer) leaves a *slot* in the connection's queue;
responses leave the queue in request order, so pipelined requests are answered in the order they
came (RFC 9112 section 9.3.2) whatever order they finish in.

Refusals: a header section over the limit gets 431, a body over the limit 413, a request whose
head is not complete in time 408, a version other than HTTP/1.0 or 1.1 505, anything the parser
rejects 400, an ``Expect`` other than ``100-continue`` 417. Each closes the connection after its
answer (the stream cannot be trusted to be in step any more); the server keeps serving others.
``Expect: 100-continue`` gets its interim response once the request is first in line.

Back-pressure: when the transport's write buffer is full, or too many requests of the connection
are in flight, the connection stops reading until that clears.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httptools

from edgert._core import Request, Response
from edgert.errors import EdgertError
from edgert.server.wire import error_response, serialize

if TYPE_CHECKING:
    from edgert.server.site import Site

__all__ = ["HttpConnection"]

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class _Refusal(Exception):
    """Raised inside a parser callback to refuse the request with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Slot:
    """A request whose response is not written yet, in the connection's queue."""

    __slots__ = ("close", "continue_", "data", "meta")

    def __init__(self, meta: Any, close: bool) -> None:
        self.data: bytes | None = None
        self.meta = meta
        self.close = close
        self.continue_ = False


class HttpConnection(asyncio.Protocol):
    """The server side of one client connection."""

    __slots__ = (
        "_body",
        "_body_bytes",
        "_client_value",
        "_expect",
        "_head_bytes",
        "_headers",
        "_host",
        "_length",
        "_pending_head",
        "_read_paused",
        "_url",
        "_write_paused",
        "closing",
        "in_head",
        "in_message",
        "last_active",
        "parser",
        "queue",
        "site",
        "started",
        "transport",
    )

    def __init__(self, site: Site) -> None:
        self.site = site
        self.transport: Any = None
        self.parser = httptools.HttpRequestParser(self)
        self.queue: deque[_Slot] = deque()
        self.closing = False
        self.in_message = False
        self.in_head = False
        self.started = 0.0
        self.last_active = site.now
        self._read_paused = False
        self._write_paused = False
        self._pending_head = 0
        self._reset()

    def _reset(self) -> None:
        self._url = b""
        self._headers: list[tuple[str, str]] = []
        self._host: str | None = None
        self._client_value: str | None = None
        self._expect: str | None = None
        self._length: str | None = None
        self._body: list[bytes] | None = None
        self._body_bytes = 0
        self._head_bytes = 0

    # -- asyncio.Protocol ------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.site.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        self.queue.clear()
        self.site.connection_closed(self)

    def pause_writing(self) -> None:
        self._write_paused = True
        self._update_reading()

    def resume_writing(self) -> None:
        self._write_paused = False
        self._update_reading()

    def _update_reading(self) -> None:
        want_pause = self._write_paused or len(self.queue) >= self.site.limits.max_pipelined
        if want_pause != self._read_paused and not self.transport.is_closing():
            self._read_paused = want_pause
            if want_pause:
                self.transport.pause_reading()
            else:
                self.transport.resume_reading()

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        self.last_active = self.site.now
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # An upgrade (or CONNECT) is answered as a plain request; then the stream belongs
            # to a protocol this server does not speak, so the connection closes.
            self.closing = True
            if not self.queue:
                self.transport.close()
            else:
                self.queue[-1].close = True
            return
        except httptools.HttpParserError as exc:
            cause = exc.__context__
            if isinstance(cause, _Refusal):
                self.refuse(cause.status, str(cause))
            else:
                self.refuse(400, f"malformed request ({exc})")
            return
        if self.in_head:
            # A head still incomplete after this chunk: count what is buffered for it.
            self._pending_head += len(data)
            if self._pending_head > self.site.limits.max_header_bytes:
                self.refuse(431, "request header section too large")

    # -- parser callbacks ------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self.in_message = True
        self.in_head = True
        self.started = self.site.now
        self._pending_head = 0

    def on_url(self, url: bytes) -> None:
        self._url += url
        self._head_bytes += len(url)
        if self._head_bytes > self.site.limits.max_header_bytes:
            raise _Refusal(431, "request target too long")

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_bytes += len(name) + len(value) + 4
        if self._head_bytes > self.site.limits.max_header_bytes:
            raise _Refusal(431, "request header section too large")
        lower = name.lower()
        text = value.decode("latin-1")
        if lower == b"host":
            if self._host is not None:
                raise _Refusal(400, "more than one Host field")
            self._host = text
        elif lower == self.site.client_header:
            self._client_value = text  # the client's place: not for the worker's eyes
            return
        elif lower == b"expect":
            self._expect = text
        elif lower == b"content-length":
            self._length = text
        self._headers.append((name.decode("latin-1"), text))

    def on_headers_complete(self) -> None:
        self.in_head = False
        self._pending_head = 0
        parser = self.parser
        version = parser.get_http_version()
        if version not in ("1.1", "1.0"):
            raise _Refusal(505, f"HTTP/{version} is not supported (HTTP/1.1 is)")
        if self._host is None and version == "1.1":
            raise _Refusal(400, "HTTP/1.1 requests need a Host field")
        limits = self.site.limits
        length = self._length
        if length is not None and length.isdigit() and int(length) > limits.max_body_bytes:
            raise _Refusal(413, f"request body over {limits.max_body_bytes} bytes")
        if self._expect is not None:
            if self._expect.strip().lower() != "100-continue":
                raise _Refusal(417, f"cannot meet Expect: {self._expect}")
            if version == "1.1":
                if self.queue:
                    slot = _Slot(None, False)  # placeholder, filled at message end
                    slot.continue_ = True
                    self.queue.append(slot)
                else:
                    self.transport.write(_CONTINUE)

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        if self._body_bytes > self.site.limits.max_body_bytes:
            raise _Refusal(413, f"request body over {self.site.limits.max_body_bytes} bytes")
        if self._body is None:
            self._body = [body]
        else:
            self._body.append(body)

    def on_message_complete(self) -> None:
        self.in_message = False
        try:
            self._dispatch()
        finally:
            self._reset()

    # -- requests and responses ------------------------------------------------------------------

    def _dispatch(self) -> None:
        site = self.site
        parser = self.parser
        method = parser.get_method().decode("ascii")
        keep_alive = parser.should_keep_alive() and not site.draining
        http10 = parser.get_http_version() == "1.0"
        target = self._url.decode("latin-1")
        host = self._host or site.default_host
        url = f"http://{host}{target}" if target.startswith("/") else target
        body = None if self._body is None else b"".join(self._body)
        try:
            placement = site.locator.resolve(self._client_value)
            request = Request(url, method=method, headers=self._headers, body=body, cf=placement.cf)
        except EdgertError as exc:
            self._answer_error(400, str(exc).splitlines()[0], keep_alive)
            return
        except ValueError as exc:
            self._answer_error(400, f"bad request: {exc}", keep_alive)
            return
        meta = (method, target, http10, placement.pop.code, time.perf_counter())
        slot: _Slot | None = None
        if self.queue and self.queue[-1].continue_ and self.queue[-1].meta is None:
            slot = self.queue[-1]
            slot.meta = meta
            slot.close = not keep_alive
        try:
            if slot is None:
                slot = _Slot(meta, not keep_alive)
            response = site.network.begin_at(
                placement.pop, placement.client, request, url, slot_callback(self, slot)
            )
        except Exception as exc:  # a host bug must not take the connection's other requests
            response = Response(
                f"edgert: {type(exc).__name__}: {exc}",
                status=500,
                headers={"content-type": "text/plain"},
            )
        if response is None:
            if not self.queue or self.queue[-1] is not slot:
                self.queue.append(slot)
            self._update_reading()
            return
        data = self._encode(response, meta, not slot.close)
        if not self.queue:
            self.transport.write(data)
            if slot.close:
                self.closing = True
                self.transport.close()
            return
        slot.data = data
        if self.queue[-1] is not slot:
            self.queue.append(slot)
        self._flush()

    def _encode(self, response: Response, meta: Any, keep_alive: bool) -> bytes:
        method, target, http10, pop, began = meta
        site = self.site
        data = serialize(
            response.status,
            response.status_text,
            response.headers.items(),
            response.body,
            date=site.date.value,
            head_only=method == "HEAD",
            keep_alive=keep_alive,
            http10=http10,
        )
        if site.on_request is not None:
            site.record(response, method, target, pop, began)
        return data

    def respond_late(self, slot: _Slot, response: Response) -> None:
        """A response that came after its request was dispatched (see :func:`slot_callback`)."""
        if self.transport is None or self.transport.is_closing():
            return
        slot.data = self._encode(response, slot.meta, not slot.close)
        self._flush()

    def _flush(self) -> None:
        queue = self.queue
        transport = self.transport
        while queue:
            head = queue[0]
            if head.data is None:
                if head.continue_:
                    head.continue_ = False
                    transport.write(_CONTINUE)
                break
            queue.popleft()
            transport.write(head.data)
            if head.close:
                self.closing = True
                queue.clear()
                transport.close()
                return
        if self.closing and not queue and not self.in_message:
            transport.close()
            return
        self._update_reading()

    def _answer_error(self, status: int, message: str, keep_alive: bool) -> None:
        slot = _Slot(None, not keep_alive)
        slot.data = error_response(
            status, message, date=self.site.date.value, keep_alive=keep_alive
        )
        self.queue.append(slot)
        self._flush()

    def refuse(self, status: int, message: str) -> None:
        """Answers the request being read with ``status`` (after the responses before it) and
        closes the connection."""
        self.closing = True
        self.in_message = False
        self.in_head = False
        slot = _Slot(None, True)
        slot.data = error_response(status, message, date=self.site.date.value)
        if self.queue and self.queue[-1].meta is None and self.queue[-1].data is None:
            self.queue.pop()  # the 100-continue placeholder of this very request
        self.queue.append(slot)
        self._flush()

    def shutdown(self) -> None:
        """Graceful close: an idle connection closes now; a busy one after its responses."""
        if self.transport is None or self.transport.is_closing():
            return
        if not self.queue and not self.in_message:
            self.closing = True
            self.transport.close()
        elif self.queue:
            self.queue[-1].close = True
            # A request whose head is still being read gets its answer with Connection: close.


def slot_callback(conn: HttpConnection, slot: _Slot) -> Callable[[Response], None]:
    """The ``on_response`` of a request that may be answered later."""

    def on_response(response: Response) -> None:
        conn.respond_late(slot, response)

    return on_response
