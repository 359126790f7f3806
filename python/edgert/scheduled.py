"""Cron triggers: the payload of a ``scheduled`` event and what a worker's run of one produced.

A worker's ``scheduled(controller, env, ctx)`` handler (or a service-worker ``scheduled``
listener) runs through :meth:`edgert.Worker.scheduled`; as on Workers, the event's outcome
waits for the handler and every ``ctx.waitUntil`` promise.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from edgert._core import Response, Stats


def event_payload(cron: str, scheduled_time: float | None) -> str:
    """The JSON payload of a ``scheduled`` event: ``cron`` and ``scheduledTime`` (ms since the
    epoch; ``scheduled_time`` is seconds, like every host time, and defaults to now)."""
    if not isinstance(cron, str):
        raise TypeError(f"cron must be a string, got {type(cron).__name__}")
    when = time.time() if scheduled_time is None else float(scheduled_time)
    return json.dumps({"cron": cron, "scheduledTime": int(when * 1000)})


@dataclass(frozen=True, slots=True)
class ScheduledResult:
    """What one ``scheduled`` event produced.

    ``outcome`` is ``"ok"`` or the reason it failed (``"exception"``, ``"exceededCpu"``, ...), as
    in Workers' tail events; ``no_retry`` is whether the handler called ``controller.noRetry()``;
    ``stats`` holds the CPU time, console lines (``stats.logs``) and the error, if any.
    """

    outcome: str
    no_retry: bool
    error: str | None
    stats: Stats | None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @classmethod
    def from_response(cls, response: Response) -> ScheduledResult:
        stats = response.stats
        outcome = stats.outcome if stats is not None else ("ok" if response.ok else "exception")
        return cls(
            outcome=outcome,
            no_retry=response.headers.get("x-edgert-no-retry") == "1",
            error=stats.error if stats is not None else None,
            stats=stats,
        )
