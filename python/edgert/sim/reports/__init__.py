"""Simulation reports: JSON and CSV files, PNG plots, and the self-contained HTML report."""

from edgert.sim.reports.files import results_bytes, write_csv, write_json
from edgert.sim.reports.writer import write_reports

__all__ = ["results_bytes", "write_csv", "write_json", "write_reports"]
