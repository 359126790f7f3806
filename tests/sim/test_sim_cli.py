"""`edgert simulate` end to end on a small scenario."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sim_helpers import WORKER

from edgert.cli import main


def test_simulate_writes_json_csv_html(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        f"""
seed = 11
duration_s = 3
drain_s = 20
pops = ["NRT", "IAD"]
deployments = ["origin-only", "edge"]
[worker]
path = "{WORKER.as_posix()}"
[population]
cities = [{{ name = "Osaka" }}]
[traffic]
requests_per_s = 20
page = ["/auth", "/api/me"]
pages_per_session = 1
"""
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["simulate", str(scenario), "--out", str(out), "--no-progress", "--no-plots"]
    )
    assert result.exit_code == 0, result.output
    assert "origin-only" in result.output and "edge" in result.output
    data = json.loads((out / "results.json").read_text())
    assert data["scenario"]["seed"] == 11
    assert set(data["deployments"]) == {"origin-only", "edge"}
    with (out / "latency.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert {r["deployment"] for r in rows} == {"origin-only", "edge"}
    html = (out / "report.html").read_text()
    assert "<table>" in html and "Advice per route" in html
    # --seed overrides the file's seed
    out2 = tmp_path / "out2"
    result = CliRunner().invoke(
        main,
        [
            "simulate",
            str(scenario),
            "--out",
            str(out2),
            "--seed",
            "12",
            "--no-progress",
            "--no-plots",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads((out2 / "results.json").read_text())["scenario"]["seed"] == 12


def test_simulate_reports_scenario_errors(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text("[traffic]\nrequests_per_s = -1\n[worker]\npath = 'x.js'\n")
    result = CliRunner().invoke(main, ["simulate", str(scenario), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "worker.path" in result.output or "traffic.requests_per_s" in result.output


def test_report_embeds_plots(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from sim_helpers import small

    from edgert.sim.reports import write_reports
    from edgert.sim.scenario import parse_scenario
    from edgert.sim.simulation import simulate

    result = simulate(parse_scenario(small(duration_s=2)))
    paths = write_reports(result, tmp_path)
    names = {p.name for p in paths}
    assert {"latency_cdf.png", "page_load.png", "map_edge.png", "report.html"} <= names
    html = (tmp_path / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 3
    assert (tmp_path / "latency_cdf.png").read_bytes().startswith(b"\x89PNG")


def test_identical_bytes_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    scenario = tmp_path / "s.toml"
    scenario.write_text(
        f"""
seed = 4
duration_s = 2
drain_s = 20
pops = ["NRT", "FRA", "IAD", "GRU"]
deployments = ["origin-only", "edge"]
[worker]
path = "{WORKER.as_posix()}"
[population]
max_cities = 200
[traffic]
requests_per_s = 30
page = ["/auth", "/api/me"]
invalid_tokens = 0.1
"""
    )
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"out{hash_seed}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "edgert",
                "simulate",
                str(scenario),
                "--out",
                str(out),
                "--no-plots",
                "--no-progress",
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        outputs.append((out / "results.json").read_bytes())
    assert outputs[0] == outputs[1]
