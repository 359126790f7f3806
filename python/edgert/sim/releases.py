"""Releases during a simulation: the blast radius of a new version under each strategy.

Each ``[[release]]`` is run once per strategy, on the scenario's traffic (the same users,
timings and tokens as every other run: common random numbers), on the network of the
release's deployment. The new version is uploaded and deployed at ``at_s``; its gate (when
the strategy uses it) judges it on the virtual clock. What a run measures
(:func:`release_metrics`), all deterministic for a seed:

- requests answered by the new version, and those of them that failed (5xx): the *harm*;
- users (sessions) that got at least one such error, and the PoPs they were at;
- PoPs exposed: PoPs where the new version answered at least one request;
- time to detection (the gate's failing verdict) and time to rollback (all traffic back on
  the old version), from the release; the last response the new version gave;
- a timeline: requests and errors per version in bins of ``TIMELINE_BIN_S``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from edgert.sim.deployments import START
from edgert.sim.population import Population
from edgert.sim.runner import DeploymentRun, run_deployment
from edgert.sim.scenario import ReleaseSpec, Scenario, StrategySpec
from edgert.sim.traffic import Traffic

__all__ = ["TIMELINE_BIN_S", "release_metrics", "run_releases"]

#: Width of the timeline's bins (seconds of virtual time).
TIMELINE_BIN_S = 5.0


def _r(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(float(x), digits)


def release_metrics(run: DeploymentRun, spec: ReleaseSpec, how: StrategySpec) -> dict[str, Any]:
    """The blast radius of one release under one strategy (see the module docstring)."""
    rel = run.release
    assert rel is not None
    d = rel.deployment
    t0 = START + spec.at_s
    out: dict[str, Any] = {
        "strategy": how.kind,
        "gate": how.gate,
        "bake_s": how.bake_s,
    }
    if d is None:
        out["status"] = "not started"
        return out
    new_id = d.new.id
    new_index = rel.versions.index(new_id) if new_id in rel.versions else -1
    on_new = rel.version == new_index
    failed = on_new & (rel.status >= 500)
    after = rel.finished >= t0
    pops = np.array(run.pops, dtype=object)
    error_sessions = np.unique(rel.session[failed])
    error_pops = sorted({str(p) for p in pops[np.unique(rel.pop[failed])]})
    exposed = sorted({str(p) for p in pops[np.unique(rel.pop[on_new])]})
    detection = next(
        (e.time for e in d.events if e.kind == "rollback" and e.reason.startswith("gate failed")),
        None,
    )
    rollback = next((e.time for e in d.events if e.kind == "rollback"), None)
    last_new = float(rel.finished[on_new].max()) if on_new.any() else None
    old_requests = int((~on_new & after).sum())
    old_errors = int((~on_new & after & (rel.status >= 500)).sum())
    out.update(
        {
            "strategy_text": d.strategy.describe(),
            "status": d.status,
            "new_version": d.new.as_dict(),
            "new_label": _labels(d)[d.new.id],
            "old_version": d.old.as_dict(),
            "first_wave": list(d.stages[0].exposed),
            "requests_after_release": int(after.sum()),
            "new_version_requests": int(on_new.sum()),
            "error_requests": int(failed.sum()),
            "error_users": len(error_sessions),
            "error_pops": error_pops,
            "pops_exposed": exposed,
            "pops_exposed_count": len(exposed),
            "old_version_error_rate": _r(old_errors / old_requests if old_requests else 0.0, 6),
            "time_to_detection_s": _r(detection - t0) if detection is not None else None,
            "time_to_rollback_s": _r(rollback - t0) if rollback is not None else None,
            "last_new_response_s": _r(last_new - t0) if last_new is not None else None,
            "events": [
                {
                    "t_s": _r(e.time - t0),
                    "kind": e.kind,
                    "version": e.version,
                    "pops": list(e.pops),
                    "reason": e.reason,
                }
                for e in d.events
            ],
            "timeline": _timeline(rel, run, d),
        }
    )
    return out


def _timeline(rel: Any, run: DeploymentRun, d: Any) -> dict[str, Any]:
    """Requests and errors per version in bins of the run's virtual time."""
    span = float(rel.finished.max()) - START if len(rel.finished) else 0.0
    bins = int(np.ceil(span / TIMELINE_BIN_S)) or 1
    index = np.clip(((rel.finished - START) // TIMELINE_BIN_S).astype(np.int64), 0, bins - 1)
    labels = _labels(d)
    versions: dict[str, Any] = {}
    for i, vid in enumerate(rel.versions):
        mask = rel.version == i
        if not mask.any():
            continue
        requests = np.bincount(index[mask], minlength=bins)
        errors = np.bincount(index[mask & (rel.status >= 500)], minlength=bins)
        versions[labels.get(vid, vid[:8])] = {
            "id": vid,
            "requests": requests.tolist(),
            "errors": errors.tolist(),
        }
    return {"bin_s": TIMELINE_BIN_S, "bins": bins, "versions": versions}


def _labels(d: Any) -> dict[str, str]:
    """Version id -> its name in the timeline: the tag, else ``v<number>``."""
    old = d.old.tag or f"v{d.old.number}"
    new = d.new.tag or f"v{d.new.number}"
    if old == new:
        old, new = d.old.id[:8], d.new.id[:8]
    return {d.old.id: old, d.new.id: new}


def _comparison(strategies: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    immediate = [
        m["error_requests"]
        for m in strategies.values()
        if m.get("strategy") == "immediate" and "error_requests" in m
    ]
    worst = max(immediate) if immediate else None
    rows = []
    for name, m in strategies.items():
        if "error_requests" not in m:
            continue
        harm = m["error_requests"]
        rows.append(
            {
                "strategy": name,
                "status": m["status"],
                "error_requests": harm,
                "error_users": m["error_users"],
                "pops_exposed": m["pops_exposed_count"],
                "time_to_detection_s": m["time_to_detection_s"],
                "time_to_rollback_s": m["time_to_rollback_s"],
                # How many times fewer requests it hurt than an immediate release (None: no
                # immediate strategy, or it hurt none).
                "immediate_over_this": _r(worst / harm, 2) if worst and harm else None,
            }
        )
    return rows


def run_releases(
    scenario: Scenario,
    traffic: Traffic,
    population: Population,
    progress: Callable[[int], None] | None = None,
    timings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every release of the scenario under each of its strategies (a run each)."""
    import time

    by_name = {d.name: d for d in scenario.deployments}
    out: dict[str, Any] = {}
    for spec in scenario.releases:
        strategies: dict[str, dict[str, Any]] = {}
        for how in spec.strategies:
            began = time.perf_counter()
            run = run_deployment(
                scenario,
                by_name[spec.deployment],
                traffic,
                population,
                progress=progress,
                release=(spec, how),
            )
            strategies[how.name] = release_metrics(run, spec, how)
            if timings is not None:
                timings[f"{spec.name}/{how.name}"] = round(time.perf_counter() - began, 3)
        out[spec.name] = {
            "at_s": spec.at_s,
            "deployment": spec.deployment,
            "script": spec.script.name,
            "gate": None if spec.gate is None else {
                k: getattr(spec.gate, k)
                for k in (
                    "max_error_rate", "max_exceeded_rate", "max_cpu_p99_ratio",
                    "max_latency_p99_ratio", "min_requests", "check_interval_s",
                )
            },
            "strategies": strategies,
            "comparison": _comparison(strategies),
        }  # fmt: skip
    return out
