"""HTTP/1.1 on the wire (RFC 9112): response heads, chunked framing, and the server's own
error answers.

Responses from the core carry a complete body, so they are framed with ``Content-Length``;
a response whose ``Transfer-Encoding`` says ``chunked`` (a worker may set it, as Workers do
for streamed bodies) is sent with chunked framing to HTTP/1.1 clients. Hop-by-hop fields of the
response (RFC 9110 section 7.6.1) are the server's to write, not the worker's.
"""

from __future__ import annotations

import time
from email.utils import formatdate
from http import HTTPStatus

__all__ = ["HOP_BY_HOP", "DateClock", "error_response", "reason", "serialize"]

#: Response fields the server writes itself (the worker's values are dropped).
HOP_BY_HOP = frozenset(
    (
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "upgrade",
        "proxy-connection",
        "content-length",
        "date",
        "trailer",
    )
)

_REASONS = {s.value: s.phrase for s in HTTPStatus}
_CHUNK = 64 * 1024


def reason(status: int) -> str:
    """The standard reason phrase of a status code ("" if it has none)."""
    return _REASONS.get(status, "")


class DateClock:
    """The ``Date`` field value (RFC 9110 section 6.6.1), refreshed by the server's tick."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = ""
        self.refresh()

    def refresh(self) -> None:
        self.value = formatdate(time.time(), usegmt=True)


def _chunked(body: bytes) -> bytes:
    out = bytearray()
    for i in range(0, len(body), _CHUNK):
        piece = body[i : i + _CHUNK]
        out += b"%x\r\n" % len(piece)
        out += piece
        out += b"\r\n"
    out += b"0\r\n\r\n"
    return bytes(out)


def serialize(
    status: int,
    status_text: str,
    headers: list[tuple[str, str]],
    body: bytes,
    *,
    date: str,
    head_only: bool,
    keep_alive: bool,
    http10: bool,
) -> bytes:
    """A complete response message. ``head_only`` for HEAD (and 204/304): the header section
    describes the body that a GET would get, and no body follows."""
    lines = [f"HTTP/1.1 {status} {status_text or _REASONS.get(status, '')}\r\n"]
    chunked = False
    dated = False
    for name, value in headers:
        if name == "date":
            dated = True
        elif name in HOP_BY_HOP:
            if name == "transfer-encoding" and value.lower().endswith("chunked") and not http10:
                chunked = True
            continue
        lines.append(f"{name}: {value}\r\n")
    no_body = head_only or status < 200 or status in (204, 304)
    if chunked and not no_body:
        lines.append("transfer-encoding: chunked\r\n")
    elif status >= 200 and status != 204:
        lines.append(f"content-length: {len(body)}\r\n")
    if not dated:  # a stored response keeps the Date it was generated with (RFC 9110 6.6.1)
        lines.append(f"date: {date}\r\n")
    if not keep_alive:
        lines.append("connection: close\r\n")
    elif http10:
        lines.append("connection: keep-alive\r\n")
    lines.append("\r\n")
    head = "".join(lines).encode("latin-1", "replace")
    if no_body or not body:
        return head + b"0\r\n\r\n" if chunked and not no_body else head
    return head + (_chunked(body) if chunked else body)


def error_response(status: int, message: str, *, date: str, keep_alive: bool = False) -> bytes:
    """The server's own answer to a request it refuses (a plain-text body saying why)."""
    body = f"{status} {reason(status)}: {message}\n".encode("latin-1", "replace")
    return serialize(
        status,
        "",
        [("content-type", "text/plain; charset=utf-8")],
        body,
        date=date,
        head_only=False,
        keep_alive=keep_alive,
        http10=False,
    )
