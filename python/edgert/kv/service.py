"""KV for a host: performs the core's ``kv`` operations against the central store, over the
PoP-to-store latency, and turns the core's read records into :class:`KvRead`.

Theory of operation
-------------------
A core asks the host only for what its PoP's replica cannot answer: a read that missed, a
``put``/``delete`` and a ``list``. Each such operation travels from the PoP to the store's
location (half the base round trip of the latency model), is applied at the store at the
time it arrives (so concurrent writers are ordered by arrival, and the per-key rate limit is
judged there), and its answer travels back; the core then fills its replica. In virtual time
these are events on the host's clock; in real time they run at once, or sleep each half of
the round trip when the network emulates latency. A standalone worker has a store of its own
at distance zero.

Per request, the time during which at least one of its KV operations was outstanding before
the response is its ``kv_ms`` phase.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from edgert._core import CoreWorker, KvReplica, Operation
from edgert.errors import KvError, KvRateLimited
from edgert.kv.namespace import KvNamespace
from edgert.kv.record import KvRead
from edgert.kv.store import KvStore, dumps_list

__all__ = ["KvService"]

#: ``pop_of(worker, context) -> PoP code`` of the core an operation came from.
PopOf = Callable[[CoreWorker, Any], str]


class KvService:
    """The central store, the replicas of the PoPs, and the legs between them.

    ``rtt_ms(pop)`` is the base round trip between a PoP and the store (``None``: 0).
    ``replica_options`` go to each :class:`~edgert._core.KvReplica` (``default_cache_ttl_s``,
    ``min_cache_ttl_s``, ``max_bytes``).
    """

    def __init__(
        self,
        store: KvStore,
        *,
        clock: Callable[[], float],
        rtt_ms: Callable[[str], float] | None = None,
        emulate: bool = False,
        **replica_options: Any,
    ) -> None:
        self.store = store
        self._clock = clock
        self._rtt_ms = rtt_ms
        self._rtts: dict[str, float] = {}
        self.emulate = emulate
        self._replica_options = replica_options
        self._replicas: dict[str, KvReplica] = {}
        self._busy: dict[int, list[float]] = {}

    # -- handles -----------------------------------------------------------------------------

    def replica(self, pop: str) -> KvReplica:
        """The replica of PoP ``pop`` (created on first use), shared by its cores."""
        replica = self._replicas.get(pop)
        if replica is None:
            replica = self._replicas[pop] = KvReplica(**self._replica_options)
        return replica

    def namespace(self, namespace_id: str) -> KvNamespace:
        return KvNamespace(self.store, namespace_id, clock=self._clock, replicas=self._replicas.get)

    def one_way_s(self, pop: str) -> float:
        """Half the base round trip between ``pop`` and the store, in seconds."""
        if self._rtt_ms is None:
            return 0.0
        rtt = self._rtts.get(pop)
        if rtt is None:
            rtt = self._rtts[pop] = float(self._rtt_ms(pop))
        return rtt / 2000.0

    # -- the store's side of an operation ----------------------------------------------------

    def answer(self, op: Operation, now: float) -> tuple[str, bytes | None]:
        """Applies one ``kv`` operation at the store at time ``now``; returns the JSON answer
        and the bytes of a found value. Raises :class:`KvError` for a refused write."""
        ns = op.binding or ""
        args = json.loads(op.args or "{}")
        method = op.method
        if method == "get":
            key = args["key"]
            record = self.store.get(ns, key, now)
            if record is None:
                return json.dumps({"found": False, "version": self.store.version(ns, key)}), None
            answer = {
                "found": True,
                "version": record.version_ns,
                "metadata": record.metadata,
                "expiration": record.expiration,
            }
            return json.dumps(answer), record.value
        if method == "put":
            version = self.store.put(
                ns,
                args["key"],
                op.data or b"",
                now,
                metadata=args.get("metadata"),
                expiration=args.get("expiration"),
            )
            return json.dumps({"version": version}), None
        if method == "delete":
            return json.dumps({"version": self.store.delete(ns, args["key"], now)}), None
        if method == "list":
            result = self.store.list(
                ns,
                now,
                prefix=args.get("prefix") or "",
                limit=int(args.get("limit") or 1000),
                cursor=args.get("cursor"),
            )
            return dumps_list(result), None
        raise KvError(f"unknown KV method {method!r}")

    def _at_store(self, op: Operation, now: float) -> tuple[str, bytes | None] | str:
        """The store's answer to an operation, or the message it was refused with."""
        try:
            return self.answer(op, now)
        except KvRateLimited as exc:
            return f"KV {(op.method or '').upper()} failed: {exc}"
        except KvError as exc:
            return str(exc)

    # -- trace accounting --------------------------------------------------------------------

    def _begin(self, flight: Any, now: float) -> None:
        if flight is None or getattr(flight, "responded", True):
            return
        busy = self._busy.setdefault(id(flight), [0, now])
        if busy[0] == 0:
            busy[1] = now
        busy[0] += 1

    def _end(self, flight: Any, now: float) -> None:
        if flight is None:
            return
        busy = self._busy.get(id(flight))
        if busy is None:
            return
        busy[0] -= 1
        if busy[0] <= 0:
            del self._busy[id(flight)]
            if not getattr(flight, "responded", True):
                flight.trace.kv_ms += (now - busy[1]) * 1000.0

    def responded(self, flight: Any, now: float) -> None:
        """Closes the ``kv_ms`` of a request whose response is out while KV work is pending."""
        busy = self._busy.pop(id(flight), None)
        if busy is not None and busy[0] > 0:
            flight.trace.kv_ms += (now - busy[1]) * 1000.0

    # -- hosts -------------------------------------------------------------------------------

    def perform_virtual(
        self, host: Any, worker: CoreWorker, op: Operation, pop: str, flight: Any
    ) -> None:
        """Schedules an operation on a :class:`~edgert.host.VirtualTimeHost`: the leg to the
        store, the store, the leg back, then the completion."""
        leg = self.one_way_s(pop)
        self._begin(flight, host.now())

        def at_store() -> None:
            outcome = self._at_store(op, host.now())

            def back() -> None:
                self._end(flight, host.now())
                self._finish(host, worker, op, outcome)

            host.at(host.now() + leg, back)

        host.at(host.now() + leg, at_store)

    async def perform_real(
        self, host: Any, worker: CoreWorker, op: Operation, pop: str, flight: Any
    ) -> None:
        """Performs an operation in real time (sleeping the legs when emulating latency)."""
        leg = self.one_way_s(pop) if self.emulate else 0.0
        self._begin(flight, host.now())
        if leg > 0:
            await asyncio.sleep(leg)
        outcome = self._at_store(op, host.now())
        if leg > 0:
            await asyncio.sleep(leg)
        self._end(flight, host.now())
        self._finish(host, worker, op, outcome)

    @staticmethod
    def _finish(
        host: Any, worker: CoreWorker, op: Operation, outcome: tuple[str, bytes | None] | str
    ) -> None:
        if isinstance(outcome, str):
            host.complete_error(worker, op.id, "Error", outcome)
        else:
            host.complete_value(worker, op.id, outcome[0], outcome[1])

    def attach(self, host: Any, pop_of: PopOf) -> None:
        """Makes ``host`` perform ``kv`` operations through this service (virtual or real)."""
        if hasattr(host, "at"):

            def virtual(worker: CoreWorker, op: Operation, context: Any) -> None:
                self.perform_virtual(host, worker, op, pop_of(worker, context), context)

            host.services["kv"] = virtual
        else:

            def real(worker: CoreWorker, op: Operation, context: Any) -> None:
                host._spawn(self.perform_real(host, worker, op, pop_of(worker, context), context))

            host.services["kv"] = real

    # -- observability -----------------------------------------------------------------------

    def reads(self, pop: str, raw: list[tuple[str, str, bool, int, float]]) -> list[KvRead]:
        """The :class:`KvRead` records of a request from its stats' ``kv_reads``."""
        out = []
        for namespace, key, hit, version, at in raw:
            age = self.store.staleness_s(namespace, key, version, at)
            out.append(KvRead(pop, namespace, key, hit, age > 0, age))
        return out
