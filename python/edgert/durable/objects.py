"""The Durable Objects of a network (or of one standalone worker): placement, routing object
calls between PoPs, alarms and persistence.

Theory of operation
-------------------
A worker's call on a stub (``await stub.fetch(...)``, ``await stub.method(...)``) reaches the
host as a binding operation of the caller's core. :meth:`DurableObjects.perform` takes it:

1. **Placement.** The object's home is looked up; an object seen for the first time is placed
   at the caller's PoP (the PoP nearest the first caller), or at the PoP nearest the region of
   its ``locationHint``. It never moves; with a state directory, homes are persisted.
2. **Routing.** The call travels to the home PoP (half the PoP-to-PoP round trip), becomes an
   *object event* on that PoP's object host (one core of the worker per PoP, a single isolate
   holding every object homed there), and the answer travels back (the other half). In virtual
   time both halves are events on the clock; in real time they are slept only when the network
   emulates latency (``emulate=True``). The call is recorded as an :class:`ObjectCall` on the
   caller's trace.
3. **Storage** lives in the worker's :class:`~edgert._core.DurableStore` (Rust, outside every
   isolate). After each batch of an object host's steps, the host drains the store's net changes,
   writes them to SQLite in one transaction (when persistent) and (re)schedules alarms.
4. **Alarms** are host timers at the alarm's time. When one fires, the alarm is cleared and an
   ``alarm`` event runs ``alarm()``; if it throws, the alarm is retried with exponential backoff
   (2, 4, 8, 16, 32, 64 s: six retries, as Workers documents) unless the handler set a new one.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from edgert._core import CoreWorker, DurableStore, Operation, Request, Response
from edgert.durable.namespace import ObjectNamespace
from edgert.durable.persistence import DurableFile
from edgert.durable.placement import hinted_pop
from edgert.durable.records import AlarmFiring, ObjectCall
from edgert.errors import ConfigError
from edgert.host.base import Host
from edgert.host.virtual import VirtualTimeHost
from edgert.pops import Pop
from edgert.websocket.hub import hub_of

__all__ = ["DurableObjects", "ObjectHostFactory"]

#: Alarm retries after a throwing ``alarm()``: delays in seconds (Workers: up to 6, from 2 s).
ALARM_BACKOFF_S = (2.0, 4.0, 8.0, 16.0, 32.0, 64.0)
_INTERNAL_URL = "https://durable-object.internal/"


#: ``new_object_host(worker, pop, store)``: the object host core of ``worker`` at ``pop``.
ObjectHostFactory = Callable[[str, Pop, DurableStore], CoreWorker]


class _Cancellable(Protocol):
    def cancel(self) -> None: ...


@dataclass(eq=False)
class _WorkerObjects:
    """The Durable Objects of one worker: its bindings, store, homes and object hosts."""

    name: str
    bindings: dict[str, str]
    store: DurableStore = field(default_factory=DurableStore)
    homes: dict[tuple[str, str], str] = field(default_factory=dict)
    hosts: dict[str, CoreWorker] = field(default_factory=dict)


def _error_json(message: str) -> str:
    return json.dumps({"e": {"$": "Error", "v": {"name": "Error", "message": message}}})


class DurableObjects:
    """Placement, routing, alarms and persistence of Durable Objects (see the module docstring).

    ``pops`` are the PoPs objects may live in; ``rtt_ms(a, b)`` the round trip between two of
    them; ``new_object_host`` creates a worker's object host at a PoP; ``state_dir`` makes storage,
    homes and alarms persistent (``<state_dir>/durable.sqlite3``); ``emulate`` sleeps the
    PoP-to-PoP latency in real time.
    """

    def __init__(
        self,
        *,
        pops: Sequence[Pop],
        rtt_ms: Callable[[Pop, Pop], float],
        new_object_host: ObjectHostFactory,
        state_dir: str | os.PathLike[str] | None = None,
        emulate: bool = False,
    ) -> None:
        self.pops = tuple(pops)
        self._pop_index = {p.code: p for p in self.pops}
        self._rtt_ms = rtt_ms
        self._new_object_host = new_object_host
        self.emulate = emulate
        self.file = (
            DurableFile(Path(state_dir) / "durable.sqlite3") if state_dir is not None else None
        )
        self.workers: dict[str, _WorkerObjects] = {}
        self._callers: dict[int, tuple[_WorkerObjects, Pop]] = {}
        self._object_hosts: dict[int, _WorkerObjects] = {}
        self._alarms: dict[tuple[str, str, str], _Cancellable] = {}
        self._retries: dict[tuple[str, str, str], int] = {}
        self._pending_alarms: list[tuple[_WorkerObjects, str, str, float]] = []
        self._hosts: dict[int, tuple[Host, asyncio.AbstractEventLoop | None]] = {}
        #: Every alarm run, in order (for tests and reports).
        self.alarm_firings: list[AlarmFiring] = []
        #: Object calls performed (all callers, traced or not), and the CPU time their events
        #: used in the object hosts (ms).
        self.calls = 0
        self.object_cpu_ms = 0.0

    # -- configuration ---------------------------------------------------------------------------

    def add_worker(self, name: str, bindings: Mapping[str, str]) -> None:
        """Declares ``name``'s Durable Object bindings (binding -> exported class)."""
        if not bindings or name in self.workers:
            return
        w = _WorkerObjects(name=name, bindings=dict(bindings))
        if self.file is not None:
            w.homes.update(self.file.homes(name))
            for ns, oid, at_ms in self.file.load(name, w.store):
                self._pending_alarms.append((w, ns, oid, at_ms))
        self.workers[name] = w

    def register_caller(self, core: CoreWorker, worker: str, pop: Pop) -> None:
        """Lets ``core`` (``worker`` at ``pop``) call objects."""
        w = self.workers.get(worker)
        if w is not None:
            self._callers[id(core)] = (w, pop)

    def attach(self, host: Host, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Lets ``host`` perform object calls and run alarms (``loop``: a real-time host's loop
        when attached from another thread)."""
        if id(host) in self._hosts:
            return
        self._hosts[id(host)] = (host, loop)
        host.binding_performers.append(self.perform)
        if self._object_hosts:  # else from the first object host on (object_host)
            host.step_observers.append(self.observe)
        pending, self._pending_alarms = self._pending_alarms, []
        for w, ns, oid, at_ms in pending:
            self._schedule_alarm(host, w, ns, oid, at_ms)

    def namespace(self, name: str) -> ObjectNamespace:
        """The namespace a binding name (or an exported class name) refers to."""
        for w in self.workers.values():
            for binding, cls in w.bindings.items():
                if name in (binding, cls):
                    return ObjectNamespace(self, w.name, cls, w.store)
        raise ConfigError(f"no Durable Object binding or class named {name!r}")

    def home(self, worker: str, namespace: str, object_id: str) -> str | None:
        w = self.workers.get(worker)
        return None if w is None else w.homes.get((namespace, object_id))

    def placed(self, worker: str, namespace: str) -> list[str]:
        w = self.workers.get(worker)
        return [] if w is None else sorted(oid for ns, oid in w.homes if ns == namespace)

    def close(self) -> None:
        for handle in self._alarms.values():
            handle.cancel()
        self._alarms.clear()
        if self.file is not None:
            self.file.close()

    # -- scheduling on either clock --------------------------------------------------------------

    def _later(self, host: Host, delay_s: float, action: Callable[[], None]) -> _Cancellable:
        if isinstance(host, VirtualTimeHost):
            return host.at(host.now() + delay_s, action)
        loop = self._hosts.get(id(host), (host, None))[1]
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is None:
            if loop is None:
                raise ConfigError("a real-time host schedules object work on its event loop")
            holder: list[asyncio.TimerHandle] = []
            loop.call_soon_threadsafe(lambda: holder.append(loop.call_later(delay_s, action)))
            return _Deferred(holder)
        return running.call_later(delay_s, action)

    # -- object calls ----------------------------------------------------------------------------

    def _home(self, w: _WorkerObjects, ns: str, oid: str, caller: Pop, hint: str | None) -> Pop:
        code = w.homes.get((ns, oid))
        pop = self._pop_index.get(code) if code is not None else None
        if pop is None:
            pop = hinted_pop(hint, self.pops) if hint else caller
            w.homes[(ns, oid)] = pop.code
            if self.file is not None:
                self.file.place(w.name, ns, oid, pop.code)
        return pop

    def object_host(self, w: _WorkerObjects, pop: Pop) -> CoreWorker:
        core = w.hosts.get(pop.code)
        if core is None:
            core = w.hosts[pop.code] = self._new_object_host(w.name, pop, w.store)
            if not self._object_hosts:
                # Only object hosts' steps are observed (observe): the hosts call the observer
                # from the first one on, not after every step of every worker before.
                for host, _loop in self._hosts.values():
                    host.step_observers.append(self.observe)
            self._object_hosts[id(core)] = w
            self._callers[id(core)] = (w, pop)
        return core

    def perform(self, host: Host, core: CoreWorker, op: Operation) -> bool:
        """Performs a stub call of ``core``; False if the operation is not an object call."""
        caller = self._callers.get(id(core))
        if caller is None or op.binding is None or op.args is None:
            return False
        w, pop = caller
        if op.binding not in w.bindings or op.method not in ("fetch", "call"):
            return False
        kind = op.method
        args = json.loads(op.args)
        ns, oid = str(args["cls"]), str(args["id"])
        home = self._home(w, ns, oid, pop, args.get("hint"))
        latency_ms = 0.0 if home.code == pop.code else self._rtt_ms(pop, home)
        self.calls += 1
        flight = host.context_of(core, op)
        trace = getattr(flight, "trace", None)
        if trace is not None and hasattr(trace, "object_calls"):
            trace.object_calls.append(
                ObjectCall(
                    op.binding, oid, home.code, pop.code, latency_ms, kind, args.get("method")
                )
            )
        request = _event_request(kind, ns, oid, args)
        sleeps = isinstance(host, VirtualTimeHost) or self.emulate
        one_way_s = latency_ms / 2000.0 if sleeps else 0.0
        op_id = op.id

        def deliver() -> None:
            target = self.object_host(w, home)

            def on_response(response: Response) -> None:
                if response.stats is not None:
                    self.object_cpu_ms += response.stats.cpu_ms
                if response.status == 101:  # the object accepted a WebSocket
                    response = hub_of(host).claim(target, response)
                result = _result(kind, response)

                def answer() -> None:
                    host.complete_value(core, op_id, result)

                self._later(host, one_way_s, answer)

            host.start(target, request, on_response)

        self._later(host, one_way_s, deliver)
        return True

    # -- storage changes and alarms --------------------------------------------------------------

    def observe(self, host: Host, core: CoreWorker) -> None:
        """After an object host's steps: persists storage changes and (re)schedules alarms."""
        w = self._object_hosts.get(id(core))
        if w is None or not w.store.has_changes():
            return
        self.flush(host, w)

    def flush(self, host: Host, w: _WorkerObjects) -> None:
        changes = w.store.take_changes()
        if self.file is not None:
            self.file.write(w.name, changes)
        for ns, oid, _cleared, _puts, _deletes, alarm_changed, alarm in changes:
            if alarm_changed:
                self._schedule_alarm(host, w, ns, oid, alarm)

    def _schedule_alarm(
        self, host: Host, w: _WorkerObjects, ns: str, oid: str, at_ms: float | None
    ) -> None:
        key = (w.name, ns, oid)
        old = self._alarms.pop(key, None)
        if old is not None:
            old.cancel()
        if at_ms is None:
            return
        # 1 us late: the clock then reads at least the alarm's ms (Date.now() floors).
        delay = max(0.0, at_ms / 1000.0 - host.now()) + 1e-6
        self._alarms[key] = self._later(host, delay, lambda: self._fire(host, w, ns, oid, at_ms))

    def _fire(self, host: Host, w: _WorkerObjects, ns: str, oid: str, at_ms: float) -> None:
        key = (w.name, ns, oid)
        self._alarms.pop(key, None)
        if w.store.alarm(ns, oid) != at_ms:
            return  # replaced or deleted since it was scheduled
        if host.now() * 1000.0 < at_ms:  # a real-time timer that woke early
            self._schedule_alarm(host, w, ns, oid, at_ms)
            return
        code = w.homes.get((ns, oid))
        home = self._pop_index.get(code) if code is not None else None
        if home is None:
            return  # an alarm of an object this network never placed
        retry = self._retries.get(key, 0)
        w.store.set_alarm(ns, oid, None)
        fired_at = host.now()
        request = _event_request("alarm", ns, oid, {"retry": retry})

        def on_response(response: Response) -> None:
            error = _failure(response)
            self.alarm_firings.append(
                AlarmFiring(
                    ns, oid, home.code, at_ms / 1000.0, fired_at, retry, error is None, error
                )
            )
            if error is None:
                self._retries.pop(key, None)
            elif retry < len(ALARM_BACKOFF_S) and w.store.alarm(ns, oid) is None:
                self._retries[key] = retry + 1
                w.store.set_alarm(ns, oid, (host.now() + ALARM_BACKOFF_S[retry]) * 1000.0)
            else:
                self._retries.pop(key, None)

        host.start(self.object_host(w, home), request, on_response)


class _Deferred:
    """A timer scheduled from another thread (cancellable once it exists)."""

    def __init__(self, holder: list[asyncio.TimerHandle]) -> None:
        self._holder = holder

    def cancel(self) -> None:
        for handle in self._holder:
            handle.cancel()


def _event_request(kind: str, ns: str, oid: str, args: Mapping[str, Any]) -> Request:
    """The request an object host receives for one event."""
    internal = [("x-edgert-do-kind", kind), ("x-edgert-do-class", ns), ("x-edgert-do-id", oid)]
    name = args.get("name")
    if name is not None:
        internal.append(("x-edgert-do-name", urllib.parse.quote(str(name), safe="")))
    if kind == "fetch":
        r = args["request"]
        flat = r["headers"]
        headers = [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)] + internal
        body = base64.b64decode(r["body"]) if r.get("body") is not None else None
        return Request(r["url"], method=r["method"], headers=headers, body=body)
    if kind == "alarm":
        internal.append(("x-edgert-do-retry", str(args.get("retry", 0))))
        return Request(_INTERNAL_URL + "alarm", method="POST", headers=internal)
    call = json.dumps({"method": args["method"], "args": args["args"]}, separators=(",", ":"))
    return Request(_INTERNAL_URL + "call", method="POST", headers=internal, body=call)


def _failure(response: Response) -> str | None:
    """Why an object event failed, or None if it succeeded."""
    if response.headers.get("x-edgert-do-error") is not None:
        try:
            w = json.loads(response.body)["e"]
            v = w.get("v", {}) if isinstance(w, dict) else {}
            return f"{v.get('name', 'Error')}: {v.get('message', '')}"
        except (ValueError, KeyError, TypeError):
            return response.text()
    stats = response.stats
    if stats is not None and stats.outcome != "ok":
        return f"Durable Object failed ({stats.outcome}): {stats.error or ''}".rstrip()
    return None


def _result(kind: str, response: Response) -> str:
    """What the caller's stub promise resolves with (see durable.js)."""
    if response.headers.get("x-edgert-do-error") is not None:
        return response.text()
    stats = response.stats
    if stats is not None and stats.outcome != "ok":
        return _error_json(f"Durable Object failed ({stats.outcome}): {stats.error or ''}")
    if kind == "call":
        return response.text()
    flat: list[str] = []
    for k, v in response.headers.items():
        flat += (k, v)
    body = response.body
    return json.dumps(
        {
            "r": {
                "status": response.status,
                "statusText": response.status_text,
                "headers": flat,
                "body": base64.b64encode(body).decode() if body else None,
            }
        }
    )


def object_host_core(
    source: str, options: Mapping[str, Any], bindings: Sequence[Mapping[str, Any]], **extra: Any
) -> CoreWorker:
    """A core that hosts objects: the worker's script with its bindings, one isolate."""
    opts = {**options, **extra, "min_isolates": 1, "max_isolates": 1}
    opts["bindings_json"] = json.dumps([*bindings, {"type": "edgert:objects"}])
    return CoreWorker(source, **opts)
