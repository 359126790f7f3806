"""Events on a :class:`~edgert.network.Network` that are not HTTP requests: a worker's
``scheduled`` (cron) event at a PoP, in virtual and in real time, and cron triggers on the
simulator's clock (:meth:`Network.start_crons <edgert.network.Network.start_crons>`; the real-time
drivers are in :mod:`edgert.cron_triggers`).

An event is a task of the PoP's core like a request's (``CoreWorker.begin_event``): its
operations go through the same host, so its subrequests reach the origin and the Internet
through the pipeline, and its KV and Durable Object calls those of its PoP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from edgert._core import Response
from edgert.cron_triggers import CronFiring, CronTriggers
from edgert.errors import ConfigError
from edgert.host.base import TaskRecord
from edgert.scheduled import ScheduledResult, event_payload

if TYPE_CHECKING:
    from edgert.network import Network

__all__ = ["begin_scheduled", "scheduled", "scheduled_async", "start_crons"]


def scheduled(
    net: Network, worker: str, cron: str, pop: str | None, scheduled_time: float | None
) -> ScheduledResult:
    """See :meth:`Network.scheduled <edgert.network.Network.scheduled>`."""
    host = net._virtual
    if host is None:
        raise ConfigError("scheduled() runs in virtual time; use scheduled_async in real time")
    answers: list[ScheduledResult] = []
    begin_scheduled(net, worker, cron, pop, scheduled_time, answers.append)
    host.run()
    if not answers:
        raise ConfigError("the scheduled event never finished")
    return answers[0]


def begin_scheduled(
    net: Network,
    worker: str,
    cron: str,
    pop: str | None,
    scheduled_time: float | None,
    on_done: Callable[[ScheduledResult], None],
) -> None:
    """Virtual time: begins a ``scheduled`` event; ``on_done`` gets its result later."""
    host = net._virtual
    assert host is not None
    core, _ = net._core(net._pop(pop) if pop else net.pops[0], worker)
    when = host.now() if scheduled_time is None else scheduled_time
    steps = core.begin_event("scheduled", event_payload(cron, when), host.now())
    task = steps[0].task if steps else -1

    def answered(response: Response) -> None:
        on_done(ScheduledResult.from_response(response))

    host.tasks[(id(core), task)] = TaskRecord(task=task, on_response=answered)
    host.handle(core, steps)


async def scheduled_async(
    net: Network, worker: str, cron: str, pop: str | None, scheduled_time: float | None
) -> ScheduledResult:
    """See :meth:`Network.scheduled_async <edgert.network.Network.scheduled_async>`."""
    if net._virtual is not None:
        raise ConfigError("scheduled_async() runs in real time; use scheduled() in virtual time")
    host = net._realtime.host()
    core, _ = net._core(net._pop(pop) if pop else net.pops[0], worker)
    future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()

    def answered(response: Response) -> None:
        if not future.done():
            future.set_result(response)

    payload = event_payload(cron, scheduled_time)
    record = host.start_event(core, "scheduled", payload, answered)
    try:
        response = await asyncio.wait_for(asyncio.shield(future), net.wall_timeout_s)
    except TimeoutError:
        host.abort(core, record)
        response = await future
    return ScheduledResult.from_response(response)


def start_crons(
    net: Network,
    worker: str,
    crons: Iterable[str],
    until: float,
    pop: str | None,
    on_result: Callable[[CronFiring, ScheduledResult], None] | None,
) -> list[tuple[CronFiring, ScheduledResult]]:
    """See :meth:`Network.start_crons <edgert.network.Network.start_crons>`: each due time
    is an event on the virtual clock, which fires the triggers due then and puts the next."""
    host = net._virtual
    if host is None:
        raise ConfigError("start_crons() runs in virtual time (edgert dev and serve fire crons)")
    if worker not in net.workers:
        raise ConfigError(f"unknown worker {worker!r}")
    triggers = CronTriggers(worker, crons, host.now())
    results: list[tuple[CronFiring, ScheduledResult]] = []

    def wake() -> None:
        for firing in triggers.due(host.now()):

            def done(result: ScheduledResult, firing: CronFiring = firing) -> None:
                results.append((firing, result))
                if on_result is not None:
                    on_result(firing, result)

            begin_scheduled(net, worker, firing.cron, pop, firing.scheduled_time, done)
        upcoming = triggers.next_due()
        if upcoming is not None and upcoming <= until:
            host.at(upcoming, wake)

    first = triggers.next_due()
    if first is not None and first <= until:
        host.at(first, wake)
    return results
