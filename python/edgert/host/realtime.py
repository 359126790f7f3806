"""A host in real time on asyncio: outbound fetches over real sockets (the transparent,
pooled client of :mod:`edgert.host.upstream`), timers on the event loop's clock, a wall-clock
limit per request, and the workers' JavaScript on execution threads (see
:mod:`edgert.host.calls`): the event loop never runs it.

Where outbound fetches go is pluggable: by default to the request's URL; a ``fetcher`` (as
:class:`edgert.Network` gives) decides per operation, e.g. to send a PoP's subrequests to the
origin, and may use :meth:`RealTimeHost.send` for the HTTP itself. Subrequests pass the host's
``egress`` policy (:mod:`edgert.egress`) unless the caller marks them ``trusted`` (the
configured origin)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from edgert._core import CoreWorker, Executor, Operation, Request, Response
from edgert.egress import EgressPolicy
from edgert.errors import EgressRefused
from edgert.host.base import Host
from edgert.host.calls import ThreadedCalls
from edgert.host.upstream import UpstreamClient
from edgert.websocket.hub import hub_of
from edgert.websocket.upstream import connect, is_upgrade

#: ``fetcher(worker, op, context)`` performs one outbound fetch and returns its response;
#: ``context`` is the one the request was started with (see :meth:`Host.start`).
Fetcher = Callable[[CoreWorker, Operation, Any], Awaitable[Response]]


class RealTimeHost(Host):
    """Drives a worker on the running asyncio loop.

    Outbound fetches use one shared :class:`~edgert.host.upstream.UpstreamClient` (created
    lazily, closed by :meth:`close`). ``wall_timeout_s`` ends a request that has not responded
    in time with a 504 from the core (outcome ``canceled``). ``egress``: the policy a
    subrequest's destination must pass (None: every destination may be reached).

    ``threads``: run the core's calls on execution threads (``executor``, default the process's
    shared :func:`~edgert.host.calls.default_executor`), watched by its watchdog; ``False``
    runs them on the event loop itself (one worker's long turn then holds every request up).
    """

    def __init__(
        self,
        *,
        wall_timeout_s: float = 30.0,
        fetch_timeout_s: float = 30.0,
        fetcher: Fetcher | None = None,
        threads: bool = True,
        executor: Executor | None = None,
        egress: EgressPolicy | None = None,
    ) -> None:
        super().__init__()
        if threads:
            self.calls = ThreadedCalls(executor, wall_timeout_s)
        self.fetcher = fetcher
        self.wall_timeout_s = wall_timeout_s
        self.fetch_timeout_s = fetch_timeout_s
        self.egress = egress
        self._upstream: UpstreamClient | None = None
        self._pending: set[asyncio.Future[Any]] = set()

    def now(self) -> float:
        return time.time()

    @property
    def upstream(self) -> UpstreamClient:
        """The HTTP client of this host's subrequests (created on first use)."""
        if self._upstream is None:
            self._upstream = UpstreamClient(timeout_s=self.fetch_timeout_s)
        return self._upstream

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def perform(self, worker: CoreWorker, op: Operation) -> None:
        loop = asyncio.get_running_loop()
        if op.kind == "fetch":
            assert op.request is not None
            self._spawn(self._fetch(worker, op, self.context_of(worker, op)))
        elif op.kind == "timer":
            assert op.at is not None
            delay = max(0.0, op.at - time.time())
            loop.call_later(delay, self.complete_timer, worker, op.id)
        elif (service := self.services.get(op.kind)) is not None:
            service(worker, op, self.context_of(worker, op))
        elif not self.perform_binding(worker, op):
            message = f"no binding {op.binding}.{op.method} on this host"
            loop.call_soon(self.complete_error, worker, op.id, "Error", message)

    async def _fetch(self, worker: CoreWorker, op: Operation, context: Any) -> None:
        try:
            if op.request is not None and is_upgrade(op.request):
                response = await connect(hub_of(self), op.request, self.egress)
            elif self.fetcher is not None:
                response = await self.fetcher(worker, op, context)
            else:
                assert op.request is not None
                response = await self.send(op.request)
        except EgressRefused as exc:  # the message says which address and why
            self.complete_error(worker, op.id, "TypeError", str(exc))
            return
        except Exception as exc:  # the worker sees a TypeError, as fetch() does on network errors
            self.complete_error(worker, op.id, "TypeError", f"fetch failed: {exc}")
            return
        self.complete_fetch(worker, op.id, response)

    async def send(
        self,
        request: Request,
        *,
        url: str | None = None,
        headers: Iterable[tuple[str, str]] | None = None,
        trusted: bool = False,
        follow_redirects: bool | None = None,
    ) -> Response:
        """Sends ``request`` over HTTP (to ``url`` instead of its own when given, with
        ``headers`` instead of its own when given) and returns the response as the origin sent
        it, body read (see :mod:`edgert.host.upstream`).

        ``trusted``: the destination is the configured origin: the egress policy does not
        apply, and redirects are passed on rather than followed (the origin's answer is
        forwarded as it is). Otherwise the policy applies to the destination and to every
        redirect, which is followed (``fetch``'s default ``redirect: "follow"``).
        ``follow_redirects`` overrides that choice.
        """
        follow = (not trusted) if follow_redirects is None else follow_redirects
        return await self.upstream.send(
            request.method,
            url or request.url,
            request.headers.items() if headers is None else headers,
            request.body,
            egress=None if trusted else self.egress,
            follow_redirects=follow,
        )

    async def fetch(self, worker: CoreWorker, request: Request) -> Response:
        """Runs one request; returns once its response is known (background work goes on)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Response] = loop.create_future()
        began = time.perf_counter()

        def on_response(response: Response) -> None:
            if not future.done():
                future.set_result(response)

        record = self.start(worker, request, on_response)
        if not future.done():
            try:
                await asyncio.wait_for(asyncio.shield(future), self.wall_timeout_s)
            except TimeoutError:
                self.abort(worker, record)
                await future
        response = future.result()
        if response.stats is not None:
            response.stats.wall_ms = (time.perf_counter() - began) * 1000.0
        return response

    async def drain(self) -> None:
        """Waits for background work (waitUntil fetches) to finish."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def close(self) -> None:
        await self.drain()
        calls = self.calls
        if isinstance(calls, ThreadedCalls):
            # Background work whose turns are on the threads: wait for it a little (its steps
            # may start more fetches); a turn still running after that is stuck, and the
            # watchdog condemns it with nobody listening.
            give_up = time.monotonic() + 1.0
            stalled_at = time.monotonic() + 0.1
            last = calls.pending
            while (calls.pending or self._pending) and time.monotonic() < give_up:
                await asyncio.sleep(0.002)
                if self._pending:
                    await asyncio.wait(list(self._pending), timeout=give_up - time.monotonic())
                if calls.pending != last or self._pending:
                    last, stalled_at = calls.pending, time.monotonic() + 0.1
                elif time.monotonic() > stalled_at:
                    break  # nothing came back for 100 ms: what is left is stuck
            calls.close()
        if self._upstream is not None:
            await self._upstream.close()
            self._upstream = None
