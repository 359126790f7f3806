"""The native front's WebSocket connections as ends of the host's hub: what a client sends
reaches the worker's socket, what the worker sends is written to the client (the framing, the
limits and the closing handshake are the front's, ``rust/src/front/websocket.rs``)."""

from __future__ import annotations

from typing import Any

from edgert._core import NativeFront, Response
from edgert.websocket.hub import SOCKET_FIELD, End, WebSocketHub

__all__ = ["FrontEnd", "FrontSockets", "refused_upgrade"]


class FrontEnd(End):
    """One client connection upgraded by the native front."""

    def __init__(self, front: NativeFront, conn: int) -> None:
        self.front = front
        self.conn = conn

    def receive(self, kind: str, data: Any) -> None:
        if kind == "message":
            if isinstance(data, str):
                self.front.ws_send(self.conn, "text", data)
            else:
                self.front.ws_send(self.conn, "binary", data)
        elif kind == "close":
            code, reason, _clean = data
            self.front.ws_send(self.conn, "close", code=code, reason=reason)
        # an "error" of the worker's side has no frame: its close follows


class FrontSockets:
    """Applies what the front's connections reported (``NativeFront.take_ws``)."""

    def __init__(self, front: NativeFront) -> None:
        self.front = front
        self.ends: dict[int, FrontEnd] = {}

    def pump(self, hub: WebSocketHub) -> None:
        for conn, kind, data, code, reason, clean, core in self.front.take_ws():
            if kind == "open":
                worker_end = hub.resolve(data, core)
                end = FrontEnd(self.front, conn)
                if worker_end is None:
                    self.front.ws_send(conn, "close", code=1011, reason="the WebSocket is gone")
                    continue
                self.ends[conn] = end
                hub.link(end, worker_end)
                continue
            linked = self.ends.get(conn)
            if linked is None:
                continue
            if kind == "message":
                linked.emit("message", data)
            else:
                del self.ends[conn]
                linked.emit("close", (code, reason, clean))


def refused_upgrade(hub: WebSocketHub, response: Response) -> Response:
    """The asyncio front's answer to a worker's 101: WebSockets need the native front. The
    worker's socket is closed (1011) so that nothing is left open."""
    ref = response.headers.get(SOCKET_FIELD)
    end = hub.resolve(ref, None) if ref is not None else None
    if end is not None:
        end.receive("close", (1011, "the asyncio front does not serve WebSockets", False))
    return Response(
        "501 Not Implemented: WebSockets are served by the native front (--front native)\n",
        status=501,
        headers={"content-type": "text/plain; charset=utf-8"},
    )
