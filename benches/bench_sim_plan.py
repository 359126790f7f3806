"""The parent's own work in a sharded simulator run (issue 18): planning the shards and merging
their columns, on ``bench_sim.py``'s standard scenario.

    python benches/bench_sim_plan.py [--requests 1000000] [--processes 2]

Prints, as JSON: the CPU seconds of ``edgert.sim.parallel.plan_groups`` (routing every session
to its PoP, dealing the PoPs to shards and groups; the process's first call, which also loads the
PoPs and builds the routing grid, and a second one), each shard's requests and groups, and the
CPU seconds of ``_merge`` over columns shaped like the shards' (one run per group, each sorted
by (session, call), as the runner returns them); and the queue local processes take groups from
(``plan_queue``): its groups and each group's share of the requests, heaviest first. Run it with
another checkout's ``python`` on ``PYTHONPATH`` for a before/after comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_sim

from edgert.sim import parallel
from edgert.sim.deployments import START
from edgert.sim.population import Population
from edgert.sim.runner import DeploymentRun
from edgert.sim.scenario import load_scenario
from edgert.sim.traffic import make_traffic


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_sim.build_workload(Path(tmp))
        path = Path(tmp) / "plan.toml"
        rate = 1000.0
        path.write_text(bench_sim.SCENARIO.format(duration=args.requests / rate, rate=rate))
        sc = load_scenario(path)
        population = Population(sc.population, sc.access)
        traffic = make_traffic(sc, population, sc.latency_params(), START)
    d = sc.deployments[0]
    out: dict[str, object] = {"sessions": traffic.sessions}
    for label in ("plan_first_cpu_s", "plan_again_cpu_s"):
        t = time.process_time()
        plan = parallel.plan_groups(sc, d, traffic, population, args.processes)
        out[label] = round(time.process_time() - t, 3)
    per = traffic.pages * len(traffic.page)
    out["shard_requests"] = parallel.shard_requests(plan, traffic)
    out["groups"] = [len(groups) for groups in plan]
    runs = [_run_of(g, per, traffic.pages) for groups in plan for g in groups]
    t = time.process_time()
    parallel._merge(d.name, runs)
    out["merge_cpu_s"] = round(time.process_time() - t, 3)
    # Every session makes the same number of requests: a group's share of the sessions is its
    # share of the requests.
    queue = parallel.plan_queue(sc, d, traffic, population, args.processes)
    out["queue_group_share_pct"] = [round(100 * len(g) / traffic.sessions, 2) for g in queue]
    print(json.dumps(out))


def _run_of(sessions: np.ndarray, per: int, pages: int) -> DeploymentRun:
    """A group's columns (zeros but the keys), sorted by (session, call) as the runner's are."""
    n = len(sessions) * per
    f, b, i = np.zeros(n), np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64)
    return DeploymentRun(
        name="edge",
        pops=[],
        session=np.repeat(sessions, per).astype(np.int64),
        call=np.tile(np.arange(per), len(sessions)).astype(np.int64),
        pop=i, status=i, total_ms=f, edge_only=b, cold_start=b, new_connection=b,
        origin_requests=i, charged_cpu_ms=f, measured_cpu_ms=f, client_rtt_ms=f,
        origin_rtt_ms=f,
        page_session=np.repeat(sessions, pages).astype(np.int64),
        page_ms=np.zeros(len(sessions) * pages),
        kv_stale=b[:0], kv_age_s=f[:0], do_pop=i[:0], do_home=i[:0], do_binding=i[:0],
        do_bindings=[], do_ms=f[:0], cache={}, kv_writes=0,
    )  # fmt: skip


if __name__ == "__main__":
    main()
