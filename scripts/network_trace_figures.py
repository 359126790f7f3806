"""Print the "Figures through the network" of docs/network.md: the seed's Tokyo scenario run
through edgert.Network in virtual time, and one request's trace.

Run: ``.venv/bin/python scripts/network_trace_figures.py [--runs 200]``. Deterministic.
"""

from __future__ import annotations

import argparse
import random

import numpy as np

from edgert import Client, LatencyModel, Network, Origin, Response

APP = """
export default { async fetch(request) {
  if (new URL(request.url).pathname === '/edge') return new Response('edge ' + request.cf.colo);
  return fetch(request);
} }
"""


def network(seed: int) -> Network:
    # A dynamic page at an origin in Ashburn that spends 50 ms on it.
    origin = Origin(
        handler=lambda r: Response("<html>page</html>"), region="IAD", service_time_s=0.05
    )
    return Network(pops="demo", origin=origin, workers={"app": APP}, seed=seed)


def pct(values: list[float]) -> str:
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    return f"p5 {p5:6.1f}  p50 {p50:6.1f}  p95 {p95:6.1f} ms"


def run(path: str, warm: bool, runs: int, population: bool) -> list[float]:
    out = []
    draws = random.Random(0)
    for seed in range(runs):
        net = network(seed)
        access = LatencyModel().access_rtt_ms("fixed", draws) if population else None
        client = Client(city="Tokyo", access_ms=access)
        if warm:
            net.fetch_sync("https://app.example/edge", client=client)
        out.append(net.fetch_sync("https://app.example" + path, client=client).trace.total_ms)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    for population in (False, True):
        who = "log-normal access draws" if population else "median fixed line"
        print(f"## Tokyo through Network ({runs} seeds, {who}, DNS cached)")
        for label, path, warm in [
            ("via NRT to the origin, cold (new connection):", "/page", False),
            ("via NRT to the origin, warm:", "/page", True),
            ("answered at NRT alone, cold:", "/edge", False),
            ("answered at NRT alone, warm:", "/edge", True),
        ]:
            print(f"{label:48}{pct(run(path, warm, runs, population))}")
        print()
    r = network(1).fetch_sync("https://app.example/page", client="Tokyo")
    print(f"## One trace: {r!r}")
    for name, value in r.trace.phases().items():
        print(f"  {name:12} {value:7.1f}")


if __name__ == "__main__":
    main()
