"""The virtual-time driver of the request pipeline (:mod:`edgert.pipeline`): events on the
simulator's clock.

Theory of operation
-------------------
A pipeline generator is stepped until it yields something that takes time:

- a number ``s``: the generator sleeps on an event of the host's queue at ``now + s`` (an
  event with no handle: nothing cancels it), whose callback steps it again;
- an awaitable: under :meth:`VirtualTimeHost.run` it is driven in place; under
  ``run_async`` the running event hands the host a coroutine that awaits it and steps on
  (:meth:`VirtualTimeHost.defer`); virtual time stands still meanwhile;
- :class:`~edgert.pipeline.RunWorker`: the core begins the request now. A core that answers
  and finishes in one step (most requests) sends the response straight back, without a task
  record that nothing would look up; otherwise the host drives the task (its operations become
  events) and the response is sent back from the host's ``on_response``, and an event at the
  wall-clock limit aborts the task unless it responded first;
- :class:`~edgert.pipeline.Background`: stepped from an event of its own now; the pipeline goes
  on.

Nothing here draws a random number: the order of events, and so of the draws the pipeline
makes, is the order of the host's queue, (time, insertion).
"""

from __future__ import annotations

from collections.abc import Awaitable, Generator
from typing import Any

from edgert._core import CoreWorker, Response
from edgert.errors import ConfigError
from edgert.flight import Flight
from edgert.host.virtual import VirtualTimeHost, run_awaitable
from edgert.pipeline import Background, RunWorker

__all__ = ["VirtualDriver"]

Steps = Generator[Any, Any, Any]


class VirtualDriver:
    """Drives pipeline generators on a :class:`VirtualTimeHost`."""

    def __init__(self, host: VirtualTimeHost, wall_timeout_s: float) -> None:
        self.host = host
        self.wall_timeout_s = wall_timeout_s

    def start(self, steps: Steps) -> None:
        """Steps a pipeline generator from now on (its result is its own business)."""
        self._step(steps, None, None)

    def _wake(self, steps: Steps) -> None:
        """The event that ends a wait."""
        self._step(steps, None, None)

    def _step(self, steps: Steps, value: Any, error: BaseException | None) -> None:
        host = self.host
        while True:
            try:
                item = steps.send(value) if error is None else steps.throw(error)
            except StopIteration:
                return
            value = error = None
            if type(item) is float or isinstance(item, int | float):
                host.loop.at(host.now() + item, self._wake, steps)
                return
            if type(item) is RunWorker:
                self._run_worker(steps, item.core, item.flight)
                return
            if type(item) is Background:
                host.loop.at(host.now(), self._wake, item.steps)
                continue
            if host.running_async:
                host.defer(self._resume(steps, item))
                return
            try:
                value = run_awaitable(item)
            except ConfigError:
                raise  # the embedding's mistake (real I/O in virtual time), not the request's
            except Exception as exc:
                error = exc

    async def _resume(self, steps: Steps, awaitable: Awaitable[Any]) -> None:
        try:
            value, error = await awaitable, None
        except Exception as exc:
            value, error = None, exc
        self._step(steps, value, error)

    def _run_worker(self, steps: Steps, core: CoreWorker, flight: Flight) -> None:
        host = self.host
        now = host.now()
        result = core.begin(flight.request, now)
        if len(result) == 1:
            step = result[0]
            response = step.response
            if response is not None and step.done and not step.ops:
                # Answered and done in one step: what Host.started and Host.handle do with it.
                self._step(steps, response, None)
                stats = step.stats
                if stats is not None:
                    errors = stats.wait_until_errors
                    if errors:
                        host.background_errors.extend(errors)
                for observer in host.step_observers:
                    observer(host, core)
                return

        def answered(response: Response) -> None:
            if flight.timeout is not None:
                flight.timeout.cancel()
            self._step(steps, response, None)

        record = host.started(core, result, answered, context=flight)
        if record.response is None:
            task = record.task
            flight.timeout = host.at(
                host.now() + self.wall_timeout_s,
                lambda: host.handle(core, core.abort(task, host.now())),
            )
