"""The server's fronts and native dispatch, under wrk, in the same run.

    python benches/bench_front_dispatch.py [--duration 5] [--connections 50] [--repeat 3]
        [--threads 1] [--route /hello]

Serves the standard workload's worker three ways, one server at a time pinned to CPU 0
(``taskset``), wrk on CPU 1:

- ``asyncio``: the asyncio front (Python parses and writes; the worker on an execution thread);
- ``native``: the native front (hyper on its I/O thread), every request through Python's
  ``Network.begin_at``;
- ``native+dispatch``: the native front with native dispatch: after the first request, Python
  is not involved in a request the worker answers in one turn;
- ``native+dispatch+bots`` (with ``--bots``): the same with bot management on
  (``Network(bots=True)``): the front computes ``request.cf.botManagement`` in Rust for every
  request (``docs/bots.md``); wrk then sends a Chrome's headers.

Prints requests/s and latency percentiles (medians of ``--repeat`` runs, modes interleaved).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "webcrypto"))

from standard_workload import build  # noqa: E402

SERVER = """
import asyncio, sys
import uvloop
from edgert import Network, Origin, Response
from edgert.server import EdgeServer
source = open(sys.argv[1]).read()
front, dispatch, threads, port = sys.argv[2], sys.argv[3] == "1", int(sys.argv[4]), int(sys.argv[5])
bots = sys.argv[6] == "1"

async def main():
    network = Network("demo", Origin(handler=lambda r: Response("origin")),
                      workers={"w": source}, clock="real", threads=threads, bots=bots or None)
    server = EdgeServer(network, port=port, front=front)
    if server._native is not None:
        server._native.dispatch = dispatch
    await server.start()
    print("ready", flush=True)
    await asyncio.Event().wait()

uvloop.run(main())
"""


CHROME = [
    ("sec-ch-ua", '"Chromium";v="120", "Google Chrome";v="120"'),
    (
        "user-agent",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
    ),
    ("accept", "text/html,application/xhtml+xml"),
    ("sec-fetch-site", "none"),
    ("sec-fetch-mode", "navigate"),
    ("accept-encoding", "gzip, deflate, br"),
    ("accept-language", "en-US,en;q=0.9"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(mode: str, script: Path, args: argparse.Namespace, headers: list[str]) -> tuple[float, str]:
    front = "asyncio" if mode == "asyncio" else "native"
    dispatch = "1" if "dispatch" in mode else "0"
    bots = "1" if mode.endswith("bots") else "0"
    port = free_port()
    server = subprocess.Popen(
        [
            "taskset",
            "-c",
            "0",
            sys.executable,
            "-c",
            SERVER,
            str(script),
            front,
            dispatch,
            str(args.threads),
            str(port),
            bots,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert server.stdout.readline().strip() == "ready"
        wrk = [
            "taskset",
            "-c",
            "1",
            "wrk",
            "-t1",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--latency",
        ]
        for h in headers:
            wrk += ["-H", h]
        url = f"http://127.0.0.1:{port}{args.route}"
        subprocess.run([*wrk[:4], "-d1s", url], capture_output=True, check=True)  # warm
        out = subprocess.run([*wrk, url], capture_output=True, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
        p99 = re.search(r"99%\s+(\S+)", out)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if errors:
            raise SystemExit(f"{mode}: {errors.group(1)} error responses")
        return rps, p99.group(1) if p99 else "?"
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--route", default="/hello")
    parser.add_argument("--bots", action="store_true", help="add native+dispatch+bots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workload = build(Path(tmp))
        script = Path(tmp) / "worker.js"
        script.write_text(workload.source)
        token = workload.tokens["hs256" if "hs" in args.route else "es256"][0]
        headers = [f"Authorization: Bearer {token}", "X-Country: JP"]
        if args.bots:  # every mode gets a browser's headers, so the runs compare alike
            headers += [f"{k}: {v}" for k, v in CHROME]
        modes = ["asyncio", "native", "native+dispatch"] + (
            ["native+dispatch+bots"] if args.bots else []
        )
        results: dict[str, list[tuple[float, str]]] = {m: [] for m in modes}
        for _ in range(args.repeat):
            for mode in modes:
                results[mode].append(run(mode, script, args, headers))
    print(
        f"route {args.route}, {args.threads} execution thread(s), {args.connections} "
        f"connections, {args.duration} s, medians of {args.repeat}; load {os.getloadavg()[0]:.1f}"
    )
    base = statistics.median(r[0] for r in results["asyncio"])
    for mode in modes:
        rps = statistics.median(r[0] for r in results[mode])
        p99s = ", ".join(r[1] for r in results[mode])
        print(f"  {mode:>16}: {rps:9.0f} req/s  ({rps / base:.2f}x asyncio)  p99 {p99s}")


if __name__ == "__main__":
    main()
