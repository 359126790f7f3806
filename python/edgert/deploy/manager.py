"""A network's versions and deployments: what :meth:`edgert.Network.upload_version`,
:meth:`~edgert.Network.deploy` and :meth:`~edgert.Network.rollback` act on.

Per worker: its versions (version 1 is the one the network started with), the *live* version
(the last one that holds all traffic: its cores are the network's ``(PoP, worker)`` cores) and
at most one deployment in progress, which splits the worker's traffic (the network's
``_splits``, read by :meth:`edgert.pipeline.Pipeline.run_worker`). The other version of a
split runs on cores of its own, one per (PoP, worker, version), made on first use: both
versions' isolates coexist in a PoP.

A native front (``edgert serve``) answers requests of the cores it learnt without Python; so a
worker whose traffic is split is not natively dispatched: the front forgets that worker's cores
when a deployment of it starts (the network's ``core_listeners`` get ``(None, worker, None)``;
other workers' cores stay learnt), learns no core of the worker while the split lasts, and
learns the winner's cores when it ends.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from edgert._core import CoreWorker
from edgert.deploy.deployment import Deployment, DeploymentEvent
from edgert.deploy.gate import HealthGate
from edgert.deploy.strategy import Immediate, Strategy
from edgert.deploy.version import Version, make_version
from edgert.errors import ConfigError
from edgert.pops import Pop

if TYPE_CHECKING:
    from edgert.network import Network
    from edgert.worker import Worker

__all__ = ["Deployments"]

Cancel = Callable[[], None]


class Deployments:
    """The versions and deployments of one network's workers."""

    def __init__(self, network: Network) -> None:
        self.net = network
        self.versions: dict[str, list[Version]] = {}
        self.live: dict[str, Version] = {}
        #: Every deployment ever started, per worker, oldest first.
        self.history: dict[str, list[Deployment]] = {}
        #: Cores of versions that are not live: (PoP, worker, version id) -> core.
        self.cores: dict[tuple[str, str, str], CoreWorker] = {}
        #: ``listener(deployment, event)`` for every event (reports, logs).
        self.listeners: list[Callable[[Deployment, DeploymentEvent], None]] = []
        self._deploys = 0
        #: Servers with an access log set this: the version of each split request's answer is
        #: kept per (PoP, path), in answer order, until its log record takes it.
        self.record_answers = False
        self._answers: dict[tuple[str, str], deque[Version]] = {}

    # -- the clock ------------------------------------------------------------------------------

    def now(self) -> float:
        return self.net.now()

    def later(self, delay: float, action: Callable[[], None]) -> Cancel:
        """Runs ``action`` ``delay`` seconds from now on the network's clock; returns a cancel."""
        net = self.net
        if net.clock == "virtual":
            handle = net.at(net.now() + delay, action)
            return handle.cancel
        loop = _loop(net)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            timer = loop.call_later(delay, action)
            return timer.cancel
        holder: list[asyncio.TimerHandle] = []
        cancelled: list[bool] = []

        def arm() -> None:
            if not cancelled:
                holder.append(loop.call_later(delay, action))

        loop.call_soon_threadsafe(arm)

        def cancel() -> None:
            cancelled.append(True)
            for h in holder:
                loop.call_soon_threadsafe(h.cancel)

        return cancel

    # -- versions -------------------------------------------------------------------------------

    def initial(self, name: str, worker: Worker) -> Worker:
        """Version 1 of ``name`` (the network's starting worker); returns what its cores run."""
        version = self._make(name, worker, "", "")
        self.live[name] = version
        self.net._live[name] = version.id
        return version.worker

    def _make(self, name: str, worker: Worker, tag: str, message: str) -> Version:
        versions = self.versions.setdefault(name, [])
        version = make_version(
            name,
            worker,
            number=len(versions) + 1,
            seed=self.net.seed,
            now=self.now(),
            tag=tag,
            message=message,
        )
        versions.append(version)
        return version

    def upload(self, name: str, worker: Worker, tag: str = "", message: str = "") -> Version:
        if name not in self.versions:
            raise ConfigError(f"unknown worker {name!r}")
        if not isinstance(tag, str) or not isinstance(message, str):
            raise ConfigError("a version's tag and message are strings")
        return self._make(name, worker, tag, message)

    def version(self, name: str, ref: Version | str) -> Version:
        """A version of ``name`` by object, id or tag (the latest with that tag)."""
        versions = self.versions.get(name)
        if versions is None:
            raise ConfigError(f"unknown worker {name!r}")
        if isinstance(ref, Version):
            if ref.name != name or ref not in versions:
                raise ConfigError(f"version {ref.id} is not a version of {name!r} in this network")
            return ref
        for v in reversed(versions):
            if v.id == ref or (v.tag and v.tag == ref):
                return v
        raise ConfigError(f"worker {name!r} has no version {ref!r}")

    # -- deployments ----------------------------------------------------------------------------

    def deploy(
        self,
        name: str,
        version: Version | str,
        strategy: Strategy | None = None,
        gate: HealthGate | None = None,
        traffic: Mapping[str, float] | None = None,
    ) -> Deployment:
        new = self.version(name, version)
        strategy = strategy if strategy is not None else Immediate()
        if not isinstance(strategy, Strategy):
            raise ConfigError(
                f"strategy: Immediate(), Percentage(...) or Waves(...), got {strategy!r}"
            )
        if gate is not None and not isinstance(gate, HealthGate):
            raise ConfigError(f"gate: a HealthGate or None, got {gate!r}")
        net = self.net
        pops: list[Pop] = list(net.pops)
        stages = strategy.stages(pops, traffic if traffic is not None else dict(net._pop_requests))
        current = net._splits.get(name)
        if current is not None:
            current.supersede(f"deployment of {new.label}")
            self._drop_cores(name, keep=self.live[name].id)
        old = self.live[name]
        if new is old:
            raise ConfigError(f"version {new.label} of {name!r} is already live")
        self._deploys += 1
        seed = _seed(net.seed, name, self._deploys) if net.seed is not None else time.time_ns()
        deployment = Deployment(self, name, old, new, strategy, gate, stages, seed)
        self.history.setdefault(name, []).append(deployment)
        net._splits[name] = deployment
        self._forget(name)
        deployment.start()
        return deployment

    def current(self, name: str) -> Deployment | None:
        """The latest deployment of ``name`` (in progress or finished), if any."""
        if name not in self.versions:
            raise ConfigError(f"unknown worker {name!r}")
        found = self.history.get(name)
        return found[-1] if found else None

    def rollback(
        self, name: str, to: Version | str | None = None, reason: str = "manual rollback"
    ) -> None:
        """A deployment in progress rolls back; with none, ``to`` (default: the version live
        before the current one) becomes live at once."""
        current = self.net._splits.get(name)
        if current is not None and to is None:
            current.rollback(reason)
            return
        if to is None:
            history = [d for d in self.history.get(name, []) if d.status == "complete"]
            if not history:
                raise ConfigError(f"{name!r} has no earlier version to roll back to")
            target = history[-1].old
        else:
            target = self.version(name, to)
        self.deploy(name, target, Immediate())
        d = self.history[name][-1]
        d.events.append(DeploymentEvent(self.now(), "rollback", target.id, (), reason))

    def finish(self, deployment: Deployment, winner: Version) -> None:
        """A deployment ended: ``winner`` is live everywhere, at once."""
        net = self.net
        name = deployment.name
        if net._splits.get(name) is deployment:
            del net._splits[name]
        if winner is not self.live[name]:
            self.live[name] = winner
            net._live[name] = winner.id
            net.workers[name] = winner.worker
            stable = [k for k in net._cores if k[1] == name]
            for key in stable:
                del net._cores[key]  # _core_pop keeps the old core's PoP for its background work
            for (pop, worker, vid), core in list(self.cores.items()):
                if worker == name and vid == winner.id:
                    net._cores[(pop, name)] = core
        self._drop_cores(name, keep=None)  # the winner's are the network's cores now
        self._forget(name)
        for listener in net.core_listeners:
            for (pop, worker), core in list(net._cores.items()):
                if worker == name:
                    listener(pop, name, core)

    def replaced(self, name: str, worker: Worker) -> Worker:
        """``Network.replace_worker``: a new version, live at once (a deployment in progress is
        superseded). Returns what its cores run."""
        version = self._make(name, worker, "", "replace_worker")
        current = self.net._splits.pop(name, None)
        if current is not None:
            current.supersede(f"replace_worker ({version.label})")
        self._drop_cores(name, keep=None)
        self.live[name] = version
        self.net._live[name] = version.id
        return version.worker

    # -- cores ----------------------------------------------------------------------------------

    def core(self, pop: Pop, name: str, version: Version) -> tuple[CoreWorker, bool]:
        """The core of ``version`` (not the live one) at ``pop``: made on first use (a cold
        start), never announced to the network's core listeners."""
        key = (pop.code, name, version.id)
        core = self.cores.get(key)
        if core is not None:
            return core, False
        core = self.net._new_core(pop, name, version.worker, salt=version.id)
        self.cores[key] = core
        return core, True

    def _drop_cores(self, name: str, keep: str | None) -> None:
        for key in [k for k in self.cores if k[1] == name and k[2] != keep]:
            del self.cores[key]

    def _forget(self, name: str) -> None:
        for listener in self.net.core_listeners:
            listener(None, name, None)

    def answered(self, pop: str, target: str, version: Version) -> None:
        """A split request at ``pop`` for ``target`` (path and query) was answered by
        ``version`` (kept for :meth:`log_version`; bounded)."""
        if len(self._answers) >= 4096:
            self._answers.clear()
        self._answers.setdefault((pop, target), deque(maxlen=1024)).append(version)

    def log_version(self, pop: str, target: str) -> tuple[str | None, str | None]:
        """The version (id, tag or None) an access-log record of ``target`` at ``pop`` names:
        a split request's recorded answer (oldest first), else the live version of the
        network's only worker. A log record carries no host, so with several workers an
        unsplit request's version is not named (None)."""
        queue = self._answers.get((pop, target))
        if queue:
            version = queue.popleft()
            if not queue:
                del self._answers[(pop, target)]
            return version.id, version.tag or None
        if len(self.live) == 1:
            version = next(iter(self.live.values()))
            return version.id, version.tag or None
        return None, None

    def announce(self, deployment: Deployment, event: DeploymentEvent) -> None:
        for listener in self.listeners:
            listener(deployment, event)

    def status(self) -> dict[str, Any]:
        """Every worker's versions, live version and latest deployment, as plain data."""
        out: dict[str, Any] = {}
        for name, versions in self.versions.items():
            latest = self.history.get(name)
            out[name] = {
                "live": self.live[name].as_dict(),
                "versions": [v.as_dict() for v in versions],
                "deployment": latest[-1].as_dict() if latest else None,
            }
        return out


def _seed(base: int, name: str, n: int) -> int:
    """The seed of a deployment's per-request draws: a function of the network's seed."""
    digest = hashlib.blake2b(f"{base}/{name}/deploy/{n}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _loop(net: Network) -> asyncio.AbstractEventLoop:
    """The event loop a real-time network's deployment timers run on: the running one, or the
    loop thread of :meth:`Network.fetch_sync`."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    if net._loop_thread is None:
        from edgert.worker import _LoopThread

        net._loop_thread = _LoopThread()
    return net._loop_thread.loop
