"""What every host shares: routing the core's steps to the requests that wait for them.

One host may drive several cores (a network runs one core per worker per PoP): task ids are
unique per core only, so requests in flight are keyed by ``(id(core), task)``. A request may
carry a ``context`` (any object, e.g. a network's per-request trace) that the host hands to
whatever performs that request's operations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from edgert._core import CoreWorker, Operation, Response, Step

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

    def now(self) -> float:
        raise NotImplementedError

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
    ) -> TaskRecord:
        """Begins a request; `on_response` is called once its response is known."""
        return self.started(worker, worker.begin(request, self.now()), on_response, context=context)

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
