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

A request to a worker (the simulator's common case) runs without a generator
(:meth:`VirtualDriver.request`): the same steps of the pipeline (:meth:`Pipeline.set_off`,
:meth:`Pipeline.core_for`, :meth:`Pipeline.respond`, :meth:`Pipeline.deliver`) in the same
order, called from two events (the arrival at the PoP, the last byte at the client) instead of
resuming a generator three times; the events are the generator's own, at the same times and
scheduled in the same order, so the results are the same.

Nothing here draws a random number: the order of events, and so of the draws the pipeline
makes, is the order of the host's queue, (time, insertion).
"""

from __future__ import annotations

from collections.abc import Awaitable, Generator
from typing import Any

from edgert._core import CoreWorker, Response, Step
from edgert.errors import ConfigError
from edgert.flight import Flight
from edgert.host.virtual import VirtualTimeHost, run_awaitable
from edgert.pipeline import Background, Pipeline, RunWorker
from edgert.websocket.hub import hub_of

__all__ = ["VirtualDriver"]

Steps = Generator[Any, Any, Any]


class VirtualDriver:
    """Drives pipeline generators on a :class:`VirtualTimeHost`."""

    def __init__(
        self, host: VirtualTimeHost, wall_timeout_s: float, pipeline: Pipeline | None = None
    ) -> None:
        self.host = host
        self.wall_timeout_s = wall_timeout_s
        self.pipeline = pipeline
        self._after = host.loop.after  # (delay, callback, argument): an event at now + delay
        self._wake = self._step  # the callback of the event that ends a wait
        # The callbacks of a request's two events, bound once (not once per request).
        self._at_pop_event = self._at_pop
        self._deliver_event = self._deliver
        #: Steps a pipeline generator from now on (its result is its own business).
        self.start = self._step

    # -- a request to a worker, without a generator ------------------------------------------

    def request(self, flight: Flight) -> None:
        """Starts ``flight``'s request now: :meth:`Pipeline.request`, its steps called from
        events (a request no worker handles goes through the generator)."""
        pipeline = self.pipeline
        assert pipeline is not None
        if flight.worker is None:
            self._step(pipeline.request(flight))
            return
        self._after(pipeline.set_off(flight), self._at_pop_event, flight)

    def _at_pop(self, flight: Flight) -> None:
        """The request reached the PoP: its worker runs (:meth:`_run_worker`), and a response
        given at once leaves (:meth:`_answered`), both spelled out."""
        pipeline = self.pipeline
        assert pipeline is not None
        now = flight.arrived = self.host.loop.now
        core = pipeline.core_for(flight)
        result = core.begin_inline(flight.request, now)  # the GIL kept: see _run_worker
        response = self._at_once(core, result)
        if response is None:
            self._wait_worker(None, core, flight, result)
            return
        if flight.deployment is not None:
            pipeline.observe(flight, response)
        flight.response = response
        self._after(pipeline.respond(flight, response, 0.0), self._deliver_event, flight)

    def _answered(self, flight: Flight, response: Response) -> None:
        """The worker answered: the response leaves the PoP."""
        pipeline = self.pipeline
        assert pipeline is not None
        if flight.deployment is not None:
            pipeline.observe(flight, response)
        flight.response = response
        self._after(pipeline.respond(flight, response, 0.0), self._deliver_event, flight)

    def _deliver(self, flight: Flight) -> None:
        """The response's last byte reached the client."""
        pipeline = self.pipeline
        assert pipeline is not None
        response = flight.response
        assert response is not None  # set by _answered
        flight.response = None
        pipeline.deliver(flight, response, 0.0)

    # -- pipeline generators ------------------------------------------------------------------

    def _step(self, steps: Steps, value: Any = None, error: BaseException | None = None) -> None:
        """Steps ``steps`` until it waits (also the callback of the event that ends a wait)."""
        while True:
            try:
                item = steps.send(value) if error is None else steps.throw(error)
            except StopIteration:
                return
            value = error = None
            kind = type(item)
            if kind is float or kind is int:
                self._after(item, self._wake, steps)  # at now + item, as Python adds them
                return
            if kind is RunWorker:
                value = self._run_worker(steps, item.core, item.flight)
                if value is None:
                    return  # the host's on_response steps it on
                continue
            if kind is Background:
                self._after(0.0, self._wake, item.steps)
                continue
            host = self.host
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

    def _run_worker(self, steps: Steps | None, core: CoreWorker, flight: Flight) -> Response | None:
        """Begins the request on ``core``; returns its response when the core answered and
        finished at once, else None (the host's ``on_response`` steps ``steps`` on, or, with no
        generator, :meth:`_answered` goes on)."""
        # The GIL is kept while the request runs: this driver is single-threaded, and a
        # release per request would only hand it to whatever thread wants it (a cluster
        # worker's event loop) and back.
        result = core.begin_inline(flight.request, self.host.loop.now)
        response = self._at_once(core, result)
        if response is None:
            self._wait_worker(steps, core, flight, result)
        return response

    def _at_once(self, core: CoreWorker, result: list[Step]) -> Response | None:
        """The response of a core that answered and finished in one step (most requests),
        after what :meth:`Host.started <edgert.host.base.Host.started>` and ``Host.handle`` do
        with such a step, without a task record that nothing would look up; else None."""
        if len(result) != 1:
            return None
        step = result[0]
        response = step.response
        if response is None or not step.done or step.ops:
            return None
        host = self.host
        stats = step.stats
        if stats is not None:
            errors = stats.wait_until_errors
            if errors:
                host.background_errors.extend(errors)
        observers = host.step_observers
        if observers:
            for observer in observers:
                observer(host, core)
        if response.status == 101:  # a WebSocket: named by a handle of the host's
            response = hub_of(host).claim(core, response)
        return response

    def _wait_worker(
        self, steps: Steps | None, core: CoreWorker, flight: Flight, result: list[Step]
    ) -> None:
        """The core did not answer and finish at once: the host drives the task from
        ``result`` (its first steps), and its ``on_response`` goes on (``steps``, or
        :meth:`_answered`); an event at the wall-clock limit aborts the task unless it
        responded first."""
        host = self.host

        def answered(response: Response) -> None:
            if flight.timeout is not None:
                flight.timeout.cancel()
            if response.status == 101:
                response = hub_of(host).claim(core, response)
            if steps is None:
                self._answered(flight, response)
            else:
                self._step(steps, response)

        record = host.started(core, result, answered, context=flight)
        if record.response is None:
            task = record.task
            flight.timeout = host.at(
                host.now() + self.wall_timeout_s,
                lambda: host.handle(core, core.abort(task, host.now())),
            )
