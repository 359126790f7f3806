"""Rollout strategies: how a new version's share of a worker's traffic grows, PoP by PoP, over
time. A strategy compiles, for a network's PoPs, into :class:`Stage` s: in each stage every PoP
sends a percentage of the worker's requests to the new version (the rest to the old one), for
at least ``bake_s`` seconds before the next stage starts (and, with a gate, until the gate
passes it).

- :class:`Immediate`: one stage, 100 % everywhere (what ``Network.replace_worker`` does).
- :class:`Percentage`: the same percentage at every PoP, in steps (1 -> 10 -> 50 -> 100).
- :class:`Waves`: sets of PoPs one after the other (a canary set, then regions, then the rest);
  each wave may itself go through percentage ``steps``.

A wave names PoPs by IATA code, a network region (``"WEU"``, ``"ENAM"``, see
:data:`edgert.pops.NETWORK_REGIONS`) or continent (``"EU"``), ``"smallest:N"`` (the N PoPs with
the least traffic not in an earlier wave) or ``"rest"`` (every PoP not in an earlier wave).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from edgert.errors import ConfigError
from edgert.pops import NETWORK_REGIONS, Pop

__all__ = ["Immediate", "Percentage", "Stage", "Strategy", "Waves"]


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of a rollout: the new version's share (percent) at each PoP (``percent``, PoPs
    not listed get ``default``), held for at least ``bake_s``. ``exposed`` are the PoPs whose
    share grew in this stage (for events)."""

    name: str
    percent: Mapping[str, float]
    default: float
    bake_s: float
    exposed: tuple[str, ...] = ()

    def share(self, pop: str) -> float:
        return self.percent.get(pop, self.default)


def _percent(p: object, what: str) -> float:
    if isinstance(p, bool) or not isinstance(p, int | float) or not 0 < p <= 100:
        raise ConfigError(f"{what}: a percentage in (0, 100], got {p!r}")
    return float(p)


def _bake(bake_s: object) -> float:
    if isinstance(bake_s, bool) or not isinstance(bake_s, int | float) or not bake_s >= 0:
        raise ConfigError(f"bake_s: seconds >= 0, got {bake_s!r}")
    return float(bake_s)


class Strategy:
    """The base of the strategies: :meth:`stages` for a network's PoPs."""

    bake_s: float = 0.0

    def stages(
        self, pops: Sequence[Pop], traffic: Mapping[str, float] | None = None
    ) -> list[Stage]:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Immediate(Strategy):
    """Every request to the new version at once (``bake_s``: how long a gate watches it)."""

    bake_s: float = 0.0

    def __post_init__(self) -> None:
        _bake(self.bake_s)

    def stages(
        self, pops: Sequence[Pop], traffic: Mapping[str, float] | None = None
    ) -> list[Stage]:
        return [Stage("100%", {}, 100.0, self.bake_s, tuple(p.code for p in pops))]

    def describe(self) -> str:
        return "immediate"


@dataclass(frozen=True)
class Percentage(Strategy):
    """The same share at every PoP, growing by ``steps`` (percentages, increasing, the last
    100), each held ``bake_s``."""

    steps: Sequence[float] = (1, 10, 50, 100)
    bake_s: float = 300.0

    def __post_init__(self) -> None:
        _bake(self.bake_s)
        steps = [_percent(p, "Percentage steps") for p in self.steps]
        if not steps or steps[-1] != 100.0 or any(b <= a for a, b in pairwise(steps)):
            raise ConfigError(f"Percentage steps must increase and end at 100: {list(self.steps)}")

    def stages(
        self, pops: Sequence[Pop], traffic: Mapping[str, float] | None = None
    ) -> list[Stage]:
        everyone = tuple(p.code for p in pops)
        return [Stage(f"{p:g}%", {}, float(p), self.bake_s, everyone) for p in self.steps]

    def describe(self) -> str:
        return "percentage " + " -> ".join(f"{p:g}%" for p in self.steps)


WaveSpec = str | Sequence[str]


@dataclass(frozen=True, init=False)
class Waves(Strategy):
    """PoP waves: ``Waves(["NRT"], ["SYD", "GRU"], "rest", bake_s=300)``. Each positional
    argument is a wave (one selector or a list of them, see the module docstring); ``steps``
    (percentages ending at 100, default ``[100]``) are gone through within each wave. PoPs no
    wave names form a last wave of their own (a completed deployment is live everywhere)."""

    waves: tuple[tuple[str, ...], ...] = field(default=())
    bake_s: float = 300.0
    steps: tuple[float, ...] = (100.0,)

    def __init__(
        self, *waves: WaveSpec, bake_s: float = 300.0, steps: Sequence[float] = (100,)
    ) -> None:
        if not waves:
            raise ConfigError("Waves needs at least one wave")
        norm: list[tuple[str, ...]] = []
        for i, w in enumerate(waves):
            items = (w,) if isinstance(w, str) else tuple(w)
            if not items or not all(isinstance(x, str) and x for x in items):
                raise ConfigError(f"wave {i + 1}: PoP codes, regions, 'smallest:N' or 'rest'")
            norm.append(items)
        for i, w in enumerate(norm[:-1]):
            if "rest" in w:
                raise ConfigError(f"wave {i + 1}: 'rest' can only be in the last wave")
        pct = [_percent(p, "Waves steps") for p in steps]
        if not pct or pct[-1] != 100.0 or any(b <= a for a, b in pairwise(pct)):
            raise ConfigError(f"Waves steps must increase and end at 100: {list(steps)}")
        object.__setattr__(self, "waves", tuple(norm))
        object.__setattr__(self, "bake_s", _bake(bake_s))
        object.__setattr__(self, "steps", tuple(pct))

    def resolve(
        self, pops: Sequence[Pop], traffic: Mapping[str, float] | None = None
    ) -> list[tuple[str, ...]]:
        """The PoP codes of each wave, in the network ``pops`` (``traffic``: requests or
        shares per PoP code, for ``smallest:N``). A wave that selects no new PoP is an error."""
        codes = {p.code: p for p in pops}
        taken: set[str] = set()
        out: list[tuple[str, ...]] = []
        weights = traffic or {}
        for i, wave in enumerate(self.waves):
            chosen: list[str] = []
            for sel in wave:
                chosen += [
                    c for c in _select(sel, pops, codes, taken, weights, i) if c not in chosen
                ]
            new = [c for c in chosen if c not in taken]
            if not new:
                raise ConfigError(
                    f"wave {i + 1} ({', '.join(wave)}) selects no PoP not in an earlier wave"
                )
            taken.update(new)
            out.append(tuple(new))
        return out

    def stages(
        self, pops: Sequence[Pop], traffic: Mapping[str, float] | None = None
    ) -> list[Stage]:
        waves = self.resolve(pops, traffic)
        everyone = {p.code for p in pops}
        left = [p.code for p in pops if all(p.code not in w for w in waves)]
        if left:  # a version that completes is live everywhere: the rest is a wave too
            waves.append(tuple(left))
        out: list[Stage] = []
        done: dict[str, float] = {}
        for i, wave in enumerate(waves):
            last = i == len(waves) - 1 and set(done) | set(wave) == everyone
            for p in self.steps:
                percent = {**done, **dict.fromkeys(wave, p)}
                label = ", ".join(wave) if len(wave) <= 4 else f"{len(wave)} PoPs"
                name = f"wave {i + 1} ({label})" + ("" if p == 100.0 else f" {p:g}%")
                if last and p == 100.0:
                    out.append(Stage(name, {}, 100.0, self.bake_s, wave))
                else:
                    out.append(Stage(name, percent, 0.0, self.bake_s, wave))
            done.update(dict.fromkeys(wave, 100.0))
        return out

    def describe(self) -> str:
        waves = " | ".join(",".join(w) for w in self.waves)
        return f"waves {waves}" + ("" if self.steps == (100.0,) else f" steps {list(self.steps)}")


def _select(
    sel: str,
    pops: Sequence[Pop],
    codes: Mapping[str, Pop],
    taken: set[str],
    traffic: Mapping[str, float],
    wave: int,
) -> list[str]:
    """The PoP codes one wave selector names (in the network's order)."""
    if sel == "rest":
        return [p.code for p in pops if p.code not in taken]
    if sel.startswith("smallest:"):
        try:
            n = int(sel.split(":", 1)[1])
        except ValueError:
            n = 0
        if n < 1:
            raise ConfigError(f"wave {wave + 1}: 'smallest:N' needs N >= 1, got {sel!r}")
        left = [p for p in pops if p.code not in taken]
        # Least traffic first; PoPs that saw none come last (they may not serve anyone), ties in
        # the network's order.
        order = sorted(
            range(len(left)),
            key=lambda k: (
                traffic.get(left[k].code, 0.0) <= 0.0,
                traffic.get(left[k].code, 0.0),
                k,
            ),
        )
        return [left[k].code for k in order[:n]]
    up = sel.upper()
    if up in codes:
        return [up]
    if up in NETWORK_REGIONS:
        return [p.code for p in pops if p.region == up]
    continents = {p.continent for p in pops}
    if up in continents or up in ("AF", "AN", "AS", "EU", "NA", "OC", "SA"):
        return [p.code for p in pops if p.continent == up]
    raise ConfigError(
        f"wave {wave + 1}: {sel!r} is not a PoP of this network, a region "
        f"({', '.join(NETWORK_REGIONS)}), a continent, 'smallest:N' or 'rest'"
    )
