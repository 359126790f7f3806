"""Per-request cost of ``edgert serve``'s pipeline without sockets: the standard worker behind
the server's connection (bytes in, ``Network.begin_at``, bytes out), fed from memory.

    python benches/server_requests.py [--route /hello] [-n 2000] [--profile]
    bash benches/request_instructions.sh --server      (callgrind: instructions per request)

The requests are what ``wrk`` sends through the workload's ``rotate.lua`` (authorization,
x-country, host) plus a browser's usual headers. ``--profile`` prints cProfile's top functions
(the Python share); without it, it prints the wall time per request (noisy on a shared machine:
use the callgrind figure as the evidence).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--route", default="/hello")
    p.add_argument("-n", type=int, default=2000)
    p.add_argument("--profile", action="store_true")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
