"""Worker CPU of a rate-limiting call, ``await env.LIMITER.limit({key})``, against peers in
the same worker and the same run.

Run: ``python benches/bench_ratelimit.py`` (after ``maturin develop --release``). Each request
runs one loop of ``n`` iterations in a standalone worker; its CPU time comes from the core's
stats (thread CPU time of the worker's JavaScript). Per-call cost = (median CPU of a request
making ``n`` calls - median CPU of the same loop making none) / ``n``:

- ``limit``: ``await env.LIMITER.limit({ key })`` with a handful of keys (native counters of the
  PoP, no host operation); goal: <= 2 us;
- ``map``: the same counting in JavaScript, ``await Promise.resolve({ success: count(key) })``
  on a ``Map`` of fixed windows (the peer: what a worker could do alone, per isolate only);
- ``kv hit``: ``await env.KV.get('k')`` of a key in the PoP's replica (another native binding
  answered without the host);
- Python's ``RateLimitCounters.hit`` (the same counters called from Python), for scale.
"""

from __future__ import annotations

import argparse
import statistics
import time
import timeit

from bench_kv import cpu_ms  # one request of n calls, its worker CPU (same harness as KV)

from edgert import Worker
from edgert.ratelimit import RateLimitCounters

SOURCE = """
const counts = new Map();
const count = (key) => {
  const w = Math.floor(Date.now() / 60000);
  let c = counts.get(key);
  if (!c || c.w !== w) counts.set(key, c = { w, n: 0 });
  if (c.n >= 1000000000) return false;
  c.n++;
  return true;
};
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
export default {
  async fetch(request, env) {
    const u = new URL(request.url);
    const n = Number(u.searchParams.get('n'));
    const mode = u.searchParams.get('mode');
    let last = null;
    if (mode === 'limit') for (let i = 0; i < n; i++) last = await env.LIMITER.limit({ key: KEYS[i & 7] });
    else if (mode === 'map') for (let i = 0; i < n; i++) last = await Promise.resolve({ success: count(KEYS[i & 7]) });
    else if (mode === 'kv') for (let i = 0; i < n; i++) last = await env.KV.get('k');
    else for (let i = 0; i < n; i++) last = { success: KEYS[i & 7] !== '' };
    return new Response(String(last && last.success));
  },
};
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="calls per request")
    parser.add_argument("--repeats", type=int, default=41)
    args = parser.parse_args()

    worker = Worker(
        SOURCE,
        kv={"KV": "bench"},
        ratelimits={"LIMITER": {"namespace_id": "1", "simple": {"limit": 10**9, "period": 60}}},
        cpu_ms=10_000,
        max_isolates=1,
        seed=1,
    )
    worker.kv("bench").put("k", "value")
    for mode in ("limit", "map", "kv", "none"):
        cpu_ms(worker, mode, 10, 3)  # warm: modules load, the key is cached

    base = statistics.median(cpu_ms(worker, "none", args.n, args.repeats))
    rows = {}
    for mode in ("limit", "map", "kv"):
        rows[mode] = (statistics.median(cpu_ms(worker, mode, args.n, args.repeats)) - base) / args.n
    counters = RateLimitCounters()
    now = time.time()
    number = 200_000
    py = (
        min(timeit.repeat(lambda: counters.hit("1", "a", 10**9, 60, now), number=number, repeat=5))
        / number
        * 1e3
    )

    print(f"per call, worker CPU (n={args.n}, median of {args.repeats} requests):")
    print(f"  env.LIMITER.limit({{key}})      {rows['limit'] * 1000:7.3f} us   (goal <= 2 us)")
    print(
        f"  JS Map fixed window (peer)      {rows['map'] * 1000:7.3f} us   "
        f"limit/map = {rows['limit'] / rows['map']:.2f}x"
    )
    print(
        f"  env.KV.get hit                  {rows['kv'] * 1000:7.3f} us   "
        f"limit/kv = {rows['limit'] / rows['kv']:.2f}x"
    )
    print(f"  RateLimitCounters.hit (Python)  {py * 1000:7.3f} us")


if __name__ == "__main__":
    main()
