"""Figures of the demo, as plain data: per city and per kind of request (what the tables show)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from edgert.demo.scenario import Outcome, Result

__all__ = ["KINDS", "Row", "city_rows", "percentile", "sessions", "total_row"]

#: Row key -> label, in report order.
KINDS: dict[str, str] = {
    "catalog": "public catalogue (cacheable)",
    "signed-in": "signed-in page, valid token",
    "expired": "expired token",
    "no-token": "no token",
}


def percentile(values: Iterable[float], q: float) -> float:
    data = list(values)
    return float(np.percentile(data, q)) if data else float("nan")


@dataclass(frozen=True, slots=True)
class Row:
    """Figures over a set of requests sent both ways."""

    label: str
    requests: int
    direct_p50: float
    direct_p95: float
    edge_p50: float
    edge_p95: float
    #: Answered by the PoP alone: refused with 401, or served from its cache.
    edge_401: int
    cache_hits: int
    edge_only: int
    worker_cpu_p50: float
    worker_cpu_max: float
    cold_starts: int
    pops: tuple[str, ...]

    @property
    def saved_p50(self) -> float:
        return self.direct_p50 - self.edge_p50


def make_row(label: str, outcomes: list[Outcome]) -> Row:
    pops = Counter(o.edge.pop for o in outcomes)
    return Row(
        label=label,
        requests=len(outcomes),
        direct_p50=percentile((o.direct.total_ms for o in outcomes), 50),
        direct_p95=percentile((o.direct.total_ms for o in outcomes), 95),
        edge_p50=percentile((o.edge.total_ms for o in outcomes), 50),
        edge_p95=percentile((o.edge.total_ms for o in outcomes), 95),
        edge_401=sum(1 for o in outcomes if o.edge_status == 401 and o.edge.edge_only),
        cache_hits=sum(1 for o in outcomes if o.answered_by == "edge-cache"),
        edge_only=sum(1 for o in outcomes if o.edge.edge_only),
        worker_cpu_p50=percentile((o.edge.worker_cpu_ms for o in outcomes), 50),
        worker_cpu_max=max((o.edge.worker_cpu_ms for o in outcomes), default=0.0),
        cold_starts=sum(1 for o in outcomes if o.edge.cold_start),
        pops=tuple(code for code, _ in pops.most_common()),
    )


def city_rows(result: Result, city: str) -> list[Row]:
    """One row per kind of request of ``city`` (kinds without requests are left out), then the
    city's total."""
    mine = [o for o in result.outcomes if o.city == city]
    rows = []
    for kind, label in KINDS.items():
        chosen = [o for o in mine if o.kind == kind]
        if chosen:
            rows.append(make_row(label, chosen))
    rows.append(make_row("all requests", mine))
    return rows


def total_row(result: Result, city: str | None = None) -> Row:
    chosen = [o for o in result.outcomes if city is None or o.city == city]
    return make_row(city or "all cities", chosen)


def sessions(result: Result, city: str) -> tuple[list[float], list[float]]:
    """The time each user of ``city`` spent waiting over their whole session (the sum of its
    requests), direct and through the edge, in ms."""
    direct: dict[str, float] = {}
    edge: dict[str, float] = {}
    for o in result.outcomes:
        if o.city == city:
            direct[o.user] = direct.get(o.user, 0.0) + o.direct.total_ms
            edge[o.user] = edge.get(o.user, 0.0) + o.edge.total_ms
    return list(direct.values()), list(edge.values())
