"""One stored KV value (the central store's record) and one read as a request saw it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KvRead", "KvRecord"]


@dataclass(frozen=True, slots=True)
class KvRecord:
    """A value in the central store: bytes, metadata (JSON text), absolute expiration (seconds
    since the epoch) and the version of the write (its time at the store, in ns)."""

    value: bytes
    metadata: str | None
    expiration: int | None
    version_ns: int

    def expired(self, now: float) -> bool:
        return self.expiration is not None and self.expiration <= now


@dataclass(frozen=True, slots=True)
class KvRead:
    """One KV read of a request (on :attr:`edgert.trace.Trace.kv_reads`).

    ``hit``: served by the PoP's replica without leaving it. ``age_s``: time since the latest
    write that the returned value does not reflect (0 when it was current); ``stale`` says
    whether there was such a write.
    """

    pop: str
    namespace: str
    key: str
    hit: bool
    stale: bool
    age_s: float | None
