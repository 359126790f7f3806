"""Reloading a worker in place.

Theory of operation
-------------------
A :class:`Reloader` holds the configuration file, the environment and the running
:class:`~edgert.network.Network`. :meth:`Reloader.reload` reads the configuration and the script
again and builds a new :class:`~edgert.worker.Worker` (which evaluates the script once: a syntax
error or a throwing module surfaces here). On success it hands the worker to
:meth:`Network.replace_worker`: later requests get fresh cores with the new script, vars, secrets
and limits, requests in flight finish on the old ones, and the network's stores (KV, Durable
Objects, the PoPs' caches, all owned by the network, not by the cores) stay. On failure nothing
changes: the old version keeps serving and the outcome carries the error for the log.

Every file of the worker's module graph (``main``, what it imports, ``node_modules`` packages
included) is watched: a change to any of them reloads, as do scripts and text modules under the
project folder (a file an edit is about to import).

What a reload cannot change (PoPs, the origin, routes, the state folder) needs a restart; the
outcome says so when those change. :meth:`Reloader.watch` runs reloads on file changes with
``watchfiles`` (debounced, so a save that writes several files reloads once).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from edgert.config.build import build_worker
from edgert.config.load import load_config
from edgert.config.model import WorkerConfig
from edgert.errors import EdgertError
from edgert.network import Network

__all__ = ["ReloadOutcome", "Reloader"]

#: Files whose change triggers a reload (besides the configuration and the secrets files).
SCRIPT_SUFFIXES = (
    ".js",
    ".mjs",
    ".cjs",
    ".ts",
    ".mts",
    ".cts",
    ".json",
    ".wasm",
    ".txt",
    ".html",
    ".sql",
    ".bin",
)
_IGNORED_PARTS = {".edgert", ".wrangler", "node_modules", ".git", "__pycache__"}


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """The result of one reload: ``ok`` (the new version serves) or ``error`` (the old one still
    does); ``version``: how many versions have served; ``notes``: what needs a restart."""

    ok: bool
    version: int
    error: str | None = None
    changed: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def _graph_files(network: Network, name: str) -> frozenset[Path]:
    worker = network.workers.get(name)
    graph = getattr(worker, "modules", None)
    return graph.files if graph is not None else frozenset()


def _restart_keys(config: WorkerConfig) -> tuple[object, ...]:
    e = config.edgert
    return (config.name, e.pops, e.origin, e.state_dir, e.kv_home, config.routes)


class Reloader:
    """Reloads worker ``config.name`` of ``network`` from ``config.file`` (environment
    ``config.env``)."""

    def __init__(self, config: WorkerConfig, network: Network) -> None:
        self.config = config
        self.network = network
        self.version = 1
        #: The files of the serving version's module graph.
        self.files: frozenset[Path] = _graph_files(network, config.name)

    def reload(self, changed: Iterable[str] = ()) -> ReloadOutcome:
        """Reads the configuration and the script again and swaps the worker in; on any error
        the old version keeps serving."""
        changed = tuple(changed)
        try:
            config = load_config(self.config.file, env=self.config.env)
            worker = build_worker(config)
        except (EdgertError, OSError) as exc:
            return ReloadOutcome(False, self.version, error=str(exc).strip(), changed=changed)
        notes: tuple[str, ...] = ()
        if _restart_keys(config) != _restart_keys(self.config):
            notes = ("PoPs, origin, routes, name or state folder changed: restart to apply",)
        self.network.replace_worker(self.config.name, worker)
        self.files = worker.modules.files if worker.modules is not None else frozenset()
        self.config = config
        self.version += 1
        return ReloadOutcome(True, self.version, changed=changed, notes=notes)

    def relevant(self, path: str | Path) -> bool:
        """Whether a change of ``path`` should reload the worker."""
        p = Path(path)
        if p.absolute() in self.files or p.resolve() in self.files:
            return True
        if _IGNORED_PARTS.intersection(p.parts):
            return False
        if p.name.startswith((".dev.vars", ".env")) or p.name.startswith("wrangler."):
            return True
        return p.suffix in SCRIPT_SUFFIXES

    def watched(self) -> list[Path]:
        """The folders watched: the configuration's, the script's, and those of module-graph
        files outside them (a ``node_modules`` above the project)."""
        roots = {self.config.root.resolve(), self.config.main.parent.resolve()}
        for f in self.files:
            if not any(f.is_relative_to(r) for r in roots):
                roots.add(f.parent)
        return sorted(roots)

    async def watch(
        self,
        on_reload: Callable[[ReloadOutcome], Awaitable[None] | None],
        stop_event: object | None = None,
    ) -> None:
        """Reloads on every relevant change until cancelled (or ``stop_event`` is set)."""
        import inspect

        from watchfiles import awatch

        async for changes in awatch(
            *self.watched(),
            watch_filter=lambda _change, path: self.relevant(path),
            stop_event=stop_event,
            debounce=200,
        ):
            root = self.config.root
            names = sorted(
                str(Path(p).relative_to(root)) if Path(p).is_relative_to(root) else p
                for _, p in changes
            )
            result = on_reload(self.reload(names))
            if inspect.isawaitable(result):
                await result
