"""What every host shares: routing the core's steps to the requests that wait for them.

One host may drive several cores (a network runs one core per worker per PoP): task ids are
unique per core only, so requests in flight are keyed by ``(id(core), task)``. A request may
carry a ``context`` (any object, e.g. a network's per-request trace) that the host hands to
whatever performs that request's operations.

Every call into a core goes through the host's :attr:`Host.calls` (see :mod:`.calls`): inline
for the virtual clock, on execution threads for a real-time host, so the logic here is the same
whether a call's steps come back at once or later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from edgert._core import CoreWorker, Operation, Response, Step
from edgert.host.calls import CoreCalls, InlineCalls, Then, watchdog_response

TaskKey = tuple[int, int]
#: ``performer(host, worker, op)`` performs a binding operation it knows and returns True.
BindingPerformer = Callable[["Host", CoreWorker, Operation], bool]
#: ``observer(host, worker)`` is called after each batch of a worker's steps is applied.
StepObserver = Callable[["Host", CoreWorker], None]


def task_key(worker: CoreWorker, task: int) -> TaskKey:
    """The key of one request in flight on a host: its core and its task id."""
    return (id(worker), task)


@dataclass(slots=True)
class TaskRecord:
    """One request in flight on a host: its response once known, and whether it is done."""

    task: int
    on_response: Callable[[Response], None]
    response: Response | None = None
    done: bool = False
    on_done: Callable[[TaskRecord], None] | None = None
    wait_until_errors: list[str] = field(default_factory=list)
    context: Any = None
    #: The host asked to abort it before its first turn came back (threaded hosts).
    abort_requested: bool = False


class Host:
    """Routes steps to task records and hands new operations to :meth:`perform`.

    Subclasses implement :meth:`perform` (do the operation, then call ``complete_*`` on the
    worker) and :meth:`now` (the host clock, seconds since the epoch).
    """

    def __init__(self) -> None:
        self.tasks: dict[TaskKey, TaskRecord] = {}
        self.background_errors: list[str] = []
        #: Performers of binding operations (Durable Objects, ...), asked in order.
        self.binding_performers: list[BindingPerformer] = []
        #: Called after the steps of a worker are applied (e.g. to persist object storage).
        self.step_observers: list[StepObserver] = []
        #: Performers of other kinds of operations, by ``op.kind`` (e.g. ``"kv"``):
        #: ``service(worker, op, context)`` performs it and later completes it on the worker.
        self.services: dict[str, Callable[[CoreWorker, Operation, Any], None]] = {}
        #: How this host calls into cores (inline here; real-time hosts use threads).
        self.calls: CoreCalls = InlineCalls(self.now)
        self.services["websocket"] = self._websocket

    def _websocket(self, worker: CoreWorker, op: Operation, context: Any) -> None:
        """A worker's send, close or accept on a WebSocket (see :mod:`edgert.websocket`)."""
        from edgert.websocket.hub import hub_of

        hub_of(self).perform(worker, op, context)

    def now(self) -> float:
        raise NotImplementedError

    # -- calls into a core (through :attr:`calls`), their steps applied by :meth:`handle` ------

    def applier(self, worker: CoreWorker) -> Then:
        """``then`` for a call whose steps only need :meth:`handle`."""

        def then(steps: list[Step], condemned: bool) -> None:
            self.handle(worker, steps)

        return then

    def complete_fetch(self, worker: CoreWorker, op: int, response: Response) -> None:
        self.calls.complete_fetch(worker, op, response, self.applier(worker))

    def complete_timer(self, worker: CoreWorker, op: int) -> None:
        self.calls.complete_timer(worker, op, self.applier(worker))

    def complete_value(
        self, worker: CoreWorker, op: int, json: str, data: bytes | None = None
    ) -> None:
        self.calls.complete_value(worker, op, json, self.applier(worker), data)

    def complete_error(self, worker: CoreWorker, op: int, name: str, message: str) -> None:
        self.calls.complete_error(worker, op, name, message, self.applier(worker))

    def abort(self, worker: CoreWorker, record: TaskRecord) -> None:
        """Ends ``record``'s request if it has not responded (its wall limit passed)."""
        if record.response is not None and record.done:
            return
        if record.task < 0:  # its first turn has not come back yet
            record.abort_requested = True
            return
        self.calls.abort(worker, record.task, self.applier(worker))

    def perform(self, worker: CoreWorker, op: Operation) -> None:
        raise NotImplementedError

    def perform_binding(self, worker: CoreWorker, op: Operation) -> bool:
        """Hands a binding operation to the first performer that takes it."""
        return any(performer(self, worker, op) for performer in self.binding_performers)

    def context_of(self, worker: CoreWorker, op: Operation) -> Any:
        """The context of the request an operation belongs to (``None`` if it has none)."""
        record = self.tasks.get((id(worker), op.task))
        return record.context if record is not None else None

    def handle(self, worker: CoreWorker, steps: Iterable[Step]) -> None:
        """Applies steps: delivers responses, finishes tasks, performs new operations."""
        wid = id(worker)
        tasks = self.tasks
        for step in steps:
            key = (wid, step.task)
            record = tasks.get(key)
            response = step.response
            if response is not None and record is not None and record.response is None:
                record.response = response
                record.on_response(response)
            # Operations first: they belong to the task even when this step also finishes it.
            ops = step.ops
            if ops:
                for op in ops:
                    self.perform(worker, op)
            if step.done and record is not None:
                record.done = True
                stats = step.stats
                if stats is not None:
                    errors = stats.wait_until_errors  # a new list at each read
                    record.wait_until_errors = errors
                    if errors:
                        self.background_errors.extend(errors)
                tasks.pop(key, None)
                if record.on_done is not None:
                    record.on_done(record)
        for observer in self.step_observers:
            observer(self, worker)

    def start(
        self,
        worker: CoreWorker,
        request: Any,
        on_response: Callable[[Response], None],
        *,
        context: Any = None,
        on_waiting: Callable[[CoreWorker], None] | None = None,
    ) -> TaskRecord:
        """Begins a request; `on_response` is called once its response is known (at once, or
        later when calls run on threads). ``on_waiting(worker)`` is called if the first turn
        ends without a response (the request now holds its isolate while it waits)."""
        record = TaskRecord(task=-1, on_response=on_response, context=context)
        self.calls.begin(worker, request, self._begun(worker, record, on_waiting))
        return record

    def start_event(
        self,
        worker: CoreWorker,
        kind: str,
        payload: str,
        on_response: Callable[[Response], None],
        *,
        context: Any = None,
    ) -> TaskRecord:
        """:meth:`start` for a non-HTTP event (``kind`` "scheduled", ``payload`` its JSON)."""
        record = TaskRecord(task=-1, on_response=on_response, context=context)
        self.calls.begin_event(worker, kind, payload, self._begun(worker, record))
        return record

    def _begun(
        self,
        worker: CoreWorker,
        record: TaskRecord,
        on_waiting: Callable[[CoreWorker], None] | None = None,
    ) -> Then:
        def then(steps: list[Step], condemned: bool) -> None:
            if condemned:  # the watchdog answered this request's first turn
                if record.response is None:
                    record.response = watchdog_response(self.calls.wall_ms(worker) / 1000.0)
                    record.done = True
                    record.on_response(record.response)
                self.handle(worker, steps)
                return
            record.task = steps[0].task if steps else -1
            self.tasks[(id(worker), record.task)] = record
            self.handle(worker, steps)
            if record.abort_requested and not record.done:
                self.calls.abort(worker, record.task, self.applier(worker))
            elif on_waiting is not None and record.response is None:
                on_waiting(worker)

        return then

    def started(
        self,
        worker: CoreWorker,
        steps: list[Step],
        on_response: Callable[[Response], None],
        *,
        context: Any = None,
    ) -> TaskRecord:
        """:meth:`start` for a request the caller began itself (``steps``: what
        ``worker.begin`` returned)."""
        task = steps[0].task if steps else -1
        record = TaskRecord(task=task, on_response=on_response, context=context)
        self.tasks[(id(worker), task)] = record
        self.handle(worker, steps)
        return record
