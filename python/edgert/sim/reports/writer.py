"""Writes every output of a simulation into one folder."""

from __future__ import annotations

from pathlib import Path

from edgert.sim.reports.files import write_csv, write_json
from edgert.sim.reports.html import render_html
from edgert.sim.reports.plots import available, render_plots
from edgert.sim.simulation import SimulationResult

__all__ = ["write_reports"]


def write_reports(result: SimulationResult, out: str | Path, *, plots: bool = True) -> list[Path]:
    """``results.json``, ``measured.json``, CSV tables, PNG plots (with matplotlib) and
    ``report.html`` in ``out``; returns the paths written."""
    folder = Path(out)
    paths = write_json(folder, result.results, result.measured)
    paths += write_csv(folder, result.results)
    images = render_plots(result.results) if plots and available() else {}
    for name, png in images.items():
        p = folder / name
        p.write_bytes(png)
        paths.append(p)
    report = folder / "report.html"
    report.write_text(render_html(result.results, result.measured, images), encoding="utf-8")
    paths.append(report)
    return paths
