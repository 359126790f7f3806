"""The core's request head: its header fields move into the one request made from it."""

from __future__ import annotations

import pytest

from edgert._core import parse_request_head

RAW = b"GET /p?q=1 HTTP/1.1\r\nHost: a.example\r\nX-Cafe: cr\xe8me \r\nX-Two: 1\r\nx-two: 2\r\n\r\n"


def test_headers_move_into_the_request() -> None:
    head = parse_request_head(RAW, 0, 65536, "x-edgert-client", "127.0.0.1")
    assert head is not None
    assert (head.method, head.url, head.size) == ("GET", "http://a.example/p?q=1", len(RAW))
    request = head.request(None, None)
    assert request.headers.get("x-two") == "1, 2"
    assert request.headers.get("x-cafe") == "cr\xe8me"  # Latin-1 byte, trailing space trimmed
    with pytest.raises(RuntimeError, match="already called"):
        head.request(None, None)
