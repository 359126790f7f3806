"""The ``edgert simulate`` command, a plain click command that any CLI group can register
(``group.add_command(simulate)``)."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import click

__all__ = ["simulate"]


@click.command("simulate")
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out", default="simulation", show_default=True, help="Output folder.")
@click.option("--seed", type=int, default=None, help="Override the scenario's seed.")
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=None,
    help="Shard each edge deployment by PoP over N processes (no KV or Durable Objects; the "
    "results are the same bytes for any N). Default: the machine's cores for runs of 50,000 "
    "requests or more whose PoPs share no state, else 1.",
)
@click.option(
    "--cluster",
    "cluster",
    metavar="ADDRESS",
    default=None,
    help="Run the shards on a Dask cluster (tcp://host:8786; pip install 'edgert[cluster]'): "
    "the same bytes as one process. One shard per worker thread unless --processes says.",
)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--no-plots", is_flag=True, help="Skip the PNG plots (faster; HTML has tables only).")
def simulate(
    scenario: str,
    out: str,
    seed: int | None,
    processes: int | None,
    cluster: str | None,
    no_progress: bool,
    no_plots: bool,
) -> None:
    """Simulate SCENARIO.toml in virtual time, running the real worker at every PoP, and write
    results.json, CSV tables, PNG plots and report.html into --out."""
    from edgert.errors import EdgertError
    from edgert.sim.reports import write_reports
    from edgert.sim.scenario import load_scenario
    from edgert.sim.simulation import simulate as run
    from edgert.sim.studies import summary_lines

    if _is_d1_experiment(scenario):
        _simulate_d1(scenario, Path(out), seed)
        return
    try:
        sc = load_scenario(scenario)
    except EdgertError as exc:
        click.echo(f"edgert: {exc}", err=True)
        sys.exit(1)
    if seed is not None:
        sc = sc.with_seed(seed)
    from edgert.sim.simulation import ShardingFallback

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ShardingFallback)
            result = run(
                sc,
                progress=not no_progress and sys.stderr.isatty(),
                processes=processes,
                cluster=cluster,
            )
    except EdgertError as exc:
        click.echo(f"edgert: {exc}", err=True)
        sys.exit(1)
    for w in caught:
        if issubclass(w.category, ShardingFallback):
            click.echo(f"edgert: note: not sharded: {w.message}", err=True)
    paths = write_reports(result, Path(out), plots=not no_plots)
    click.echo(
        f"{'deployment':14} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'page p50':>9} offload"
    )
    for name, d in result.results["deployments"].items():
        g = d["latency_ms"]["global"]
        pg = d["page_load_ms"]["global"]
        offload = "-" if d["mode"] == "origin-only" else f"{d['offload_ratio']:.2f}"
        click.echo(
            f"{name:14} {g['p50']:8.1f} {g['p95']:8.1f} {g['p99']:8.1f} {pg['p50']:9.1f} {offload:>7}"
        )
    for name, rel in result.results.get("releases", {}).items():
        for c in rel["comparison"]:
            rollback = c["time_to_rollback_s"]
            click.echo(
                f"release {name} / {c['strategy']:12} {c['status']:12} failed requests "
                f"{c['error_requests']:6}  users hurt {c['error_users']:5}  PoPs exposed "
                f"{c['pops_exposed']:3}  rolled back "
                + (f"after {rollback:.1f} s" if rollback is not None else "never")
            )
    claims = result.results.get("claims")
    if claims is not None:
        verdict = "reproduced" if claims["reproduced"] else "NOT all reproduced"
        click.echo(f"seed's claims for {claims['city']}: {verdict}")
        for c in claims["claims"]:
            mark = "yes" if c["reproduced"] else "no "
            median = c["measured_p50_ms"]
            line = f"  [{mark}] {c['claim']}: median {median:,.1f} ms"
            if len(line) > 80:  # readable at 80 columns: the figure on a line of its own
                line = f"  [{mark}] {c['claim']}:\n        median {median:,.1f} ms"
            click.echo(line)
    for line in summary_lines(result.results.get("studies", {})):
        click.echo(line)
    click.echo(f"wrote {len(paths)} files to {out}/ (report.html)")


def _is_d1_experiment(path: str) -> bool:
    import tomllib

    try:
        return "d1" in tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


def _simulate_d1(path: str, out: Path, seed: int | None) -> None:
    """A scenario with a ``[d1]`` table: the D1 experiment (``edgert.sim.d1``)."""
    from edgert.errors import EdgertError
    from edgert.sim.d1 import load_d1_experiment, run_d1_experiment, write_d1_report

    try:
        results = run_d1_experiment(load_d1_experiment(path, seed))
    except EdgertError as exc:
        click.echo(f"edgert: {exc}", err=True)
        sys.exit(1)
    paths = write_d1_report(results, out)
    for mode, d in results["deployments"].items():
        lat = d["sql_read_latency_ms"]
        click.echo(
            f"{mode:22} SQL read p50 {lat['p50']:8.1f} ms  p95 {lat['p95']:8.1f} ms  "
            f"replica share {d['served_by_replica_share']:.2f}  "
            f"read-your-writes violations {d['read_your_writes_violations']}/{d['reads']}"
        )
    click.echo(f"wrote {len(paths)} files to {out}/ (report.html)")
