"""The central KV store: where every write goes and where PoP replicas fetch what they miss.

Theory of operation
-------------------
One store holds every namespace of a network (Workers KV's central store; its location is the
network's ``kv_home``). It is strongly consistent: a write is visible to the next read *at the
store* and gets a version, the store's clock at the write in ns (strictly increasing per key).
What PoPs see is another matter: each PoP caches what it read (``edgert._core.KvReplica``),
so a write reaches another PoP only once that PoP's cached copy expires.

The store enforces the per-key write limit (one write per second per key, a 429 like Workers'),
since it is the one place that sees the writes of every PoP. It keeps the recent write versions
of each key so a read can be told how stale it was. Expired keys read as absent and are dropped
lazily. With a path, every write is also committed to SQLite (:mod:`edgert.kv.persist`) and the
store starts from what the file holds.
"""

from __future__ import annotations

import base64
import bisect
import builtins
import os
from collections.abc import Iterator
from typing import Any

from edgert.errors import KvRateLimited
from edgert.kv.persist import KvDatabase
from edgert.kv.record import KvRecord

__all__ = ["KvStore"]

#: Write versions remembered per key, for staleness (older ones only matter for reads that old).
_HISTORY = 64


class KvStore:
    """Every namespace's keys. ``path``: a SQLite file to persist to (``None``: memory only).
    ``write_interval_s``: the smallest time between two writes of one key (1 s on Workers;
    0 disables the limit)."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, write_interval_s: float = 1.0
    ) -> None:
        self.write_interval_s = write_interval_s
        self._data: dict[str, dict[str, KvRecord]] = {}
        self._history: dict[tuple[str, str], list[int]] = {}
        self._last_write: dict[tuple[str, str], float] = {}
        self._db = KvDatabase(path) if path is not None else None
        if self._db is not None:
            for ns, key, record in self._db.rows():
                self._data.setdefault(ns, {})[key] = record
                self._history[(ns, key)] = [record.version_ns]

    # -- reads -------------------------------------------------------------------------------

    def get(self, namespace: str, key: str, now: float) -> KvRecord | None:
        """The live record of a key at store time ``now`` (``None``: absent or expired)."""
        ns = self._data.get(namespace)
        record = ns.get(key) if ns is not None else None
        if record is not None and record.expired(now):
            return None
        return record

    def version(self, namespace: str, key: str) -> int:
        """The version of the key's latest write (0: never written)."""
        history = self._history.get((namespace, key))
        return history[-1] if history else 0

    def staleness_s(self, namespace: str, key: str, version_ns: int, at: float) -> float:
        """How long before ``at`` the first write newer than ``version_ns`` happened (0: the
        version was the latest at ``at``)."""
        history = self._history.get((namespace, key))
        if not history:
            return 0.0
        at_ns = int(at * 1e9)
        i = bisect.bisect_right(history, version_ns)
        if i < len(history) and history[i] <= at_ns:
            return max(0.0, (at_ns - history[i]) / 1e9)
        return 0.0

    def list(
        self,
        namespace: str,
        now: float,
        *,
        prefix: str = "",
        limit: int = 1000,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """``list()`` as Workers answers it: keys sorted by their UTF-8 bytes, ``limit`` at a
        time, with an opaque ``cursor`` while ``list_complete`` is false."""
        after = _decode_cursor(cursor)
        ns = self._data.get(namespace, {})
        names = sorted(
            (k for k, r in ns.items() if k.startswith(prefix) and not r.expired(now)),
            key=lambda k: k.encode(),
        )
        start = 0
        if after is not None:
            encoded = [k.encode() for k in names]
            start = bisect.bisect_right(encoded, after.encode())
        page = names[start : start + limit]
        keys = []
        for name in page:
            r = ns[name]
            entry: dict[str, Any] = {"name": name}
            if r.expiration is not None:
                entry["expiration"] = r.expiration
            if r.metadata is not None:
                entry["metadata"] = _RawJson(r.metadata)
            keys.append(entry)
        complete = start + limit >= len(names)
        out: dict[str, Any] = {"keys": keys, "list_complete": complete}
        if not complete and page:
            out["cursor"] = _encode_cursor(page[-1])
        return out

    def namespaces(self) -> builtins.list[str]:
        return sorted(ns for ns, keys in self._data.items() if keys)

    def items(self, namespace: str, now: float) -> Iterator[tuple[str, KvRecord]]:
        """Live keys of a namespace, sorted."""
        ns = self._data.get(namespace, {})
        for key in sorted(ns, key=lambda k: k.encode()):
            record = ns[key]
            if not record.expired(now):
                yield key, record

    # -- writes ------------------------------------------------------------------------------

    def _admit(self, namespace: str, key: str, now: float, rate_limited: bool) -> int:
        slot = (namespace, key)
        if rate_limited and self.write_interval_s > 0:
            last = self._last_write.get(slot)
            if last is not None and now - last < self.write_interval_s:
                raise KvRateLimited("429 Too Many Requests")
            self._last_write[slot] = now
        history = self._history.setdefault(slot, [])
        version = int(now * 1e9)
        if history and version <= history[-1]:
            version = history[-1] + 1
        history.append(version)
        if len(history) > _HISTORY:
            del history[: len(history) - _HISTORY]
        return version

    def put(
        self,
        namespace: str,
        key: str,
        value: bytes,
        now: float,
        *,
        metadata: str | None = None,
        expiration: int | None = None,
        rate_limited: bool = True,
    ) -> int:
        """Writes a key at store time ``now``; returns the write's version. Raises
        :class:`~edgert.errors.KvRateLimited` for a second write of the key within a second."""
        version = self._admit(namespace, key, now, rate_limited)
        record = KvRecord(bytes(value), metadata, expiration, version)
        self._data.setdefault(namespace, {})[key] = record
        if self._db is not None:
            self._db.put(namespace, key, record)
        return version

    def delete(self, namespace: str, key: str, now: float, *, rate_limited: bool = True) -> int:
        """Deletes a key (a write too); returns its version."""
        version = self._admit(namespace, key, now, rate_limited)
        ns = self._data.get(namespace)
        if ns is not None:
            ns.pop(key, None)
        if self._db is not None:
            self._db.delete(namespace, key)
        return version

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class _RawJson(str):
    """Metadata kept as JSON text, embedded as is by :func:`dumps_list`."""


def dumps_list(result: dict[str, Any]) -> str:
    """JSON text of a :meth:`KvStore.list` answer (metadata embedded as the JSON it is)."""
    import json

    keys = []
    for k in result["keys"]:
        parts = [f'"name":{json.dumps(k["name"])}']
        if "expiration" in k:
            parts.append(f'"expiration":{int(k["expiration"])}')
        if "metadata" in k:
            parts.append(f'"metadata":{k["metadata"]}')
        keys.append("{" + ",".join(parts) + "}")
    out = f'{{"keys":[{",".join(keys)}],"list_complete":{"true" if result["list_complete"] else "false"}'
    if "cursor" in result:
        out += f',"cursor":{json.dumps(result["cursor"])}'
    return out + "}"


def _encode_cursor(last_key: str) -> str:
    return base64.urlsafe_b64encode(last_key.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        from edgert.errors import KvLimitError

        raise KvLimitError("KV LIST failed: 400 Invalid cursor") from None
