"""``D1Query``: what one D1 query of a worker did (where it ran, how long it took)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["D1Query"]


@dataclass(frozen=True, slots=True)
class D1Query:
    """One query (a statement, a batch or an ``exec``) as the host performed it.

    ``pop``: where the worker ran; ``region``: the instance that answered (``primary`` says if
    it was the primary); ``write``: it changed or could change the database; ``latency_ms``:
    from the worker's call to the answer's arrival (network legs, a replica's wait for the
    session's bookmark, and forwarding); ``waited_ms``: the part spent waiting for a replica
    to catch up; ``seq``: the commit count of the answering instance (its bookmark);
    ``min_seq``: the bookmark the session required (0: none); ``at``: when it was issued.
    """

    pop: str
    database: str
    region: str
    primary: bool
    write: bool
    latency_ms: float
    waited_ms: float
    seq: int
    min_seq: int
    at: float
