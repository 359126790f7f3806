"""The report's text: no offload for an origin-only deployment, the CPU charge in words (no raw
dict), the latency axis fitted to the data, one CDF panel when every client is in one region."""

from __future__ import annotations

from typing import Any

import pytest

from edgert.sim.reports.html import cpu_charged_text, offload_cell
from edgert.sim.reports.plots import _data_range_ms


def deployments() -> dict[str, Any]:
    edges = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0]
    return {
        "origin-only": {"mode": "origin-only", "offload_ratio": 0.8,
                        "latency_cdf": {"edges_ms": edges, "global": [0, 0, 0, 0, 0, 3, 1]}},
        "edge": {"mode": "edge", "offload_ratio": 0.8,
                 "latency_cdf": {"edges_ms": edges, "global": [0, 2, 5, 0, 0, 0, 0]}},
    }  # fmt: skip


def test_origin_only_has_no_offload_and_edge_keeps_its_ratio() -> None:
    d = deployments()
    assert "no edge" in str(offload_cell(d["origin-only"]))
    assert offload_cell(d["edge"]) == pytest.approx(0.8)


def test_cpu_charge_reads_as_words() -> None:
    text = cpu_charged_text({"mode": "fixed", "ms_per_request": 0.5, "factor": 1.5})
    assert text == "a fixed 0.5 ms per request x 1.5 (edge hardware factor) (deterministic)"
    assert "{" not in cpu_charged_text({"mode": "measured", "ms_per_request": None, "factor": 1})


def test_latency_axis_ends_near_the_data() -> None:
    lo, hi = _data_range_ms(deployments())
    assert lo == pytest.approx(2.0 / 1.5) and hi == pytest.approx(128.0 * 1.5)


def test_the_cli_prints_no_offload_for_origin_only(tmp_path: Any) -> None:
    from pathlib import Path

    from click.testing import CliRunner

    from edgert.cli import main

    scenario = Path(__file__).resolve().parents[2] / "examples" / "simulate" / "claims.toml"
    out = CliRunner().invoke(
        main, ["simulate", str(scenario), "--out", str(tmp_path), "--no-plots", "--no-progress"]
    )
    assert out.exit_code == 0, out.output
    rows = {line.split()[0]: line.split() for line in out.output.splitlines() if line}
    assert rows["origin-only"][-1] == "-" and rows["edge"][-1] == "0.80"
    # Every line but the last, which names the output folder (as long as the path given).
    assert max(len(line) for line in out.output.splitlines() if not line.startswith("wrote")) <= 80
    html = (tmp_path / "report.html").read_text()
    assert "{'mode'" not in html and "a fixed 0.5 ms per request" in html
    assert "median error" in html
