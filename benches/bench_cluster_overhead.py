"""Where a Dask cluster's extra CPU goes when it runs the simulator's shards (issue 18).

    python benches/bench_cluster_overhead.py [--requests 100000]

The standard workload (``bench_sim.py``'s scenario) sharded over a local Dask cluster of 2 worker
processes (started before the clock), each shard task timed inside with ``time.thread_time()``.
Prints the shards' own thread CPU, the worker processes' CPU during the run (the shards plus
whatever else the workers did: their event loops, heartbeats, the statistical profiler,
serialisation) and the client process's (the local scheduler, the client, planning and merging).
Thread CPU time is what each part used, whatever the machine's load. Set
``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` to run the workers without their profiler.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def timed_shard(scenario: Any, files: Any, deployment: str, groups: Any) -> tuple[list[Any], float]:
    """A shard task (``edgert.sim.cluster``'s), and its thread's CPU time."""
    from edgert.sim import cluster

    t = time.thread_time()
    runs = cluster._run_remote_shard(scenario, files, deployment, groups)
    return runs, time.thread_time() - t


def main(requests: int) -> None:
    import bench_sim
    from distributed import Client, LocalCluster

    from edgert.sim import cluster
    from edgert.sim.deployments import START
    from edgert.sim.parallel import _merge, plan_groups
    from edgert.sim.population import Population
    from edgert.sim.scenario import load_scenario
    from edgert.sim.traffic import make_traffic

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_sim.build_workload(folder / "build")
        work = folder / "scenario"  # only the worker and its tokens are shipped
        work.mkdir()
        for name in ("worker.js", "hs256.txt"):
            (work / name).write_bytes((folder / "build" / name).read_bytes())
        path = work / "scale.toml"
        path.write_text(bench_sim.SCENARIO.format(duration=requests / 1000.0, rate=1000.0))
        sc = load_scenario(path)
        population = Population(sc.population, sc.access)
        traffic = make_traffic(sc, population, sc.latency_params(), START)
        local = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        )
        client = Client(local)
        client.run(lambda: __import__("edgert.sim.runner"))
        workers_before, parent_before = client.run(_cpu_s), _cpu_s()
        wall = time.perf_counter()
        deployment = sc.deployments[0]
        plan = plan_groups(sc, deployment, traffic, population, 2)
        shared = client.scatter([sc, cluster.pack_files(sc)], broadcast=True, hash=False)
        futures = [
            client.submit(timed_shard, *shared, deployment.name, g, pure=False) for g in plan if g
        ]
        results = client.gather(futures)
        merged = _merge(deployment.name, [r for runs, _ in results for r in runs])
        wall = time.perf_counter() - wall
        parent = _cpu_s() - parent_before
        workers = sum(client.run(_cpu_s).values()) - sum(workers_before.values())
        shards = sum(t for _, t in results)
        client.close()
        local.close()
    print(
        json.dumps(
            {
                "requests": len(merged.total_ms),
                "wall_s": round(wall, 1),
                "shard_threads_cpu_s": round(shards, 2),
                "worker_processes_cpu_s": round(workers, 2),
                "client_process_cpu_s": round(parent, 2),
                "workers_beyond_shards_s": round(workers - shards, 2),
                "load_average": round(os.getloadavg()[0], 1),
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100_000)
    main(parser.parse_args().requests)
