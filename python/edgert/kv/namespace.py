"""``KvNamespace``: a KV namespace from Python, to seed it, read and write it at the central
store, and see what each PoP currently holds of it."""

from __future__ import annotations

import base64
import builtins
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from edgert._core import KvReplica, kv_check_key, kv_check_list_limit, kv_check_put
from edgert.errors import ConfigError
from edgert.kv.store import KvStore

__all__ = ["KvNamespace", "ReplicaEntry"]

ValueType = Literal["text", "json", "bytes"]


@dataclass(frozen=True, slots=True)
class ReplicaEntry:
    """What a PoP holds of one key: its value (``None``: a cached "no such key"), metadata,
    expiration, the version it reflects, and when it was cached and until when it is served."""

    value: bytes | None
    metadata: Any
    expiration: int | None
    version_ns: int
    cached_at: float
    cached_until: float

    @property
    def negative(self) -> bool:
        return self.value is None

    def text(self) -> str | None:
        return None if self.value is None else self.value.decode("utf-8", "replace")


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode()


class KvNamespace:
    """One namespace of a store. Reads and writes from Python act on the central store at the
    network's clock (they are not rate-limited and do not touch any PoP's replica)."""

    def __init__(
        self,
        store: KvStore,
        namespace_id: str,
        *,
        clock: Callable[[], float],
        replicas: Callable[[str], KvReplica | None],
    ) -> None:
        self.store = store
        self.id = namespace_id
        self._clock = clock
        self._replicas = replicas

    def get(self, key: str, type: ValueType = "text") -> Any:
        """The value at the central store (``None`` if absent): text, parsed JSON or bytes."""
        kv_check_key("GET", key)
        record = self.store.get(self.id, key, self._clock())
        if record is None:
            return None
        if type == "bytes":
            return record.value
        text = record.value.decode("utf-8", "replace")
        return json.loads(text) if type == "json" else text

    def get_with_metadata(self, key: str, type: ValueType = "text") -> tuple[Any, Any]:
        """``(value, metadata)``; both ``None`` when the key is absent."""
        record = self.store.get(self.id, key, self._clock())
        if record is None:
            return None, None
        meta = json.loads(record.metadata) if record.metadata is not None else None
        return self.get(key, type), meta

    def put(
        self,
        key: str,
        value: str | bytes | Any,
        *,
        expiration: float | None = None,
        expiration_ttl: float | None = None,
        metadata: Any = None,
    ) -> int:
        """Writes a key (str, bytes, or any other JSON value, serialised); returns its version.
        The limits of Workers apply (:class:`~edgert.errors.KvLimitError`)."""
        data = _as_bytes(value)
        meta = json.dumps(metadata) if metadata is not None else None
        now = self._clock()
        at = kv_check_put(key, len(data), meta, expiration, expiration_ttl, now)
        return self.store.put(
            self.id, key, data, now, metadata=meta, expiration=at, rate_limited=False
        )

    def delete(self, key: str) -> None:
        kv_check_key("DELETE", key)
        self.store.delete(self.id, key, self._clock(), rate_limited=False)

    def list(
        self, *, prefix: str = "", limit: int | None = None, cursor: str | None = None
    ) -> dict[str, Any]:
        """``{"keys": [{"name", "expiration"?, "metadata"?}], "list_complete", "cursor"?}``."""
        n = kv_check_list_limit(limit)
        out = self.store.list(self.id, self._clock(), prefix=prefix, limit=n, cursor=cursor)
        for k in out["keys"]:
            if "metadata" in k:
                k["metadata"] = json.loads(k["metadata"])
        return out

    def keys(self) -> builtins.list[str]:
        """Every live key, sorted."""
        return [k for k, _ in self.store.items(self.id, self._clock())]

    def seed(
        self, data: Mapping[str, Any] | Iterable[Mapping[str, Any]] | str | os.PathLike[str]
    ) -> int:
        """Writes many keys: a mapping ``{key: value}``, a list in ``wrangler kv bulk put``
        form (``[{"key", "value", "expiration"?, "expiration_ttl"?, "metadata"?, "base64"?}]``),
        or a JSON file holding either. Returns the number of keys written."""
        if isinstance(data, str | os.PathLike):
            path = Path(data)
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ConfigError(f"cannot read KV seed file {path}: {exc}") from exc
        count = 0
        if isinstance(data, Mapping):
            for key, value in data.items():
                self.put(str(key), value)
                count += 1
            return count
        for item in data:  # type: ignore[union-attr]
            if not isinstance(item, Mapping) or "key" not in item or "value" not in item:
                raise ConfigError(f"a KV bulk entry needs a key and a value: {item!r}")
            value = item["value"]
            if item.get("base64"):
                value = base64.b64decode(value)
            self.put(
                str(item["key"]),
                value,
                expiration=item.get("expiration"),
                expiration_ttl=item.get("expiration_ttl"),
                metadata=item.get("metadata"),
            )
            count += 1
        return count

    def replica(self, pop: str) -> dict[str, ReplicaEntry]:
        """What PoP ``pop`` currently holds of this namespace (entries still served), by key."""
        replica = self._replicas(pop)
        if replica is None:
            return {}
        out: dict[str, ReplicaEntry] = {}
        for key, value, meta, expiration, version, at, until in replica.entries(
            self.id, self._clock()
        ):
            out[key] = ReplicaEntry(
                value=value,
                metadata=json.loads(meta) if meta is not None else None,
                expiration=expiration,
                version_ns=version,
                cached_at=at,
                cached_until=until,
            )
        return out

    def __repr__(self) -> str:
        return f"<KvNamespace {self.id!r}>"
