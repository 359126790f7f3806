"""Shards on a Dask cluster (edgert.sim.cluster): the same bytes as one process, files shipped by
value, state-sharing scenarios fall back to one process with a message. The tests start and stop
a local 2-worker cluster themselves."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from edgert.sim.reports import results_bytes
from edgert.sim.scenario import load_scenario
from edgert.sim.simulation import ShardingFallback, simulate

distributed = pytest.importorskip("distributed", reason="pip install 'edgert[cluster]'")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "simulate"


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
    ) as local:
        yield local.scheduler_address


def test_two_cluster_workers_give_the_same_bytes_as_one_process(
    cluster: str, tmp_path: Path
) -> None:
    sc = load_scenario(EXAMPLES / "claims.toml")
    serial = simulate(sc, processes=1)
    on_cluster = simulate(sc, cluster=cluster)
    assert on_cluster.measured["processes"] == 2
    assert on_cluster.measured["cluster"]["scheduler"] == cluster
    assert results_bytes(serial.results) == results_bytes(on_cluster.results)
    assert len(set(on_cluster.runs["edge"].pop.tolist())) > 1  # really sharded


def test_the_workers_get_the_scenario_files_from_the_task(cluster: str, tmp_path: Path) -> None:
    # A copy of the example, packed, then removed before the shard task runs: the worker can
    # only find the worker script in what the task carries.
    from edgert.sim.cluster import _run_remote_shard, pack_files
    from edgert.sim.deployments import START
    from edgert.sim.parallel import plan_groups, run_shard
    from edgert.sim.population import Population
    from edgert.sim.traffic import make_traffic

    folder = tmp_path / "scenario"
    shutil.copytree(EXAMPLES, folder)
    sc = load_scenario(folder / "claims.toml")
    edge = next(d for d in sc.deployments if d.name == "edge")
    population = Population(sc.population, sc.access)
    traffic = make_traffic(sc, population, sc.latency_params(), START)
    groups = plan_groups(sc, edge, traffic, population, 1)[0]
    here = run_shard(sc, edge, groups)
    files = pack_files(sc)
    assert "worker.js" in files["worker.path"]
    shutil.rmtree(folder)
    with distributed.Client(cluster) as client:
        there = client.submit(_run_remote_shard, sc, files, "edge", groups, pure=False).result()
    assert len(there) == len(here)
    for a, b in zip(here, there, strict=True):
        assert (a.total_ms == b.total_ms).all() and (a.session == b.session).all()


def test_world_example_on_the_cluster(cluster: str) -> None:
    sc = load_scenario(EXAMPLES / "world.toml")
    sc = sc.with_seed(3)
    assert results_bytes(simulate(sc, processes=1).results) == results_bytes(
        simulate(sc, cluster=cluster).results
    )


def test_state_sharing_scenarios_fall_back_to_one_process_with_a_message(cluster: str) -> None:
    sc = load_scenario(EXAMPLES / "objects.toml")
    with pytest.warns(ShardingFallback, match="Durable Objects"):
        run = simulate(sc, cluster=cluster)
    assert run.measured["processes"] == 1 and "cluster" not in run.measured
    assert "one process" in run.measured["fallback"]


def test_cli_cluster_option(cluster: str, tmp_path: Path) -> None:
    from edgert.cli import main

    out = CliRunner().invoke(
        main,
        ["simulate", str(EXAMPLES / "claims.toml"), "--out", str(tmp_path / "c"), "--no-plots",
         "--cluster", cluster],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    serial = tmp_path / "s"
    out = CliRunner().invoke(
        main, ["simulate", str(EXAMPLES / "claims.toml"), "--out", str(serial), "--no-plots"]
    )
    assert out.exit_code == 0, out.output
    assert (tmp_path / "c" / "results.json").read_bytes() == (serial / "results.json").read_bytes()
    out = CliRunner().invoke(
        main,
        ["simulate", str(EXAMPLES / "objects.toml"), "--out", str(tmp_path / "o"), "--no-plots",
         "--cluster", cluster],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "not sharded" in out.output and "Durable Objects" in out.output


def test_an_unreachable_scheduler_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from edgert.errors import ScenarioError
    from edgert.sim import cluster as engine

    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", "1s")
    sc = load_scenario(EXAMPLES / "claims.toml")
    with pytest.raises(ScenarioError, match="cannot reach"):
        simulate(sc, cluster="tcp://127.0.0.1:1")
