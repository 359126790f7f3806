"""Running a deployment's PoP shards on a Dask distributed cluster (``edgert simulate --cluster``).

The sharding is :mod:`edgert.sim.parallel`'s (PoP groups that share no state, dealt out by load):
this module only changes *where* the shards run. Each shard is one Dask task that receives
everything it needs by value, so the workers need edgert installed (``pip install
'edgert[cluster]'``, the same version) and nothing else, no shared filesystem:

- the parsed :class:`~edgert.sim.scenario.Scenario` (frozen dataclasses, pickled by Dask);
- the files it names (the worker script's folder, a tokens file, a wrangler config's folder),
  packed as bytes (:func:`pack_files`, at most ``MAX_BUNDLE_BYTES``) and unpacked into a
  temporary folder on the worker, with the scenario's paths pointed there;
- the deployment's name and the shard's session groups (numpy arrays).

The task draws the traffic again from the scenario's seed (as a local shard process does), runs its
groups and returns their :class:`~edgert.sim.runner.DeploymentRun` columns; the caller merges them
exactly as local shards are merged, so the results are the same bytes as one process's.

Why Dask rather than Ray: measured on the 2-core development machine (``benches/
bench_cluster_engines.py``, docs/simulate.md), a local cluster starts in ~3 s with Dask against
~9 s with Ray; Ray's per-task overhead is lower (0.7 ms against 4.6 ms) but a run has a handful
of shard tasks of seconds to minutes each, and result transfer (tens of MB of columns) costs the
same on both. Dask is also pure Python on PyPI (no 70 MB binary wheel), and its own
``dask scheduler`` / ``dask worker`` commands start a cluster over several machines.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from edgert.errors import ScenarioError
from edgert.sim.runner import DeploymentRun
from edgert.sim.scenario import Scenario

__all__ = [
    "MAX_BUNDLE_BYTES",
    "cluster_workers",
    "connect",
    "pack_files",
    "run_shards_on_cluster",
]

#: The most bytes of scenario files shipped with each shard task.
MAX_BUNDLE_BYTES = 64 << 20

#: How long to wait for the scheduler to answer.
CONNECT_TIMEOUT = "20s"

#: Folders never shipped (tooling state, not the worker's files).
_SKIP_DIRS = frozenset({".git", ".edgert", "__pycache__", ".venv"})


def _require_dask() -> Any:
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - the cluster extra installs it
        raise ScenarioError(
            "--cluster needs Dask distributed: pip install 'edgert[cluster]'"
        ) from exc
    return distributed


def connect(address: Any) -> tuple[Any, bool]:
    """A ``distributed.Client`` for ``address`` (``tcp://host:8786``), or ``address`` itself
    when it already is a client; and whether the caller owns it (must close it)."""
    distributed = _require_dask()
    if isinstance(address, distributed.Client):
        return address, False
    try:
        return distributed.Client(address, timeout=CONNECT_TIMEOUT), True
    except (OSError, ValueError, TypeError) as exc:  # refused, timed out, a malformed address
        raise ScenarioError(f"--cluster {address}: cannot reach the scheduler: {exc}") from exc


def cluster_workers(client: Any) -> int:
    """How many tasks the cluster runs at once (its worker threads)."""
    return max(1, int(sum(client.nthreads().values())))


def _roots(scenario: Scenario) -> dict[str, Path]:
    """Folders whose files a shard needs, by the field that names them."""
    roots: dict[str, Path] = {}
    w = scenario.worker
    if w.path is not None:
        roots["worker.path"] = Path(w.path).resolve().parent
    if w.config is not None:
        roots["worker.config"] = Path(w.config).resolve().parent
    if scenario.traffic.tokens_file is not None:
        roots["traffic.tokens_file"] = Path(scenario.traffic.tokens_file).resolve().parent
    return roots


def pack_files(scenario: Scenario) -> dict[str, dict[str, bytes]]:
    """The files of each folder the scenario names (relative path -> bytes), to ship by value."""
    out: dict[str, dict[str, bytes]] = {}
    total = 0
    for key, root in _roots(scenario).items():
        if not root.is_dir():
            raise ScenarioError(f"{key}: folder {root} does not exist")
        files: dict[str, bytes] = {}
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
            for name in sorted(filenames):
                path = Path(dirpath) / name
                data = path.read_bytes()
                total += len(data)
                if total > MAX_BUNDLE_BYTES:
                    raise ScenarioError(
                        f"--cluster: the files beside {key} ({root}) exceed "
                        f"{MAX_BUNDLE_BYTES >> 20} MB; keep the scenario's worker in a folder "
                        "of its own"
                    )
                files[path.relative_to(root).as_posix()] = data
        out[key] = files
    return out


def _relocated(scenario: Scenario, into: Path, files: dict[str, dict[str, bytes]]) -> Scenario:
    """The scenario with its files written under ``into`` and its paths pointing there."""
    roots = _roots(scenario)
    for key, contents in files.items():
        for rel, data in contents.items():
            target = into / key / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def moved(key: str, path: Path | None) -> Path | None:
        if path is None:
            return None
        return into / key / Path(path).resolve().relative_to(roots[key])

    w = scenario.worker
    worker = dataclasses.replace(
        w, path=moved("worker.path", w.path), config=moved("worker.config", w.config)
    )
    traffic = dataclasses.replace(
        scenario.traffic,
        tokens_file=moved("traffic.tokens_file", scenario.traffic.tokens_file),
    )
    return dataclasses.replace(scenario, worker=worker, traffic=traffic, base_dir=into)


def _run_remote_shard(
    scenario: Scenario,
    files: dict[str, dict[str, bytes]],
    deployment: str,
    groups: list[npt.NDArray[np.int64]],
) -> list[DeploymentRun]:
    """A shard task, on a cluster worker: unpack the scenario's files, run the groups."""
    from edgert.sim.parallel import run_shard

    with tempfile.TemporaryDirectory(prefix="edgert-shard-") as tmp:
        local = _relocated(scenario, Path(tmp), files)
        spec = next(d for d in local.deployments if d.name == deployment)
        return run_shard(local, spec, groups)


def run_shards_on_cluster(
    client: Any,
    scenario: Scenario,
    deployment: str,
    plan: list[list[npt.NDArray[np.int64]]],
    progress: Callable[[int], None] | None = None,
) -> list[DeploymentRun]:
    """Runs each shard of ``plan`` as a task on the cluster; returns every group's run, in the
    plan's order (the merge sorts the columns, so order does not change the result)."""
    distributed = _require_dask()
    files = pack_files(scenario)
    # Scattered once, shared by every shard task (not copied into each task's message).
    # Unique keys (hash=False): a key shared with the previous deployment's scatter could be
    # released by that one's clean-up while this one's tasks still need it.
    [shared_scenario, shared_files] = client.scatter([scenario, files], broadcast=True, hash=False)
    futures = [
        client.submit(
            _run_remote_shard, shared_scenario, shared_files, deployment, groups, pure=False
        )
        for groups in plan
        if groups
    ]
    done: dict[int, list[DeploymentRun]] = {}
    index = {f.key: i for i, f in enumerate(futures)}
    for future in distributed.as_completed(futures):
        runs = future.result()
        done[index[future.key]] = runs
        if progress is not None:
            progress(sum(len(r.total_ms) for r in runs))
    return [run for i in range(len(futures)) for run in done[i]]
