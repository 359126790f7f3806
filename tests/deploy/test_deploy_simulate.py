"""Releases in the simulator: the example scenario's bad release under three strategies."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from edgert.errors import ScenarioError
from edgert.sim.reports.files import results_bytes
from edgert.sim.scenario import load_scenario, parse_scenario
from edgert.sim.simulation import simulate

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "simulate" / "release.toml"


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return simulate(load_scenario(EXAMPLE), processes=1).results


def test_waves_roll_the_bad_release_back_in_its_first_wave(example: dict[str, Any]) -> None:
    waves = example["releases"]["v2"]["strategies"]["waves"]
    assert waves["status"] == "rolled_back"
    kinds = [e["kind"] for e in waves["events"]]
    assert kinds.count("stage") == 1 and "promote" not in kinds and kinds[-1] == "rollback"
    assert waves["time_to_detection_s"] is not None
    assert waves["error_requests"] > 0
    # Everyone who saw an error was at a canary PoP, and only canary PoPs saw the new version.
    assert set(waves["error_pops"]) <= set(waves["first_wave"]) == {"GRU"}
    assert set(waves["pops_exposed"]) <= set(waves["first_wave"])


def test_immediate_without_a_gate_hurts_ten_times_more(example: dict[str, Any]) -> None:
    strategies = example["releases"]["v2"]["strategies"]
    immediate, waves = strategies["immediate"], strategies["waves"]
    assert immediate["status"] == "complete" and immediate["time_to_rollback_s"] is None
    assert immediate["error_requests"] >= 10 * waves["error_requests"]
    assert immediate["error_users"] > waves["error_users"]
    assert immediate["pops_exposed_count"] > 20
    percentage = strategies["percentage"]
    assert percentage["status"] == "rolled_back"
    assert percentage["error_requests"] < immediate["error_requests"]
    # The timeline holds every request of the run, per version.
    tl = immediate["timeline"]
    assert (
        sum(sum(v["requests"]) for v in tl["versions"].values())
        == (example["deployments"]["edge"]["requests"])
    )
    comparison = {c["strategy"]: c for c in example["releases"]["v2"]["comparison"]}
    assert comparison["waves"]["immediate_over_this"] >= 10


def test_a_scenario_without_releases_has_no_release_results(example: dict[str, Any]) -> None:
    scenario = dataclasses.replace(load_scenario(EXAMPLE), releases=(), duration_s=10.0)
    assert "releases" not in simulate(scenario, processes=1).results


def test_same_seed_same_bytes() -> None:
    scenario = load_scenario(EXAMPLE)
    release = scenario.releases[0]
    short = dataclasses.replace(
        scenario,
        duration_s=50.0,
        drain_s=10.0,
        deployments=scenario.deployments,
        releases=(dataclasses.replace(release, strategies=release.strategies[1:2]),),
    )
    a = results_bytes(simulate(short, processes=1).results)
    b = results_bytes(simulate(short, processes=1).results)
    assert a == b and b'"releases"' in a
    c = results_bytes(simulate(short.with_seed(12), processes=1).results)
    assert c != a


@pytest.mark.slow
def test_the_example_is_byte_identical(example: dict[str, Any]) -> None:
    again = simulate(load_scenario(EXAMPLE), processes=1).results
    assert results_bytes(again) == results_bytes(example)


def _scenario(release: dict[str, Any]) -> Any:
    data = {
        "deployments": ["edge"],
        "pops": "demo",
        "worker": {"path": "worker.js"},
        "release": [release],
    }
    return parse_scenario(data, EXAMPLE.parent)


@pytest.mark.parametrize(
    ("release", "message"),
    [
        ({"strategy": {"x": {"kind": "immediate"}}}, "script"),
        ({"script": "nope.js", "strategy": {"x": {"kind": "immediate"}}}, "no such file"),
        ({"script": "release-bad.js"}, "strategy"),
        ({"script": "release-bad.js", "strategy": {"x": {"kind": "canary"}}}, "kind"),
        ({"script": "release-bad.js", "strategy": {"waves": {"gate": True}}}, "waves"),
        (
            {"script": "release-bad.js", "strategy": {"immediate": {"gate": True}}},
            "no [release.gate]",
        ),
        (
            {
                "script": "release-bad.js",
                "strategy": {"p": {"kind": "percentage", "steps": [50, 10]}},
            },
            "increase",
        ),
        (
            {
                "script": "release-bad.js",
                "deployment": "origin-only",
                "strategy": {"immediate": {}},
            },
            "edge deployments",
        ),
        ({"script": "release-bad.js", "strategy": {"immediate": {}}, "typo": 1}, "unknown key"),
    ],
)
def test_release_errors_name_the_key(release: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[")):
        _scenario(release)


def test_release_parses() -> None:
    s = _scenario(
        {
            "script": "release-bad.js",
            "at_s": 5,
            "gate": {"min_requests": 10, "max_error_rate": 0.02},
            "strategy": {
                "waves": {"waves": [["NRT"], "smallest:2", "rest"], "bake_s": 10},
                "pct": {"kind": "percentage", "steps": [10, 100]},
                "now": {"kind": "immediate", "gate": False},
            },
        }
    )
    (r,) = s.releases
    assert r.name == "release-1" and r.tag == "release-1" and r.deployment == "edge"
    assert r.gate is not None and r.gate.min_requests == 10
    assert [x.kind for x in r.strategies] == ["waves", "percentage", "immediate"]
    assert r.strategies[0].waves == (("NRT",), ("smallest:2",), ("rest",))
    assert [x.gate for x in r.strategies] == [True, True, False]
