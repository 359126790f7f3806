"""Worker CPU of a Workers KV read: a hit in the PoP's replica, and a miss, against peers in
the same worker and the same run.

Run: ``python benches/bench_kv.py`` (after ``maturin develop --release``). Each request runs
one loop of ``n`` iterations in a standalone worker (a private store at distance zero) and its
CPU time comes from the core's stats (thread CPU time of the worker's JavaScript, every turn).
Per-read cost = (median CPU of a request doing ``n`` reads - median CPU of the same loop doing
none) / ``n``:

- ``kv hit``: ``await env.KV.get('k')`` of a key already in the replica (no operation);
- ``obj``: ``await Promise.resolve(obj.k)``, a plain JS object lookup awaited the same way (the
  peer in the same worker);
- ``kv miss``: ``await env.KV.get(unique key)``: an operation to the host per read; the CPU
  counted is the worker's (park, the completion's turn, filling the replica), not the host's;
- Python ``dict.get``, for scale.
"""

from __future__ import annotations

import argparse
import statistics
import time
import timeit

from edgert import Worker

SOURCE = """
const obj = { k: 'value' };
let round = 0;
export default {
  async fetch(request, env) {
    const u = new URL(request.url);
    const n = Number(u.searchParams.get('n'));
    const mode = u.searchParams.get('mode');
    let last = null;
    if (mode === 'kv') for (let i = 0; i < n; i++) last = await env.KV.get('k');
    else if (mode === 'obj') for (let i = 0; i < n; i++) last = await Promise.resolve(obj.k);
    else if (mode === 'miss') { round++; for (let i = 0; i < n; i++) last = await env.KV.get(`m${round}:${i}`); }
    else for (let i = 0; i < n; i++) last = i;
    return new Response(String(last));
  },
};
"""


def cpu_ms(worker: Worker, mode: str, n: int, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        r = worker.fetch(f"https://bench.example/?mode={mode}&n={n}")
        assert r.status == 200 and r.stats is not None, r.text()
        out.append(r.stats.cpu_ms)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="reads per request")
    parser.add_argument("--misses", type=int, default=200, help="misses per request")
    parser.add_argument("--repeats", type=int, default=41)
    args = parser.parse_args()

    worker = Worker(SOURCE, kv={"KV": "bench"}, cpu_ms=10_000, max_isolates=1, seed=1)
    worker.kv("bench").put("k", "value")
    cpu_ms(worker, "kv", 10, 3)  # warm: the module loads, the key is cached
    cpu_ms(worker, "obj", 10, 3)
    cpu_ms(worker, "none", 10, 3)

    rows = {}
    base = statistics.median(cpu_ms(worker, "none", args.n, args.repeats))
    for mode in ("kv", "obj"):
        rows[mode] = (statistics.median(cpu_ms(worker, mode, args.n, args.repeats)) - base) / args.n
    base_m = statistics.median(cpu_ms(worker, "none", args.misses, args.repeats))
    rows["miss"] = (
        statistics.median(cpu_ms(worker, "miss", args.misses, args.repeats)) - base_m
    ) / args.misses
    d = {"k": "value"}
    number = 1_000_000
    py = min(timeit.repeat(lambda: d.get("k"), number=number, repeat=5)) / number * 1e3

    us = lambda ms: ms * 1000.0  # noqa: E731
    print(
        f"# bench_kv: n={args.n} reads/request, {args.misses} misses/request, {args.repeats} requests per mode"
    )
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S')}")
    print("| read | worker CPU per read (median) | vs JS object |")
    print("| --- | ---: | ---: |")
    print(
        f"| `env.KV.get` hit (replica) | {us(rows['kv']):.2f} us | {rows['kv'] / rows['obj']:.1f}x |"
    )
    print(f"| `await Promise.resolve(obj.k)` (peer) | {us(rows['obj']):.2f} us | 1.0x |")
    print(
        f"| `env.KV.get` miss (operation) | {us(rows['miss']):.2f} us | {rows['miss'] / rows['obj']:.1f}x |"
    )
    print(f"| Python `dict.get` (scale) | {us(py):.3f} us | |")
    worker.close()


if __name__ == "__main__":
    main()
