"""An HTTP/1.1 connection parsed in the core: the socket's bytes go straight to
``edgert._core.parse_request_head`` (``httparse`` in Rust), which returns the head and builds the
core ``Request`` without Python header tuples; responses are encoded to bytes in Rust too. Python
keeps the buffer, the body framing and the connection's state (see :mod:`.connection`).

Refusals come from the core as :class:`edgert.errors.HttpRefusal` with their status (400, 413,
417, 431, 505) and close the connection after their answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from edgert._core import (
    RequestHead,
    decode_request_chunks,
    encode_http_response,
    parse_request_head,
)
from edgert.errors import EdgertError, HttpRefusal
from edgert.server.connection import BaseConnection

if TYPE_CHECKING:
    from edgert.server.site import Site

__all__ = ["HttpConnection"]


class HttpConnection(BaseConnection):
    """The server side of one client connection, parsed by the core."""

    encode = staticmethod(encode_http_response)

    def __init__(self, site: Site) -> None:
        super().__init__(site)
        self._buffer = b""
        self._head: RequestHead | None = None
        self._body: list[bytes] = []
        self._body_bytes = 0
        self._chunk_pending = 0

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        site = self.site
        self.last_active = site.now
        buf = self._buffer + data if self._buffer else data
        try:
            pos = self._consume(buf)
        except HttpRefusal as exc:
            self._buffer = b""
            self.refuse(exc.status, str(exc))
            return
        self._buffer = buf[pos:] if pos < len(buf) else b""
        if self._buffer and self._head is None and not self.in_head:
            self.in_message = self.in_head = True
            self.started = site.now

    def _consume(self, buf: bytes) -> int:
        """Handles every complete request in ``buf``; returns the bytes used."""
        site = self.site
        limits = site.limits
        pos = 0
        end = len(buf)
        while pos < end and not self.closing:
            head = self._head
            if head is None:
                head = parse_request_head(
                    buf, pos, limits.max_header_bytes, site.client_header_str, site.default_host
                )
                if head is None:
                    return pos
                pos += head.size
                length = head.content_length
                if length is not None and length > limits.max_body_bytes:
                    raise _too_large(limits.max_body_bytes)
                if not head.chunked and not length:
                    self.in_message = self.in_head = False
                    self._run(head, None)
                    continue
                self._head = head
                self.in_message, self.in_head = True, False
                if head.expect_continue:
                    self.expect_continue()
            if head.chunked:
                done, used, data, self._chunk_pending = decode_request_chunks(
                    buf, pos, self._chunk_pending, limits.max_body_bytes - self._body_bytes
                )
                pos += used
                if data:
                    self._body.append(data)
                    self._body_bytes += len(data)
                if not done:
                    return pos
            else:
                want = (head.content_length or 0) - self._body_bytes
                have = end - pos
                if have < want:
                    self._body.append(buf[pos:])
                    self._body_bytes += have
                    return end
                self._body.append(buf[pos : pos + want])
                pos += want
            body = b"".join(self._body)
            self._head = None
            self._body = []
            self._body_bytes = 0
            self._chunk_pending = 0
            self.in_message = False
            self._run(head, body)
        return pos

    def _run(self, head: RequestHead, body: bytes | None) -> None:
        site = self.site
        try:
            placement = site.locator.resolve(head.client_location)
            request = head.request(body, placement.cf)
        except HttpRefusal:
            raise
        except EdgertError as exc:
            self.answer_error(400, str(exc).splitlines()[0], head.keep_alive)
            return
        self.submit(
            request, head.url, placement, head.method, head.target, head.http10, head.keep_alive
        )


def _too_large(limit: int) -> HttpRefusal:
    exc = HttpRefusal(f"request body over {limit} bytes")
    exc.status = 413
    return exc
