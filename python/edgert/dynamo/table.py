"""A global table: one table replicated to several regions, each accepting writes, with
asynchronous replication and last-writer-wins per item (DynamoDB Global Tables semantics).

Theory of operation. Every region holds a replica: the current *version* of each item (an item
or a tombstone), stamped with ``(timestamp ns, region, write id)``. A write is applied at the
region that received it at that region's time, and is then shipped to every other region,
arriving ``lag(a, b)`` seconds later (FIFO per pair). Arrivals are applied lazily: any call
that reads or writes the table at time ``now`` first applies every shipment due by ``now``, so
the same code serves virtual time and real time (a shipment is never visible early in either).
An arriving version replaces the replica's only if its stamp is greater: the later timestamp
wins, the greater region id breaks a tie (then the write id).

Lost writes. Each region counts, per item and origin region, the highest write sequence it has
received (applied or not); a local write records that vector as what it *knew*. When two
versions meet and the winner did not know the loser, the loser was lost: acknowledged to its
writer, then silently discarded. A write overwritten by one that had seen it is not lost (it
was superseded). ``lost_writes`` counts each lost write once.

Conditional writes are evaluated by the caller against the receiving region's replica
(:meth:`GlobalTable.current`), so a write that passed its condition there may still lose to a
concurrent write from another region, as on the real service.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from edgert.dynamo import values as av
from edgert.dynamo.errors import ValidationError
from edgert.errors import ConfigError

__all__ = ["GlobalTable", "KeySchema", "Version"]

Item = dict[str, Any]
#: The hashable form of an item's key.
ItemKey = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class KeySchema:
    """The table's key: partition (hash) key name and type, and optionally a sort key."""

    hash_key: str
    hash_type: str = "S"
    range_key: str | None = None
    range_type: str = "S"

    def __post_init__(self) -> None:
        for t in (self.hash_type, self.range_type):
            if t not in ("S", "N", "B"):
                raise ConfigError(f"key attribute types are S, N or B, not {t!r}")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.hash_key,) if self.range_key is None else (self.hash_key, self.range_key)

    def key_of(self, item: Item, *, exact: bool = False) -> ItemKey:
        """The hashable key of an item (or of a request's ``Key``, with ``exact``: no other
        attributes allowed); ``ValidationException`` when it does not fit the schema."""
        if exact and set(item) != set(self.names):
            raise ValidationError("The provided key element does not match the schema")
        out = []
        for name, t in ((self.hash_key, self.hash_type), (self.range_key, self.range_type)):
            if name is None:
                continue
            v = item.get(name)
            if v is None:
                raise ValidationError(
                    f"One or more parameter values were invalid: Missing the key {name} in the item"
                    if not exact
                    else "The provided key element does not match the schema"
                )
            if t not in v:
                raise ValidationError(
                    "One or more parameter values were invalid: Type mismatch for key "
                    f"{name} expected: {t} actual: {next(iter(v))}"
                )
            if t == "S" and v["S"] == "":
                raise ValidationError(
                    "One or more parameter values are not valid. The AttributeValue for a key "
                    "attribute cannot contain an empty string value. Key: " + name
                )
            out.append(sort_key(v))
        return tuple(out)

    def key_item(self, item: Item) -> Item:
        return {n: item[n] for n in self.names}


def sort_key(v: dict[str, Any]) -> Any:
    """A value of a key attribute in DynamoDB's order (numbers numerically, S and B by bytes)."""
    ((t, x),) = v.items()
    if t == "N":
        return (0, av.number(x))
    if t == "B":
        return (1, av._binary(x))
    return (2, x.encode("utf-8"))


@dataclass(slots=True)
class Version:
    """One write of one item as it travels: the item (``None``: deleted) and its stamp."""

    item: Item | None
    ts_ns: int
    region: str
    write_id: int
    #: The write's sequence number among its region's writes to this table.
    seq: int
    #: Per origin region, the highest sequence the writing region had received for this item.
    knew: dict[str, int] = field(default_factory=dict)

    @property
    def stamp(self) -> tuple[int, str, int]:
        return (self.ts_ns, self.region, self.write_id)

    def knows(self, other: Version) -> bool:
        return self.knew.get(other.region, 0) >= other.seq


@dataclass(slots=True)
class _Replica:
    items: dict[ItemKey, Version] = field(default_factory=dict)
    received: dict[ItemKey, dict[str, int]] = field(default_factory=dict)


class GlobalTable:
    """One table in ``regions``; ``lag_s(a, b)`` is the replication delay from a to b."""

    def __init__(
        self,
        name: str,
        schema: KeySchema,
        regions: tuple[str, ...],
        lag_s: Callable[[str, str], float],
    ) -> None:
        if not regions:
            raise ConfigError(f"table {name!r} needs at least one region")
        if len(set(regions)) != len(regions):
            raise ConfigError(f"table {name!r}: regions repeat: {regions}")
        self.name = name
        self.schema = schema
        self.regions = tuple(regions)
        self.lag_s = lag_s
        self._replicas = {r: _Replica() for r in regions}
        self._queue: list[tuple[float, int, str, ItemKey, Version]] = []
        self._order = itertools.count()
        self._write_ids = itertools.count(1)
        self._seq = dict.fromkeys(regions, 0)
        self.writes = 0
        self.lost: set[int] = set()
        self.replicated = 0

    @property
    def lost_writes(self) -> int:
        return len(self.lost)

    # -- replication ------------------------------------------------------------------------------

    def deliver(self, now: float) -> None:
        """Applies every shipment due by ``now``."""
        q = self._queue
        while q and q[0][0] <= now:
            _, _, region, key, version = heapq.heappop(q)
            self._apply(region, key, version)
            self.replicated += 1

    def pending(self) -> int:
        """Shipments not yet applied."""
        return len(self._queue)

    def next_delivery(self) -> float | None:
        return self._queue[0][0] if self._queue else None

    def _apply(self, region: str, key: ItemKey, v: Version) -> None:
        rep = self._replicas[region]
        got = rep.received.setdefault(key, {})
        if got.get(v.region, 0) < v.seq:
            got[v.region] = v.seq
        cur = rep.items.get(key)
        if cur is None:
            rep.items[key] = v
        elif v.stamp > cur.stamp:
            if not v.knows(cur):
                self.lost.add(cur.write_id)
            rep.items[key] = v
        elif not cur.knows(v):
            self.lost.add(v.write_id)

    # -- reads and writes at a region -------------------------------------------------------------

    def _replica(self, region: str) -> _Replica:
        rep = self._replicas.get(region)
        if rep is None:
            raise KeyError(region)
        return rep

    def current(self, region: str, key: ItemKey, now: float) -> Item | None:
        """The item as ``region`` holds it at ``now`` (``None``: absent or deleted)."""
        self.deliver(now)
        v = self._replica(region).items.get(key)
        return None if v is None else v.item

    def write(self, region: str, key: ItemKey, item: Item | None, now: float) -> Version:
        """Applies a put (``item``) or a delete (``None``) at ``region`` at ``now`` and ships it
        to the other regions."""
        self.deliver(now)
        rep = self._replica(region)
        self._seq[region] += 1
        seq = self._seq[region]
        got = rep.received.setdefault(key, {})
        got[region] = seq
        ts = int(now * 1e9)
        cur = rep.items.get(key)
        if cur is not None and cur.stamp >= (ts, region, 0):
            ts = cur.ts_ns + 1  # a region's own writes to an item are ordered
        v = Version(item, ts, region, next(self._write_ids), seq, dict(got))
        self.writes += 1
        if cur is not None and not v.knows(cur):  # cannot happen locally; kept for clarity
            self.lost.add(cur.write_id)
        rep.items[key] = v
        for other in self.regions:
            if other != region:
                at = now + max(0.0, self.lag_s(region, other))
                heapq.heappush(self._queue, (at, next(self._order), other, key, v))
        return v

    def items(self, region: str, now: float) -> Iterator[tuple[ItemKey, Item]]:
        """Live items of ``region`` at ``now``, in key order."""
        self.deliver(now)
        rep = self._replica(region)
        for key in sorted(rep.items):
            v = rep.items[key]
            if v.item is not None:
                yield key, v.item

    def converged(self) -> bool:
        """Whether every region holds the same versions (true once no shipment is pending)."""
        first = self._replicas[self.regions[0]].items
        return all(
            {k: v.write_id for k, v in r.items.items()} == {k: v.write_id for k, v in first.items()}
            for r in self._replicas.values()
        )

    def metrics(self) -> dict[str, Any]:
        return {
            "writes": self.writes,
            "lost_writes": self.lost_writes,
            "replicated": self.replicated,
            "pending": self.pending(),
        }
