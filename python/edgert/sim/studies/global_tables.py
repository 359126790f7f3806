"""``[global_tables]``: writes lost to last-writer-wins under concurrent writers.

Writers in several regions put items of one global table at Poisson times (``writers_per_s``
in all, each write from a region and to an item drawn uniformly); after the run drains, every
region holds the same items, and the table counts the writes that were acknowledged and then
silently discarded because a concurrent write (one that had not seen them) won. One row per
rate::

    [global_tables]
    regions = ["us-east-1", "eu-west-1", "ap-northeast-1"]
    writers_per_s = [1, 10, 100]
    items = 10               # how many items the writers share
    duration_s = 60
    # lag_ms = 1000          # fixed replication lag; default: modelled per region pair
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from edgert.errors import ConfigError, ScenarioError

if TYPE_CHECKING:
    from edgert.sim.scenario import Scenario, _Table

__all__ = ["GlobalTablesStudy", "parse", "run"]


@dataclass(frozen=True, slots=True)
class GlobalTablesStudy:
    regions: tuple[str, ...]
    writers_per_s: tuple[float, ...]
    items: int = 10
    duration_s: float = 60.0
    lag_ms: float | None = None


def parse(t: _Table) -> GlobalTablesStudy:
    regions = t.strings("regions") or ("us-east-1", "eu-west-1", "ap-northeast-1")
    rates = t.get("writers_per_s", [1, 10, 100])
    if (
        not isinstance(rates, list)
        or not rates
        or not all(isinstance(r, int | float) and not isinstance(r, bool) and r > 0 for r in rates)
    ):
        raise ScenarioError(f"{t.key('writers_per_s')}: must be a list of positive numbers")
    lag = t.get("lag_ms")
    if lag is not None and (isinstance(lag, bool) or not isinstance(lag, int | float) or lag < 0):
        raise ScenarioError(f"{t.key('lag_ms')}: must be a number >= 0")
    study = GlobalTablesStudy(
        regions=regions,
        writers_per_s=tuple(float(r) for r in rates),
        items=t.integer("items", 10, low=1),
        duration_s=t.number("duration_s", 60.0, low=0, strict_low=True),
        lag_ms=None if lag is None else float(lag),
    )
    t.check_unknown()
    from edgert.dynamo.regions import location_of

    try:
        for r in regions:
            location_of(r)
    except ConfigError as exc:
        raise ScenarioError(f"{t.key('regions')}: {exc}") from None
    return study


def run_rate(study: GlobalTablesStudy, rate: float, seed: int) -> dict[str, Any]:
    """One run at ``rate`` writes per second in all."""
    from edgert.dynamo import GlobalTables

    tables = GlobalTables(lag_ms=study.lag_ms, check_signatures=False)
    table = tables.create("study", regions=study.regions, hash_key="pk")
    rng = np.random.default_rng(seed)
    n = int(rng.poisson(rate * study.duration_s))
    times = np.sort(rng.uniform(0.0, study.duration_s, size=n))
    regions = rng.integers(0, len(study.regions), size=n)
    items = rng.integers(0, study.items, size=n)
    target = [("x-amz-target", "DynamoDB_20120810.PutItem")]
    start = 1_700_000_000.0
    for i in range(n):
        body = {
            "TableName": "study",
            "Item": {"pk": {"S": f"item-{int(items[i])}"}, "w": {"N": str(i)}},
        }
        status, _, out = tables.handle(
            study.regions[int(regions[i])],
            "POST",
            "/",
            target,
            json.dumps(body).encode(),
            start + float(times[i]),
        )
        assert status == 200, out
    table.deliver(start + study.duration_s + 3600.0)
    assert table.converged()
    lags = [tables.lag_s(a, b) * 1000 for a in study.regions for b in study.regions if a != b]
    return {
        "writers_per_s": rate,
        "writes": table.writes,
        "lost_writes": table.lost_writes,
        "lost_share": round(table.lost_writes / table.writes, 4) if table.writes else 0.0,
        "replication_lag_ms": {"min": round(min(lags), 1), "max": round(max(lags), 1)}
        if lags
        else None,
    }


def run(scenario: Scenario, study: GlobalTablesStudy) -> dict[str, Any]:
    rows = [run_rate(study, r, scenario.seed + i) for i, r in enumerate(study.writers_per_s)]
    return {
        "regions": list(study.regions),
        "items": study.items,
        "duration_s": study.duration_s,
        "rows": rows,
    }
