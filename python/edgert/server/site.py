"""What the connections of one listening socket share: the network and the PoP placement, the
limits, the access-log hook, a coarse clock, and the deadlines of every open connection."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from edgert._core import Response
from edgert.network import Network
from edgert.server.access import AccessRecord
from edgert.server.limits import ServerLimits
from edgert.server.location import ClientLocator
from edgert.server.wire import DateClock

if TYPE_CHECKING:
    from edgert.server.connection import BaseConnection as HttpConnection

__all__ = ["Site"]


class Site:
    """Shared state of a listening socket's connections (see :class:`EdgeServer`)."""

    def __init__(
        self,
        network: Network,
        *,
        pop: str | None,
        client_header: str,
        limits: ServerLimits,
        on_request: Callable[[AccessRecord], None] | None,
        tls_version: str = "",
        default_host: str,
    ) -> None:
        self.network = network
        #: The network's bot model in Rust (``request.cf.botManagement``), or None.
        self.bots = network.bots.native if network.bots is not None else None
        self.locator = ClientLocator(network, pop, tls_version)
        self.limits = limits
        self.client_header_str = client_header.strip().lower()
        self.client_header = self.client_header_str.encode("latin-1")
        self.on_request = on_request
        if on_request is not None:  # the access log names each split request's version
            network.deployments.record_answers = True
        self.default_host = default_host
        self.date = DateClock()
        self.now = time.monotonic()
        self.connections: set[HttpConnection] = set()
        self.draining = False
        self._ticker: asyncio.TimerHandle | None = None
        self._prewarm_pending = False
        self._all_closed: asyncio.Event | None = None

    def start_ticking(self) -> None:
        self._tick()

    def stop_ticking(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def _tick(self) -> None:
        """Refreshes the clock and the Date value; enforces the header and idle deadlines."""
        self.now = now = time.monotonic()
        self.date.refresh()
        self.enforce_deadlines(now)
        self._ticker = asyncio.get_running_loop().call_later(self.limits.tick_s, self._tick)

    def enforce_deadlines(self, now: float) -> None:
        """Refuses (408) the connections whose header section is late and closes the idle ones,
        once two checks in a row have found them so.

        A check that follows a busy stretch of the event loop (a long callback) may find a
        connection past its deadline whose bytes are in its socket, not yet read: a request
        that arrived meanwhile. Closed then, the connection would be reset (closing a socket
        with unread input resets it), and the request lost without an answer. So the first
        check only marks it (``overdue``), and the loop reads what is waiting before the
        next one (every loop polls its sockets between two timer callbacks that far apart):
        a connection that has read since is no longer past its deadline, and is unmarked.
        A deadline is therefore enforced up to two ticks late (``ServerLimits.tick_s``)."""
        limits = self.limits
        for conn in list(self.connections):
            if conn.closing:
                continue
            if conn.in_head:
                late = now - conn.started > limits.header_timeout_s
            else:
                late = (
                    not conn.in_message
                    and not conn.queue
                    and now - conn.last_active > limits.idle_timeout_s
                )
            if not late or not conn.overdue:
                conn.overdue = late
                continue
            conn.overdue = False
            if conn.in_head:
                conn.refuse(408, "request header section not received in time")
            else:
                conn.closing = True
                conn.transport.close()

    def connection_opened(self, conn: HttpConnection) -> None:
        """A connection was accepted. As Workers starts the isolate while the TLS handshake
        runs, the workers this socket's requests reach get a spare isolate if they would need
        one, once the loop has finished setting the connection up (the accept is not delayed;
        a burst of accepts asks once)."""
        self.connections.add(conn)
        if not self._prewarm_pending and self.network.workers:
            self._prewarm_pending = True
            asyncio.get_running_loop().call_soon(self._prewarm)

    def _prewarm(self) -> None:
        self._prewarm_pending = False
        if self.draining:
            return
        try:
            self.prewarm()
        except Exception as exc:  # a spare is an optimisation: never fail the server for it
            asyncio.get_running_loop().call_exception_handler(
                {"message": "EdgeServer prewarm failed", "exception": exc}
            )

    def prewarm(self) -> int:
        """Makes spare isolates for the workers at this socket's PoP (a network port: the PoP
        of clients without a location header) where the next request would pay a whole cold
        start; none of the workers' code runs. Returns how many were made."""
        pop = self.locator.fixed if self.locator.fixed is not None else self.network.pops[0]
        return self.network.prewarm(pop.code)

    def connection_closed(self, conn: HttpConnection) -> None:
        self.connections.discard(conn)
        if not self.connections and self._all_closed is not None:
            self._all_closed.set()

    async def drain(self, grace_s: float) -> None:
        """Graceful close of every connection: idle ones now, busy ones once answered; after
        ``grace_s`` the rest are aborted."""
        self.draining = True
        self._all_closed = asyncio.Event()
        for conn in list(self.connections):
            conn.shutdown()
        if self.connections:
            try:
                await asyncio.wait_for(self._all_closed.wait(), grace_s)
            except TimeoutError:
                for conn in list(self.connections):
                    conn.transport.abort()
                # An aborted transport reports connection_lost on the loop's next turns.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._all_closed.wait(), 1.0)
        self.stop_ticking()

    def record(self, response: Response, method: str, path: str, pop: str, began: float) -> None:
        """Builds the access record of one response and hands it to ``on_request``."""
        assert self.on_request is not None
        stats = response.stats
        logs: tuple[tuple[str, str], ...] = ()
        cpu = 0.0
        cold = prewarmed = False
        outcome = error = None
        if stats is not None:
            cpu = stats.cpu_ms
            logs = tuple((line.level, line.message) for line in stats.logs)
            cold, prewarmed = stats.cold_start, stats.prewarmed
            outcome, error = stats.outcome, stats.error
        version, tag = self.network.deployments.log_version(pop, path)
        record = AccessRecord(
            time=time.time(),
            method=method,
            path=path,
            status=response.status,
            pop=pop,
            cache_status=response.headers.get("cf-cache-status"),
            cpu_ms=cpu,
            wall_ms=(time.perf_counter() - began) * 1000.0,
            logs=logs,
            cold_start=cold,
            prewarmed=prewarmed,
            outcome=outcome,
            error=error,
            version=version,
            version_tag=tag,
        )
        try:
            self.on_request(record)
        except Exception as exc:  # a logging hook must not break the connection
            asyncio.get_running_loop().call_exception_handler(
                {"message": "EdgeServer on_request hook failed", "exception": exc}
            )
