"""A deployment: a new version of a worker rolled out stage by stage, judged by a health gate,
promoted or rolled back; every decision an event.

Theory of operation
-------------------
A :class:`Deployment` holds two versions, ``old`` (the last good one, live everywhere before
it started) and ``new``, and the :class:`~edgert.deploy.strategy.Stage` s its strategy made
for the network's PoPs. While it is *in progress* (or *paused*) it **splits** the worker's
traffic: each request at PoP ``p`` goes to ``new`` with the current stage's share at ``p``
(:meth:`choose`: overrides, then the version key, then a draw; see
:mod:`edgert.deploy.routing`), and every answer is counted in the stage's window of the
version that gave it (:meth:`observe`).

States and transitions::

    in_progress --stage passes, more stages--> in_progress (next stage, fresh windows)
    in_progress --last stage passes / promote at the end--> complete   (new is live everywhere)
    in_progress --gate fails / rollback()--> rolled_back               (old is live everywhere)
    in_progress --pause()--> paused --resume()--> in_progress          (the stage starts over)
    in_progress | paused --another deployment of the worker--> superseded

A stage ends when its bake time is over *and* the gate passes it. The gate looks every
``check_interval_s`` while the stage runs: a failing check rolls back at once (all traffic to
``old``, at every PoP, in the same instant), a ``wait`` (too few requests) decides nothing and
holds the stage until enough requests came. Without a gate a stage ends when it has baked. The
timers run on the network's clock (the virtual clock's events; the event loop's timers in
real time). Rolling back or completing hands the worker back to one live version
(:meth:`edgert.deploy.manager.Deployments.finish`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edgert.deploy.gate import HealthGate, Verdict, Window
from edgert.deploy.routing import KEY_HEADER, OVERRIDES_HEADER, key_point, parse_overrides
from edgert.deploy.strategy import Stage, Strategy
from edgert.deploy.version import Version
from edgert.errors import ConfigError

if TYPE_CHECKING:
    from edgert.deploy.manager import Deployments

__all__ = ["Deployment", "DeploymentEvent"]

Cancel = Callable[[], None]


@dataclass(frozen=True, slots=True)
class DeploymentEvent:
    """One decision or change of a deployment: ``kind`` (``start``, ``stage``, ``wait``,
    ``promote``, ``complete``, ``rollback``, ``pause``, ``resume``, ``superseded``), the
    version it concerns (id), the PoPs it concerns, why, and the gate's evidence."""

    time: float
    kind: str
    version: str
    pops: tuple[str, ...]
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "kind": self.kind,
            "version": self.version,
            "pops": list(self.pops),
            "reason": self.reason,
            "evidence": self.evidence,
        }


class Deployment:
    """A rollout of ``new`` over ``old`` for worker ``name`` (see the module docstring).
    Made by :meth:`edgert.Network.deploy`; read ``status``, ``events``, ``stage``."""

    def __init__(
        self,
        manager: Deployments,
        name: str,
        old: Version,
        new: Version,
        strategy: Strategy,
        gate: HealthGate | None,
        stages: list[Stage],
        seed: int,
    ) -> None:
        self._manager = manager
        self.name = name
        self.old = old
        self.new = new
        self.strategy = strategy
        self.gate = gate
        self.stages = stages
        self.status = "in_progress"
        self.events: list[DeploymentEvent] = []
        self.index = 0
        self._rng = random.Random(seed)
        self._draw = self._rng.random
        self.window_new = self._window()
        self.window_old = self._window()
        self._stage_started = 0.0
        self._baked = False
        self._waited = False
        self._armed = False
        self._timers: list[Cancel] = []
        #: Every version a request may be sent to by an override.
        self._ids = {old.id: old, new.id: new}
        self.started_at = manager.now()
        self.finished_at: float | None = None

    # -- what the pipeline calls ----------------------------------------------------------------

    @property
    def stage(self) -> Stage:
        return self.stages[self.index]

    def choose(self, pop: str, headers: Any) -> Version:
        """The version that answers a request at PoP ``pop`` with these headers."""
        overrides = headers.get(OVERRIDES_HEADER)
        if overrides is not None:
            wanted = parse_overrides(overrides).get(self.name)
            if wanted is not None:
                version = self._ids.get(wanted)
                if version is not None:
                    return version
        share = self.stages[self.index].share(pop)
        if share >= 100.0:
            return self.new
        if share <= 0.0:
            return self.old
        key = headers.get(KEY_HEADER)
        point = key_point(key) if key is not None else self._draw() * 100.0
        return self.new if point < share else self.old

    def observe(
        self, version: Version, status: int, outcome: str, cpu_ms: float, at_pop_ms: float
    ) -> None:
        """Counts one answer of ``version`` in the current stage's window."""
        if version is self.new:
            self.window_new.add(status, outcome, cpu_ms, at_pop_ms)
            gate = self.gate
            if self._armed and gate is not None and self.window_new.requests >= gate.min_requests:
                self._armed = False
                self._timers.append(self._manager.later(0.0, self._check))
        else:
            self.window_old.add(status, outcome, cpu_ms, at_pop_ms)

    # -- the stages -----------------------------------------------------------------------------

    def start(self) -> None:
        self._event("start", self.new, (), f"{self.strategy.describe()} over {self.old.label}")
        self._begin_stage()

    def _begin_stage(self) -> None:
        stage = self.stage
        self.window_new = self._window()
        self.window_old = self._window()
        self._stage_started = self._manager.now()
        self._baked = False
        self._waited = False
        self._armed = False
        self._event("stage", self.new, stage.exposed, stage.name)
        if self.gate is None and stage.bake_s <= 0:
            self._stage_done("no bake time, no gate", {})
            return
        self._timers.append(self._manager.later(stage.bake_s, self._bake_over))
        if self.gate is not None:
            self._timers.append(self._manager.later(self.gate.check_interval_s, self._check))

    def _window(self) -> Window:
        return self.gate.window() if self.gate is not None else Window(samples=False)

    def _cancel_timers(self) -> None:
        self._armed = False
        for cancel in self._timers:
            cancel()
        self._timers.clear()

    def _bake_over(self) -> None:
        if self.status != "in_progress":
            return
        self._baked = True
        if self.gate is None:
            self._stage_done(f"baked {self.stage.bake_s:g} s (no gate)", {})
            return
        self._judge()

    def _check(self) -> None:
        if self.status != "in_progress" or self.gate is None:
            return
        if self._judge() and not self._baked:
            self._timers.append(self._manager.later(self.gate.check_interval_s, self._check))

    def _judge(self) -> bool:
        """Asks the gate; returns whether the stage goes on (no decision yet). Once baked, a
        stage still short of requests is judged again when the new version has served enough
        (:meth:`observe` arms it): no timer ticks while nothing happens, so a virtual clock
        with no other events comes to rest."""
        assert self.gate is not None
        verdict: Verdict = self.gate.judge(self.window_new, self.window_old, baked=self._baked)
        if verdict.decision == "fail":
            self._rollback("gate failed: " + verdict.reason, verdict.evidence, kind="rollback")
            return False
        if verdict.decision == "pass":
            self._stage_done(verdict.reason, verdict.evidence)
            return False
        if verdict.decision == "wait" and self._baked:
            self._armed = True
            if not self._waited:
                self._waited = True
                self._event("wait", self.new, self.stage.exposed, verdict.reason, verdict.evidence)
        return True

    def _stage_done(self, reason: str, evidence: dict[str, Any]) -> None:
        self._cancel_timers()
        if self.index + 1 < len(self.stages):
            self._event("promote", self.new, self.stage.exposed, reason, evidence)
            self.index += 1
            self._begin_stage()
            return
        self.status = "complete"
        self.finished_at = self._manager.now()
        self._event("complete", self.new, (), reason, evidence)
        self._manager.finish(self, self.new)

    def _rollback(self, reason: str, evidence: dict[str, Any], kind: str = "rollback") -> None:
        self._cancel_timers()
        exposed = sorted({p for s in self.stages[: self.index + 1] for p in s.exposed})
        self.status = "rolled_back"
        self.finished_at = self._manager.now()
        self._event(kind, self.old, tuple(exposed), reason, evidence)
        self._manager.finish(self, self.old)

    # -- manual control -------------------------------------------------------------------------

    def _require(self, *states: str) -> None:
        if self.status not in states:
            raise ConfigError(
                f"deployment of {self.name!r} is {self.status}, not {' or '.join(states)}"
            )

    def promote(self, reason: str = "manual promote") -> None:
        """Ends the current stage now (the next starts, or the deployment completes)."""
        self._require("in_progress", "paused")
        self.status = "in_progress"
        self._stage_done(reason, {})

    def rollback(self, reason: str = "manual rollback") -> None:
        """All traffic back to the old version, everywhere, now."""
        self._require("in_progress", "paused")
        self._rollback(reason, {})

    def pause(self, reason: str = "manual pause") -> None:
        """Holds the current shares; no gate runs and no stage ends until :meth:`resume`."""
        self._require("in_progress")
        self._cancel_timers()
        self.status = "paused"
        self._event("pause", self.new, (), reason)

    def resume(self, reason: str = "manual resume") -> None:
        """Starts the current stage over (fresh windows, its whole bake time)."""
        self._require("paused")
        self.status = "in_progress"
        self._event("resume", self.new, (), reason)
        self._begin_stage()

    def supersede(self, by: str) -> None:
        """Another deployment of the worker replaced this one (no traffic decision of its own)."""
        self._cancel_timers()
        self.status = "superseded"
        self.finished_at = self._manager.now()
        self._event("superseded", self.new, (), f"replaced by {by}")

    # -- records --------------------------------------------------------------------------------

    def _event(
        self,
        kind: str,
        version: Version,
        pops: tuple[str, ...],
        reason: str,
        evidence: dict[str, Any] | None = None,
    ) -> None:
        event = DeploymentEvent(self._manager.now(), kind, version.id, pops, reason, evidence or {})
        self.events.append(event)
        self._manager.announce(self, event)

    def exposed_pops(self) -> list[str]:
        """The PoPs that ever sent the new version traffic by share (in stage order)."""
        out: list[str] = []
        for s in self.stages[: self.index + 1]:
            out += [p for p in s.exposed if p not in out]
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "worker": self.name,
            "old": self.old.as_dict(),
            "new": self.new.as_dict(),
            "strategy": self.strategy.describe(),
            "status": self.status,
            "stage": self.stage.name,
            "events": [e.as_dict() for e in self.events],
        }

    def __repr__(self) -> str:
        return (
            f"<Deployment {self.name} {self.old.label} -> {self.new.label} {self.status}, "
            f"stage {self.index + 1}/{len(self.stages)} {self.stage.name}>"
        )
