"""Scenario files: parsing, defaults, and errors that name the key at fault."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from sim_helpers import WORKER, small

from edgert.errors import ConfigError, ScenarioError
from edgert.sim.scenario import load_scenario, parse_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "simulate"


def test_small_scenario_parses() -> None:
    sc = parse_scenario(small())
    assert sc.pops == ("NRT", "IAD", "FRA")
    assert [d.name for d in sc.deployments] == ["origin-only", "edge"]
    assert sc.traffic.page == ("/auth", "/geo", "/api/me")
    assert sc.population.cities[0] == ("Tokyo", None, 2.0)
    assert sc.worker.cpu.mode == "fixed"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name)
def test_examples_parse(path: Path) -> None:
    if "d1" in tomllib.loads(path.read_text(encoding="utf-8")):  # the D1 experiment's format
        from edgert.sim.d1 import load_d1_experiment

        assert load_d1_experiment(path).seed is not None
        return
    sc = load_scenario(path)
    assert sc.seed is not None and sc.worker.path is not None and sc.worker.path.is_file()


def test_named_deployments_and_pops_table() -> None:
    sc = parse_scenario(
        small(
            pops={"preset": "global"},
            deployments=["edge+cache", "few"],
            deployment={"few": {"pops": ["NRT", "FRA"], "cache": True}},
        )
    )
    assert sc.pops == "global"
    few = sc.deployments[1]
    assert (few.name, few.mode, few.pops, few.cache) == ("few", "edge", ("NRT", "FRA"), True)
    assert sc.deployments[0].cache is True


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"traffic": {"requests_per_s": 0}}, "traffic.requests_per_s"),
        ({"traffic": {"requests_per_s": "fast"}}, "traffic.requests_per_s"),
        ({"traffic": {"token_reuse": 1.5}}, "traffic.token_reuse"),
        ({"traffic": {"page": ["auth"]}}, "traffic.page"),
        ({"traffic": {"typo": 1}}, "traffic.typo"),
        ({"origin": {"region": "QQQQ"}}, "origin.region"),
        ({"origin": {"service_ms": -1}}, "origin.service_ms"),
        ({"worker": {"path": "missing.js"}}, "worker.path"),
        ({"worker": {"path": str(WORKER), "cpu": {"mode": "guess"}}}, "worker.cpu.mode"),
        ({"worker": {"path": str(WORKER), "cpu": {"factor": 0}}}, "worker.cpu.factor"),
        ({"population": {"continents": ["XX"]}}, "population.continents"),
        ({"population": {"cities": [{"weight": 1}]}}, "population.cities[0].name"),
        ({"pops": 3}, "pops"),
        ({"pops": ["NRT", "NOPE1"]}, "pops"),
        ({"deployments": ["edge", "mystery"]}, "mystery"),
        ({"deployment": {"unused": {}}}, "deployment.unused"),
        ({"duration_s": 0}, "duration_s"),
        ({"seed": 1.5}, "seed"),
        ({"kv": {"ns": {"k": 1}}}, "kv.ns"),
        ({"extra": True}, "extra"),
    ],
)
def test_errors_name_the_key(overrides: dict[str, Any], key: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(small(**overrides))
    assert key in str(info.value)
    assert isinstance(info.value, ConfigError)


def test_kv_writes_need_a_namespace() -> None:
    with pytest.raises(ScenarioError, match=r"traffic\.kv_write_namespace"):
        parse_scenario(small(traffic={"kv_writes_per_s": 1.0}))


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("seed = = 1\n")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "none.toml")


def test_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "w.js").write_text(WORKER.read_text())
    f = tmp_path / "s.toml"
    f.write_text('seed = 3\n[worker]\npath = "w.js"\n')
    sc = load_scenario(f)
    assert sc.worker.path == tmp_path / "w.js"
    assert sc.seed == 3 and sc.with_seed(9).seed == 9


def test_latency_and_network_overrides() -> None:
    sc = parse_scenario(
        small(latency={"internet_stretch": 1.4, "mss_bytes": 1400}, network={"protocol": "HTTP/3"})
    )
    params = sc.latency_params()
    assert params.internet_stretch == 1.4 and params.mss_bytes == 1400
    assert sc.protocol == "HTTP/3"
    with pytest.raises(ScenarioError, match=r"latency\.nonsense"):
        parse_scenario(small(latency={"nonsense": 1.0}))
    with pytest.raises(ScenarioError, match=r"network\.protocol"):
        parse_scenario(small(network={"protocol": "SPDY"}))


def test_latency_paths_choose_the_propagation_model() -> None:
    sc = parse_scenario(small(latency={"paths": "great-circle", "fixed_access_ms": 12}))
    assert sc.latency_params().paths == "great-circle"
    assert parse_scenario(small()).latency_params().paths == "hubs"
    with pytest.raises(ScenarioError, match="latency"):
        parse_scenario(small(latency={"paths": "straight"}))
