"""Cron triggers on a clock: a worker's ``[triggers] crons`` fire its ``scheduled()`` handler.

Theory of operation
-------------------
A :class:`CronTriggers` holds, for each cron expression of a worker, the next time it is due
(:class:`~edgert.cron.CronSchedule`, UTC). :meth:`CronTriggers.due` takes the clock's ``now``
and returns the triggers that came due, each once with its ``scheduledTime`` (the schedule's
time, not ``now``), then moves each to its next time after ``now``: a clock that jumped past
several times of one trigger (a suspended laptop) fires it once, for the latest, as Workers
does not make up missed runs. Nothing here reads a clock or sleeps; the drivers do:

- real time (``edgert dev``, ``edgert serve``): :meth:`CronTriggers.run` loops on the event
  loop: fire what is due through ``fire`` (:meth:`edgert.Network.scheduled_async`), hand each
  result to ``on_result``, sleep until the next time. ``clock`` and ``sleep`` are injected, so
  tests drive time without sleeping;
- virtual time: :meth:`edgert.Network.start_crons` puts each due time on the simulator's clock
  as an event (the same :meth:`due`), so the events interleave with the traffic.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from edgert.cron import CronSchedule
from edgert.scheduled import ScheduledResult

__all__ = ["CronFiring", "CronTriggers"]


@dataclass(frozen=True, slots=True)
class CronFiring:
    """One cron trigger that came due: ``cron`` as written, ``scheduled_time`` in seconds."""

    worker: str
    cron: str
    scheduled_time: float


class CronTriggers:
    """The cron triggers of ``worker`` (expressions as Workers accepts them), from ``now``."""

    def __init__(self, worker: str, crons: Iterable[str], now: float) -> None:
        self.worker = worker
        self.schedules = [CronSchedule(c) for c in crons]
        #: The next due time of each schedule (seconds since the epoch).
        self.next_at = [s.next_after(now) for s in self.schedules]

    def __bool__(self) -> bool:
        return bool(self.schedules)

    def next_due(self) -> float | None:
        """When the next trigger is due (None: no triggers)."""
        return min(self.next_at) if self.next_at else None

    def due(self, now: float) -> list[CronFiring]:
        """The triggers due at ``now`` (each once), in schedule order; each moves on."""
        out = []
        for i, schedule in enumerate(self.schedules):
            at = self.next_at[i]
            if at > now:
                continue
            latest = at
            following = schedule.next_after(at)
            while following <= now:  # missed runs are not made up: fire the latest once
                latest, following = following, schedule.next_after(following)
            out.append(CronFiring(self.worker, schedule.expression, latest))
            self.next_at[i] = following
        return out

    async def run(
        self,
        fire: Callable[[CronFiring], Awaitable[ScheduledResult]],
        on_result: Callable[[CronFiring, ScheduledResult | BaseException], None],
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """Real time: fires the triggers as they come due until cancelled. Each event runs on
        its own (a slow handler does not hold back the next trigger); its result, or the
        exception that kept it from running, goes to ``on_result``."""
        running: set[asyncio.Task[None]] = set()

        async def one(firing: CronFiring) -> None:
            try:
                result: ScheduledResult | BaseException = await fire(firing)
            except Exception as exc:  # the host failed to run it: reported, never fatal
                result = exc
            on_result(firing, result)

        try:
            while True:
                for firing in self.due(clock()):
                    task = asyncio.ensure_future(one(firing))
                    running.add(task)
                    task.add_done_callback(running.discard)
                upcoming = self.next_due()
                if upcoming is None:
                    return
                await sleep(max(0.0, upcoming - clock()))
        finally:
            for task in running:
                task.cancel()
