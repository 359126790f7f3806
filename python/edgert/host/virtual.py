"""A deterministic host in virtual time: operations complete at now + modelled latency.

Theory of operation
-------------------
Nothing sleeps: an event queue orders actions by (virtual time, insertion order); :meth:`run`
pops them in that order and sets the clock to each one's time, so the same inputs always give
the same sequence of events and the same timings. Events can be cancelled; a cancelled event
neither runs nor moves the clock. The queue is the core's :class:`edgert._core.EventLoop` (a
binary heap in Rust that calls back into Python), so a simulator's millions of events cost a
Python call each and no Python-level heap work.

An outbound fetch is performed by an *upstream*: a generator ``upstream(worker, op, context)``
that yields a number to wait that many virtual seconds, or an awaitable (an ``async`` origin
handler's coroutine) to get its result back, and finally returns the :class:`Response` (raising
makes the worker's ``fetch()`` reject with a ``TypeError``). The default upstream calls
``fetch_handler(request)`` at once and answers after ``fetch_latency_s`` (or the latency the
handler returns); :class:`edgert.Network` plugs in its own (the PoP-to-origin leg of the latency
model, the origin's handler called when the request reaches it, then its service time and the way
back). Awaitables are awaited under :meth:`run_async` and driven to completion in place under
:meth:`run` (which is why an origin that awaits real I/O needs :meth:`run_async`).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Generator
from typing import Any

from edgert._core import CoreWorker, EventLoop, Operation, Request, Response
from edgert.errors import ConfigError
from edgert.host.base import Host

FetchHandler = Callable[[Request], "Response | tuple[Response, float]"]
#: ``upstream(worker, op, context)``: see the module docstring.
Upstream = Callable[[CoreWorker, Operation, Any], Generator[Any, Any, Response]]
Action = Callable[[], "Awaitable[None] | None"]


def _default_fetch(request: Request) -> Response:
    return Response(b"", status=502, headers={"x-edgert": "no origin in this virtual host"})


def run_awaitable(awaitable: Awaitable[Any]) -> Any:
    """Drives an awaitable to completion without an event loop.

    Works for coroutines that never wait on real I/O (a bare ``await asyncio.sleep(0)`` is
    fine); one that waits on an asyncio future raises :class:`ConfigError`.
    """
    it = awaitable.__await__()
    try:
        while True:
            if it.send(None) is not None:
                close = getattr(it, "close", None)
                if close is not None:
                    close()
                raise ConfigError(_REAL_IO)
    except StopIteration as stop:
        return stop.value
    except RuntimeError as exc:
        if "event loop" in str(exc):  # asyncio.sleep(d > 0) and friends outside a loop
            raise ConfigError(_REAL_IO) from exc
        raise


_REAL_IO = (
    "an async handler awaited real I/O in virtual time: use the async API "
    "(await Network.fetch, VirtualTimeHost.run_async)"
)


class EventHandle:
    """A scheduled event; :meth:`cancel` removes it (it will neither run nor move the clock)."""

    __slots__ = ("_id", "_loop")

    def __init__(self, loop: EventLoop, event_id: int) -> None:
        self._loop = loop
        self._id = event_id

    def cancel(self) -> None:
        self._loop.cancel(self._id)


class VirtualTimeHost(Host):
    """Runs requests against one or more workers in virtual time.

    ``fetch_handler(request)`` answers outbound fetches with a :class:`Response`, or a
    ``(response, latency_s)`` pair; ``fetch_latency_s`` is used when it gives none. An
    ``upstream`` (see the module docstring) replaces that default. A request that has not
    responded ``wall_timeout_s`` after it began is aborted, as a real host would.
    """

    def __init__(
        self,
        *,
        start: float = 1_700_000_000.0,
        fetch_handler: FetchHandler | None = None,
        fetch_latency_s: float = 0.05,
        wall_timeout_s: float = 30.0,
        upstream: Upstream | None = None,
    ) -> None:
        super().__init__()
        self._loop = EventLoop(start)
        #: The event queue: ``loop.at(when, callback, argument)`` schedules ``callback(argument)``
        #: with no :class:`EventHandle` (for owners' own events that nothing cancels and that
        #: return nothing to await; they keep their place in the same order as :meth:`at`'s).
        self.loop = self._loop
        #: Awaitables events left under :meth:`run_async`, to await before the next event.
        self._awaiting: list[Awaitable[None]] = []
        self._async = False
        self.fetch_handler: FetchHandler = fetch_handler or _default_fetch
        self.fetch_latency_s = fetch_latency_s
        self.wall_timeout_s = wall_timeout_s
        self.upstream: Upstream = upstream or self._handler_upstream
        self.fetched: list[Request] = []

    @property
    def _now(self) -> float:
        return self._loop.now

    def now(self) -> float:
        return self._loop.now

    def at(self, when: float, action: Action) -> EventHandle:
        """Schedules `action` at virtual time `when` (never in the past)."""
        return EventHandle(self._loop, self._loop.at(when, self._call, action))

    def _call(self, action: Action) -> None:
        """Runs one event's action (the event loop's callback)."""
        pending = action()
        if pending is not None:
            self.defer(pending)

    def defer(self, pending: Awaitable[None]) -> None:
        """Finishes the running event's work that needs an awaitable: under :meth:`run_async`
        it is awaited before the next event (virtual time stands still meanwhile); under
        :meth:`run` it is driven in place (see :func:`run_awaitable`)."""
        if self._async:
            self._awaiting.append(pending)
        else:
            run_awaitable(pending)

    @property
    def running_async(self) -> bool:
        """True while :meth:`run_async` runs the events (awaitables are awaited on the loop)."""
        return self._async

    @property
    def idle(self) -> bool:
        """True when no event is left to run."""
        return len(self._loop) == 0

    # -- outbound fetches ----------------------------------------------------------------------

    def _handler_upstream(
        self, worker: CoreWorker, op: Operation, context: Any
    ) -> Generator[Any, Any, Response]:
        assert op.request is not None
        answer: Any = self.fetch_handler(op.request)
        if inspect.isawaitable(answer):
            answer = yield answer
        response, latency = answer if isinstance(answer, tuple) else (answer, self.fetch_latency_s)
        yield latency
        return response  # type: ignore[no-any-return]

    def perform(self, worker: CoreWorker, op: Operation) -> None:
        if op.kind == "fetch":
            assert op.request is not None
            self.fetched.append(op.request)
            gen = self.upstream(worker, op, self.context_of(worker, op))
            op_id = op.id

            def finish(response: Response | None, error: BaseException | None) -> None:
                if response is not None:
                    steps = worker.complete_fetch(op_id, response, self._now)
                else:  # fetch() rejects with a TypeError on network errors
                    message = f"fetch failed: {error}"
                    steps = worker.complete_error(op_id, "TypeError", message, self._now)
                self.handle(worker, steps)

            self.spawn(gen, finish)
        elif op.kind == "timer":
            assert op.at is not None
            self.at(op.at, lambda: self.handle(worker, worker.complete_timer(op.id, self._now)))
        elif (service := self.services.get(op.kind)) is not None:
            service(worker, op, self.context_of(worker, op))
        elif not self.perform_binding(worker, op):
            name = f"{op.binding}.{op.method}"
            self.at(
                self._now,
                lambda: self.handle(
                    worker,
                    worker.complete_error(
                        op.id, "Error", f"no binding {name} on this host", self._now
                    ),
                ),
            )

    def spawn(
        self,
        gen: Generator[Any, Any, Response],
        finish: Callable[[Response | None, BaseException | None], None],
    ) -> None:
        """Runs an upstream-style generator from now on; ``finish(response, None)`` or
        ``finish(None, error)`` is called with its outcome."""
        self.at(self._now, lambda: self._drive(gen, None, None, finish))

    def _drive(
        self,
        gen: Generator[Any, Any, Response],
        value: Any,
        error: BaseException | None,
        finish: Callable[[Response | None, BaseException | None], None],
    ) -> Awaitable[None] | None:
        """Advances a generator until it waits, needs an awaitable, or answers."""
        while True:
            try:
                item = gen.send(value) if error is None else gen.throw(error)
            except StopIteration as stop:
                finish(stop.value, None)
                return None
            except Exception as exc:
                finish(None, exc)
                return None
            if isinstance(item, int | float):
                self.at(self._now + float(item), lambda: self._drive(gen, None, None, finish))
                return None
            if self._async:
                return self._resume(gen, item, finish)
            try:
                value, error = run_awaitable(item), None
            except ConfigError:
                raise  # the embedding's mistake (real I/O in virtual time), not the worker's
            except Exception as exc:
                value, error = None, exc

    async def _resume(
        self,
        gen: Generator[Any, Any, Response],
        awaitable: Awaitable[Any],
        finish: Callable[[Response | None, BaseException | None], None],
    ) -> None:
        try:
            value, error = await awaitable, None
        except Exception as exc:
            value, error = None, exc
        more = self._drive(gen, value, error, finish)
        if more is not None:
            await more

    # -- requests ------------------------------------------------------------------------------

    def submit(self, worker: CoreWorker, request: Request) -> dict[str, Any]:
        """Begins a request now; returns a slot whose "response" fills in as time runs."""
        slot: dict[str, Any] = {"response": None, "began": self._now, "responded": None}
        timeout: list[EventHandle] = []

        def on_response(response: Response) -> None:
            slot["response"] = response
            slot["responded"] = self._now
            for handle in timeout:
                handle.cancel()

        record = self.start(worker, request, on_response)
        if record.response is None:
            task = record.task
            timeout.append(
                self.at(
                    self._now + self.wall_timeout_s,
                    lambda: self.handle(worker, worker.abort(task, self._now)),
                )
            )
        return slot

    def run(self, until: float | None = None) -> None:
        """Processes events in time order until none is left (or `until` is reached).

        Awaitables (async origin handlers) are driven in place; see :func:`run_awaitable`."""
        self._async = False
        self._loop.run(until)

    async def run_async(self, until: float | None = None) -> None:
        """Like :meth:`run`, awaiting async handlers on the running loop (virtual time stands
        still while they run)."""
        self._async = True
        loop = self._loop
        try:
            while loop.run(until, 1):
                awaiting = self._awaiting
                while awaiting:
                    await awaiting.pop(0)
        finally:
            self._async = False

    def fetch(self, worker: CoreWorker, request: Request) -> Response:
        """Runs one request to completion (background work included) and returns its response."""
        slot = self.submit(worker, request)
        self.run()
        response = slot["response"]
        assert response is not None, "the core always answers once every event has run"
        stats = response.stats
        if stats is not None:
            stats.wall_ms = (slot["responded"] - slot["began"]) * 1000.0
        return response  # type: ignore[no-any-return]
