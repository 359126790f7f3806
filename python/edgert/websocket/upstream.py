"""A worker's outgoing WebSocket (``fetch(url, {headers: {Upgrade: "websocket"}})``) in real
time: the host opens it with the ``websockets`` client library, after the egress policy has
checked the destination, and hands the worker a 101 response whose ``webSocket`` is linked to
the origin's socket (the worker ``accept()``s it, or returns it to its own client).

Theory of operation: :func:`connect` answers the fetch operation: the origin's refusal as an
HTTP response, or a 101 naming an :class:`OriginEnd` by a hub handle. Once the end is linked
(the worker accepted it), a reader passes the origin's messages on and, at the end, its close;
what the peer sends is written in order by a writer task.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from edgert._core import Request, Response
from edgert.egress import EgressPolicy
from edgert.websocket.hub import SOCKET_FIELD, End, WebSocketHub

__all__ = ["OriginEnd", "connect", "is_upgrade"]

_SKIP = {
    "host",
    "upgrade",
    "connection",
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-extensions",
    "sec-websocket-protocol",
    "content-length",
    "transfer-encoding",
}
MAX_MESSAGE = 1 << 20


def is_upgrade(request: Request) -> bool:
    return (request.headers.get("upgrade") or "").strip().lower() == "websocket"


class OriginEnd(End):
    """The origin's socket, held by the host."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._out: asyncio.Queue[tuple[str, Any] | None] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def linked(self) -> None:
        self._tasks = [asyncio.ensure_future(self._read()), asyncio.ensure_future(self._write())]

    def receive(self, kind: str, data: Any) -> None:
        self._out.put_nowait((kind, data))

    async def _read(self) -> None:
        import websockets

        try:
            async for message in self.conn:
                self.emit("message", message)
        except websockets.ConnectionClosed:
            pass
        frame = self.conn.protocol.close_rcvd
        if frame is not None:
            self.emit("close", (frame.code, frame.reason, True))
        else:
            self.emit("close", (1006, "the origin's connection closed", False))
        self._out.put_nowait(None)

    async def _write(self) -> None:
        while (item := await self._out.get()) is not None:
            kind, data = item
            with contextlib.suppress(Exception):  # the origin went away: its close follows
                if kind == "message":
                    await self.conn.send(data)
                elif kind == "close":
                    code, reason, _clean = data
                    await self.conn.close(1000 if code == 1005 else code, reason)
                    return


async def connect(hub: WebSocketHub, request: Request, egress: EgressPolicy | None) -> Response:
    """Opens the origin's WebSocket for a worker's upgrade fetch (see the module docs)."""
    import websockets
    from websockets.asyncio.client import connect as ws_connect

    parts = urlsplit(request.url)
    scheme = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}.get(parts.scheme)
    if scheme is None:
        raise ValueError(f"cannot open a WebSocket to {request.url}")
    uri = urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))
    http_url = urlunsplit(("https" if scheme == "wss" else "http", parts.netloc, "/", "", ""))
    addresses = await egress.addresses(http_url) if egress is not None else None
    extra: dict[str, Any] = {}
    if addresses:  # connect to the checked address, not to the name again
        extra["host"] = addresses[0]
        extra["port"] = parts.port or (443 if scheme == "wss" else 80)
        if scheme == "wss":
            extra["server_hostname"] = parts.hostname
    headers = [(k, v) for k, v in request.headers.items() if k not in _SKIP]
    protocols = [
        p.strip() for p in (request.headers.get("sec-websocket-protocol") or "").split(",")
    ]
    try:
        conn = await ws_connect(
            uri,
            additional_headers=headers,
            subprotocols=[p for p in protocols if p] or None,  # type: ignore[misc]
            max_size=MAX_MESSAGE,
            open_timeout=10,
            **extra,
        )
    except websockets.InvalidStatus as refused:
        answer = refused.response
        return Response(
            bytes(answer.body or b""),
            status=answer.status_code,
            headers=list(answer.headers.raw_items()),
        )
    fields = [(SOCKET_FIELD, hub.handle_for(OriginEnd(conn)))]
    if conn.subprotocol:
        fields.append(("sec-websocket-protocol", str(conn.subprotocol)))
    agreed = conn.response.headers.get("sec-websocket-extensions") if conn.response else None
    if agreed:  # what the host's client agreed with the origin (new WebSocket: ws.extensions)
        fields.append(("sec-websocket-extensions", str(agreed)))
    return Response(None, status=101, headers=fields)
