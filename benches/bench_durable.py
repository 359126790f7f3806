"""Durable Object call cost within one PoP, against the same logic as a plain function call in
the worker, measured in the same run.

    python benches/bench_durable.py [--n 3000]

A one-PoP network in virtual time (no modelled latency inside a PoP, so what is measured is the
machinery): per request, the host time of the whole ``fetch_sync`` (Python: routing, the object
event, the caller's completion) and the worker CPU (the caller's isolate plus the object
host's, as the cores measure them). Three workers answer the same counter request:

- ``peer``: the counter is a function in the worker (a Map in its globals);
- ``stub.fetch``: ``await stub.fetch(request)`` to a classic object whose fetch() counts in
  memory and answers with the count;
- ``rpc``: ``await stub.increment()`` on a ``DurableObject`` subclass doing the same.
"""

from __future__ import annotations

import argparse
import statistics
import time

from edgert import Network, Origin, Response, Worker

COMMON = """
import { DurableObject } from "cloudflare:workers";
const counts = new Map();
function increment(name) { const v = (counts.get(name) || 0) + 1; counts.set(name, v); return v; }
export class Classic {
  constructor(state, env) { this.n = 0; }
  async fetch(request) { this.n += 1; return new Response(String(this.n)); }
}
export class Rpc extends DurableObject {
  n = 0;
  async increment() { this.n += 1; return this.n; }
}
"""

VARIANTS = {
    "peer (in-worker function)": "export default { async fetch(request, env) { return new Response(String(increment('a'))); } };",
    "await stub.fetch()": "export default { async fetch(request, env) { return env.CLASSIC.getByName('a').fetch(request); } };",
    "await stub.increment() (RPC)": "export default { async fetch(request, env) { return new Response(String(await env.RPC.getByName('a').increment())); } };",
}


def run(name: str, body: str, n: int) -> tuple[float, float]:
    worker = Worker(
        COMMON + body,
        name=f"{name}.js",
        durable_objects={"CLASSIC": "Classic", "RPC": "Rpc"},
        seed=1,
        max_isolates=1,
    )
    net = Network(
        pops=["IAD"],
        origin=Origin(handler=lambda r: Response("o"), region="IAD"),
        workers={"w": worker},
        seed=1,
    )
    objects = net._objects
    for _ in range(300):
        net.fetch_sync("https://bench.example/", client="Washington")
    host, cpu = [], []
    for _ in range(n):
        before = objects.object_cpu_ms
        t = time.perf_counter()
        r = net.fetch_sync("https://bench.example/", client="Washington")
        host.append(time.perf_counter() - t)
        cpu.append(r.trace.worker_cpu_ms + objects.object_cpu_ms - before)
    assert r.status == 200
    return statistics.median(host) * 1e6, statistics.median(cpu) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args()
    rows = [(name, *run(f"v{i}", body, args.n)) for i, (name, body) in enumerate(VARIANTS.items())]
    peer_host, peer_cpu = rows[0][1], rows[0][2]
    print(
        f"{'variant':32} {'host us/request':>16} {'x peer':>7} {'worker CPU us':>14} {'x peer':>7}"
    )
    for name, host_us, cpu_us in rows:
        print(
            f"{name:32} {host_us:16.1f} {host_us / peer_host:7.2f} {cpu_us:14.1f} {cpu_us / peer_cpu:7.2f}"
        )


if __name__ == "__main__":
    main()
