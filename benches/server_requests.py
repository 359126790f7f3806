"""Per-request cost of ``edgert serve``'s pipeline without sockets: the standard worker behind
the server's connection (bytes in, ``Network.begin_at``, bytes out), fed from memory.

    python benches/server_requests.py [--route /hello] [-n 2000] [--profile]
    bash benches/request_instructions.sh --server      (callgrind: instructions per request)
    python benches/server_requests.py --sockets [--route /hello] [--seconds 5]

``--sockets`` serves the same network in this process on real sockets, once on each front
(the native one: Rust I/O thread + this thread; the asyncio one: this thread alone; the worker
on this thread, ``threads=0``), loads each
with ``wrk -t1 -c32`` pinned to the other CPU, and prints the CPU time per request of this
(the event loop's) thread and of the native front's I/O thread, read from the kernel's
per-thread counters.

The requests are what ``wrk`` sends through the workload's ``rotate.lua`` (authorization,
x-country, host) plus a browser's usual headers. ``--profile`` prints cProfile's top functions
(the Python share); without it, it prints the wall time per request (noisy on a shared machine:
use the callgrind figure as the evidence).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "webcrypto"))

from standard_workload import build  # noqa: E402

from edgert.server.limits import ServerLimits  # noqa: E402
from edgert.server.protocol import HttpConnection  # noqa: E402
from edgert.server.serve import build_network  # noqa: E402
from edgert.server.site import Site  # noqa: E402


class _Transport:
    """Collects what the connection writes."""

    def __init__(self) -> None:
        self.written = 0
        self.last = b""

    def write(self, data: bytes) -> None:
        self.written += 1
        self.last = data

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        raise AssertionError("the connection closed")

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def request_bytes(route: str, token: str | None) -> bytes:
    lines = [
        f"GET {route} HTTP/1.1",
        "Host: 127.0.0.1:8090",
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language: en-US,en;q=0.5",
        "Accept-Encoding: gzip, deflate, br",
        "Connection: keep-alive",
        "X-Country: DE",
    ]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workload = build(Path(tmp))
        worker = Path(tmp) / "worker.js"
        worker.write_text(workload.source)
        # threads=0: the core's calls inline, so that each request is answered within
        # data_received (with execution threads the answers come back through the loop).
        network = build_network(worker, pops=["IAD"], threads=0)
        site = Site(
            network,
            pop=None,
            client_header="x-edgert-client",
            limits=ServerLimits(),
            on_request=None,
            default_host="127.0.0.1:8090",
        )
        conn = HttpConnection(site)
        transport = _Transport()
        conn.connection_made(transport)  # type: ignore[arg-type]
        name = args.route.strip("/")
        token = workload.tokens[name][0] if name in workload.tokens else None
        data = request_bytes(args.route, token)
        for _ in range(200):
            conn.data_received(data)
        head = transport.last.split(b"\r\n", 1)[0]
        if b" 200 " not in head:
            raise SystemExit(f"{args.route}: {transport.last!r}")
        profile: Any = cProfile.Profile() if args.profile else None
        if profile:
            profile.enable()
        start = time.perf_counter()
        for _ in range(args.n):
            conn.data_received(data)
        elapsed = time.perf_counter() - start
        if profile:
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(18)
        print(f"{args.route}: {elapsed / args.n * 1e6:.1f} us/request ({args.n} requests)")
        await network.aclose()


def _thread_cpu_s(name: str) -> float:
    """CPU seconds of this process's threads called ``name`` (per-thread kernel counters)."""
    total = 0
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/comm") as f:
                if f.read().strip() != name:
                    continue
            with open(f"/proc/self/task/{task}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


async def _load(url: str, seconds: int, headers: list[str]) -> int:
    """Runs wrk against ``url`` (pinned to CPU 1); returns the requests it completed."""
    cmd = ["taskset", "-c", "1", "wrk", "-t1", "-c32", f"-d{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    proc = await asyncio.create_subprocess_exec(
        *cmd, url, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    out, _ = await proc.communicate()
    match = re.search(r"(\d+) requests in", out.decode())
    if match is None or "Non-2xx" in out.decode():
        raise SystemExit(f"wrk failed: {out.decode()}")
    return int(match.group(1))


async def run_sockets(args: argparse.Namespace) -> None:
    from edgert.server import EdgeServer

    with tempfile.TemporaryDirectory() as tmp:
        workload = build(Path(tmp))
        worker = Path(tmp) / "worker.js"
        worker.write_text(workload.source)
        name = args.route.strip("/")
        token = workload.tokens[name][0] if name in workload.tokens else None
        headers = ["X-Country: DE"] + ([f"Authorization: Bearer {token}"] if token else [])
        print(f"{args.route}, wrk -t1 -c32 for {args.seconds} s per front, this process on CPU 0")
        print("| front | req/s | loop thread us/req | I/O thread us/req | total us/req |")
        print("|---|---|---|---|---|")
        for front in ("native", "asyncio"):
            # threads=0: the worker runs on the loop's thread, so the two threads counted
            # here hold all of a request's CPU time.
            network = build_network(worker, pops=["IAD"], threads=0)
            server = EdgeServer(network, port=0, front=front)  # type: ignore[arg-type]
            await server.start()
            url = f"http://127.0.0.1:{server.port}{args.route}"
            await _load(url, 1, headers)  # warm-up
            loop0, io0 = time.thread_time(), _thread_cpu_s("edgert-front")
            done = await _load(url, args.seconds, headers)
            loop_s, io_s = time.thread_time() - loop0, _thread_cpu_s("edgert-front") - io0
            await server.close(grace_s=1.0)
            await network.aclose()
            per = 1e6 / done
            print(
                f"| {front} | {done / args.seconds:,.0f} | {loop_s * per:.1f} | "
                f"{io_s * per:.1f} | {(loop_s + io_s) * per:.1f} |"
            )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--route", default="/hello")
    p.add_argument("-n", type=int, default=2000)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--sockets", action="store_true", help="both fronts on real sockets")
    p.add_argument("--seconds", type=int, default=5)
    args = p.parse_args()
    if args.sockets:
        os.sched_setaffinity(0, {0})
        import uvloop

        uvloop.run(run_sockets(args))
    else:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
