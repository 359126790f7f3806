"""``D1Database``: one D1 database of a network or a standalone worker, from Python: its primary
instance, its read replicas, and queries for seeding and inspection.

Theory of operation
-------------------
Every write commits at the primary (``edgert._core.D1Database``, SQLite). When the database has
replicas, the primary keeps each committed transaction that wrote as a numbered commit (1, 2,
...); :meth:`take_commits` hands them to whoever ships them (the :class:`D1Service`, after the
modelled lag). A replica applies commits strictly in order: :meth:`deliver` queues one that
arrives early and applies every consecutive commit it holds. A replica's ``seq`` is how far it
has caught up; a session's bookmark is such a number. Replicas start as a copy of the primary
(after its migrations), so a persisted database needs no log across restarts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edgert._core import D1Database as D1Instance
from edgert.d1.migrations import apply_migrations
from edgert.errors import ConfigError

__all__ = ["D1Database", "D1Options"]


@dataclass(frozen=True, slots=True)
class D1Options:
    """Where a database lives: the ``primary`` region and the ``replicas`` (IATA codes of
    PoPs), the extra replication delay on top of the network's one-way latency from the
    primary (``replication_delay_ms``), and the ``migrations_dir`` applied at start."""

    primary: str = "IAD"
    replicas: tuple[str, ...] = field(default_factory=tuple)
    replication_delay_ms: float = 0.0
    migrations_dir: str | None = None

    @classmethod
    def of(cls, value: Any) -> D1Options:
        """From a :class:`D1Options`, a mapping of its fields, or ``None`` (defaults)."""
        if value is None:
            return cls()
        if isinstance(value, D1Options):
            return value
        if not isinstance(value, dict):
            raise ConfigError(f"D1 options are a mapping (primary, replicas, ...): {value!r}")
        unknown = set(value) - {"primary", "replicas", "replication_delay_ms", "migrations_dir"}
        if unknown:
            raise ConfigError(f"unknown D1 option(s): {', '.join(sorted(unknown))}")
        replicas = value.get("replicas") or ()
        if isinstance(replicas, str) or not all(isinstance(r, str) for r in replicas):
            raise ConfigError(f"D1 replicas are a list of PoP codes: {replicas!r}")
        delay = value.get("replication_delay_ms", 0.0)
        if not isinstance(delay, int | float) or delay < 0:
            raise ConfigError(f"replication_delay_ms must be a number >= 0: {delay!r}")
        primary = value.get("primary", "IAD")
        if not isinstance(primary, str):
            raise ConfigError(f"D1 primary is a PoP code: {primary!r}")
        migrations = value.get("migrations_dir")
        return cls(
            primary=primary.upper(),
            replicas=tuple(r.upper() for r in replicas),
            replication_delay_ms=float(delay),
            migrations_dir=str(migrations) if migrations is not None else None,
        )


def _rows(answer: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for res in answer["results"]:
        cols = res["columns"]
        out.extend(dict(zip(cols, row, strict=True)) for row in res["rows"])
    return out


class D1Database:
    """A D1 database: ``primary`` and ``replicas`` (region -> instance) are the engine's
    instances. ``state_dir`` keeps the primary in ``<state_dir>/d1/<id>.sqlite3``."""

    def __init__(
        self,
        database_id: str,
        options: D1Options | None = None,
        *,
        state_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.id = database_id
        self.options = options or D1Options()
        path = None
        if state_dir is not None:
            folder = Path(state_dir) / "d1"
            folder.mkdir(parents=True, exist_ok=True)
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in database_id)
            path = str(folder / f"{safe}.sqlite3")
        self.primary = D1Instance(database_id, path=path, primary=True)
        self.migrations: list[str] = []
        if self.options.migrations_dir is not None:
            self.migrations = apply_migrations(self.primary, self.options.migrations_dir)
        self.replicas: dict[str, D1Instance] = {}
        self._early: dict[str, dict[int, str]] = {}
        for region in self.options.replicas:
            if region == self.options.primary or region in self.replicas:
                continue
            self.replicas[region] = self._copy_of_primary()
            self._early[region] = {}
        self.primary.keep_log(bool(self.replicas))
        #: ``listener(region, seq)`` after a replica applied a commit.
        self.applied_listeners: list[Callable[[str, int], None]] = []
        #: Ships new commits after a write from Python (set by the network's service; without
        #: one, replicas get them at once).
        self.shipper: Callable[[], None] | None = None

    def _copy_of_primary(self) -> D1Instance:
        replica = D1Instance(self.id, primary=False)
        replica.copy_from(self.primary)
        return replica

    @property
    def region(self) -> str:
        return self.options.primary

    @property
    def seq(self) -> int:
        """Commits at the primary (the newest bookmark)."""
        return self.primary.seq

    def instance(self, region: str) -> D1Instance:
        """The instance in ``region`` (the primary's region or a replica's)."""
        if region == self.options.primary:
            return self.primary
        try:
            return self.replicas[region]
        except KeyError:
            raise ConfigError(f"D1 database {self.id!r} has no instance in {region!r}") from None

    def _written(self) -> None:
        if self.shipper is not None:
            self.shipper()
        else:
            for seq, commit in self.take_commits():
                for region in self.replicas:
                    self.deliver(region, seq, commit)

    def take_commits(self) -> list[tuple[int, str]]:
        return self.primary.take_commits() if self.replicas else []

    def deliver(self, region: str, seq: int, commit: str) -> None:
        """A commit reached the replica in ``region``: applies it and any queued successors."""
        replica = self.replicas[region]
        early = self._early[region]
        early[seq] = commit
        while (nxt := replica.seq + 1) in early:
            replica.apply(early.pop(nxt))
            for listener in self.applied_listeners:
                listener(region, nxt)

    # -- queries from Python (administrative: at the primary, or a chosen instance) -----------

    def execute(self, sql: str, *params: Any, region: str | None = None) -> list[dict[str, Any]]:
        """Runs one statement (at the primary unless ``region`` names a replica) and returns
        its rows as dicts. Writes from Python replicate like a worker's, once shipped."""
        instance = self.primary if region is None else self.instance(region)
        answer = json.loads(
            instance.execute(json.dumps({"stmts": [{"sql": sql, "params": list(params)}]}))
        )
        self._written()
        if "error" in answer:
            raise ConfigError(f"D1 {self.id}: {answer['error']}")
        return _rows(answer)

    def executescript(self, sql: str) -> None:
        """Runs several statements at the primary (``exec``)."""
        answer = json.loads(self.primary.execute(json.dumps({"lines": [sql]})))
        self._written()
        if "error" in answer:
            raise ConfigError(f"D1 {self.id}: {answer['error']}")

    def batch(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Runs statements in one transaction at the primary."""
        stmts = [{"sql": s, "params": list(p)} for s, p in statements]
        answer = json.loads(self.primary.execute(json.dumps({"stmts": stmts, "rows": False})))
        self._written()
        if "error" in answer:
            raise ConfigError(f"D1 {self.id}: {answer['error']}")

    def __repr__(self) -> str:
        return f"<D1Database {self.id!r} primary={self.region} replicas={sorted(self.replicas)}>"
