"""Studies a scenario can add beside its deployments, each run on its own network in virtual
time and reported under ``results["studies"]``:

- ``[bots]`` (:mod:`.bots`): labelled bot and human traffic scored by the bot model; precision,
  recall and the score distribution;
- ``[ratelimit_attack]`` (:mod:`.ratelimit`): one attacker key spread over N PoPs against the
  per-PoP rate-limiting binding; how much gets through (about N x limit);
- ``[global_tables]`` (:mod:`.global_tables`): concurrent writers to a global table; writes lost
  to last-writer-wins;
- ``[[websocket]]`` (:mod:`.websocket`): users holding WebSockets to the worker (a chat room),
  sending messages at a rate; every message's latency to every receiver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edgert.sim.scenario import Scenario, _Table

__all__ = ["STUDIES", "parse_studies", "run_studies", "summary_lines"]

#: Scenario section -> module of the study.
STUDIES = ("bots", "ratelimit_attack", "global_tables", "websocket")


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
    if "websocket" in top.data:
        from edgert.sim.studies import websocket

        out["websocket"] = websocket.parse(top.get("websocket"))
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
    if "websocket" in spec:
        from edgert.sim.studies import websocket

        out["websocket"] = websocket.run(scenario, spec["websocket"])
    return out


def summary_lines(studies: dict[str, Any]) -> list[str]:
    """A few lines per study for the command's output."""
    out: list[str] = []
    rl = studies.get("ratelimit_attack")
    if rl is not None:
        out.append(
            f"rate-limit attack (limit {rl['limit']} per {rl['period']} s, counted per PoP):"
        )
        out += [
            f"  {r['pops']:3} PoPs: {r['passed']:6} of {r['sent']:6} through "
            f"({r['passed_over_limit']:.1f} x the limit)"
            for r in rl["rows"]
        ]
    gt = studies.get("global_tables")
    if gt is not None:
        out.append(f"global table over {', '.join(gt['regions'])} ({gt['items']} items):")
        out += [
            f"  {r['writers_per_s']:8g} writes/s: {r['lost_writes']:7} of {r['writes']:7} lost "
            f"({100 * r['lost_share']:.1f}%)"
            for r in gt["rows"]
        ]
    bots = studies.get("bots")
    if bots is not None:
        out.append(
            f"bots: precision {bots['precision']}, recall {bots['recall']} (score < "
            f"{bots['threshold']}), humans flagged {100 * bots['false_positive_share_of_humans']:.1f}%"
        )
    if "websocket" in studies:
        from edgert.sim.studies import websocket

        out += websocket.summary_lines(studies["websocket"])
    return out
