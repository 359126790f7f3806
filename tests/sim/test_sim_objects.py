"""The Durable Objects example scenario (examples/simulate/objects.toml): object calls recorded
with their caller and home PoPs, latency by caller region in JSON, CSV and HTML."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np

from edgert.sim.parallel import shardable
from edgert.sim.reports import write_reports
from edgert.sim.scenario import load_scenario
from edgert.sim.simulation import simulate

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "simulate" / "objects.toml"


def test_objects_example_reports_call_latency_by_caller_region(tmp_path: Path) -> None:
    sc = dataclasses.replace(load_scenario(EXAMPLE), duration_s=8.0)
    assert not shardable(sc), "objects are shared between PoPs: one process"
    result = simulate(sc)
    assert result.measured["processes"] == 1
    edge = result.results["deployments"]["edge"]
    run = result.runs["edge"]
    routes = np.array(result.traffic.page)[run.call % len(result.traffic.page)]
    object_requests = int(np.isin(routes, ["/views", "/limit"]).sum())
    do = edge["durable_objects"]
    assert do["calls"] == object_requests > 0, "one object call per /views and /limit request"
    assert set(do["by_binding"]) == {"COUNTER", "LIMITER"}
    counter, limiter = do["by_binding"]["COUNTER"], do["by_binding"]["LIMITER"]
    assert len(counter["home_pops"]) == 1, "one global counter, at one PoP"
    assert len(limiter["home_pops"]) > 1, "one limiter per continent, each in its region"
    assert sum(v["n"] for v in do["by_caller_region"].values()) == do["calls"]
    # Callers pay the round trip to the object's home: the single counter is remote for most.
    assert counter["local_share"] < 0.5
    assert counter["latency_ms"]["p95"] > 50.0
    # The limiter allows one /limit per user per minute: the rest are refused.
    limited = run.status[routes == "/limit"]
    assert (limited == 429).any() and (limited == 200).any()
    assert (run.status[routes != "/limit"] == 200).all()

    write_reports(result, tmp_path, plots=False)
    with (tmp_path / "durable_objects.csv").open() as f:
        rows = list(csv.DictReader(f))
    overall = [r for r in rows if r["binding"] == "ALL" and r["caller_region"] == "ALL"]
    assert len(overall) == 1 and int(overall[0]["calls"]) == do["calls"]
    assert {r["binding"] for r in rows} == {"ALL", "COUNTER", "LIMITER"}
    html = (tmp_path / "report.html").read_text()
    assert "Durable Object call latency by caller region" in html
    assert (tmp_path / "kv_staleness.csv").read_text().startswith("deployment,writes,reads")
