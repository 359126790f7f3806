"""Execution threads: what running workers' JavaScript on threads costs and buys, in-process.

    python benches/bench_threads.py [--route /hs256] [-n 4000] [--inflight 64] [--repeat 3]

Drives the standard workload's worker through a real-time host (``edgert.host.RealTimeHost``,
the host the server and ``Network`` use), keeping ``--inflight`` requests in flight from one
asyncio loop, in three modes measured in the same run:

- ``inline``: the core's calls on the event loop itself (``threads=False``; what edgert did
  before execution threads);
- ``1 thread`` / ``2 threads``: the calls on an :class:`edgert._core.Executor` of that size.

For each: requests/s of wall time and requests per second of the process's CPU time (all
threads). The issue's goal is per-core efficiency: requests per CPU-second with 2 threads
>= 0.9x that of 1 thread. Medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "webcrypto"))

from standard_workload import build  # noqa: E402

from edgert import Request, Response  # noqa: E402
from edgert._core import CoreWorker, Executor  # noqa: E402
from edgert.host import RealTimeHost  # noqa: E402


async def drive(
    host: RealTimeHost, core: CoreWorker, requests: list[Request], inflight: int
) -> None:
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    remaining = len(requests)
    it = iter(requests)

    def on_response(response: Response) -> None:
        nonlocal remaining
        remaining -= 1
        if response.status >= 500:
            raise SystemExit(f"request failed: {response.status} {response.text()[:200]}")
        nxt = next(it, None)
        if nxt is not None:
            loop.call_soon(host.start, core, nxt, on_response)
        elif remaining == 0 and not done.done():
            done.set_result(None)

    for _ in range(min(inflight, len(requests))):
        host.start(core, next(it), on_response)
    await done


def run_mode(mode: str, source: str, requests: list[Request], inflight: int) -> tuple[float, float]:
    """Returns (requests/s wall, requests per CPU-second)."""
    core = CoreWorker(source, max_isolates=8)
    if mode == "inline":
        host = RealTimeHost(threads=False)
    else:
        host = RealTimeHost(executor=Executor(int(mode.split()[0])))

    async def main() -> tuple[float, float]:
        await drive(host, core, requests[:200], inflight)  # warm the isolates
        wall0, cpu0 = time.perf_counter(), time.process_time()
        await drive(host, core, requests, inflight)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        await host.close()
        return len(requests) / wall, len(requests) / cpu

    return asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--route", default="/hs256")
    parser.add_argument("-n", type=int, default=4000)
    parser.add_argument("--inflight", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workload = build(Path(tmp))
    token = workload.tokens["hs256" if "hs" in args.route else "es256"][0]
    requests = [
        Request(
            f"https://app.example{args.route}?i={i}",
            headers={"authorization": f"Bearer {token}", "x-country": "JP"},
        )
        for i in range(args.n)
    ]
    modes = ["inline", "1 thread", "2 threads"]
    results: dict[str, list[tuple[float, float]]] = {m: [] for m in modes}
    for _ in range(args.repeat):
        for mode in modes:  # interleaved, so that noise hits every mode alike
            results[mode].append(run_mode(mode, workload.source, requests, args.inflight))
    print(
        f"route {args.route}, {args.n} requests, {args.inflight} in flight, medians of {args.repeat}"
    )
    per_cpu = {}
    for mode in modes:
        wall = statistics.median(r[0] for r in results[mode])
        cpu = statistics.median(r[1] for r in results[mode])
        per_cpu[mode] = cpu
        print(f"  {mode:>9}: {wall:9.0f} req/s wall   {cpu:9.0f} req per CPU-second")
    ratio = per_cpu["2 threads"] / per_cpu["1 thread"]
    print(f"per-core efficiency, 2 threads vs 1: {ratio:.2f}x (goal >= 0.9)")
    print(f"1 thread vs inline, per CPU-second: {per_cpu['1 thread'] / per_cpu['inline']:.2f}x")


if __name__ == "__main__":
    main()
