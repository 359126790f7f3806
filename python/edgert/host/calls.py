"""How a host calls into a worker's core: on the calling thread (:class:`InlineCalls`), or on
execution threads (:class:`ThreadedCalls`, over :class:`edgert._core.Executor`) so that an
event loop never runs JavaScript itself and no worker can hold it up.

One seam for both: every call takes ``then(steps, condemned)``. Inline, ``then`` runs before
the call returns; threaded, it runs later on the event loop that made the call, when the
executor's channel is drained (the loop watches its socket). ``condemned`` is true when the
executor's watchdog answered the call (its isolate did not come back within its wall limit and
was condemned; ``steps`` then answer the isolate's other requests) or the call failed: the
caller answers that call's own request (see :meth:`edgert.host.base.Host.start`).

The wall limit of one call (one turn of JavaScript) is :func:`turn_wall_s`: ten times the
worker's CPU limit, at least 2 s, and never more than the request's own wall limit.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable

from edgert._core import CoreWorker, Executor, ExecutorChannel, Request, Response, Step

__all__ = [
    "CoreCalls",
    "InlineCalls",
    "Then",
    "ThreadedCalls",
    "default_executor",
    "turn_wall_s",
    "watchdog_response",
]

#: ``then(steps, condemned)``: what to do with a call's steps.
Then = Callable[[list[Step], bool], None]

_default: Executor | None = None
_default_lock = threading.Lock()


def default_executor() -> Executor:
    """The process's shared execution threads (one per core this process may run on), made on
    first use."""
    global _default
    with _default_lock:
        if _default is None or _default.closed:
            _default = Executor(len(os.sched_getaffinity(0)) or 1)
        return _default


def turn_wall_s(core: CoreWorker, request_wall_s: float) -> float:
    """How long one turn of ``core`` may hold an execution thread before the watchdog answers
    it: 10x its CPU limit, at least 2 s, at most the request's wall limit."""
    return min(request_wall_s, max(2.0, core.cpu_ms / 100.0))


def watchdog_response(wall_s: float) -> Response:
    """The answer to a request whose isolate did not come back in time (Workers' 1102)."""
    return Response(
        f"Error 1102: Worker exceeded resources (its isolate did not return within {wall_s:g} s"
        " and was discarded)",
        status=503,
        headers={"content-type": "text/plain;charset=UTF-8"},
    )


class CoreCalls:
    """The calls a host makes into a core; see the module docs."""

    threaded = False

    def wall_ms(self, core: CoreWorker) -> float:
        """How long one call of ``core`` may run before the watchdog answers it (0: no
        watchdog, the call runs on the caller's thread)."""
        return 0.0

    def begin(self, core: CoreWorker, request: Request, then: Then) -> None:
        raise NotImplementedError

    def begin_event(self, core: CoreWorker, kind: str, payload: str, then: Then) -> None:
        raise NotImplementedError

    def complete_fetch(self, core: CoreWorker, op: int, response: Response, then: Then) -> None:
        raise NotImplementedError

    def complete_timer(self, core: CoreWorker, op: int, then: Then) -> None:
        raise NotImplementedError

    def complete_value(
        self, core: CoreWorker, op: int, json: str, then: Then, data: bytes | None = None
    ) -> None:
        raise NotImplementedError

    def complete_error(
        self, core: CoreWorker, op: int, name: str, message: str, then: Then
    ) -> None:
        raise NotImplementedError

    def abort(self, core: CoreWorker, task: int, then: Then) -> None:
        raise NotImplementedError

    def deliver_ws(
        self,
        core: CoreWorker,
        socket: int,
        kind: str,
        data: str | bytes | None,
        then: Then,
        *,
        code: int = 1005,
        reason: str = "",
        clean: bool = True,
    ) -> None:
        """A WebSocket event for the worker's end of ``socket`` (see ``CoreWorker.deliver_ws``)."""
        raise NotImplementedError

    def close(self) -> None:
        """Stops watching the executor (threaded); nothing inline."""


class InlineCalls(CoreCalls):
    """Calls on the calling thread, at ``now()``."""

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now

    def begin(self, core: CoreWorker, request: Request, then: Then) -> None:
        then(core.begin(request, self.now()), False)

    def begin_event(self, core: CoreWorker, kind: str, payload: str, then: Then) -> None:
        then(core.begin_event(kind, payload, self.now()), False)

    def complete_fetch(self, core: CoreWorker, op: int, response: Response, then: Then) -> None:
        then(core.complete_fetch(op, response, self.now()), False)

    def complete_timer(self, core: CoreWorker, op: int, then: Then) -> None:
        then(core.complete_timer(op, self.now()), False)

    def complete_value(
        self, core: CoreWorker, op: int, json: str, then: Then, data: bytes | None = None
    ) -> None:
        then(core.complete_value(op, json, self.now(), data), False)

    def complete_error(
        self, core: CoreWorker, op: int, name: str, message: str, then: Then
    ) -> None:
        then(core.complete_error(op, name, message, self.now()), False)

    def abort(self, core: CoreWorker, task: int, then: Then) -> None:
        then(core.abort(task, self.now()), False)

    def deliver_ws(
        self,
        core: CoreWorker,
        socket: int,
        kind: str,
        data: str | bytes | None,
        then: Then,
        *,
        code: int = 1005,
        reason: str = "",
        clean: bool = True,
    ) -> None:
        then(core.deliver_ws(socket, kind, data, self.now(), code, reason, clean), False)


class ThreadedCalls(CoreCalls):
    """Calls on ``executor``'s threads (default: :func:`default_executor`); ``then`` runs on the
    event loop that made the first call. ``request_wall_s``: the requests' wall limit (see
    :func:`turn_wall_s`)."""

    threaded = True

    def __init__(self, executor: Executor | None, request_wall_s: float) -> None:
        self.executor = executor or default_executor()
        self.request_wall_s = request_wall_s
        self.channel = ExecutorChannel(self.executor)
        self._fd = self.channel.fileno()
        self.loop: asyncio.AbstractEventLoop | None = None

    def _watch(self) -> None:
        """Starts watching the channel on the running loop (at the first call)."""
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self._fd, self.channel.drain)

    @property
    def pending(self) -> int:
        """Calls whose steps have not come back yet."""
        return self.channel.pending

    def wall_ms(self, core: CoreWorker) -> float:
        if self.loop is None:
            self._watch()
        return turn_wall_s(core, self.request_wall_s) * 1000.0

    def begin(self, core: CoreWorker, request: Request, then: Then) -> None:
        self.channel.begin(core, request, self.wall_ms(core), then)

    def begin_event(self, core: CoreWorker, kind: str, payload: str, then: Then) -> None:
        self.channel.begin_event(core, kind, payload, self.wall_ms(core), then)

    def complete_fetch(self, core: CoreWorker, op: int, response: Response, then: Then) -> None:
        self.channel.complete_fetch(core, op, response, self.wall_ms(core), then)

    def complete_timer(self, core: CoreWorker, op: int, then: Then) -> None:
        self.channel.complete_timer(core, op, self.wall_ms(core), then)

    def complete_value(
        self, core: CoreWorker, op: int, json: str, then: Then, data: bytes | None = None
    ) -> None:
        self.channel.complete_value(core, op, json, self.wall_ms(core), then, data)

    def complete_error(
        self, core: CoreWorker, op: int, name: str, message: str, then: Then
    ) -> None:
        self.channel.complete_error(core, op, name, message, self.wall_ms(core), then)

    def abort(self, core: CoreWorker, task: int, then: Then) -> None:
        self.channel.abort(core, task, self.wall_ms(core), then)

    def deliver_ws(
        self,
        core: CoreWorker,
        socket: int,
        kind: str,
        data: str | bytes | None,
        then: Then,
        *,
        code: int = 1005,
        reason: str = "",
        clean: bool = True,
    ) -> None:
        self.channel.deliver_ws(
            core, socket, kind, data, self.wall_ms(core), then, code, reason, clean
        )

    def close(self) -> None:
        loop, self.loop = self.loop, None
        if loop is not None and not loop.is_closed():
            loop.remove_reader(self._fd)
