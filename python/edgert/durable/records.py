"""What the host records about Durable Objects: each object call (on the request's Trace) and
each alarm firing (on the network's object registry)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AlarmFiring", "ObjectCall"]


@dataclass(frozen=True, slots=True)
class ObjectCall:
    """One call from a worker to a Durable Object.

    ``latency_ms`` is the network time the call paid: the round trip between the caller's PoP
    and the object's home PoP (0 when they are the same PoP). ``kind`` is ``"fetch"`` or
    ``"call"`` (an RPC method, named by ``method``).
    """

    binding: str
    object_id: str
    home_pop: str
    caller_pop: str
    latency_ms: float
    kind: str = "fetch"
    method: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "binding": self.binding,
            "object_id": self.object_id,
            "home_pop": self.home_pop,
            "caller_pop": self.caller_pop,
            "latency_ms": self.latency_ms,
            "kind": self.kind,
            "method": self.method,
        }


@dataclass(frozen=True, slots=True)
class AlarmFiring:
    """One run of an object's ``alarm()`` handler: when it was due and when the host ran it
    (both on the host's clock, seconds since the epoch), its retry count and whether it
    succeeded."""

    namespace: str
    object_id: str
    home_pop: str
    scheduled_at: float
    fired_at: float
    retry_count: int
    ok: bool
    error: str | None = None
