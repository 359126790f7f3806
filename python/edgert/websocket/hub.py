"""A host's WebSockets: which worker socket is linked to which other end, and the traffic
between them.

Theory of operation
-------------------
A worker's end of a socket lives in one isolate of one core, under the id the core gave it
(``CoreWorker``'s ``x-edgert-websocket`` response field, see ``webapi/lazy/websocket.js``).
Everything else is an *end* the host holds: a client connection of the native front, a
simulated client in virtual time, an origin's socket (outgoing ``fetch()``). Ends are linked
in pairs; each end's :meth:`End.receive` is what arrives from its peer.

1. **Claim.** A 101 response that leaves a core names a socket of that core. :meth:`WebSocketHub.claim`
   registers it as an :class:`IsolateEnd` under a *handle* (``h<n>``) and rewrites the field
   to the handle, so that the response can travel (a Durable Object's answer to its caller, a
   response written by the server) and still name the socket.
2. **Link.** Whoever takes the other side (the server's connection, a simulated client)
   links its end to the handle (:meth:`WebSocketHub.link`); a worker that ``accept()``s a
   socket it was handed links its own new socket to it (an ``attach`` operation).
3. **Traffic.** A worker's sends are ``websocket`` operations of its core
   (:meth:`WebSocketHub.perform`): they go to the peer end (kept in order until the link
   exists). What an end receives for an isolate socket is delivered into the core
   (``deliver_ws``) through the host's calls, one event at a time per socket, in order; the
   event's steps are handled like any other (its sends, fetches, object calls).
4. **Close.** A close from either side is passed on once; after it the link is dropped. An
   event whose isolate is gone (answered 410) closes the peer with 1011.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from edgert._core import CoreWorker, Operation, Response, Step

if TYPE_CHECKING:
    from edgert.host.base import Host

__all__ = ["SOCKET_FIELD", "End", "IsolateEnd", "WebSocketHub", "hub_of"]

#: The response field naming a 101 response's socket (a core's id, then a hub handle).
SOCKET_FIELD = "x-edgert-websocket"

#: What travels between ends: ("message", str | bytes) or ("close", (code, reason, clean)),
#: or ("error", message).
Event = tuple[str, Any]


class End:
    """One side of a link. Subclasses implement :meth:`receive`."""

    peer: End | None = None
    closed = False

    def receive(self, kind: str, data: Any) -> None:
        raise NotImplementedError

    def linked(self) -> None:
        """Called once the end has its peer."""

    def emit(self, kind: str, data: Any) -> None:
        """Passes an event to the peer (dropped after a close)."""
        if self.closed:
            return
        if kind == "close":
            self.closed = True
        if self.peer is not None:
            self.peer.receive(kind, data)


class IsolateEnd(End):
    """A worker's socket: what it receives is delivered into its core, one event at a time."""

    def __init__(self, hub: WebSocketHub, core: CoreWorker, socket: int) -> None:
        self.hub = hub
        self.core = core
        self.socket = socket
        #: What the worker sent before the link existed.
        self.early: list[Event] = []
        self._queue: deque[Event] = deque()
        self._busy = False
        self.gone = False

    def from_worker(self, kind: str, data: Any) -> None:
        """A send of the worker (an operation)."""
        if self.peer is None:
            self.early.append((kind, data))
        else:
            self.emit(kind, data)

    def linked(self) -> None:
        early, self.early = self.early, []
        for kind, data in early:
            self.emit(kind, data)

    def receive(self, kind: str, data: Any) -> None:
        if self.gone:
            return
        self._queue.append((kind, data))
        if not self._busy:
            self._next()

    def _next(self) -> None:
        if not self._queue:
            self._busy = False
            return
        self._busy = True
        kind, data = self._queue.popleft()
        if kind == "close":
            self.hub.forget(self)
            # The closing handshake: the peer's close is answered with the same code (as
            # tungstenite answers a client's; the worker then sees its close event).
            self.emit("close", data)
        self.hub.deliver(self, kind, data, self._delivered)

    def _delivered(self, steps: list[Step], condemned: bool) -> None:
        first = steps[0].response if steps else None
        if condemned or (first is not None and first.status == 410):
            # The isolate that held the socket is gone: the other side is told.
            self.gone = True
            self._queue.clear()
            self.hub.forget(self)
            self.emit("close", (1011, "the worker's isolate was discarded", False))
            self._busy = False
            return
        self._next()


class WebSocketHub:
    """The WebSockets of one host (see the module docstring)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self._ids = itertools.count(1)
        #: handle -> the end it names (an isolate's socket, an origin's socket).
        self.handles: dict[str, End] = {}
        #: (id(core), socket id) -> the worker's end.
        self.sockets: dict[tuple[int, int], IsolateEnd] = {}
        #: Events delivered into cores, and links made (for tests and reports).
        self.delivered = 0
        self.links = 0
        #: ``observer(end, kind, data)`` sees each event an isolate end sends.
        self.observers: list[Callable[[End, str, Any], None]] = []

    # -- handles --------------------------------------------------------------------------------

    def handle_for(self, end: End) -> str:
        handle = f"h{next(self._ids)}"
        self.handles[handle] = end
        return handle

    def isolate_end(self, core: CoreWorker, socket: int) -> IsolateEnd:
        key = (id(core), socket)
        end = self.sockets.get(key)
        if end is None:
            end = self.sockets[key] = IsolateEnd(self, core, socket)
        return end

    def claim(self, core: CoreWorker, response: Response) -> Response:
        """A response that left ``core``: a 101 naming one of its sockets gets a handle."""
        if response.status != 101:
            return response
        value = response.headers.get(SOCKET_FIELD)
        if value is None or not value.isdigit():
            return response
        handle = self.handle_for(self.isolate_end(core, int(value)))
        headers = [(k, v) for k, v in response.headers.items() if k != SOCKET_FIELD]
        headers.append((SOCKET_FIELD, handle))
        out = Response(None, status=101, headers=headers, status_text=response.status_text)
        return out

    def resolve(self, ref: str, core: CoreWorker | None) -> End | None:
        """The end a 101 names: a handle, or a socket id of ``core``."""
        if ref.isdigit() and core is not None:
            return self.isolate_end(core, int(ref))
        return self.handles.pop(ref, None)

    def link(self, a: End, b: End) -> None:
        a.peer, b.peer = b, a
        self.links += 1
        a.linked()
        b.linked()

    def forget(self, end: IsolateEnd) -> None:
        self.sockets.pop((id(end.core), end.socket), None)

    # -- the worker's side ----------------------------------------------------------------------

    def perform(self, core: CoreWorker, op: Operation, context: Any) -> None:
        """A ``websocket`` operation of ``core``: a send, a close, or an attach."""
        socket = op.socket
        assert socket is not None
        end = self.isolate_end(core, socket)
        method = op.method
        if method == "text":
            event: Event = ("message", op.args or "")
        elif method == "binary":
            event = ("message", bytes(op.data) if op.data is not None else b"")
        elif method == "close":
            event = ("close", (op.code or 1005, op.args or "", True))
        else:  # attach: the worker accepted a socket it was handed
            other = self.handles.pop(op.args or "", None)
            if other is None:
                end.receive("close", (1011, "the WebSocket it was handed is gone", False))
                return
            self.link(end, other)
            return
        for observer in self.observers:
            observer(end, *event)
        if event[0] == "close":
            # The worker's close: once the other side answers, the worker sees its close event.
            end.from_worker(*event)
            return
        end.from_worker(*event)

    def deliver(
        self,
        end: IsolateEnd,
        kind: str,
        data: Any,
        then: Callable[[list[Step], bool], None],
    ) -> None:
        """Delivers one event into the worker's socket; ``then`` after its steps were handled."""
        host = self.host
        core = end.core
        self.delivered += 1

        def handled(steps: list[Step], condemned: bool) -> None:
            host.handle(core, steps)
            then(steps, condemned)

        if kind == "message":
            host.calls.deliver_ws(core, end.socket, "message", data, handled)
        elif kind == "close":
            code, reason, clean = data
            host.calls.deliver_ws(
                core, end.socket, "close", None, handled, code=code, reason=reason, clean=clean
            )
        else:
            host.calls.deliver_ws(core, end.socket, "error", None, handled, reason=str(data))


def hub_of(host: Host) -> WebSocketHub:
    """The host's hub (made on first use)."""
    hub = getattr(host, "_websockets", None)
    if hub is None:
        hub = WebSocketHub(host)
        host._websockets = hub  # type: ignore[attr-defined]
    return hub
