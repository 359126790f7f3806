"""The machine-readable outputs: ``results.json`` (deterministic), CSV tables, and
``measured.json`` (measured CPU time and run times, which vary between runs)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

__all__ = ["results_bytes", "write_csv", "write_json"]


def results_bytes(results: dict[str, Any]) -> bytes:
    """The canonical serialisation of deterministic results (sorted keys, fixed layout)."""
    return (json.dumps(results, sort_keys=True, indent=1, allow_nan=False) + "\n").encode()


def write_json(out: Path, results: dict[str, Any], measured: dict[str, Any]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "results.json", out / "measured.json"]
    paths[0].write_bytes(results_bytes(results))
    paths[1].write_text(json.dumps(measured, sort_keys=True, indent=1) + "\n")
    return paths


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def _object_rows(name: str, d: dict[str, Any]) -> list[list[Any]]:
    """Durable Object call latency rows: (deployment, binding, caller region, ...)."""
    objects = d.get("durable_objects", {})
    rows = []
    scopes = [("ALL", objects), *sorted(objects.get("by_binding", {}).items())]
    for binding, scope in scopes:
        if not scope.get("calls"):
            continue
        regions = {"ALL": scope["latency_ms"], **scope["by_caller_region"]}
        for region, v in regions.items():
            rows.append(
                [name, binding, region, v["n"], v["mean"], v["p50"], v["p95"], v["p99"]]
                + ([scope.get("local_share")] if region == "ALL" else [None])
            )
    return rows


def route_table_rows(name: str, d: dict[str, Any]) -> list[list[Any]]:
    """One row per route of deployment ``name``: requests, latency percentiles, the share answered
    at the edge alone, origin requests per request and the share of 2xx (CSV and HTML alike)."""
    return [
        [
            name,
            route,
            v["n"],
            v["p50"],
            v["p95"],
            v["p99"],
            v["edge_only_share"],
            v["origin_requests_mean"],
            v["ok_share"],
        ]
        for route, v in d["by_route"].items()
    ]


def _kv_rows(name: str, d: dict[str, Any]) -> list[list[Any]]:
    """KV staleness rows: one summary row (age bin empty), then one row per age bin."""
    kv = d["kv"]
    age = kv["stale_age_s"]
    rows: list[list[Any]] = [
        [name, kv["writes"], kv["reads"], kv["stale"], kv["stale_share"], age["p50"], age["p95"],
         age["p99"], None, None, None]
    ]  # fmt: skip
    hist = kv["stale_age_histogram"]
    edges = hist["edges_s"]
    for i, count in enumerate(hist["counts"]):
        rows.append([name, None, None, None, None, None, None, None, edges[i], edges[i + 1], count])
    return rows


def write_csv(out: Path, results: dict[str, Any]) -> list[Path]:
    """``latency.csv`` (per deployment and region), ``routes.csv``, ``pops.csv``, ``advice.csv``,
    ``durable_objects.csv`` (call latency per binding and caller region) and
    ``kv_staleness.csv`` (stale reads and their age histogram)."""
    out.mkdir(parents=True, exist_ok=True)
    lat_rows = []
    route_rows = []
    pop_rows = []
    for name, d in results["deployments"].items():
        regions = {"ALL": (d["latency_ms"]["global"], d["page_load_ms"]["global"])}
        for r, v in d["latency_ms"]["by_region"].items():
            regions[r] = (v, d["page_load_ms"]["by_region"].get(r, {}))
        for r, (req, page) in regions.items():
            lat_rows.append(
                [
                    name,
                    r,
                    req["n"],
                    req["p50"],
                    req["p95"],
                    req["p99"],
                    page.get("n"),
                    page.get("p50"),
                    page.get("p95"),
                    page.get("p99"),
                ]
            )
        route_rows += route_table_rows(name, d)
        for code, v in d["by_pop"].items():
            pop_rows.append(
                [name, code, v["region"], v["requests"], v["p50_ms"], v.get("cache_hit_ratio")]
            )
    object_rows = [r for name, d in results["deployments"].items() for r in _object_rows(name, d)]
    kv_rows = [r for name, d in results["deployments"].items() for r in _kv_rows(name, d)]
    advice_rows = [
        [
            a["route"],
            a["verdict"],
            a.get("measured"),
            a.get("agrees"),
            a.get("saving_p50_ms"),
            a["reason"],
        ]
        for a in results["advice"]
    ]
    paths = []
    if results.get("releases"):
        rows = [
            [name, c["strategy"], c["status"], c["error_requests"], c["error_users"],
             c["pops_exposed"], c["time_to_detection_s"], c["time_to_rollback_s"],
             c["immediate_over_this"]]
            for name, rel in results["releases"].items()
            for c in rel["comparison"]
        ]  # fmt: skip
        header = [
            "release", "strategy", "status", "failed_requests", "users_hurt", "pops_exposed",
            "time_to_detection_s", "time_to_rollback_s", "immediate_over_this",
        ]  # fmt: skip
        paths.append(_write(out / "releases.csv", header, rows))
    groups = results.get("studies", {}).get("websocket")
    if groups:  # [[websocket]]: one row per message sent
        columns = next(iter(groups.values()))["messages"]["columns"]
        rows = [[name, *row] for name, g in groups.items() for row in g["messages"]["rows"]]
        paths.append(_write(out / "websocket.csv", ["group", *columns], rows))
    return [
        *paths,
        _write(
            out / "latency.csv",
            [
                "deployment",
                "region",
                "requests",
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "pages",
                "page_p50_ms",
                "page_p95_ms",
                "page_p99_ms",
            ],
            lat_rows,
        ),
        _write(
            out / "routes.csv",
            [
                "deployment",
                "route",
                "requests",
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "edge_only_share",
                "origin_requests_mean",
                "ok_share",
            ],
            route_rows,
        ),
        _write(
            out / "pops.csv",
            ["deployment", "pop", "region", "requests", "p50_ms", "cache_hit_ratio"],
            pop_rows,
        ),
        _write(
            out / "durable_objects.csv",
            [
                "deployment",
                "binding",
                "caller_region",
                "calls",
                "mean_ms",
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "local_share",
            ],
            object_rows,
        ),
        _write(
            out / "kv_staleness.csv",
            [
                "deployment",
                "writes",
                "reads",
                "stale_reads",
                "stale_share",
                "stale_age_p50_s",
                "stale_age_p95_s",
                "stale_age_p99_s",
                "age_from_s",
                "age_to_s",
                "stale_reads_in_bin",
            ],
            kv_rows,
        ),
        _write(
            out / "advice.csv",
            ["route", "verdict", "measured", "agrees", "saving_p50_ms", "reason"],
            advice_rows,
        ),
    ]
