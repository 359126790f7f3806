"""The simulator's whole Python path per request, for instruction counts: the standard workload's
scenario (``bench_sim.py``'s, sessions of pages of 5 ``/hs256`` calls, a fresh token per call)
on the 30 tier-1 PoPs through ``edgert.sim.parallel.run_sharded`` in one process, as ``edgert
simulate`` runs a shard (PoP groups, sessions, their random streams and clients, the recorder,
the columns and the merge), each PoP's core replaying its first answer (the JavaScript runs once
per PoP), so that what is left is the simulator's, the network's and the pipeline's own Python.
Unlike ``sim_python_requests.py`` (six fixed clients, no sessions, no recorder), a request here
costs what it costs in a real run, including its share of new sessions and new client legs.

    python benches/sim_runner_requests.py N [--real]
    # instructions per request: the difference of two sizes under callgrind
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python benches/sim_runner_requests.py 2000
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python benches/sim_runner_requests.py 8000

``--real``: every request runs the worker (no replay): the whole per-request cost of a real run
on the 30 tier-1 PoPs, core included (use fewer requests: 1,000 and 3,000).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_sim
from sim_python_requests import replay_cores


def main(n: int, real: bool = False) -> None:
    from edgert.sim.deployments import START
    from edgert.sim.parallel import run_sharded
    from edgert.sim.population import Population
    from edgert.sim.scenario import load_scenario
    from edgert.sim.traffic import make_traffic

    if not real:
        replay_cores()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_sim.build_workload(folder)
        path = folder / "runner.toml"
        text = bench_sim.SCENARIO.replace('pops = "global"', 'pops = "tier1"')
        path.write_text(text.format(duration=n / 1000.0, rate=1000.0))
        sc = load_scenario(path)
        population = Population(sc.population, sc.access)
        traffic = make_traffic(sc, population, sc.latency_params(), START)
        run = run_sharded(sc, sc.deployments[0], traffic, population, 1)
        print(len(run.total_ms), "requests")


if __name__ == "__main__":
    main(int(sys.argv[1]), "--real" in sys.argv[2:])
