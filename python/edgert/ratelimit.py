"""Rate-limiting bindings from Python: declaring them on a worker, and one counter table per
PoP (``edgert._core.RateLimitCounters``), which the worker's ``env.NAME.limit({key})`` consults
natively. See ``docs/rate-limiting.md``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from edgert._core import RateLimitCounters
from edgert.errors import ConfigError

__all__ = [
    "PERIODS",
    "RateLimitBinding",
    "RateLimitCounters",
    "RateLimits",
    "check_simple",
    "ratelimit_bindings",
]

#: The periods Workers accepts, in seconds.
PERIODS = (10, 60)


@dataclass(frozen=True, slots=True)
class RateLimitBinding:
    """One rate-limiting binding: ``name`` in ``env``, the account-wide ``namespace_id`` (two
    bindings with the same id share counters at a PoP), ``limit`` calls per ``period`` s."""

    name: str
    namespace_id: str
    limit: int
    period: int

    def as_binding(self, store: int) -> dict[str, object]:
        """The binding as the core reads it, counting in the PoP table ``store``."""
        return {
            "name": self.name,
            "type": "ratelimit",
            "store": store,
            "namespace_id": self.namespace_id,
            "limit": self.limit,
            "period": self.period,
        }


def check_simple(limit: object, period: object, where: str = "simple") -> tuple[int, int]:
    """``(limit, period)`` validated, or :class:`ValueError` saying what is wrong."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"{where}.limit: expected a positive integer, got {limit!r}")
    if isinstance(period, bool) or period not in PERIODS:
        raise ValueError(f"{where}.period: expected 10 or 60 (seconds), got {period!r}")
    assert isinstance(period, int)
    return limit, period


RateLimitSpec = RateLimitBinding | Mapping[str, Any]


def _binding(name: str, spec: RateLimitSpec) -> RateLimitBinding:
    if isinstance(spec, RateLimitBinding):
        return spec
    if not isinstance(spec, Mapping):
        raise ConfigError(f"ratelimits[{name!r}]: expected a mapping, got {spec!r}")
    if not name.isidentifier():
        raise ConfigError(f"ratelimits: binding names are JavaScript identifiers, not {name!r}")
    ns_id = spec.get("namespace_id")
    if ns_id is None or isinstance(ns_id, bool) or not str(ns_id).isdigit():
        raise ConfigError(f"ratelimits[{name!r}].namespace_id: expected an integer, got {ns_id!r}")
    simple = spec.get("simple", spec)
    if not isinstance(simple, Mapping):
        raise ConfigError(f"ratelimits[{name!r}].simple: expected {{limit, period}}")
    try:
        limit, period = check_simple(simple.get("limit"), simple.get("period"))
    except ValueError as exc:
        raise ConfigError(f"ratelimits[{name!r}].{exc}") from None
    return RateLimitBinding(name, str(ns_id), limit, period)


def ratelimit_bindings(specs: Mapping[str, RateLimitSpec] | None) -> tuple[RateLimitBinding, ...]:
    """Bindings from ``{"LIMITER": {"namespace_id": "1001", "simple": {"limit": 100,
    "period": 60}}}`` (or :class:`RateLimitBinding` values); period 10 or 60 s, as on Workers."""
    return tuple(_binding(name, spec) for name, spec in (specs or {}).items())


class RateLimits:
    """A network's counters: one :class:`RateLimitCounters` table per PoP (each location counts
    on its own, as on Workers). ``mode``: ``"sliding"`` (the default) or ``"fixed"``."""

    def __init__(self, mode: str = "sliding") -> None:
        self.mode = mode
        self._tables: dict[str, RateLimitCounters] = {}

    def at(self, pop: str) -> RateLimitCounters:
        """The table of PoP ``pop`` (created on first use)."""
        table = self._tables.get(pop)
        if table is None:
            table = self._tables[pop] = RateLimitCounters(mode=self.mode)
        return table

    def metrics(self) -> dict[str, tuple[int, int, int]]:
        """Per PoP: ``(allowed, refused, keys)``."""
        return {pop: t.metrics() for pop, t in self._tables.items()}
