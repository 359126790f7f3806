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


def write_csv(out: Path, results: dict[str, Any]) -> list[Path]:
    """``latency.csv`` (per deployment and region), ``routes.csv``, ``pops.csv``, ``advice.csv``."""
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
        for route, v in d["by_route"].items():
            route_rows.append(
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
            )
        for code, v in d["by_pop"].items():
            pop_rows.append(
                [name, code, v["region"], v["requests"], v["p50_ms"], v.get("cache_hit_ratio")]
            )
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
    return [
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
            out / "advice.csv",
            ["route", "verdict", "measured", "agrees", "saving_p50_ms", "reason"],
            advice_rows,
        ),
    ]
