"""Ray against Dask distributed, for running the simulator's shards (issue 18): what each costs on
this machine, measured in the same run.

    python benches/bench_cluster_engines.py [--workers 2] [--tasks 200] [--mb 8]

For each engine: start-up (a local cluster of ``--workers`` worker processes, from nothing to the
first task's result), per-task overhead (``--tasks`` empty tasks, submitted at once, gathered),
result transfer (one task returning ``--mb`` MB of numpy columns, as a shard returns its
per-request columns), shutdown. Wall times, median of 3 rounds after start-up.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import numpy as np


def noop(x: int) -> int:
    return x


def columns(mb: int) -> dict[str, Any]:
    n = mb * (1 << 20) // 8 // 4
    return {k: np.arange(n, dtype=np.float64) for k in "abcd"}


def bench_dask(workers: int, tasks: int, mb: int) -> dict[str, float]:
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
    )
    client = Client(cluster)
    client.submit(noop, 0, pure=False).result()
    start = time.perf_counter() - t0
    per_task, transfer = [], []
    for _ in range(3):
        t = time.perf_counter()
        client.gather(client.map(noop, range(tasks), pure=False))
        per_task.append((time.perf_counter() - t) / tasks)
        t = time.perf_counter()
        client.submit(columns, mb, pure=False).result()
        transfer.append(time.perf_counter() - t)
    t = time.perf_counter()
    client.close()
    cluster.close()
    stop = time.perf_counter() - t
    return {"start_s": start, "task_ms": 1e3 * statistics.median(per_task),
            "transfer_s": statistics.median(transfer), "stop_s": stop}  # fmt: skip


def bench_ray(workers: int, tasks: int, mb: int) -> dict[str, float]:
    import ray

    t0 = time.perf_counter()
    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
             configure_logging=False, _node_ip_address="127.0.0.1")  # fmt: skip
    rnoop = ray.remote(noop)
    rcols = ray.remote(columns)
    ray.get(rnoop.remote(0))
    start = time.perf_counter() - t0
    per_task, transfer = [], []
    for _ in range(3):
        t = time.perf_counter()
        ray.get([rnoop.remote(i) for i in range(tasks)])
        per_task.append((time.perf_counter() - t) / tasks)
        t = time.perf_counter()
        ray.get(rcols.remote(mb))
        transfer.append(time.perf_counter() - t)
    t = time.perf_counter()
    ray.shutdown()
    stop = time.perf_counter() - t
    return {"start_s": start, "task_ms": 1e3 * statistics.median(per_task),
            "transfer_s": statistics.median(transfer), "stop_s": stop}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tasks", type=int, default=200)
    ap.add_argument("--mb", type=int, default=8)
    ap.add_argument("--engines", nargs="*", default=["dask", "ray"])
    a = ap.parse_args()
    print(f"# {a.workers} local workers, {a.tasks} empty tasks, {a.mb} MB result; "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'engine':8} {'start-up s':>11} {'per task ms':>12} {'transfer s':>11} {'stop s':>8}")
    for name in a.engines:
        r = (bench_dask if name == "dask" else bench_ray)(a.workers, a.tasks, a.mb)
        print(f"{name:8} {r['start_s']:11.2f} {r['task_ms']:12.2f} {r['transfer_s']:11.3f} "
              f"{r['stop_s']:8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
