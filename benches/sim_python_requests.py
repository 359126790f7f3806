"""The simulator's Python around the core, for instruction counts: ``N`` requests in virtual
time through ``Network.submit`` (30 tier-1 PoPs, six cities), each PoP's core replaying its
first answer (a trivial worker), so that what is left is the network's and the pipeline's own
Python.

    python benches/sim_python_requests.py N
    # instructions per request: the difference of two sizes under callgrind
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python benches/sim_python_requests.py 500
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python benches/sim_python_requests.py 2500
"""

from __future__ import annotations

import sys
from typing import Any

from edgert import Client, Network, Origin
from edgert import worker as worker_module

WORKER = "export default { async fetch(request) { return new Response('hi'); } }"
CITIES = ["Tokyo", "Paris", "Sydney", "Chicago", "Lagos", "Lima"]


class Replay:
    """A core that runs its first request for real and then returns those steps again."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._steps: Any = None

    def begin(self, request: Any, now: float) -> Any:
        if self._steps is None:
            self._steps = self._real.begin(request, now)
        return self._steps

    begin_inline = begin

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def replay_cores() -> None:
    """Every core made from now on (``Worker.new_core``) is a :class:`Replay` of itself."""
    new_core = worker_module.Worker.new_core

    def replaying(self: Any, **options: Any) -> Any:
        return Replay(new_core(self, **options))

    worker_module.Worker.new_core = replaying  # type: ignore[method-assign]


def main(n: int) -> None:
    replay_cores()
    net = Network("tier1", Origin(handler=lambda r: "origin", region="IAD"), {"w": WORKER}, seed=1)
    clients = [Client(city=c) for c in CITIES]
    start = net.now()

    def send(client: Client) -> None:
        net.submit("https://a.example/x", client=client, on_done=lambda response: None)

    for i in range(n):
        client = clients[i % len(clients)]
        net.at(start + i * 0.001, lambda c=client: send(c))  # type: ignore[misc]
    net.run()


if __name__ == "__main__":
    main(int(sys.argv[1]))
