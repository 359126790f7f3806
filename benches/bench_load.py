"""Load benchmark of ``edgert serve`` against the standard workload's peers, in one run.

    python benches/bench_load.py [--duration 10] [--runs 3] [--conns 32] [--out results.json]
        [--peers edgert,edgert-asyncio,...] [--threads N]

What it does (see ``../shared/bench/README.md`` for the workload and its peers):

1. copies ``../shared/bench`` into a temporary folder, runs its ``gen_tokens.py`` (keys and
   1,000 tokens per algorithm) and bundles ``worker/keys.js`` into the worker as
   ``worker/edgert_worker.js`` (edgert takes one script, as a deploy tool would bundle it);
2. starts, each pinned to CPU 0 (``taskset -c 0``): ``edgert serve`` with the standard worker
   (one PoP, the JWT checked in JavaScript by WebCrypto), ``benches/load/serve_routes.py`` (the
   same PoP with route auth: a Verifier on the route, and a cached static page), ``deno serve``
   (PyPI ``deno``), ``node worker/node_server.js`` and ``py_server.py`` (aiohttp + PyJWT);
3. checks each with the workload's ``check.py`` (134 correctness checks), then loads it with
   ``wrk -t1 -c32`` pinned to CPU 1 through ``rotate.lua``: one 3 s warm-up per variant, then
   ``--runs`` runs of ``--duration`` s interleaved across peers (median), for ``/hello``,
   ``/hs256`` and ``/es256``; then ``/static`` (cache HIT) on edgert;
4. prints a table with the ratios against the best peer and writes the JSON results.

The workload's own ``bench_load.py`` (in the copy) does the runs; this script adds edgert's
entries to its ``PEERS``. It needs ``wrk`` (Debian) and, in this interpreter's environment,
``deno``, ``pyjwt``, ``cryptography``, ``orjson``, ``uvloop`` and ``aiohttp``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "webcrypto"))

from standard_workload import build  # noqa: E402

EDGERT_PORT = 8090
ROUTES_PORT = 8091
ASYNCIO_PORT = 8092


def prepare(tmp: Path) -> Path:
    workload = build(tmp)
    root = tmp / "bench"
    (root / "worker" / "edgert_worker.js").write_text(workload.source)
    venv = Path(sys.prefix)
    (root / "venv").symlink_to(venv, target_is_directory=True)
    for d in ("logs", "results", "deno_dir"):
        (root / d).mkdir(exist_ok=True)
    return root


def edgert_peers(root: Path, threads: int | None = None) -> dict[str, dict[str, Any]]:
    py = str(Path(sys.prefix) / "bin" / "python")
    extra = ["--threads", str(threads)] if threads is not None else []
    peers: dict[str, dict[str, Any]] = {
        "edgert": dict(
            port=EDGERT_PORT,
            cwd=str(root),
            cmd=[
                py,
                "-m",
                "edgert",
                "serve",
                "worker/edgert_worker.js",
                "--pops",
                "IAD",
                "--port",
                str(EDGERT_PORT),
                "--no-log",
            ],
        ),
        # The same server on the asyncio front (Python connections, for comparison).
        "edgert-asyncio": dict(
            port=ASYNCIO_PORT,
            cwd=str(root),
            cmd=[
                py,
                "-m",
                "edgert",
                "serve",
                "worker/edgert_worker.js",
                "--pops",
                "IAD",
                "--port",
                str(ASYNCIO_PORT),
                "--no-log",
                "--front",
                "asyncio",
            ],
        ),
        "edgert-routeauth": dict(
            port=ROUTES_PORT,
            cwd=str(root),
            cmd=[
                py,
                str(REPO / "benches" / "load" / "serve_routes.py"),
                str(root),
                str(ROUTES_PORT),
            ],
        ),
    }
    for name in ("edgert", "edgert-asyncio"):
        peers[name]["cmd"] += extra
    return peers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--conns", type=int, default=32)
    parser.add_argument(
        "--peers",
        default="edgert,edgert-asyncio,edgert-routeauth,deno,node,python-aiohttp",
        help="comma-separated peer names",
    )
    parser.add_argument("--out", default=None, help="write the JSON results here")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="edgert serve --threads for edgert and edgert-asyncio (default: serve's own)",
    )
    args = parser.parse_args()
    os.environ.update(DURATION=str(args.duration), RUNS=str(args.runs), CONNS=str(args.conns))
    tmp = Path(tempfile.mkdtemp(prefix="edgert-load-"))
    root = prepare(tmp)
    sys.path.insert(0, str(root))
    peers = importlib.import_module("peers")
    runner = importlib.import_module("bench_load")
    peers.PEERS.update(edgert_peers(root, args.threads))
    names = args.peers.split(",")
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[:3]
    calib_before = peers.calibrate()
    results = runner.bench_interleaved(names)
    static: dict[str, Any] = {}
    if "edgert-routeauth" in names:
        static = {
            path: bench_static(peers, runner, args, path) for path in ("/static", "/cdn/page")
        }
    with open("/proc/loadavg") as f:
        load_after = f.read().split()[:3]
    meta = {
        "duration_s": args.duration,
        "runs": args.runs,
        "conns": args.conns,
        "load_before": load_before,
        "load_after": load_after,
        "calib_before_ms": calib_before,
        "calib_after_ms": peers.calibrate(),
        "folder": str(root),
    }
    report(results, static, meta)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(
                {"results": results, "static": static, "meta": meta}, f, indent=1, default=str
            )


def bench_static(peers: Any, runner: Any, args: argparse.Namespace, path: str) -> dict[str, Any]:
    peer = peers.PEERS["edgert-routeauth"]
    log = os.path.join(peer["cwd"], "logs", "load_static.log")
    proc = peers.start(peer, log)
    try:
        if not peers.wait_ready(peer["port"], 60):
            raise RuntimeError("edgert-routeauth not ready for /static")
        status, _ = peers.http_get(peer["port"], path)
        assert status == 200
        runner.run_wrk(peer["port"], path, None, args.conns, 3, proc.pid)
        runs = []
        for i in range(args.runs):
            r = runner.run_wrk(peer["port"], path, None, args.conns, args.duration, proc.pid)
            runs.append(r)
            print(runner.fmt_run("edgert-routeauth", path, f"run{i + 1}", r), flush=True)
        c1 = runner.run_wrk(peer["port"], path, None, 1, 5, proc.pid)
        out: dict[str, Any] = runner.summarize(runs, c1)
        check = subprocess.run(
            ["curl", "-si", f"http://127.0.0.1:{peer['port']}{path}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        out["cache_status_seen"] = "cf-cache-status: HIT" in check
        return out
    finally:
        peers.stop(proc)


def report(results: dict[str, Any], static: dict[str, Any], meta: dict[str, Any]) -> None:
    print(
        f"\n== load avg before {meta['load_before']} after {meta['load_after']}; "
        f"CPU calibration {meta['calib_before_ms']:.0f} / {meta['calib_after_ms']:.0f} ms"
    )
    names = [n for n in results if not n.startswith("_")]
    peers = [n for n in names if not n.startswith("edgert")]
    print("| server | variant | req/s | p50 ms | p99 ms | server CPU | CPU us/req | vs best peer |")
    print("|---|---|---|---|---|---|---|---|")
    for variant in ("hello", "hs256", "es256"):
        best = max((results[p]["variants"][variant]["median_rps"] for p in peers), default=0.0)
        for n in names:
            v = results[n]["variants"][variant]
            ratio = v["median_rps"] / best if best else float("nan")
            print(
                f"| {n} | {variant} | {v['median_rps']:,.0f} | {v['median_p50_us'] / 1000:.2f} | "
                f"{v['median_p99_us'] / 1000:.2f} | {v['median_server_cpu']:.2f} | "
                f"{v['median_server_cpu'] / v['median_rps'] * 1e6:.0f} | {ratio:.2f} |"
            )
    for path, v in static.items():
        print(
            f"| edgert-routeauth | {path} (HIT={v['cache_status_seen']}) | "
            f"{v['median_rps']:,.0f} | {v['median_p50_us'] / 1000:.2f} | "
            f"{v['median_p99_us'] / 1000:.2f} | {v['median_server_cpu']:.2f} | "
            f"{v['median_server_cpu'] / v['median_rps'] * 1e6:.0f} | |"
        )
    if "python-aiohttp" in results and "edgert" in results:
        hello = [
            results[n]["variants"]["hello"]["median_rps"] for n in ("edgert", "python-aiohttp")
        ]
        print(f"hello edgert / aiohttp = {hello[0] / hello[1]:.2f}")


if __name__ == "__main__":
    main()
