"""What every HTTP/1.1 connection of the server does once a request is parsed: run it at its
PoP, keep responses in request order, refuse, back off, and shut down gracefully.

Theory of operation
-------------------
A complete request goes to its PoP through :meth:`edgert.Network.begin_at`; most requests (a
worker that needs nothing from the outside, a cache hit, route auth's 401) are answered right
there and, when nothing is queued before them, written at once. A request that waits (a
subrequest, a timer) leaves a *slot* in the connection's queue; responses leave the queue in
request order, so pipelined requests are answered in the order they came (RFC 9112 section
9.3.2) whatever order they finish in. ``Expect: 100-continue`` gets its interim response once its
request is first in line.

A refusal (see :class:`edgert.errors.HttpRefusal`) is answered after the responses before it and
closes the connection: the stream cannot be trusted to be in step any more. The server keeps
serving other connections. A connection the server closes after a response *lingers* (RFC 9112,
section 9.6): it half-closes (its FIN follows the response), reads and discards what the client
still sends, and closes when the client does or after ``LINGER_S``. Closing at once with unread
input makes the kernel reset the connection, and a reset can reach the client before it has
read the response, which it then never sees (a malformed request's 400, say).

Back-pressure: when the transport's write buffer is full, or too many requests of the connection
are in flight, the connection stops reading until that clears.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from edgert._core import Request, Response
from edgert.bots.native import stamp_cf
from edgert.server.client_ip import peer_ip, stamp
from edgert.server.wire import error_response
from edgert.websocket.front import refused_upgrade
from edgert.websocket.hub import hub_of

if TYPE_CHECKING:
    from edgert.server.location import Placement
    from edgert.server.site import Site

__all__ = ["CONTINUE", "BaseConnection", "Slot"]

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"

#: Longest a connection the server closes after a response goes on reading, for the client's
#: close (see the module docstring).
LINGER_S = 2.0

#: ``encode(response, date, head_only, keep_alive, http10) -> bytes``
Encoder = Callable[[Response, str, bool, bool, bool], bytes]


class Slot:
    """A request whose response is not written yet, in the connection's queue. ``meta`` is
    ``None`` for the placeholder of a request still being read (waiting on 100-continue)."""

    __slots__ = ("close", "continue_", "data", "meta")

    def __init__(self, meta: Any, close: bool) -> None:
        self.data: bytes | None = None
        self.meta = meta
        self.close = close
        self.continue_ = False


class BaseConnection(asyncio.Protocol):
    """The server side of one client connection, parser aside (subclasses feed it)."""

    encode: Encoder

    def __init__(self, site: Site) -> None:
        self.site = site
        self.transport: Any = None
        self.queue: deque[Slot] = deque()
        self.closing = False
        #: A request has begun arriving and is not complete.
        self.in_message = False
        #: ... and its head is not complete (the header timeout runs).
        self.in_head = False
        self.started = 0.0
        self.last_active = site.now
        #: The last deadline check found the connection past a deadline (``Site.enforce_deadlines``).
        self.overdue = False
        #: The client's address (``CF-Connecting-IP``), read when the connection is made.
        self.peer_ip: str | None = None
        self._read_paused = False
        self._write_paused = False
        #: The timer that ends a lingering close (see the module docstring).
        self._linger: asyncio.TimerHandle | None = None

    # -- asyncio.Protocol ------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.peer_ip = peer_ip(transport.get_extra_info("peername"))
        self.site.connection_opened(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        if self._linger is not None:
            self._linger.cancel()
            self._linger = None
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

    # -- requests and responses ------------------------------------------------------------------

    def expect_continue(self) -> None:
        """The request being read asked for ``100 Continue`` before sending its body."""
        if not self.queue:
            self.transport.write(CONTINUE)
            return
        slot = Slot(None, False)
        slot.continue_ = True
        self.queue.append(slot)

    def submit(
        self,
        request: Request,
        url: str,
        placement: Placement,
        method: str,
        target: str,
        http10: bool,
        keep_alive: bool,
    ) -> None:
        """Runs a complete request at its PoP; writes or queues its response."""
        site = self.site
        keep_alive = keep_alive and not site.draining
        bots = site.bots
        scorer = None
        if bots is not None:  # request.cf.botManagement from the server's Rust bot model
            scorer = functools.partial(stamp_cf, bots, url=url, pop=placement.pop.code, key=None)
        request = stamp(request, self.peer_ip, placement.cf, scorer)
        meta = (method, target, http10, placement.pop.code, time.perf_counter())
        queue = self.queue
        if queue and queue[-1].meta is None and queue[-1].data is None:
            slot = queue[-1]  # the 100-continue placeholder of this request
            slot.meta = meta
            slot.close = not keep_alive
        else:
            slot = Slot(meta, not keep_alive)
        try:
            response = site.network.begin_at(
                placement.pop, placement.client, request, url, _later(self, slot)
            )
        except Exception as exc:  # a host bug must not take the connection's other requests
            response = Response(
                f"edgert: {type(exc).__name__}: {exc}",
                status=500,
                headers={"content-type": "text/plain"},
            )
        if response is None:
            if not queue or queue[-1] is not slot:
                queue.append(slot)
            self._update_reading()
            return
        data = self._encode(response, meta, keep_alive)
        if not queue:
            self.transport.write(data)
            if not keep_alive:
                self.close_after_response()
            return
        slot.data = data
        if queue[-1] is not slot:
            queue.append(slot)
        self._flush()

    def _encode(self, response: Response, meta: Any, keep_alive: bool) -> bytes:
        method, target, http10, pop, began = meta
        site = self.site
        if response.status == 101:  # a worker's WebSocket: this front does not upgrade
            response = refused_upgrade(hub_of(site.network.realtime_host()), response)
        data = self.encode(response, site.date.value, method == "HEAD", keep_alive, http10)
        if site.on_request is not None:
            site.record(response, method, target, pop, began)
        return data

    def respond_late(self, slot: Slot, response: Response) -> None:
        """A response that came after its request was dispatched."""
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
                    transport.write(CONTINUE)
                break
            queue.popleft()
            transport.write(head.data)
            if head.close:
                queue.clear()
                self.close_after_response()
                return
        if self.closing and not queue and not self.in_message:
            self.close_after_response()
            return
        self._update_reading()

    def close_after_response(self) -> None:
        """Closes the connection once what is written has gone, lingering (see the module
        docstring): the input is read and discarded (``closing`` is set) until the client
        closes too or ``LINGER_S`` has passed."""
        self.closing = True
        transport = self.transport
        if self._linger is not None or transport.is_closing():
            return
        if not transport.can_write_eof():
            transport.close()
            return
        transport.write_eof()  # the FIN follows the response's bytes
        if self._read_paused:
            self._read_paused = False
            transport.resume_reading()
        self._linger = asyncio.get_running_loop().call_later(LINGER_S, transport.close)

    def answer_error(self, status: int, message: str, keep_alive: bool) -> None:
        """Answers a well-framed request the server cannot run (e.g. an unknown place)."""
        queue = self.queue
        if queue and queue[-1].meta is None and queue[-1].data is None:
            queue.pop()
        slot = Slot(None, not keep_alive)
        slot.data = error_response(
            status, message, date=self.site.date.value, keep_alive=keep_alive
        )
        queue.append(slot)
        self._flush()

    def refuse(self, status: int, message: str) -> None:
        """Answers the request being read with ``status`` (after the responses before it) and
        closes the connection."""
        self.closing = True
        self.in_message = False
        self.in_head = False
        self.answer_error(status, message, keep_alive=False)

    def shutdown(self) -> None:
        """Graceful close: an idle connection closes now; a busy one after its responses."""
        if self.transport is None or self.transport.is_closing():
            return
        if not self.queue and not self.in_message:
            self.closing = True
            self.transport.close()
        elif self.queue:
            self.queue[-1].close = True
        # A request whose head is still being read is answered with Connection: close.


def _later(conn: BaseConnection, slot: Slot) -> Callable[[Response], None]:
    """The ``on_response`` of a request that may be answered later."""

    def on_response(response: Response) -> None:
        conn.respond_late(slot, response)

    return on_response
