"""D1 for a host: performs the core's ``d1`` binding operations at the instance D1's routing
rules choose, over the network's legs, and ships the primary's commits to the replicas after
the modelled replication lag.

Theory of operation
-------------------
A query leaves the worker's PoP for one instance:

- a write (any statement that does not only read, or an ``exec``) goes to the primary;
- a query outside a session (``env.DB.prepare``) goes to the primary, as on D1, where read
  replicas serve only the Sessions API;
- the first query of a ``first-primary`` session goes to the primary;
- any other read of a session goes to the instance nearest the PoP (a replica or the primary).

It travels half the base round trip between the PoP and the instance. A replica that is behind
the session's bookmark (``min_seq``) holds the query until it has applied that commit: the
replication log always delivers it, so the wait is bounded by the lag. The answer carries the
instance's commit count, which becomes the session's bookmark, and travels back. When a query
committed at the primary, each new commit is shipped to every replica and applied there after
the primary-to-replica one-way latency plus ``replication_delay_ms``, in order. In virtual time
these are events on the host's clock; in real time the legs are slept when the network
emulates latency, and the replication lag is always honoured.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
from collections.abc import Callable, Mapping
from typing import Any

from edgert._core import CoreWorker, Operation
from edgert.d1.database import D1Database, D1Options
from edgert.d1.records import D1Query

__all__ = ["D1Service"]

#: ``pop_of(worker, context) -> PoP code`` of the core an operation came from.
PopOf = Callable[[CoreWorker, Any], str]
#: ``schedule(delay_s, action)``: runs ``action`` later on the host's clock.
Schedule = Callable[[float, Callable[[], None]], None]

MAX_RECORDS = 200_000


class D1Service:
    """The network's D1 databases, by id (created on first use with their :class:`D1Options`;
    unconfigured ones get a primary at ``default_primary`` and no replica)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        rtt_ms: Callable[[str, str], float] | None = None,
        emulate: bool = False,
        state_dir: str | os.PathLike[str] | None = None,
        options: Mapping[str, D1Options | Mapping[str, Any]] | None = None,
        default_primary: str = "IAD",
    ) -> None:
        self._clock = clock
        self._rtt_ms = rtt_ms
        self.emulate = emulate
        self.state_dir = state_dir
        self.options = {k: D1Options.of(v) for k, v in (options or {}).items()}
        self.default_primary = default_primary.upper()
        self.databases: dict[str, D1Database] = {}
        self.queries: list[D1Query] = []
        self._rtts: dict[tuple[str, str], float] = {}
        self._nearest: dict[tuple[str, str], str] = {}
        self._waiters: dict[tuple[str, str], list[tuple[int, Callable[[], None]]]] = {}
        self._schedule: Schedule | None = None

    # -- databases -------------------------------------------------------------------------------

    def database(self, database_id: str) -> D1Database:
        db = self.databases.get(database_id)
        if db is None:
            options = self.options.get(database_id) or D1Options(primary=self.default_primary)
            db = D1Database(database_id, options, state_dir=self.state_dir)
            db.applied_listeners.append(functools.partial(self._caught_up, database_id))
            db.shipper = functools.partial(self.ship, db)
            self.databases[database_id] = db
        return db

    def one_way_s(self, a: str, b: str) -> float:
        """Half the base round trip between PoPs ``a`` and ``b``, in seconds."""
        if self._rtt_ms is None:
            return 0.0
        key = (a, b)
        rtt = self._rtts.get(key)
        if rtt is None:
            rtt = self._rtts[key] = float(self._rtt_ms(a, b))
        return rtt / 2000.0

    def nearest(self, db: D1Database, pop: str) -> str:
        """The region of ``db``'s instance nearest ``pop`` (the primary's or a replica's)."""
        key = (db.id, pop)
        region = self._nearest.get(key)
        if region is None:
            regions = [db.region, *db.replicas]
            region = min(regions, key=lambda r: (self.one_way_s(pop, r), r != db.region))
            self._nearest[key] = region
        return region

    def lag_s(self, db: D1Database, region: str) -> float:
        """How long a commit takes to reach the replica in ``region``."""
        return self.one_way_s(db.region, region) + db.options.replication_delay_ms / 1000.0

    # -- replication -----------------------------------------------------------------------------

    def ship(self, db: D1Database, schedule: Schedule | None = None) -> None:
        """Sends the primary's new commits to every replica, each after its lag (at once when
        no host clock is attached: a write from Python before anything runs)."""
        commits = db.take_commits()
        if not commits:
            return
        schedule = schedule or self._schedule
        for region in db.replicas:
            lag = self.lag_s(db, region)
            for seq, commit in commits:
                if schedule is None:
                    db.deliver(region, seq, commit)
                else:
                    schedule(lag, functools.partial(db.deliver, region, seq, commit))

    def _caught_up(self, database_id: str, region: str, seq: int) -> None:
        waiters = self._waiters.get((database_id, region))
        if not waiters:
            return
        ready = [fn for need, fn in waiters if need <= seq]
        waiters[:] = [(need, fn) for need, fn in waiters if need > seq]
        for fn in ready:
            fn()

    def _when_at(
        self, db: D1Database, region: str, min_seq: int, action: Callable[[], None]
    ) -> None:
        """Runs ``action`` once the instance in ``region`` has applied commit ``min_seq``."""
        if region == db.region or db.replicas[region].seq >= min_seq:
            action()
        else:
            self._waiters.setdefault((db.id, region), []).append((min_seq, action))

    # -- one operation ---------------------------------------------------------------------------

    def _plan(self, db: D1Database, pop: str, args: dict[str, Any]) -> tuple[str, bool, int]:
        """``(region, write, min_seq)`` of a query from ``pop``."""
        session = args.get("session")
        write = "lines" in args or not all(
            db.primary.readonly(s.get("sql", "")) for s in args.get("stmts", ())
        )
        min_seq = int(session.get("min", 0)) if isinstance(session, dict) else 0
        if write or not isinstance(session, dict) or session.get("primary"):
            return db.region, write, min_seq
        if min_seq > db.seq:
            # A bookmark no commit has reached (another database's, or forged): no replica
            # will ever get there, so the primary answers rather than a replica waiting forever.
            return db.region, write, min_seq
        return self.nearest(db, pop), write, min_seq

    def _execute(self, db: D1Database, region: str, op: Operation) -> tuple[str, int]:
        instance = db.instance(region)
        text = instance.execute(op.args or "{}")
        primary = "true" if region == db.region else "false"
        return text[:-1] + f',"region":"{region}","primary":{primary}}}', instance.seq

    def _answer(
        self,
        host: Any,
        worker: CoreWorker,
        op: Operation,
        pop: str,
        db: D1Database,
        region: str,
        write: bool,
        timing: tuple[float, float],
        seq: int,
        min_seq: int,
        text: str,
    ) -> None:
        """Records the query (``timing``: when it was issued and how long a replica held it)
        and hands the worker its answer ``text``, now."""
        start, waited = timing
        if len(self.queries) < MAX_RECORDS:
            self.queries.append(
                D1Query(
                    pop,
                    db.id,
                    region,
                    region == db.region,
                    write,
                    (host.now() - start) * 1000.0,
                    waited * 1000.0,
                    seq,
                    min_seq,
                    start,
                )
            )
        host.complete_value(worker, op.id, text)

    def perform_virtual(self, host: Any, worker: CoreWorker, op: Operation, pop: str) -> None:
        args = json.loads(op.args or "{}")
        db = self.database(str(args.get("db")))
        region, write, min_seq = self._plan(db, pop, args)
        leg = self.one_way_s(pop, region)
        start = host.now()

        def schedule(delay: float, action: Callable[[], None]) -> None:
            host.at(host.now() + delay, action)

        def arrive() -> None:
            arrived = host.now()

            def run() -> None:
                waited = host.now() - arrived
                text, seq = self._execute(db, region, op)
                self.ship(db, schedule)

                def back() -> None:
                    self._answer(
                        host,
                        worker,
                        op,
                        pop,
                        db,
                        region,
                        write,
                        (start, waited),
                        seq,
                        min_seq,
                        text,
                    )

                host.at(host.now() + leg, back)

            self._when_at(db, region, min_seq, run)

        host.at(start + leg, arrive)

    async def perform_real(self, host: Any, worker: CoreWorker, op: Operation, pop: str) -> None:
        loop = asyncio.get_running_loop()
        args = json.loads(op.args or "{}")
        db = self.database(str(args.get("db")))
        region, write, min_seq = self._plan(db, pop, args)
        leg = self.one_way_s(pop, region) if self.emulate else 0.0
        start = host.now()

        def schedule(delay: float, action: Callable[[], None]) -> None:
            loop.call_later(delay, action)

        if leg > 0:
            await asyncio.sleep(leg)
        arrived = host.now()
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        self._when_at(db, region, min_seq, wake)
        await ready
        waited = host.now() - arrived
        text, seq = self._execute(db, region, op)
        self.ship(db, schedule)
        if leg > 0:
            await asyncio.sleep(leg)
        self._answer(host, worker, op, pop, db, region, write, (start, waited), seq, min_seq, text)

    def attach(self, host: Any, pop_of: PopOf) -> None:
        """Makes ``host`` perform ``d1`` binding operations through this service."""
        virtual = hasattr(host, "at")
        if virtual:
            self._schedule = lambda delay, action: host.at(host.now() + delay, action)

        def perform(h: Any, worker: CoreWorker, op: Operation) -> bool:
            if op.binding != "d1":
                return False
            pop = pop_of(worker, h.context_of(worker, op))
            if virtual:
                self.perform_virtual(h, worker, op, pop)
            else:
                h._spawn(self.perform_real(h, worker, op, pop))
            return True

        host.binding_performers.append(perform)
