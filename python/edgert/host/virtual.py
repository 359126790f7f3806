"""A deterministic host in virtual time: operations complete at now + modelled latency.

Nothing sleeps: an event heap orders completions; time jumps to the next event. Tests use it
as their harness, and the simulator builds on it.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import Any

from edgert._core import CoreWorker, Operation, Request, Response
from edgert.host.base import Host

FetchHandler = Callable[[Request], "Response | tuple[Response, float]"]


def _default_fetch(request: Request) -> Response:
    return Response(b"", status=502, headers={"x-edgert": "no origin in this virtual host"})


class VirtualTimeHost(Host):
    """Runs requests against a worker in virtual time.

    ``fetch_handler(request)`` answers outbound fetches with a :class:`Response`, or a
    ``(response, latency_s)`` pair; ``fetch_latency_s`` is used when it gives none. A request
    that has not responded ``wall_timeout_s`` after it began is aborted, as a real host would.
    """

    def __init__(
        self,
        *,
        start: float = 1_700_000_000.0,
        fetch_handler: FetchHandler | None = None,
        fetch_latency_s: float = 0.05,
        wall_timeout_s: float = 30.0,
    ) -> None:
        super().__init__()
        self._now = start
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self.fetch_handler: FetchHandler = fetch_handler or _default_fetch
        self.fetch_latency_s = fetch_latency_s
        self.wall_timeout_s = wall_timeout_s
        self.fetched: list[Request] = []

    def now(self) -> float:
        return self._now

    def at(self, when: float, action: Callable[[], None]) -> None:
        """Schedules `action` at virtual time `when` (never in the past)."""
        heapq.heappush(self._heap, (max(when, self._now), next(self._seq), action))

    def perform(self, worker: CoreWorker, op: Operation) -> None:
        if op.kind == "fetch":
            assert op.request is not None
            self.fetched.append(op.request)
            answer: Any = self.fetch_handler(op.request)
            response, latency = (
                answer if isinstance(answer, tuple) else (answer, self.fetch_latency_s)
            )
            self.at(
                self._now + latency,
                lambda: self.handle(worker, worker.complete_fetch(op.id, response, self._now)),
            )
        elif op.kind == "timer":
            assert op.at is not None
            self.at(op.at, lambda: self.handle(worker, worker.complete_timer(op.id, self._now)))
        else:
            name = f"{op.binding}.{op.method}"
            self.at(
                self._now,
                lambda: self.handle(
                    worker,
                    worker.complete_error(
                        op.id, "Error", f"no binding {name} on this host", self._now
                    ),
                ),
            )

    def submit(self, worker: CoreWorker, request: Request) -> dict[str, Any]:
        """Begins a request now; returns a slot whose "response" fills in as time runs."""
        slot: dict[str, Any] = {"response": None, "began": self._now, "responded": None}

        def on_response(response: Response) -> None:
            slot["response"] = response
            slot["responded"] = self._now

        record = self.start(worker, request, on_response)
        if record.response is None:
            task = record.task
            self.at(
                self._now + self.wall_timeout_s,
                lambda: self.handle(worker, worker.abort(task, self._now)),
            )
        return slot

    def run(self, until: float | None = None) -> None:
        """Processes events in time order until none is left (or `until` is reached)."""
        while self._heap:
            when, _, action = self._heap[0]
            if until is not None and when > until:
                self._now = until
                return
            heapq.heappop(self._heap)
            self._now = when
            action()

    def fetch(self, worker: CoreWorker, request: Request) -> Response:
        """Runs one request to completion (background work included) and returns its response."""
        slot = self.submit(worker, request)
        self.run()
        response = slot["response"]
        assert response is not None, "the core always answers once every event has run"
        stats = response.stats
        if stats is not None:
            stats.wall_ms = (slot["responded"] - slot["began"]) * 1000.0
        return response  # type: ignore[no-any-return]
