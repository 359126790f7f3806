"""Deploy plans: a TOML file a running ``edgert serve`` / ``edgert dev`` watches
(``--deploy-plan FILE``) and applies whenever its content changes, so new versions and
deployments reach a serving network without a restart.

```toml
action = "deploy"          # deploy (default) | rollback | promote | pause | resume
worker = "main"            # default: the network's only worker
script = "v2.js"           # the new version's script (relative to this file); deploy only
tag = "v2"
message = "new pricing"
[strategy]
kind = "waves"             # immediate (default) | percentage | waves
waves = [["FRA"], "rest"]  # waves: PoPs, regions, "smallest:N", "rest"
steps = [10, 100]          # percentage: the steps; waves: the steps within each wave
bake_s = 30
[gate]                     # optional: edgert.HealthGate's fields
max_error_rate = 0.01
min_requests = 50
check_interval_s = 5
```

The file's content when the watcher starts counts as applied: write a new content to act.
Each change is applied once, in full; an invalid plan is reported and changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edgert.deploy.gate import HealthGate
from edgert.deploy.strategy import Immediate, Percentage, Strategy, Waves
from edgert.errors import ConfigError, EdgertError

if TYPE_CHECKING:
    from edgert.network import Network
    from edgert.worker import Worker

__all__ = ["ACTIONS", "Plan", "PlanWatcher", "apply_plan", "load_plan", "parse_plan"]

ACTIONS = ("deploy", "rollback", "promote", "pause", "resume")
_KEYS = {"action", "worker", "script", "tag", "message", "strategy", "gate"}
_STRATEGY_KEYS = {"kind", "steps", "waves", "bake_s"}


@dataclass(frozen=True, slots=True)
class Plan:
    """A parsed plan (see the module docstring)."""

    action: str
    worker: str | None
    script: Path | None
    tag: str
    message: str
    strategy: Strategy
    gate: HealthGate | None


def _strategy(raw: Any) -> Strategy:
    if raw is None:
        return Immediate()
    if not isinstance(raw, dict):
        raise ConfigError("strategy: a table")
    unknown = sorted(set(raw) - _STRATEGY_KEYS)
    if unknown:
        raise ConfigError(f"strategy.{unknown[0]}: unknown key")
    kind = raw.get("kind", "immediate")
    bake = raw.get("bake_s")
    if kind == "immediate":
        return Immediate(bake_s=bake if bake is not None else 0.0)
    if kind == "percentage":
        return Percentage(
            raw.get("steps", [1, 10, 50, 100]), bake_s=bake if bake is not None else 300.0
        )
    if kind == "waves":
        waves = raw.get("waves")
        if not isinstance(waves, list) or not waves:
            raise ConfigError("strategy.waves: a list of waves")
        return Waves(
            *waves, bake_s=bake if bake is not None else 300.0, steps=raw.get("steps", [100])
        )
    raise ConfigError(f"strategy.kind: immediate, percentage or waves, got {kind!r}")


def _gate(raw: Any) -> HealthGate | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError("gate: a table of HealthGate fields")
    try:
        return HealthGate(**raw)
    except TypeError as exc:
        raise ConfigError(f"gate: {exc}") from None


def parse_plan(data: Mapping[str, Any], base: Path) -> Plan:
    """A :class:`Plan` from parsed TOML (``base``: where ``script`` is relative to)."""
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown key (keys: {', '.join(sorted(_KEYS))})")
    action = data.get("action", "deploy")
    if action not in ACTIONS:
        raise ConfigError(f"action: one of {', '.join(ACTIONS)}, got {action!r}")
    for key in ("worker", "script", "tag", "message"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(f"{key}: a string")
    script = data.get("script")
    path = None
    if action == "deploy":
        if not script:
            raise ConfigError("script: the new version's script (a path)")
        path = base / script
        if not path.is_file():
            raise ConfigError(f"script: no such file: {path}")
    return Plan(
        action=action,
        worker=data.get("worker"),
        script=path,
        tag=data.get("tag", ""),
        message=data.get("message", ""),
        strategy=_strategy(data.get("strategy")),
        gate=_gate(data.get("gate")),
    )


def load_plan(path: Path) -> Plan:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read deploy plan {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_plan(data, path.parent)


def apply_plan(network: Network, plan: Plan, make_worker: Callable[[Path], Worker]) -> str:
    """Does what ``plan`` says on ``network`` now; returns a line saying what it did.
    ``make_worker`` loads a script with the server's bindings and limits."""
    name = plan.worker
    if name is None:
        if len(network.workers) != 1:
            raise ConfigError(f"worker: which one ({', '.join(network.workers)})?")
        name = next(iter(network.workers))
    if plan.action == "deploy":
        assert plan.script is not None
        version = network.upload_version(
            name, make_worker(plan.script), tag=plan.tag, message=plan.message
        )
        started = network.deploy(name, version, strategy=plan.strategy, gate=plan.gate)
        return f"deploying {name} {version.label} ({version.id}): {started.strategy.describe()}"
    if plan.action == "rollback":
        network.rollback(name)
        return f"rolled {name} back to {network.live_version(name).label}"
    d = network.deployment(name)
    if d is None:
        raise ConfigError(f"{name!r} has no deployment to {plan.action}")
    getattr(d, plan.action)(f"manual {plan.action} (deploy plan)")
    return f"{plan.action}: {d!r}"


class PlanWatcher:
    """Watches a plan file and applies each new content (see the module docstring); echoes
    what it did and every deployment event."""

    def __init__(
        self,
        network: Network,
        path: str | os.PathLike[str],
        make_worker: Callable[[Path], Worker],
        echo: Callable[[str], None],
    ) -> None:
        self.network = network
        self.path = Path(path).resolve()
        self.make_worker = make_worker
        self.echo = echo
        self._seen = self._digest()
        network.deployments.listeners.append(self._event)

    def _digest(self) -> bytes | None:
        try:
            return hashlib.blake2b(self.path.read_bytes(), digest_size=16).digest()
        except OSError:
            return None

    def _event(self, deployment: Any, event: Any) -> None:
        pops = f" [{', '.join(event.pops)}]" if event.pops else ""
        self.echo(f"deploy {deployment.name}: {event.kind}{pops} {event.reason}")

    def check(self) -> str | None:
        """Applies the plan if its content changed since the last look; returns what it did
        (or the error), None when unchanged."""
        digest = self._digest()
        if digest is None or digest == self._seen:
            return None
        self._seen = digest
        try:
            done = apply_plan(self.network, load_plan(self.path), self.make_worker)
        except EdgertError as exc:
            done = f"deploy plan {self.path.name}: {exc} (nothing changed)"
        self.echo(done)
        return done

    async def watch(self) -> None:
        """Checks the plan whenever its folder changes, until cancelled."""
        from watchfiles import awatch

        async for _changes in awatch(self.path.parent, debounce=100, step=50):
            self.check()
