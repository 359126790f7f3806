"""Runs one WPT test file in a fresh isolate, in virtual time, and reads its subtests' results.

Theory of operation: the file's script (``script.build``) is loaded into a new
:class:`edgert._core.CoreWorker` and one request is begun at virtual time 0. The driver then
performs the request's operations until the worker responds: timers fire in order of their
due time (the clock jumps to it, so ``step_timeout(f, 1000)`` costs nothing), and an outbound
``fetch`` of the test host (``web-platform.test``) gets the suite's static file at that path
(with the headers of its ``.headers`` file, as wptserve serves it); anything else, and every
``.py`` handler, fails as a network error (no wptserve; no test ever reaches the network). The response is the JSON the harness's completion callback wrote.
Limits: the request's CPU time (``cpu_ms``, enforced by the core), the wall time between
turns (``wall_s``, checked here; one turn is bounded by the CPU limit) and the number of turns.
"""

from __future__ import annotations

import heapq
import json
import mimetypes
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from edgert._core import CoreWorker, Request, Response, Step
from edgert.errors import EdgertError
from edgert.wpt import script
from edgert.wpt.suite import TestFile

#: testharness.js status codes.
STATUS = {0: "PASS", 1: "FAIL", 2: "TIMEOUT", 3: "NOTRUN", 4: "PRECONDITION_FAILED"}
HARNESS_STATUS = {0: "OK", 1: "ERROR", 2: "TIMEOUT", 3: "PRECONDITION_FAILED"}
MAX_TURNS = 200_000


@dataclass(frozen=True)
class Limits:
    # A healthy file takes well under a second of CPU (the slowest without `timeout=long`, ~0.6 s); the
    # limits only bound files that spin.
    cpu_ms: float = 2_000.0
    long_cpu_ms: float = 10_000.0
    wall_s: float = 60.0
    memory_mb: float = 256.0


@dataclass(frozen=True)
class SubtestResult:
    name: str
    status: str
    message: str | None

    @property
    def passed(self) -> bool:
        return self.status == "PASS"


@dataclass
class FileResult:
    """A file's outcome: its subtests, and the harness's status (``OK``, or what went wrong:
    ``ERROR: ...`` for an uncaught error, ``TIMEOUT``, ``CRASH: ...`` when no results came)."""

    rel: str
    directory: str
    harness: str
    subtests: list[SubtestResult] = field(default_factory=list)
    cpu_ms: float = 0.0
    wall_s: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "rel": self.rel,
            "directory": self.directory,
            "harness": self.harness,
            "cpu_ms": round(self.cpu_ms, 1),
            "wall_s": round(self.wall_s, 3),
            "subtests": [[s.name, s.status, s.message] for s in self.subtests],
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> FileResult:
        subs = data["subtests"]
        assert isinstance(subs, list)
        return cls(
            rel=str(data["rel"]),
            directory=str(data["directory"]),
            harness=str(data["harness"]),
            subtests=[
                SubtestResult(str(n), str(s), None if m is None else str(m)) for n, s, m in subs
            ],
            cpu_ms=float(data.get("cpu_ms", 0.0)),  # type: ignore[arg-type]
            wall_s=float(data.get("wall_s", 0.0)),  # type: ignore[arg-type]
        )


def _read_report(rel: str, directory: str, body: dict[str, Any]) -> FileResult:
    tests = body.get("tests")
    assert isinstance(tests, list)
    subtests: list[SubtestResult] = []
    seen: dict[str, int] = {}
    for t in tests:
        name = str(t["name"])
        # Subtests are keyed by name; a repeated name gets a counter.
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} #{seen[name]}"
        msg = t.get("message")
        subtests.append(
            SubtestResult(
                name, STATUS.get(int(t["status"]), "FAIL"), None if msg is None else str(msg)
            )
        )
    errors: list[Any] = body.get("errors") or []
    status = HARNESS_STATUS.get(int(body.get("status", 1)), "ERROR")
    if errors:
        harness = "ERROR: " + "; ".join(str(e) for e in errors)
    elif status == "OK":
        harness = "OK"
    else:
        harness = f"{status}: {body.get('message')}"
    return FileResult(rel, directory, harness, subtests)


NO_SERVER = "Network connection lost (the WPT harness has no server)"


def static_response(test: TestFile, url: str) -> Response | None:
    """The suite's static file at ``url``'s path on the test host, as wptserve would serve it;
    None for other hosts, missing files and Python handlers."""
    parts = urlsplit(url)
    if parts.hostname != "web-platform.test" or parts.path.endswith(".py"):
        return None
    rel = unquote(parts.path).lstrip("/")
    for root in (test.root, *sorted(p for p in test.root.parent.iterdir() if p != test.root)):
        path = (root / rel).resolve()
        if path.is_file() and path.is_relative_to(root.resolve()):
            return Response(path.read_bytes(), status=200, headers=_headers_of(path))
    return None


def _headers_of(path: Path) -> list[tuple[str, str]]:
    sidecar = path.with_name(path.name + ".headers")
    headers: list[tuple[str, str]] = []
    if sidecar.is_file():
        for line in sidecar.read_text(encoding="utf-8").splitlines():
            name, sep, value = line.partition(":")
            if sep:
                headers.append((name.strip(), value.strip()))
    if not any(n.lower() == "content-type" for n, _ in headers):
        kind = mimetypes.guess_type(path.name)[0]
        headers.append(("content-type", kind or "application/octet-stream"))
    return headers


def run_file(test: TestFile, limits: Limits | None = None) -> FileResult:
    """Runs ``test`` (which must apply) and returns its results; never raises for the test's
    own failures (a script that cannot load, a crash or a limit is the harness status)."""
    limits = limits or Limits()
    start = time.monotonic()
    result = _run(test, limits, start)
    result.wall_s = time.monotonic() - start
    return result


def _run(test: TestFile, limits: Limits, start: float) -> FileResult:
    def crash(why: str) -> FileResult:
        return FileResult(test.rel, test.directory, f"CRASH: {why}")

    cpu_ms = (limits.long_cpu_ms if test.long_timeout else limits.cpu_ms) * test.variants
    try:
        core = CoreWorker(
            script.build(test),
            name=test.name,
            cpu_ms=cpu_ms,
            startup_cpu_ms=cpu_ms,
            memory_mb=limits.memory_mb,
            min_isolates=1,
            max_isolates=1,
            seed=17,
            now=0.0,
            # The worker global's API base URL (relative URLs in Request, fetch and
            # Response.redirect resolve against it, as in wptserve's worker); a deployed worker
            # has none.
            bindings_json=json.dumps([{"type": "edgert:api-base-url", "url": test.url}]),
        )
    except EdgertError as exc:
        return crash(f"script: {exc}")
    now = 0.0
    timers: list[tuple[float, int, int]] = []
    fetches: list[tuple[int, str]] = []
    steps: list[Step] = core.begin(Request(test.url), now)
    turns = 0
    while True:
        for step in steps:
            if step.response is not None:
                stats = step.stats
                cpu = stats.cpu_ms if stats is not None else 0.0
                if stats is not None and stats.outcome != "ok":
                    r = crash(f"{stats.outcome}: {stats.error}")
                else:
                    try:
                        r = _read_report(test.rel, test.directory, json.loads(step.response.text()))
                    except (ValueError, KeyError, AssertionError, TypeError) as exc:
                        r = crash(f"unreadable report ({exc}): {step.response.text()[:200]}")
                r.cpu_ms = cpu
                return r
            for op in step.ops:
                if op.kind == "timer":
                    heapq.heappush(timers, (op.at or now, op.id, op.id))
                else:
                    url = op.request.url if op.request is not None else ""
                    fetches.append((op.id, url))
        turns += 1
        if turns > MAX_TURNS:
            return crash(f"more than {MAX_TURNS} turns")
        if time.monotonic() - start > limits.wall_s * test.variants:
            return crash(f"wall limit of {limits.wall_s * test.variants:.0f} s")
        if fetches:
            op_id, url = fetches.pop(0)
            served = static_response(test, url)
            if served is None:
                steps = core.complete_error(op_id, "TypeError", NO_SERVER, now)
            else:
                steps = core.complete_fetch(op_id, served, now)
        elif timers:
            at, _, op_id = heapq.heappop(timers)
            now = max(now, at)
            steps = core.complete_timer(op_id, now)
        else:
            return crash("nothing left to run and no response")
