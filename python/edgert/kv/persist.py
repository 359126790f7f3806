"""SQLite persistence of the central KV store (``<state_dir>/kv.sqlite3``), with the standard
library's ``sqlite3``: every accepted write is committed before it is acknowledged."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from edgert.kv.record import KvRecord

__all__ = ["KvDatabase"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    metadata TEXT,
    expiration INTEGER,
    version_ns INTEGER NOT NULL,
    PRIMARY KEY (namespace, key)
)
"""


class KvDatabase:
    """The rows of every namespace; the in-memory store is loaded from it at start."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def rows(self) -> Iterator[tuple[str, str, KvRecord]]:
        cursor = self._db.execute(
            "SELECT namespace, key, value, metadata, expiration, version_ns FROM kv"
        )
        for ns, key, value, metadata, expiration, version in cursor:
            yield ns, key, KvRecord(bytes(value), metadata, expiration, int(version))

    def put(self, namespace: str, key: str, record: KvRecord) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO kv VALUES (?, ?, ?, ?, ?, ?)",
            (namespace, key, record.value, record.metadata, record.expiration, record.version_ns),
        )

    def delete(self, namespace: str, key: str) -> None:
        self._db.execute("DELETE FROM kv WHERE namespace = ? AND key = ?", (namespace, key))

    def close(self) -> None:
        self._db.close()
