"""What a deployment in progress costs a request: requests through edgert.Network in virtual
time while a deployment splits the worker's traffic (50 %, a health gate counting every answer;
with and without a Cloudflare-Workers-Version-Key), against the same network with no
deployment (the peer, measured in the same run).

    .venv/bin/python benches/bench_deploy.py [--n 5000]

Best of 5 runs of ``n`` sequential requests each; the ratio is split / peer.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable

from edgert import HealthGate, Network, Origin, Percentage, Worker

SRC = "export default { fetch(request) { return new Response('edge') } }"


def make(split: bool) -> Network:
    net = Network(
        "global",
        Origin(handler=lambda r: "origin"),
        workers={"app": Worker(SRC)},
        seed=1,
        clock="virtual",
    )
    if split:
        v2 = net.upload_version("app", Worker(SRC), tag="v2")
        net.deploy(
            "app",
            v2,
            strategy=Percentage([50, 100], bake_s=1e9),
            gate=HealthGate(min_requests=10**9, check_interval_s=1e8),
        )
    return net


def rate(net: Network, n: int, headers: dict[str, str] | None) -> float:
    best = 0.0
    for _ in range(5):
        began = time.perf_counter()
        for i in range(n):
            net.submit("https://a.example/edge", client="Tokyo", headers=headers)
            if i % 256 == 255:
                net.run(until=net.now() + 1)
        net.run(until=net.now() + 1)
        best = max(best, n / (time.perf_counter() - began))
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    n = parser.parse_args().n
    print(
        f"# deployment benchmark: {n} sequential requests per run, best of 5; python "
        f"{platform.python_version()}"
    )
    cases: list[tuple[str, Callable[[], Network], dict[str, str] | None]] = [
        ("no deployment (peer)", lambda: make(False), None),
        ("split 50% + gate", lambda: make(True), None),
        (
            "split 50% + gate + version key",
            lambda: make(True),
            {"cloudflare-workers-version-key": "u1"},
        ),
    ]
    peer = 0.0
    for name, build, headers in cases:
        r = rate(build(), n, headers)
        peer = peer or r
        print(f"{name:34} {r:10,.0f} req/s   {r / peer:5.2f}x the peer")


if __name__ == "__main__":
    main()
