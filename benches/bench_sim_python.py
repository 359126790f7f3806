"""The simulator's Python per request, apart from the core's ``CoreWorker.begin`` (issue 8).

    .venv/bin/python benches/bench_sim_python.py [--requests 20000] [--rounds 3]
        [--compare /path/to/other/checkout]

Two measures of the standard workload through ``edgert simulate``'s runner (one process), each
in a fresh process per round, on the warm second half of the run's virtual time (isolates made,
connections open; the one-time costs of the first half left out):

- ``split``: the standard workload as ``bench_sim.py scale`` runs it (327 PoPs, ``/hs256``), the
  thread CPU time of the run split into the core's ``begin`` (timed around each call) and the rest
  (the virtual-time host, the network's client leg, trace and flight, the latency model, the
  simulator's sessions and recorder, the event loop), per request;
- ``python``: the same run on the 30 tier-1 PoPs with the core's answers replayed (each core runs
  its first request for real, then ``begin`` returns that request's steps again): no JavaScript,
  only the Python around the core, per request.

``--compare DIR``: the same measures, interleaved round by round, with the Python package of
another checkout (``DIR/python``, e.g. a ``git worktree`` of main) on this checkout's built
extension, the peer of the comparison. The machine may be shared: rounds are interleaved and the
table shows each measure's median and minimum.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


class _TimedCore:
    """Forwards to a real core; times ``begin`` (thread CPU time), or replays its first answer."""

    def __init__(self, real: Any, acc: list[float], replay: bool) -> None:
        self._real = real
        self._acc = acc
        self._replay = replay
        self._steps: Any = None

    def begin(self, request: Any, now: float) -> Any:
        acc = self._acc
        acc[1] += 1
        if self._replay and self._steps is not None:
            return self._steps
        t = time.thread_time()
        steps = self._real.begin(request, now)
        acc[0] += time.thread_time() - t
        self._steps = steps
        return steps

    begin_inline = begin

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def one(folder: Path, requests: int, mode: str) -> dict[str, Any]:
    """One round in this process: ``mode`` is ``split`` or ``python``."""
    import bench_sim

    from edgert import worker as worker_module
    from edgert.host.virtual import VirtualTimeHost
    from edgert.sim.deployments import START

    replay = mode == "python"
    acc = [0.0, 0.0]  # begin's CPU time, begin calls
    new_core = worker_module.Worker.new_core

    def timed_core(self: Any, **options: Any) -> Any:
        return _TimedCore(new_core(self, **options), acc, replay)

    worker_module.Worker.new_core = timed_core  # type: ignore[method-assign]
    half = START + requests / 1000.0 / 2
    warm = [0.0, 0.0, 0.0]  # CPU time, begin's CPU time, begin calls (all networks' runs)
    run = VirtualTimeHost.run

    def halves(self: VirtualTimeHost, until: float | None = None) -> None:
        # One network per run, or one per group of PoPs (edgert.sim.parallel): each run's
        # second half of virtual time is counted.
        run(self, half)
        b0, c0, t0 = acc[0], acc[1], time.thread_time()
        run(self, until)
        warm[0] += time.thread_time() - t0
        warm[1] += acc[0] - b0
        warm[2] += acc[1] - c0

    VirtualTimeHost.run = halves  # type: ignore[method-assign]
    if replay:
        bench_sim.SCENARIO = bench_sim.SCENARIO.replace('"/hs256"', '"/hello"').replace(
            'pops = "global"', 'pops = "tier1"'
        )
    bench_sim.scale_one(folder, requests, 1)
    total, begin, calls = warm
    return {
        "run_us": total / calls * 1e6,
        "begin_us": begin / calls * 1e6,
        "python_us": (total - begin) / calls * 1e6,
        "requests": int(calls),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", type=Path, default=None)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(Path(args.one[0]), args.requests, args.one[1])))
        return
    import bench_sim

    trees = {"this checkout": None}
    if args.compare is not None:
        trees = {f"peer ({args.compare})": args.compare.resolve() / "python", **trees}
    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    print(f"# {args.requests:,} requests, warm half, {args.rounds} interleaved rounds")
    print(f"# python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_sim.build_workload(folder)
        for _ in range(args.rounds):
            for mode in ("split", "python"):
                for name, path in trees.items():
                    env = dict(os.environ)
                    if path is not None:
                        env["PYTHONPATH"] = str(path)
                    command = [sys.executable, __file__, "--requests", str(args.requests)]
                    out = subprocess.run(
                        [*command, "--one", str(folder), mode],
                        check=True,
                        capture_output=True,
                        text=True,
                        env=env,
                    )
                    results.setdefault((mode, name), []).append(
                        json.loads(out.stdout.strip().splitlines()[-1])
                    )
    print("| measure | tree | us per request: median | min |")
    print("| --- | --- | --- | --- |")
    for (mode, name), rows in results.items():
        keys = ("run_us", "begin_us", "python_us") if mode == "split" else ("python_us",)
        for key in keys:
            values = [r[key] for r in rows]
            label = f"{mode}: {key.removesuffix('_us')}"
            print(f"| {label} | {name} | {statistics.median(values):.1f} | {min(values):.1f} |")
    print(f"# load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
