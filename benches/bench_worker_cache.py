"""An outbound fetch from a worker: served by the PoP's cache inside the core, beside the same
fetch performed by the host (no cache), in the same run.

Run: ``python benches/bench_worker_cache.py`` (after ``maturin develop``). Both rows drive
``CoreWorker`` directly (no event loop): a proxy worker fetches ``https://origin.test/a`` and
returns its body.

- cached: ``CoreWorker(..., cache=CacheStore())`` after one miss; each request is one ``begin``
  whose step already carries the response (the hit never leaves Rust);
- host: the same worker without a store; each request is ``begin`` then ``complete_fetch`` with a
  prepared ``Response`` (the cheapest possible host: no network, no event loop).

Prints the median per request over rounds (process CPU time) and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time

from edgert._core import CacheStore, CoreWorker, Request, Response

SRC = (
    "export default { async fetch() {"
    " const r = await fetch('https://origin.test/a');"
    " return new Response(await r.text(), { headers: { 'x-cache': r.headers.get('cf-cache-status') || '-' } }); } }"
)
NOW = 1_700_000_000.0
ORIGIN = Response(b"x" * 1024, headers=[("cache-control", "max-age=86400")])


def cached_round(worker: CoreWorker, n: int) -> float:
    start = time.process_time()
    for _ in range(n):
        steps = worker.begin(Request("https://edge.test/"), NOW + 1)
        assert steps[0].response is not None
    return (time.process_time() - start) / n


def host_round(worker: CoreWorker, n: int) -> float:
    start = time.process_time()
    for _ in range(n):
        steps = worker.begin(Request("https://edge.test/"), NOW + 1)
        op = steps[0].ops[0]
        done = worker.complete_fetch(op.id, ORIGIN, NOW + 1)
        assert done[0].response is not None
    return (time.process_time() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    cached = CoreWorker(SRC, seed=1, now=NOW, cache=CacheStore())
    first = cached.begin(Request("https://edge.test/"), NOW)
    cached.complete_fetch(first[0].ops[0].id, ORIGIN, NOW)
    check = cached.begin(Request("https://edge.test/"), NOW + 1)[0].response
    assert check is not None and check.headers["x-cache"] == "HIT"
    plain = CoreWorker(SRC, seed=1, now=NOW)
    rows = {
        "fetch served by the PoP cache in the core": [
            cached_round(cached, args.n) for _ in range(args.rounds)
        ],
        "fetch performed by the host (no cache)": [
            host_round(plain, args.n) for _ in range(args.rounds)
        ],
    }
    medians = {k: statistics.median(v) * 1e6 for k, v in rows.items()}
    for name, us in medians.items():
        print(f"{name:45s} {us:8.1f} us per request (median of {args.rounds} x {args.n}, CPU time)")
    a, b = medians.values()
    print(f"host path / cached path: {b / a:.2f}x")


if __name__ == "__main__":
    main()
