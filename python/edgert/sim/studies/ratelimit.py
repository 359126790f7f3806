"""``[ratelimit_attack]``: one attacker key spread over N PoPs against the per-PoP
rate-limiting binding.

Each PoP counts on its own (as on Workers), so an attacker who sends from N locations gets
about N x ``limit`` calls per period through, not ``limit``. The study runs the same worker
(``env.LIMITER.limit({key: "attacker"})``, 429 when refused) on networks of 1..N PoPs, the
attacker sending ``rate_per_pop`` requests per second at each, and counts what got through::

    [ratelimit_attack]
    limit = 100
    period = 60              # 10 or 60, as on Workers
    pops = [1, 2, 5, 10]     # N: over how many of the scenario's PoPs the attacker spreads
    rate_per_pop = 10        # attacker requests per second at each PoP
    duration_s = 60          # one period: at most limit per PoP get through
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from edgert.errors import ScenarioError

if TYPE_CHECKING:
    from edgert.sim.scenario import Scenario, _Table

__all__ = ["RateLimitAttack", "parse", "run"]

WORKER = """
export default {
  async fetch(request, env) {
    const { success } = await env.LIMITER.limit({ key: "attacker" });
    return new Response(success ? "ok" : "rate limited", { status: success ? 200 : 429 });
  },
};
"""

#: The study's clock starts on a window boundary of both periods (a multiple of 60 s).
START = 1_700_000_040.0


@dataclass(frozen=True, slots=True)
class RateLimitAttack:
    limit: int = 100
    period: int = 60
    pops: tuple[int, ...] = (1, 2, 5, 10)
    rate_per_pop: float = 10.0
    duration_s: float = 60.0


def parse(t: _Table) -> RateLimitAttack:
    from edgert.ratelimit import check_simple

    try:
        limit, period = check_simple(t.get("limit", 100), t.get("period", 60), t.name)
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None
    pops = t.get("pops", [1, 2, 5, 10])
    if (
        not isinstance(pops, list)
        or not pops
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in pops)
    ):
        raise ScenarioError(f"{t.key('pops')}: must be a list of PoP counts (integers >= 1)")
    study = RateLimitAttack(
        limit=limit,
        period=period,
        pops=tuple(pops),
        rate_per_pop=t.number("rate_per_pop", 10.0, low=0, strict_low=True),
        duration_s=t.number("duration_s", 60.0, low=0, strict_low=True),
    )
    t.check_unknown()
    return study


def run_spread(study: RateLimitAttack, pop_codes: list[str]) -> dict[str, Any]:
    """The attack from every PoP of ``pop_codes`` at once; what got through."""
    import edgert

    worker = edgert.Worker(
        WORKER,
        ratelimits={
            "LIMITER": {
                "namespace_id": "1",
                "simple": {"limit": study.limit, "period": study.period},
            }
        },
        seed=1,
    )
    net = edgert.Network(
        pop_codes,
        origin=edgert.Origin(handler=lambda r: "origin"),
        workers={"app": worker},
        routes=[("attack.example/*", "app")],
        start=START,
        seed=1,
    )
    counts = {"sent": 0, "passed": 0, "limited": 0}
    per_pop = dict.fromkeys(pop_codes, 0)

    def done(pop: str) -> Any:
        def on_done(r: Any) -> None:
            if r.status == 200:
                counts["passed"] += 1
                per_pop[pop] += 1
            else:
                counts["limited"] += 1

        return on_done

    step = 1.0 / study.rate_per_pop
    n = int(study.duration_s * study.rate_per_pop)
    for pop in net.pops:
        client = edgert.Client(latitude=pop.latitude, longitude=pop.longitude)
        for i in range(n):

            def send(pop: Any = pop, client: Any = client) -> None:
                net.submit(
                    "https://attack.example/", client=client, pop=pop.code, on_done=done(pop.code)
                )

            net.at(START + i * step, send)
            counts["sent"] += 1
    net.run(until=START + study.duration_s + 30.0)
    windows = max(1, -(-int(study.duration_s) // study.period))
    allowed_global = study.limit * windows
    return {
        "pops": len(pop_codes),
        "sent": counts["sent"],
        "passed": counts["passed"],
        "limited": counts["limited"],
        "global_limit": allowed_global,
        "passed_over_limit": round(counts["passed"] / allowed_global, 2),
        "passed_per_pop": per_pop,
    }


def run(scenario: Scenario, study: RateLimitAttack) -> dict[str, Any]:
    from edgert.pops import load_pops

    codes = [p.code for p in load_pops(scenario.pops)]
    rows = []
    for n in study.pops:
        if n > len(codes):
            raise ScenarioError(
                f"ratelimit_attack.pops: {n} PoPs asked, the scenario has {len(codes)}"
            )
        rows.append(run_spread(study, codes[:n]))
    return {
        "limit": study.limit,
        "period": study.period,
        "rate_per_pop": study.rate_per_pop,
        "duration_s": study.duration_s,
        "rows": rows,
    }
