"""The simulator's call into the core, for instruction counts: the standard worker's ``/hs256``
with a fresh token per request, called as the virtual-time driver calls it (a ``Request``
built from the token's ``Headers`` and a ``request.cf`` JSON, ``CoreWorker.begin_inline``, then
the attributes the driver and the pipeline read off the result), so that the boundary's share
(building the request, converting the steps, the getters) can be read next to the core's own
work in a callgrind profile.

    python benches/sim_boundary_requests.py N
    # instructions per request of each part: the difference of two sizes, inclusive counts
    valgrind --tool=callgrind --callgrind-out-file=A python benches/sim_boundary_requests.py 200
    valgrind --tool=callgrind --callgrind-out-file=B python benches/sim_boundary_requests.py 800
    callgrind_annotate --inclusive=yes A | grep -E 'begin_inline__|steps_to_py|PyRequest::__pymethod___new'
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_sim

from edgert import Worker
from edgert._core import Headers, Request

CF = {
    "colo": "NRT", "country": "JP", "city": "Tokyo", "continent": "AS",
    "latitude": "35.68950", "longitude": "139.69171", "timezone": "Asia/Tokyo",
    "httpProtocol": "HTTP/2", "tlsVersion": "TLSv1.3", "clientTcpRtt": 22,
}  # fmt: skip


def read(result: Any) -> None:
    """What ``VirtualDriver._at_once`` and ``Pipeline.to_client`` read off a one-step answer."""
    step = result[0]
    response = step.response
    _ = step.done, step.ops, step.stats.wait_until_errors, response.status
    stats = response.stats
    _ = stats.kv_reads, stats.cpu_ms, stats.outcome, stats.cold_start, len(response.body)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_sim.build_workload(folder)
        tokens = (folder / "hs256.txt").read_text().split()
        core = Worker.from_file(folder / "worker.js").new_core(now=1_700_000_000.0)
    cf = json.dumps(CF)
    headers = [Headers([("authorization", f"Bearer {t}"), ("user-agent", "bench")]) for t in tokens]
    now = 1_700_000_000.0
    status = 0
    for i in range(n):
        now += 0.01
        request = Request("https://a.example/hs256", headers=headers[i % len(headers)], cf=cf)
        result = core.begin_inline(request, now)
        read(result)
        status = result[0].response.status
    print(n, "requests, last status", status)


if __name__ == "__main__":
    main(int(sys.argv[1]))
