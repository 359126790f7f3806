"""The native front's control plane: requests parsed, limited and answered by the Rust I/O
thread (``edgert._core.NativeFront``, hyper) run here through the network's PoP pipeline.

Per request, Python does only what needs the network: the loop wakes when the front's fd is
readable, and one call (``NativeFront.serve``) runs every waiting request (each already a core
``Request`` with its ``request.cf``, its PoP and client resolved and memoised per
client-location value) through :meth:`edgert.Network.begin_at` and hands the responses back
to Rust in one batch; Rust encodes and writes them. A request that waits (a subrequest, a
timer) is answered later through its token (``begin_at``'s ``on_response``). Access-log
records come back in batches, after the responses were handed over.

Native dispatch (on when the network runs its workers on execution threads): the front learns
the network's routes, each client-location value's placement and each (PoP, worker) core as
Python first meets them; from then on a request to a worker is begun on an execution thread
from the Rust I/O thread and, when its first turn finishes it, answered there, without Python.
Python *adopts* the rest of a request that must wait (:meth:`edgert.Network.adopt_at`).
When a worker's version changes (``replace_worker``, a deployment's start and end) the front
forgets that worker's cores only; ``NativeFront.dispatched()`` counts the requests begun
natively, per worker. With ``Network(bots=...)`` the front fills ``request.cf.botManagement``
itself, in Rust (:mod:`edgert.bots.native`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from edgert._core import CoreWorker, NativeFront, Response
from edgert.network import Network
from edgert.server.access import AccessRecord
from edgert.server.limits import ServerLimits
from edgert.server.location import ClientLocator
from edgert.websocket.front import FrontSockets
from edgert.websocket.hub import hub_of

__all__ = ["NativeSite"]


def _host_error(exc: Exception) -> Response:
    return Response(
        f"edgert: {type(exc).__name__}: {exc}", status=500, headers={"content-type": "text/plain"}
    )


class NativeSite:
    """One native front and the Python side of its requests (see :class:`EdgeServer`)."""

    def __init__(
        self,
        network: Network,
        *,
        pop: str | None,
        client_header: str,
        limits: ServerLimits,
        on_request: Callable[[AccessRecord], None] | None,
        tls_version: str = "",
        dispatch: bool = True,
    ) -> None:
        self.network = network
        self.dispatch = dispatch
        self._dispatching = False
        self.locator = ClientLocator(network, pop, tls_version)
        self.limits = limits
        self.client_header = client_header
        self.on_request = on_request
        if on_request is not None:  # the access log names each split request's version
            network.deployments.record_answers = True
        self.front: NativeFront | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None

    @property
    def connections(self) -> int:
        return self.front.connections if self.front is not None else 0

    def start(self, host: str, port: int) -> int:
        """Binds and starts the I/O thread; returns the bound port."""
        limits = self.limits
        self._loop = loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        front = NativeFront(
            self.locator.resolve,
            host,
            port,
            max_header_bytes=limits.max_header_bytes,
            max_body_bytes=limits.max_body_bytes,
            header_timeout_s=limits.header_timeout_s,
            idle_timeout_s=limits.idle_timeout_s,
            body_timeout_s=limits.body_timeout_s,
            max_buffered_body_bytes=limits.max_buffered_body_bytes,
            max_connections=limits.max_connections,
            client_header=self.client_header,
            access_log=self.on_request is not None,
            ws_idle_timeout_s=limits.ws_idle_timeout_s,
            ws_max_buffered_bytes=limits.ws_max_buffered_bytes,
        )
        self.front = front
        self._sockets = FrontSockets(front)
        if self.network.bots is not None:  # request.cf.botManagement, computed in Rust
            front.enable_bots(self.network.bots.native)
        self._enable_dispatch(front)
        loop.add_reader(front.fd, self._ready)
        return front.port

    def _enable_dispatch(self, front: NativeFront) -> None:
        network = self.network
        executor = network.executor()
        if not self.dispatch or executor is None or not network.workers or network.emulate:
            return
        routes = [
            (r.scheme, r.host, r.host_wild, r.path, r.path_wild, r.worker)
            for r in network.routes.routes
        ]
        front.enable_dispatch(executor, routes)
        self._dispatching = True
        for pop, worker, core in network.cores():
            self._learn(pop, worker, core)
        network.core_listeners.append(self._learn)

    def _learn(self, pop: str | None, worker: str, core: CoreWorker | None) -> None:
        front = self.front
        if front is None:
            return
        if pop is None or core is None:  # the worker's version changed: learn its cores afresh
            front.reset_dispatch(worker)  # (only that worker's: the others stay native)
            return
        front.learn_core(pop, worker, core, self.network.turn_wall_s(core) * 1000.0)

    def _ready(self) -> None:
        """The fd is readable: spare isolates for new connections, then every waiting
        request, then the access log."""
        front = self.front
        assert front is not None
        if front.accepted() and self.network.workers:
            self._prewarm()
        # Each request through Network.begin_at, called from Rust (an exception: 500).
        front.serve(self.network.begin_at)
        self._sockets.pump(hub_of(self.network.realtime_host()))
        adopted = front.take_adopted()
        if adopted:
            adopt = self.network.adopt_at
            for token, pop, client, core, _worker, url, steps, condemned in adopted:
                try:
                    on_response = None if token.answered else token
                    adopt(pop, client, core, url, steps, condemned, on_response)
                except Exception as exc:  # a host bug must not take the server down
                    token(_host_error(exc))
        if self.on_request is not None:
            self._log()
        if front.stopped:
            self._finish()

    def _prewarm(self) -> None:
        try:
            self.prewarm()
        except Exception as exc:  # a spare is an optimisation: never fail the server for it
            assert self._loop is not None
            self._loop.call_exception_handler(
                {"message": "EdgeServer prewarm failed", "exception": exc}
            )

    def prewarm(self) -> int:
        """See :meth:`edgert.server.site.Site.prewarm`. With native dispatch on, the new
        connection's first request may already be running on an execution thread when its
        accept notice is handled here: a busy isolate then says nothing about the pool's need
        to grow, so a spare is made only for a worker with no isolate at this PoP yet (a pool
        that grows gets its spare from :meth:`edgert.Network.adopt_at`'s waiting requests)."""
        network = self.network
        pop = self.locator.fixed if self.locator.fixed is not None else network.pops[0]
        if self.front is None or not self._dispatching:
            return network.prewarm(pop.code)
        warm = {w for p, w, core in network.cores() if p == pop.code and core.pool_stats()[0]}
        return sum(network.prewarm(pop.code, name) for name in network.workers if name not in warm)

    def _log(self) -> None:
        assert self.front is not None and self.on_request is not None
        hook = self.on_request
        for when, method, path, status, pop, cache, wall_ms, stats in self.front.take_log():
            cpu = 0.0
            logs: tuple[tuple[str, str], ...] = ()
            cold = prewarmed = False
            outcome = error = None
            if stats is not None:
                cpu = stats.cpu_ms
                logs = tuple((line.level, line.message) for line in stats.logs)
                cold, prewarmed = stats.cold_start, stats.prewarmed
                outcome, error = stats.outcome, stats.error
            version, tag = self.network.deployments.log_version(pop, path)
            record = AccessRecord(
                time=when,
                method=method,
                path=path,
                status=status,
                pop=pop,
                cache_status=cache,
                cpu_ms=cpu,
                wall_ms=wall_ms,
                logs=logs,
                cold_start=cold,
                prewarmed=prewarmed,
                outcome=outcome,
                error=error,
                version=version,
                version_tag=tag,
            )
            try:
                hook(record)
            except Exception as exc:  # a logging hook must not break the server
                assert self._loop is not None
                self._loop.call_exception_handler(
                    {"message": "EdgeServer on_request hook failed", "exception": exc}
                )

    def _finish(self, join: bool = True) -> None:
        front = self.front
        if front is None or self._stopped is None or self._stopped.is_set():
            return
        if self._learn in self.network.core_listeners:
            self.network.core_listeners.remove(self._learn)
        assert self._loop is not None
        self._loop.remove_reader(front.fd)
        if join:  # the thread has said it stopped: this returns at once
            front.join()
        self._stopped.set()

    async def close(self, grace_s: float) -> None:
        """Graceful shutdown (see :meth:`EdgeServer.close`)."""
        front = self.front
        if front is None or self._stopped is None:
            return
        front.close(grace_s)
        # The I/O thread ends within the grace period and a short settling time.
        try:
            await asyncio.wait_for(self._stopped.wait(), grace_s + 5.0)
        except TimeoutError:
            self._finish(join=False)
        if self.on_request is not None:
            self._log()
