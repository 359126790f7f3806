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


def run(name: str, body: str, n: int) -> tuple[float, float, float]:
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
    host, caller, callee = [], [], []
    for _ in range(n):
        before = objects.object_cpu_ms
        t = time.perf_counter()
        r = net.fetch_sync("https://bench.example/", client="Washington")
        host.append(time.perf_counter() - t)
        caller.append(r.trace.worker_cpu_ms)
        callee.append(objects.object_cpu_ms - before)
    assert r.status == 200
    return (
        statistics.median(host) * 1e6,
        statistics.median(caller) * 1e3,
        statistics.median(callee) * 1e3,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args()
    rows = [(name, *run(f"v{i}", body, args.n)) for i, (name, body) in enumerate(VARIANTS.items())]
    peer_host, peer_cpu = rows[0][1], rows[0][2] + rows[0][3]
    print(
        f"{'variant':30} {'host us':>8} {'x peer':>7} {'caller CPU us':>14}"
        f" {'object CPU us':>14} {'CPU x peer':>10}"
    )
    for name, host_us, caller_us, object_us in rows:
        cpu = caller_us + object_us
        print(
            f"{name:30} {host_us:8.1f} {host_us / peer_host:7.2f} {caller_us:14.1f}"
            f" {object_us:14.1f} {cpu / peer_cpu:10.2f}"
        )


if __name__ == "__main__":
    main()
