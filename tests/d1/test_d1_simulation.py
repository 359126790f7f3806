"""The D1 experiment of ``edgert simulate``: replicas cut SQL read latency, reads without a
carried bookmark can miss the user's own write, and with sessions none does."""

from __future__ import annotations

from pathlib import Path

from edgert.sim.d1 import D1Experiment, load_d1_experiment, run_d1_experiment, write_d1_report

EXAMPLE = Path(__file__).parents[2] / "examples" / "simulate" / "d1.toml"


def test_replicas_and_sessions(tmp_path: Path) -> None:
    exp = D1Experiment(
        seed=2, users_per_city=4, actions_per_user=10, write_share=0.5, think_s=(0.02, 0.3)
    )
    results = run_d1_experiment(exp)
    d = results["deployments"]
    primary, loose, sessions = (
        d["primary only"],
        d["replicas, no bookmark"],
        d["replicas, sessions"],
    )
    assert primary["served_by_replica_share"] == 0.0
    assert loose["sql_read_latency_ms"]["p50"] < primary["sql_read_latency_ms"]["p50"] / 10
    assert primary["read_your_writes_violations"] == 0
    assert loose["read_your_writes_violations"] > 0
    assert sessions["read_your_writes_violations"] == 0
    assert sessions["reads_that_waited_for_a_replica"] > 0
    assert run_d1_experiment(exp) == results  # deterministic for a seed
    paths = write_d1_report(results, tmp_path)
    assert all(p.exists() for p in paths)


def test_the_example_scenario_parses() -> None:
    exp = load_d1_experiment(EXAMPLE, seed=9)
    assert exp.seed == 9 and exp.primary == "IAD" and "NRT" in exp.replicas
