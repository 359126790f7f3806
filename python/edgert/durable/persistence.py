"""Durable Objects on disk: ``<state_dir>/durable.sqlite3`` (stdlib sqlite3).

Three tables: ``objects`` (each object's home PoP, so placement survives a restart),
``storage`` (each object's keys and serialized values) and ``alarms``. The host writes the net
changes the core's store hands it (:meth:`DurableStore.take_changes`) in one transaction per
batch of steps, so writes made together by an object reach disk together.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from edgert._core import DurableStore

__all__ = ["DurableFile"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
  worker TEXT NOT NULL, namespace TEXT NOT NULL, id TEXT NOT NULL, home TEXT NOT NULL,
  PRIMARY KEY (worker, namespace, id));
CREATE TABLE IF NOT EXISTS storage (
  worker TEXT NOT NULL, namespace TEXT NOT NULL, id TEXT NOT NULL, key TEXT NOT NULL,
  value TEXT NOT NULL, PRIMARY KEY (worker, namespace, id, key));
CREATE TABLE IF NOT EXISTS alarms (
  worker TEXT NOT NULL, namespace TEXT NOT NULL, id TEXT NOT NULL, at_ms REAL NOT NULL,
  PRIMARY KEY (worker, namespace, id));
"""

Change = tuple[str, str, bool, list[tuple[str, str]], list[str], bool, float | None]


class DurableFile:
    """The SQLite file of a network's Durable Objects."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def homes(self, worker: str) -> dict[tuple[str, str], str]:
        """(namespace, id) -> home PoP of every object of ``worker``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT namespace, id, home FROM objects WHERE worker = ?", (worker,)
            ).fetchall()
        return {(ns, oid): home for ns, oid, home in rows}

    def load(self, worker: str, store: DurableStore) -> list[tuple[str, str, float]]:
        """Seeds ``store`` with ``worker``'s objects; returns their alarms (namespace, id, ms)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT namespace, id, key, value FROM storage WHERE worker = ?", (worker,)
            ).fetchall()
            alarms = self._db.execute(
                "SELECT namespace, id, at_ms FROM alarms WHERE worker = ?", (worker,)
            ).fetchall()
        by_object: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for ns, oid, key, value in rows:
            by_object.setdefault((ns, oid), []).append((key, value))
        for (ns, oid), entries in by_object.items():
            store.load(ns, oid, entries)
        for ns, oid, at_ms in alarms:
            store.load(ns, oid, [], at_ms)
        return [(ns, oid, float(at)) for ns, oid, at in alarms]

    def place(self, worker: str, namespace: str, object_id: str, home: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO objects VALUES (?, ?, ?, ?)",
                (worker, namespace, object_id, home),
            )

    def write(self, worker: str, changes: Iterable[Change]) -> None:
        """Applies the net changes of a batch in one transaction."""
        with self._lock:
            db = self._db
            db.execute("BEGIN")
            try:
                for ns, oid, cleared, puts, deletes, alarm_changed, alarm in changes:
                    key = (worker, ns, oid)
                    if cleared:
                        db.execute(
                            "DELETE FROM storage WHERE worker=? AND namespace=? AND id=?", key
                        )
                    if puts:
                        db.executemany(
                            "INSERT OR REPLACE INTO storage VALUES (?, ?, ?, ?, ?)",
                            [(*key, k, v) for k, v in puts],
                        )
                    if deletes:
                        db.executemany(
                            "DELETE FROM storage WHERE worker=? AND namespace=? AND id=? AND key=?",
                            [(*key, k) for k in deletes],
                        )
                    if alarm_changed:
                        if alarm is None:
                            db.execute(
                                "DELETE FROM alarms WHERE worker=? AND namespace=? AND id=?", key
                            )
                        else:
                            db.execute(
                                "INSERT OR REPLACE INTO alarms VALUES (?, ?, ?, ?)", (*key, alarm)
                            )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self._db.close()
