"""CPU per simulated request of bot management: the network's bot call (``Network._bot_cf``,
what ``submit`` and ``fetch`` run when ``bots`` is on) on the ``[bots]`` study's 20,000
requests of ``examples/simulate/edgedata.toml``, and the whole study through the network.

    PYTHONPATH=python python benches/bench_bots.py

Run it on two checkouts (``PYTHONPATH=<checkout>/python``) to compare them (docs/benchmarks.md,
"Bot model: one implementation").
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

import edgert
from edgert.bots import BotManagement
from edgert.sim.scenario import load_scenario
from edgert.sim.studies import bots

ROOT = Path(__file__).resolve().parents[1]


def bot_call_us(repeat: int = 3) -> float:
    """Microseconds of CPU per ``Network._bot_cf`` on the study's schedule (best of
    ``repeat``)."""
    study = bots.BotsStudy(share=0.3, requests=20000, duration_s=120.0)
    schedule = bots._schedule(study, np.random.default_rng(7), 64)
    net = edgert.Network(
        ["FRA", "NRT", "IAD"], origin=edgert.Origin(handler=lambda r: "o"), bots=BotManagement()
    )
    clients = [edgert.Client(city=c) for c in ("Paris", "Tokyo", "Boston", "Berlin")]
    clock = [0.0]
    net.now = lambda: clock[0]  # type: ignore[method-assign]  # the virtual clock's reading
    cf = '{"colo": "FRA", "country": "FR"}'
    best = float("inf")
    for rep in range(repeat):
        t0 = time.process_time()
        for t, c, _, headers in schedule:
            clock[0] = 1_700_000_000.0 + 1000.0 * rep + t
            net._bot_cf(cf, "https://shop.example/", headers, net.pops[c % 3], clients[c % 4])
        best = min(best, time.process_time() - t0)
    return 1e6 * best / len(schedule)


def study_us(repeat: int = 3) -> float:
    """Microseconds of CPU per request of the edgedata scenario's ``[bots]`` study."""
    scenario = load_scenario(ROOT / "examples" / "simulate" / "edgedata.toml")
    best, n = float("inf"), 1
    for _ in range(repeat):
        t0 = time.process_time()
        out = bots.run(scenario, scenario.studies["bots"])
        best, n = min(best, time.process_time() - t0), out["requests"]
    return 1e6 * best / n


if __name__ == "__main__":
    print(f"bot call per request:      {bot_call_us():6.1f} us CPU")
    print(f"[bots] study per request: {study_us():6.1f} us CPU")
