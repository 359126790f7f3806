"""Simulator benchmarks (issue 8).

    .venv/bin/python benches/bench_sim.py events [--events 1000000]
    .venv/bin/python benches/bench_sim.py scale [--requests 10000 100000 1000000]
                                                [--processes N] [--cluster]

``events``: the event loop alone (no JavaScript). 1,000 processes, each waiting a random delay
and scheduling its next wait, until ``--events`` events have run; the same workload on SimPy
(PyPI ``simpy``: ``env.timeout`` in generator processes), on ``edgert.sim.eventloop.EventLoop``
on the core's ``EventLoop`` (Rust heap, Python callbacks), on its pure-Python twin
``PyEventLoop``, and on ``edgert.host.VirtualTimeHost`` (the clock ``Network`` runs on), in the same run, one
core. Rates are events per second of process CPU time (the machine is shared: CPU time is what
the loop costs, wall time also counts other processes), best of 5 interleaved rounds.

``scale``: the standard workload (``../shared/bench/worker/worker.js``, HS256 JWTs verified with
crypto.subtle, a distinct token per request from the pool of 1,000) through ``edgert simulate``'s
runner: 327 PoPs (``global``), users from the world's cities, sessions loading pages of 5
sequential calls, real worker execution at every PoP. Each size runs in a fresh process so that
its peak RSS (``ru_maxrss``) is its own; reports wall time, CPU time (the process and its
children), CPU time per request, requests/s and peak memory. ``--processes N`` shards the PoPs
N ways (``edgert.sim.parallel``: the first shard in the benchmark's process, the others in worker
processes; the same results as one process; ``split`` in the output is the wall time's split:
planning, each shard's start-up and run, the merge); by default, as
``edgert simulate``, the machine's cores for runs of 50,000 requests or more. ``--cluster`` runs
the same shards as tasks on a local Dask cluster of N workers (started before the clock starts;
the workers' CPU time is added): the engine's overhead against local processes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = 1000


def bench_simpy(events: int) -> float:
    import simpy

    env = simpy.Environment()
    rng = random.Random(1)
    count = [0]

    def proc(env: simpy.Environment) -> object:
        r = rng.random
        while True:
            yield env.timeout(r())
            count[0] += 1

    for _ in range(PROCESSES):
        env.process(proc(env))
    t = time.process_time()
    while count[0] < events:
        env.step()
    return count[0] / (time.process_time() - t)


def bench_eventloop(events: int, pure: bool = False) -> float:
    from edgert.sim.eventloop import EventLoop, PyEventLoop

    loop: Any = PyEventLoop() if pure else EventLoop()
    r = random.Random(1).random

    def tick(_: object) -> None:
        loop.at(loop.now + r(), tick)

    for _ in range(PROCESSES):
        loop.at(r(), tick)
    t = time.process_time()
    ran = loop.run(max_events=events)
    return ran / (time.process_time() - t)


def bench_virtual_host(events: int) -> float:
    from edgert.host.virtual import VirtualTimeHost

    host = VirtualTimeHost(start=0.0)
    r = random.Random(1).random
    count = [0]

    def tick() -> None:
        count[0] += 1
        host.at(host.now() + r(), tick)

    for _ in range(PROCESSES):
        host.at(r(), tick)
    t = time.process_time()
    # Mean delay 0.5 s, 1,000 processes: 2,000 events per virtual second.
    host.run(until=events / (PROCESSES * 2.0))
    return count[0] / (time.process_time() - t)


def events_main(events: int) -> None:
    print(
        f"# event loop alone: {PROCESSES} processes, {events:,} events, best of 5 interleaved "
        "rounds, process CPU time, one core"
    )
    print(f"# python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    contenders: list[tuple[str, Any]] = [
        ("SimPy (peer)", bench_simpy),
        ("edgert EventLoop (core, Rust)", bench_eventloop),
        ("edgert PyEventLoop (pure Python)", lambda n: bench_eventloop(n, pure=True)),
        ("edgert VirtualTimeHost", bench_virtual_host),
    ]
    best = {name: 0.0 for name, _ in contenders}
    for _ in range(5):
        for name, fn in contenders:
            best[name] = max(best[name], fn(events))
    peer = best["SimPy (peer)"]
    for name, rate in best.items():
        print(f"{name:34} {rate:12,.0f} events/s  {rate / peer:5.2f}x SimPy")


SCENARIO = """
name = "standard workload at scale"
seed = 1
duration_s = {duration}
drain_s = 60
pops = "global"
deployments = ["edge"]
[origin]
region = "IAD"
service_ms = 20
[worker]
path = "worker.js"
[population]
max_cities = 5000
[traffic]
requests_per_s = {rate}
page = ["/hs256", "/hs256", "/hs256", "/hs256", "/hs256"]
pages_per_session = 3
think_time_s = 5
token_reuse = 0.0
tokens = 1000
tokens_file = "hs256.txt"
"""


def build_workload(folder: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "webcrypto"))
    from standard_workload import build  # type: ignore[import-not-found]

    w = build(folder)
    (folder / "worker.js").write_text(w.source)
    (folder / "hs256.txt").write_text("\n".join(w.tokens["hs256"]) + "\n")


def scale_one(
    folder: Path, requests: int, processes: int | None = None, cluster: bool = False
) -> dict[str, Any]:
    from edgert.latency import LatencyParams
    from edgert.sim.deployments import START
    from edgert.sim.population import Population
    from edgert.sim.runner import run_deployment
    from edgert.sim.scenario import load_scenario
    from edgert.sim.traffic import make_traffic

    rate = 1000.0
    path = folder / f"scale_{requests}.toml"
    path.write_text(SCENARIO.format(duration=requests / rate, rate=rate))
    sc = load_scenario(path)
    population = Population(sc.population, sc.access)
    traffic = make_traffic(sc, population, LatencyParams(), START)

    def cpu_now() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    if processes is None:
        from edgert.sim.parallel import auto_processes

        processes = auto_processes(sc, traffic)
    client = local = None
    if cluster:  # a local Dask cluster of `processes` workers, started before the clock starts
        from distributed import Client, LocalCluster

        local = LocalCluster(
            n_workers=processes,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        )
        client = Client(local)
    workers_before = sum(client.run(_process_cpu_s).values()) if client is not None else 0.0
    threads_before = _other_threads_cpu_s()
    load_before = os.getloadavg()[0]
    timings: dict[str, Any] = {}
    wall, cpu = time.perf_counter(), cpu_now()
    if client is not None:
        from edgert.sim.parallel import run_sharded

        run = run_sharded(
            sc, sc.deployments[0], traffic, population, processes, cluster=client, timings=timings
        )
    elif os.environ.get("EDGERT_SIM_UNGROUPED"):  # the path before PoP groups, for comparison
        run = run_deployment(sc, sc.deployments[0], traffic, population)
    else:  # what `edgert simulate` does: sharded by PoP, each process a group of PoPs at a time
        from edgert.sim.parallel import run_sharded

        run = run_sharded(sc, sc.deployments[0], traffic, population, processes, timings=timings)
    wall, cpu = time.perf_counter() - wall, cpu_now() - cpu
    threads_cpu = _other_threads_cpu_s() - threads_before
    if client is not None and local is not None:
        # The workers' CPU time during the run (they were started, and imported edgert, before
        # the clock started; their CPU time is not yet among this process's children's).
        cpu += sum(client.run(_process_cpu_s).values()) - workers_before
        client.close()
        local.close()
    n = len(run.total_ms)
    return {
        "requests": n,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "requests_per_wall_s": round(n / wall),
        "requests_per_cpu_s": round(n / cpu),
        "cpu_ms_per_request": round(cpu / n * 1000.0, 3),
        "processes": processes,
        "engine": "dask" if cluster else "processes",
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_child_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "ok_share": round(float((run.status == 200).mean()), 4),
        "cold_starts": int(run.cold_start.sum()),
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        # CPU of this process's threads other than the one that runs the simulation (OpenBLAS's
        # pool, when it spins; edgert.sim.blas keeps it to one thread): included in cpu_s.
        "other_threads_cpu_s": round(threads_cpu, 2),
        # The wall time's split (edgert.sim.parallel.run_sharded's timings): planning, each
        # shard's start-up and run, the merge.
        "split": timings,
    }


def _other_threads_cpu_s() -> float:
    """CPU seconds of this process's threads but the calling one, from /proc (0 elsewhere)."""
    me, total = str(threading.get_native_id()), 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 0.0
    for tid in tasks:
        if tid == me:
            continue
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def _process_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def scale_main(sizes: list[int], processes: int | None, cluster: bool = False) -> None:
    print("# standard workload, 327 PoPs, real worker execution; one process per size")
    print(f"# python {platform.python_version()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_workload(folder)
        for n in sizes:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "_scale_one",
                    str(folder),
                    str(n),
                    str(processes or 0),
                    "1" if cluster else "0",
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            print(out.stdout.strip().splitlines()[-1], flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    ev = sub.add_parser("events")
    ev.add_argument("--events", type=int, default=1_000_000)
    sc = sub.add_parser("scale")
    sc.add_argument("--requests", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    sc.add_argument(
        "--processes", type=int, default=None, help="shard by PoP over N processes (default: auto)"
    )
    sc.add_argument(
        "--cluster",
        action="store_true",
        help="run the shards on a local Dask cluster of --processes workers (edgert[cluster])",
    )
    one = sub.add_parser("_scale_one")
    one.add_argument("folder")
    one.add_argument("n", type=int)
    one.add_argument("processes", type=int, nargs="?", default=0)
    one.add_argument("cluster", type=int, nargs="?", default=0)
    args = parser.parse_args()
    if args.cmd == "events":
        events_main(args.events)
    elif args.cmd == "scale":
        scale_main(args.requests, args.processes, args.cluster)
    else:
        print(
            json.dumps(
                scale_one(Path(args.folder), args.n, args.processes or None, bool(args.cluster))
            )
        )


if __name__ == "__main__":
    main()
