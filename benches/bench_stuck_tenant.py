"""Another tenant's latency while one worker is stuck in JavaScript, under wrk.

    python benches/bench_stuck_tenant.py [--threads 4] [--duration 4] [--connections 20]

One server, two workers: ``stuck.example`` spins (a CPU-bound loop whose 5 s CPU limit is far
above its turn's wall limit, so it holds an execution thread until the watchdog answers it) and
``fast.example`` answers at once. A client keeps ``--stuck`` stuck requests in flight (each
re-sent when the watchdog's 503 comes back) while wrk loads the fast worker. Prints wrk's
latency percentiles of the fast worker, with and without the stuck requests, in the same run.
The issue's goal: p99 under 50 ms with 4 threads or more.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import threading
import time

SERVER = """
import asyncio, sys, uvloop
from edgert import Network, Origin, Response, Worker
from edgert.server import EdgeServer
threads, port = int(sys.argv[1]), int(sys.argv[2])
async def main():
    network = Network("demo", Origin(handler=lambda r: Response("o")),
        workers={"stuck": Worker("export default { fetch() { for (;;) {} } }", cpu_ms=5000),
                 "fast": "export default { fetch() { return new Response('fast') } }"},
        routes=[("stuck.example/*", "stuck"), ("fast.example/*", "fast")],
        clock="real", wall_timeout_s=2.0, threads=threads)
    server = EdgeServer(network, port=port)
    await server.start()
    print("ready", flush=True)
    await asyncio.Event().wait()
uvloop.run(main())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def keep_stuck(port: int, stop: threading.Event, sent: list[int]) -> None:
    while not stop.is_set():
        with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
            c.sendall(b"GET / HTTP/1.1\r\nHost: stuck.example\r\nConnection: close\r\n\r\n")
            sent.append(1)
            while c.recv(65536):
                pass


def wrk(port: int, args: argparse.Namespace) -> str:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--latency",
            "-H",
            "Host: fast.example",
            f"http://127.0.0.1:{port}/",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pcts = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, flags=re.M))
    rps = re.search(r"Requests/sec:\s+(\S+)", out)
    return f"{rps.group(1) if rps else '?'} req/s, p50 {pcts.get('50')}, p90 {pcts.get('90')}, p99 {pcts.get('99')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--duration", type=int, default=4)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--stuck", type=int, default=1)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(args.threads), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        wrk(port, argparse.Namespace(connections=4, duration=1))  # warm
        quiet = wrk(port, args)
        stop, sent = threading.Event(), []
        spinners = [
            threading.Thread(target=keep_stuck, args=(port, stop, sent), daemon=True)
            for _ in range(args.stuck)
        ]
        for t in spinners:
            t.start()
        time.sleep(0.2)  # let the stuck requests reach their threads (set-up, not a measurement)
        busy = wrk(port, args)
        stop.set()
        print(f"{args.threads} execution threads, {args.stuck} stuck request(s) kept in flight")
        print(f"  fast worker alone:       {quiet}")
        print(f"  fast worker, one stuck:  {busy}   ({len(sent)} stuck requests sent)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
