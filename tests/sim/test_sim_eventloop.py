"""The event loops: the core's (Rust) and the pure-Python reference run the same schedule the
same way (time order, ties in scheduling order, cancellation, ``until``)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from edgert.errors import ConfigError
from edgert.sim.eventloop import EventLoop, PyEventLoop


@pytest.mark.parametrize("cls", [EventLoop, PyEventLoop])
def test_order_ties_cancel_until(cls: Any) -> None:
    loop = cls(start=10.0)
    seen: list[tuple[float, str]] = []

    def log(tag: str) -> None:
        seen.append((loop.now, tag))

    loop.at(12.0, log, "c")
    loop.at(11.0, log, "a")
    loop.at(11.0, log, "b")
    gone = loop.at(11.5, log, "cancelled")
    loop.at(5.0, log, "past")  # runs now, first
    assert loop.cancel(gone) is True
    assert loop.run(until=11.7) == 3
    assert seen == [(10.0, "past"), (11.0, "a"), (11.0, "b")]
    assert loop.now == 11.7
    loop.after(1.0, log, "d")  # at 12.7, after "c"
    assert loop.run() == 2
    assert seen[-2:] == [(12.0, "c"), (12.7, "d")]
    assert loop.cancel(gone) is False
    assert loop.events == 5


def test_same_random_schedule_same_trace() -> None:
    traces = []
    for cls in (EventLoop, PyEventLoop):
        loop: Any = cls()
        rng = random.Random(3)
        trace: list[tuple[float, int]] = []

        def tick(
            i: int, loop: Any = loop, rng: random.Random = rng, trace: list[Any] = trace
        ) -> None:
            trace.append((loop.now, i))
            if len(trace) < 2000:
                loop.at(loop.now + round(rng.random(), 2), tick, i)

        for i in range(50):
            loop.at(round(rng.random(), 2), tick, i)
        loop.run(max_events=5000)
        traces.append(trace)
    assert traces[0] == traces[1]
    assert len(traces[0]) >= 2000


def test_errors() -> None:
    loop = EventLoop()
    with pytest.raises(ConfigError):
        loop.at(float("nan"), print)

    def boom(_: object) -> None:
        raise RuntimeError("boom")

    loop.at(1.0, boom)
    loop.at(2.0, print)
    with pytest.raises(RuntimeError, match="boom"):
        loop.run()
    assert len(loop) == 1 and loop.events == 1
