"""Health gates: is the new version as healthy as the old one over the same window?

A :class:`HealthGate` compares what each version answered since the current stage began
(:class:`Window`: requests, errors, CPU or memory limit hits, worker CPU and time at the PoP):

- **error rate**: requests answered with a 5xx status or whose worker threw (outcome
  ``exception``, ``scriptError``, ``invalidResponse``, ``neverSettled``); the new version's rate
  *minus the old version's* over the same window must not exceed ``max_error_rate`` (so an
  origin that fails for both versions does not fail the release). When the old version served
  fewer than ``min_requests`` in the window (an immediate deployment, the last stage) the new
  version's rate is judged alone.
- **limits**: the rate of ``exceededCpu`` / ``exceededMemory`` outcomes, the same way, against
  ``max_exceeded_rate``.
- **p99 ratios**: the new version's 99th percentile worker CPU time (``max_cpu_p99_ratio``) or
  time at the PoP (``max_latency_p99_ratio``) divided by the old version's; judged only when the
  old version served ``min_requests`` in the window.

Nothing is decided before the new version served ``min_requests`` in the window: the verdict
is ``wait``. A failed check is final at once (``fail``: the deployment rolls back); a stage
*passes* only when its bake time is over and the checks hold (``pass``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from edgert.errors import ConfigError

__all__ = ["ERROR_OUTCOMES", "LIMIT_OUTCOMES", "HealthGate", "Verdict", "Window", "p99"]

ERROR_OUTCOMES = frozenset({"exception", "scriptError", "invalidResponse", "neverSettled"})
LIMIT_OUTCOMES = frozenset({"exceededCpu", "exceededMemory"})


def p99(samples: list[float]) -> float:
    """The 99th percentile (nearest rank) of ``samples`` (0 for none)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


@dataclass(slots=True)
class Window:
    """What one version answered during a window. ``samples``: keep each answer's CPU time and
    time at the PoP (for the p99 checks; off when the gate has none, so that a long stage
    keeps counters only)."""

    requests: int = 0
    errors: int = 0
    exceeded: int = 0
    cpu_ms: list[float] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)
    samples: bool = True

    def add(self, status: int, outcome: str, cpu_ms: float, latency_ms: float) -> bool:
        """Counts one answer; returns whether it was an error (5xx or a thrown exception)."""
        self.requests += 1
        error = status >= 500 or outcome in ERROR_OUTCOMES
        if error:
            self.errors += 1
        if outcome in LIMIT_OUTCOMES:
            self.exceeded += 1
        if self.samples:
            self.cpu_ms.append(cpu_ms)
            self.latency_ms.append(latency_ms)
        return error

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    @property
    def exceeded_rate(self) -> float:
        return self.exceeded / self.requests if self.requests else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "error_rate": round(self.error_rate, 6),
            "exceeded": self.exceeded,
            "cpu_p99_ms": round(p99(self.cpu_ms), 4) if self.samples else None,
            "latency_p99_ms": round(p99(self.latency_ms), 4) if self.samples else None,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """``decision``: ``wait`` (too few requests), ``healthy`` (checks hold, bake not over),
    ``pass`` or ``fail``; ``reason`` in words; ``evidence``: both windows and the thresholds."""

    decision: str
    reason: str
    evidence: dict[str, Any]


def _check_rate(value: object, name: str, *, ratio: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ConfigError(f"HealthGate.{name}: a number >= 0 or None, got {value!r}")
    if ratio and value < 1:
        raise ConfigError(f"HealthGate.{name}: a ratio >= 1, got {value!r}")


@dataclass(frozen=True, slots=True)
class HealthGate:
    """Thresholds a stage must hold to be promoted (see the module docstring); ``None`` turns
    a check off. ``check_interval_s``: how often the gate looks during a stage (a failure is
    found within one interval)."""

    max_error_rate: float | None = 0.01
    max_exceeded_rate: float | None = None
    max_cpu_p99_ratio: float | None = None
    max_latency_p99_ratio: float | None = None
    min_requests: int = 100
    check_interval_s: float = 10.0

    @property
    def needs_samples(self) -> bool:
        """Whether a p99 check needs each answer's CPU time and time at the PoP."""
        return self.max_cpu_p99_ratio is not None or self.max_latency_p99_ratio is not None

    def window(self) -> Window:
        """An empty window for this gate."""
        return Window(samples=self.needs_samples)

    def __post_init__(self) -> None:
        _check_rate(self.max_error_rate, "max_error_rate")
        _check_rate(self.max_exceeded_rate, "max_exceeded_rate")
        _check_rate(self.max_cpu_p99_ratio, "max_cpu_p99_ratio", ratio=True)
        _check_rate(self.max_latency_p99_ratio, "max_latency_p99_ratio", ratio=True)
        if (
            isinstance(self.min_requests, bool)
            or not isinstance(self.min_requests, int)
            or (self.min_requests < 1)
        ):
            raise ConfigError(
                f"HealthGate.min_requests: an integer >= 1, got {self.min_requests!r}"
            )
        interval = self.check_interval_s
        if isinstance(interval, bool) or not isinstance(interval, int | float) or not interval > 0:
            raise ConfigError(f"HealthGate.check_interval_s: seconds > 0, got {interval!r}")

    def judge(self, new: Window, old: Window, *, baked: bool) -> Verdict:
        """The verdict on ``new`` against ``old`` over the same window; ``baked``: the stage's
        bake time is over (a pass is possible)."""
        evidence: dict[str, Any] = {
            "new": new.summary(),
            "old": old.summary(),
            "gate": {
                "max_error_rate": self.max_error_rate,
                "max_exceeded_rate": self.max_exceeded_rate,
                "max_cpu_p99_ratio": self.max_cpu_p99_ratio,
                "max_latency_p99_ratio": self.max_latency_p99_ratio,
                "min_requests": self.min_requests,
            },
        }
        if new.requests < self.min_requests:
            return Verdict(
                "wait",
                f"{new.requests} of the {self.min_requests} requests needed to judge",
                evidence,
            )
        baseline = old.requests >= self.min_requests
        if self.max_error_rate is not None:
            excess = new.error_rate - (old.error_rate if baseline else 0.0)
            if excess > self.max_error_rate:
                against = f" vs {old.error_rate:.2%} for the old version" if baseline else ""
                return Verdict(
                    "fail",
                    f"error rate {new.error_rate:.2%} ({new.errors}/{new.requests}){against}: "
                    f"more than {self.max_error_rate:.2%} over",
                    evidence,
                )
        if self.max_exceeded_rate is not None:
            excess = new.exceeded_rate - (old.exceeded_rate if baseline else 0.0)
            if excess > self.max_exceeded_rate:
                return Verdict(
                    "fail",
                    f"CPU/memory limit rate {new.exceeded_rate:.2%} ({new.exceeded}/"
                    f"{new.requests}): more than {self.max_exceeded_rate:.2%} over",
                    evidence,
                )
        if baseline:
            for name, limit, a, b in (
                ("worker CPU", self.max_cpu_p99_ratio, new.cpu_ms, old.cpu_ms),
                ("time at the PoP", self.max_latency_p99_ratio, new.latency_ms, old.latency_ms),
            ):
                if limit is None:
                    continue
                old_p99 = p99(b)
                ratio = p99(a) / old_p99 if old_p99 > 0 else (1.0 if p99(a) == 0 else math.inf)
                evidence[f"{'cpu' if name == 'worker CPU' else 'latency'}_p99_ratio"] = (
                    round(ratio, 4) if math.isfinite(ratio) else None
                )
                if ratio > limit:
                    return Verdict(
                        "fail",
                        f"p99 {name} {p99(a):.2f} ms is {ratio:.2f}x the old version's "
                        f"{old_p99:.2f} ms (limit {limit:g}x)",
                        evidence,
                    )
        if not baked:
            return Verdict("healthy", "checks hold; baking", evidence)
        return Verdict(
            "pass",
            f"{new.requests} requests, error rate {new.error_rate:.2%}"
            + (f" (old {old.error_rate:.2%})" if baseline else ""),
            evidence,
        )
