"""The real-time driver of the request pipeline (:mod:`edgert.pipeline`): asyncio.

Theory of operation
-------------------
A pipeline generator is stepped on the loop's thread, synchronously, as far as it goes
without waiting; what it yields then decides how it goes on:

- a number (modelled seconds): slept only with ``emulate=True``, else stepped on at once;
- an awaitable, or :class:`~edgert.pipeline.SendHttp` (this loop's
  :class:`~edgert.host.RealTimeHost` sends it): a task awaits it and steps the generator on
  with its result (or throws its exception into it);
- :class:`~edgert.pipeline.RunWorker`: the host begins the request on the core
  (:meth:`Host.start <edgert.host.base.Host.start>`, see *the core seam* below) and drives the
  task; its ``on_response`` steps the generator on with the response, and a timer aborts the
  task at the wall-clock limit unless it responded first;
- :class:`~edgert.pipeline.Background`: started on the loop's next turn; the generator goes on.

When the generator returns, ``finish(value, None)`` is called (``finish(None, error)`` when it
raised). So a request that needs nothing from the outside world (a fresh cache hit, route
auth's 401, a worker that answers alone when the core's calls run inline) is answered before
:meth:`RealTimeDriver.begin` returns, which is what lets a server write it at once.

The core seam
-------------
This driver never calls a core's ``begin``, ``complete_*`` or ``abort`` itself: it asks the
loop's :class:`RealTimeHost` (``Host.start``, ``Host.abort``), whose ``calls``
(:mod:`edgert.host.calls`) make every call into a core, inline or on execution threads, and
continue when the steps arrive; the pipeline goes on from ``on_response`` either way. The one
core call made here is :meth:`RealTimeDriver.prewarm_soon`'s ``prewarm`` (no JavaScript runs).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any

from edgert._core import CoreWorker, Operation, Response, Step
from edgert.flight import Flight
from edgert.host.realtime import RealTimeHost
from edgert.pipeline import Background, Pipeline, RunWorker, SendHttp
from edgert.websocket.hub import hub_of

if TYPE_CHECKING:
    from edgert.network import Network

__all__ = ["RealTimeDriver"]

Steps = Generator[Any, Any, Any]
Finish = Callable[[Any, BaseException | None], None]


def _ignore(value: Any, error: BaseException | None) -> None:
    return None


def _internal_error(error: BaseException) -> Response:
    """The answer to a request whose pipeline failed after it went on waiting (a host bug)."""
    return Response(
        f"edgert: {type(error).__name__}: {error}",
        status=500,
        headers={"content-type": "text/plain"},
    )


def _prewarm(core: CoreWorker) -> None:
    if core.wants_spare:
        core.prewarm(time.time())  # a core call (see the module docstring: the core seam)


class RealTimeDriver:
    """Drives pipeline generators on the running asyncio loop (one host per loop)."""

    def __init__(self, network: Network, pipeline: Pipeline) -> None:
        self.net = network
        self.pipeline = pipeline
        self._hosts: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RealTimeHost] = (
            weakref.WeakKeyDictionary()
        )
        self._tasks: set[asyncio.Future[None]] = set()

    def host(self) -> RealTimeHost:
        """The running loop's host (created on first use, with the network's services)."""
        loop = asyncio.get_running_loop()
        host = self._hosts.get(loop)
        if host is None:
            net = self.net
            host = RealTimeHost(
                wall_timeout_s=net.wall_timeout_s,
                fetcher=self._subrequest,
                threads=net.threads != 0,
                executor=net._executor,
                egress=net.egress,
            )
            net._kv.attach(host, net._kv_pop)
            net._d1.attach(host, net._kv_pop)
            net._objects.attach(host)
            self._hosts[loop] = host
        return host

    def pop_host(self) -> RealTimeHost | None:
        """Forgets the running loop's host and returns it (to close it)."""
        return self._hosts.pop(asyncio.get_running_loop(), None)

    def _subrequest(self, core: CoreWorker, op: Operation, flight: Any) -> Awaitable[Response]:
        """The host's ``fetcher``: a worker's outbound fetch through the pipeline."""
        return self.run(self.pipeline.subrequest(core, op, flight))

    # -- entry points ---------------------------------------------------------------------------

    async def run(self, steps: Steps) -> Any:
        """Drives a pipeline generator to its end and returns its value."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def finish(value: Any, error: BaseException | None) -> None:
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(value)

        self._step(steps, None, None, finish)
        return await future

    def begin(self, steps: Steps, on_response: Callable[[Response], None]) -> Response | None:
        """Steps ``steps`` (a pipeline generator that returns the response) as far as it goes
        now: returns the response when it is known at once; otherwise returns None and calls
        ``on_response`` once it is. An error before it waits is raised here."""
        now: list[Any] = []
        waiting = False

        def finish(value: Any, error: BaseException | None) -> None:
            if not waiting:
                now.append(error if error is not None else value)
            else:
                on_response(value if error is None else _internal_error(error))

        self._step(steps, None, None, finish)
        if now:
            if isinstance(now[0], BaseException):
                raise now[0]
            response: Response = now[0]
            return response
        waiting = True
        return None

    # -- stepping -------------------------------------------------------------------------------

    def _step(self, steps: Steps, value: Any, error: BaseException | None, finish: Finish) -> None:
        while True:
            try:
                item = steps.send(value) if error is None else steps.throw(error)
            except StopIteration as stop:
                finish(stop.value, None)
                return
            except Exception as exc:
                finish(None, exc)
                return
            value = error = None
            if isinstance(item, int | float):
                if item > 0 and self.net.emulate:
                    self._await(steps, asyncio.sleep(item), finish)
                    return
                continue
            if type(item) is RunWorker:
                self._run_worker(steps, item.core, item.flight, finish)
                return
            if type(item) is SendHttp:
                sent = self.host().send(
                    item.request, url=item.url, headers=item.headers, trusted=item.trusted
                )
                self._await(steps, sent, finish)
                return
            if type(item) is Background:
                asyncio.get_running_loop().call_soon(self._step, item.steps, None, None, _ignore)
                continue
            self._await(steps, item, finish)
            return

    def _await(self, steps: Steps, awaitable: Awaitable[Any], finish: Finish) -> None:
        task = asyncio.ensure_future(self._resume(steps, awaitable, finish))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _resume(self, steps: Steps, awaitable: Awaitable[Any], finish: Finish) -> None:
        try:
            value, error = await awaitable, None
        except Exception as exc:
            value, error = None, exc
        self._step(steps, value, error, finish)

    # -- the worker -----------------------------------------------------------------------------

    def _run_worker(self, steps: Steps, core: CoreWorker, flight: Flight, finish: Finish) -> None:
        """The core seam: the host's ``calls`` begin the request (inline, or on an execution
        thread) and the generator goes on from ``on_response``."""
        host = self.host()
        calls = host.calls
        timer: list[asyncio.TimerHandle] = []

        def answered(response: Response) -> None:
            flight.responded = True
            for handle in timer:
                handle.cancel()
            if response.status == 101:  # a WebSocket: named by a handle of the host's
                response = hub_of(host).claim(core, response)
            self._step(steps, response, None, finish)

        if calls.threaded:
            record = host.start(
                core, flight.request, answered, context=flight, on_waiting=self.prewarm_soon
            )
        else:
            # Inline calls: the steps are here when the call returns. A core that answered and
            # finished in one step (most requests) needs no task record: what Host.started and
            # Host.handle would do with it, as the virtual-time driver does.
            begun: list[list[Step]] = []
            calls.begin(core, flight.request, lambda result, _condemned: begun.append(result))
            result = begun[0]
            if len(result) == 1:
                step = result[0]
                response = step.response
                if response is not None and step.done and not step.ops:
                    stats = step.stats
                    if stats is not None:
                        errors = stats.wait_until_errors
                        if errors:
                            host.background_errors.extend(errors)
                    for observer in host.step_observers:
                        observer(host, core)
                    answered(response)
                    return
            record = host.started(core, result, answered, context=flight)
            if record.response is None:
                self.prewarm_soon(core)
        if record.response is None:
            loop = asyncio.get_running_loop()
            timer.append(loop.call_later(self.net.wall_timeout_s, host.abort, core, record))

    def prewarm_soon(self, core: CoreWorker) -> None:
        """A request now holds an isolate while it waits, so the next one may need a new one:
        once the loop has run what is ready, make a spare if the pool wants one (a core call)."""
        if core.wants_spare:
            asyncio.get_running_loop().call_soon(_prewarm, core)
