"""Discrete-event loops in virtual time: :class:`EventLoop` is the core's (``edgert._core``, a
binary heap in Rust calling Python callbacks); :class:`PyEventLoop` is the same API in pure
Python (``heapq`` of ``[time, sequence, callback, argument]``), the reference it is tested
against. ``benches/bench_sim.py`` compares both with SimPy and with
:class:`edgert.host.VirtualTimeHost` on the same workload. Ties in time run in scheduling order (the sequence number), so runs are
deterministic. Cancellation is lazy: a cancelled event stays in the heap with its callback
cleared and is skipped when it comes up. Nothing here reads a clock or sleeps.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

from edgert._core import EventLoop

__all__ = ["EventLoop", "PyEventLoop"]

Callback = Callable[[Any], None]


class PyEventLoop:
    """Schedules ``callback(argument)`` at virtual times; :meth:`run` runs them in order."""

    __slots__ = ("_heap", "_seq", "events", "now")

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._heap: list[list[Any]] = []
        self._seq = 0
        #: Events run so far.
        self.events = 0

    def at(self, when: float, callback: Callback, argument: Any = None) -> list[Any]:
        """Schedules ``callback(argument)`` at ``when`` (never before now); returns a handle
        for :meth:`cancel`."""
        self._seq += 1
        entry = [when if when > self.now else self.now, self._seq, callback, argument]
        heapq.heappush(self._heap, entry)
        return entry

    def after(self, delay: float, callback: Callback, argument: Any = None) -> list[Any]:
        """Schedules ``callback(argument)`` ``delay`` seconds from now."""
        return self.at(self.now + delay, callback, argument)

    def cancel(self, handle: list[Any]) -> bool:
        """Cancels a scheduled event; returns whether it was still pending."""
        pending = handle[2] is not None
        handle[2] = None
        return pending

    def __len__(self) -> int:
        return len(self._heap)

    def run(self, until: float | None = None, max_events: int | None = None) -> int:
        """Runs events in time order until none is left, the next is after ``until``, or
        ``max_events`` ran; returns how many ran."""
        heap = self._heap
        pop = heapq.heappop
        ran = 0
        limit = -1 if max_events is None else max_events
        while heap and ran != limit:
            entry = heap[0]
            if until is not None and entry[0] > until:
                self.now = until
                break
            pop(heap)
            callback = entry[2]
            if callback is None:
                continue
            entry[2] = None
            self.now = entry[0]
            callback(entry[3])
            ran += 1
        self.events += ran
        return ran
