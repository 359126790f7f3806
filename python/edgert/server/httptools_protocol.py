"""An HTTP/1.1 connection parsed by httptools (llhttp) and answered by the pure-Python
serializer: the alternative to :mod:`edgert.server.protocol`, kept for the comparison in
``docs/server.md`` (``EdgeServer(parser="httptools")``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httptools

from edgert._core import Request, Response
from edgert.errors import EdgertError
from edgert.server.connection import BaseConnection
from edgert.server.wire import serialize

if TYPE_CHECKING:
    from edgert.server.site import Site

__all__ = ["HttptoolsConnection"]


def _serialize(
    response: Response, date: str, head_only: bool, keep_alive: bool, http10: bool
) -> bytes:
    return serialize(
        response.status,
        response.status_text,
        response.headers.items(),
        response.body,
        date=date,
        head_only=head_only,
        keep_alive=keep_alive,
        http10=http10,
    )


class _Refusal(Exception):
    """Raised inside a parser callback to refuse the request with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class HttptoolsConnection(BaseConnection):
    """The server side of one client connection, parsed by httptools."""

    encode = staticmethod(_serialize)

    def __init__(self, site: Site) -> None:
        super().__init__(site)
        self.parser = httptools.HttpRequestParser(self)
        self._pending_head = 0
        self._reset()

    def _reset(self) -> None:
        self._url = b""
        self._headers: list[tuple[str, str]] = []
        self._host: str | None = None
        self._client_value: str | None = None
        self._length: str | None = None
        self._body: list[bytes] | None = None
        self._body_bytes = 0
        self._head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        self.last_active = self.site.now
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # An upgrade (or CONNECT) was answered as a plain request; the stream now belongs
            # to a protocol this server does not speak, so the connection closes.
            self.closing = True
            if not self.queue:
                self.close_after_response()
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
            if text.strip().lower() != "100-continue":
                raise _Refusal(417, f"cannot meet Expect: {text}")
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
        if version == "1.1" and any(n.lower() == "expect" for n, _ in self._headers):
            self.expect_continue()

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

    def _dispatch(self) -> None:
        site = self.site
        parser = self.parser
        method = parser.get_method().decode("ascii")
        keep_alive = parser.should_keep_alive()
        http10 = parser.get_http_version() == "1.0"
        target = self._url.decode("latin-1")
        host = self._host or site.default_host
        url = f"http://{host}{target}" if target.startswith("/") else target
        body = None if self._body is None or method in ("GET", "HEAD") else b"".join(self._body)
        try:
            placement = site.locator.resolve(self._client_value)
            request = Request(url, method=method, headers=self._headers, body=body, cf=placement.cf)
        except EdgertError as exc:
            self.answer_error(400, str(exc).splitlines()[0], keep_alive)
            return
        except ValueError as exc:
            self.answer_error(400, f"bad request: {exc}", keep_alive)
            return
        self.submit(request, url, placement, method, target, http10, keep_alive)
