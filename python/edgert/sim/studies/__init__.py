"""Studies a scenario can add beside its deployments, each run on its own network in virtual
time and reported under ``results["studies"]``:

- ``[bots]`` (:mod:`.bots`): labelled bot and human traffic scored by the bot model; precision,
  recall and the score distribution;
- ``[ratelimit_attack]`` (:mod:`.ratelimit`): one attacker key spread over N PoPs against the
  per-PoP rate-limiting binding; how much gets through (about N x limit);
- ``[global_tables]`` (:mod:`.global_tables`): concurrent writers to a global table; writes lost
  to last-writer-wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edgert.sim.scenario import Scenario, _Table

__all__ = ["STUDIES", "parse_studies", "run_studies"]

#: Scenario section -> module of the study.
STUDIES = ("bots", "ratelimit_attack", "global_tables")


def parse_studies(top: _Table) -> dict[str, Any]:
    """The studies a scenario declares, parsed (each section is optional)."""
    from edgert.sim.studies import bots, global_tables, ratelimit

    out: dict[str, Any] = {}
    if "bots" in top.data:
        out["bots"] = bots.parse(top.table("bots"))
    if "ratelimit_attack" in top.data:
        out["ratelimit_attack"] = ratelimit.parse(top.table("ratelimit_attack"))
    if "global_tables" in top.data:
        out["global_tables"] = global_tables.parse(top.table("global_tables"))
    return out


def run_studies(scenario: Scenario) -> dict[str, Any]:
    """Runs every study of ``scenario``; deterministic for a seed."""
    from edgert.sim.studies import bots, global_tables, ratelimit

    out: dict[str, Any] = {}
    spec = scenario.studies
    if "bots" in spec:
        out["bots"] = bots.run(scenario, spec["bots"])
    if "ratelimit_attack" in spec:
        out["ratelimit_attack"] = ratelimit.run(scenario, spec["ratelimit_attack"])
    if "global_tables" in spec:
        out["global_tables"] = global_tables.run(scenario, spec["global_tables"])
    return out
