"""``edgert demo``: the edge middleware of the standard workload in front of an origin in
Virginia, with users in five cities, sent both straight to the origin and through the edge.

Everything ships in this package (the worker's JavaScript, the origin, the identity provider);
nothing is read from outside it and nothing listens on a port: the network runs in virtual time.
"""

from __future__ import annotations

from edgert.demo.scenario import Result, Scenario, run_scenario

__all__ = ["Result", "Scenario", "run_scenario"]
