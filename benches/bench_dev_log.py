"""``edgert dev`` (one log line per request) against ``edgert serve --no-log``, same worker, same
PoP, in one run: the cost of dev's log on throughput and tail latency.

    python benches/bench_dev_log.py [--duration 10] [--runs 3] [--conns 200] [--peer-python DIR]

Each server runs the same hello worker (``examples/hello.js``) at one PoP (FRA, on its own port
for both: ``serve --pop-ports FRA=...``, ``dev``'s ``[edgert] pop``), pinned to CPU 0
(``taskset -c 0``); ``wrk -t1 -c200`` loads it from CPU 1, one 3 s warm-up per server, then
``--runs`` runs of ``--duration`` s interleaved across servers (median). The server's CPU time
per request (from ``/proc``, all its threads: dev's log writer included) is the figure that
holds on a busy machine; "CPU ratio" is serve's over the server's. ``edgert dev`` writes
its log to a file (not a terminal: plain text). ``--peer-python DIR`` adds ``edgert dev`` run
from another checkout's ``python/`` folder (e.g. the version before the batched log), labelled
``dev-before``. Needs ``wrk`` (Debian package) and ``taskset``.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORKER = REPO / "examples" / "hello.js"


def _wait_port(port: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout_s} s")


def _servers(tmp: Path, peer_python: str | None) -> dict[str, tuple[list[str], dict[str, str]]]:
    py = sys.executable
    folder = tmp / "site"
    folder.mkdir()
    (folder / "index.js").write_text(WORKER.read_text())
    (folder / "wrangler.toml").write_text(
        'name = "hello"\nmain = "index.js"\n[edgert]\npops = ["FRA"]\npop = "FRA"\n'
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "python"))
    out = {
        "serve --no-log": (
            [
                py,
                "-m",
                "edgert",
                "serve",
                str(WORKER),
                "--pops",
                "FRA",
                "--pop-ports",  # one PoP per port, as edgert dev serves: no per-request lookup
                "FRA=8301",
                "--port",
                "8301",
                "--no-log",
            ],
            env,
        ),
        "dev": (
            [
                py,
                "-m",
                "edgert",
                "dev",
                str(folder),
                "--port",
                "8302",
                "--no-reload",
                "--persist-to",
                str(tmp / "state"),
            ],
            env,
        ),
    }
    if peer_python:
        out["dev-before"] = (
            [
                py,
                "-m",
                "edgert",
                "dev",
                str(folder),
                "--port",
                "8303",
                "--no-reload",
                "--persist-to",
                str(tmp / "state-before"),
            ],
            dict(os.environ, PYTHONPATH=peer_python),
        )
    return out


def _cpu_s(pid: int) -> float:
    """User + system CPU time of a process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wrk(port: int, duration: int, conns: int) -> tuple[float, float, int]:
    text = subprocess.run(
        [
            "taskset",
            "-c",
            "1",
            "wrk",
            "-t1",
            f"-c{conns}",
            f"-d{duration}s",
            "--latency",
            f"http://127.0.0.1:{port}/",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
    assert p99 is not None, text
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return rate, float(p99.group(1)) * scale, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--conns", type=int, default=200)
    parser.add_argument("--peer-python", default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="edgert-devlog-"))
    servers = _servers(tmp, args.peer_python)
    procs: dict[str, subprocess.Popen[bytes]] = {}
    ports: dict[str, int] = {}
    try:
        for name, (cmd, env) in servers.items():
            port = int(cmd[cmd.index("--port") + 1])
            log = open(tmp / f"{name.split()[0]}-{port}.log", "wb")  # noqa: SIM115
            procs[name] = subprocess.Popen(
                ["taskset", "-c", "0", *cmd], env=env, stdout=log, stderr=log
            )
            ports[name] = port
            _wait_port(port)
            _wrk(port, 3, args.conns)  # warm-up
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in servers}
        for _ in range(args.runs):
            for name in servers:
                pid = procs[name].pid
                before = _cpu_s(pid)
                rate, p99, total = _wrk(ports[name], args.duration, args.conns)
                cpu_us = (_cpu_s(pid) - before) / total * 1e6
                results[name].append((rate, p99, cpu_us))
    finally:
        for proc in procs.values():
            proc.send_signal(signal.SIGINT)
        for proc in procs.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    base = statistics.median(r for r, _, _ in results["serve --no-log"])
    base_cpu = statistics.median(c for _, _, c in results["serve --no-log"])
    print(f"wrk -t1 -c{args.conns} -d{args.duration}s, median of {args.runs} (server on CPU 0)")
    print(
        f"{'server':<16} {'req/s':>9} {'p99 ms':>8} {'ratio':>6} {'CPU us/req':>11} "
        f"{'CPU ratio':>9}"
    )
    for name, runs in results.items():
        rate = statistics.median(r for r, _, _ in runs)
        p99 = statistics.median(p for _, p, _ in runs)
        cpu = statistics.median(c for _, _, c in runs)
        print(
            f"{name:<16} {rate:>9.0f} {p99:>8.1f} {rate / base:>6.2f} {cpu:>11.1f} "
            f"{base_cpu / cpu:>9.2f}"
        )
    lines = sum(1 for _ in open(tmp / "dev-8302.log", "rb"))  # noqa: SIM115
    print(f"dev log lines written: {lines}")


if __name__ == "__main__":
    main()
