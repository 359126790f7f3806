"""The public face of a worker: load a script with its bindings, then fetch through it.

`Worker.fetch` is synchronous and returns as soon as the worker responded; when the worker
needs the outside world (an outbound fetch, a timer), the request is driven by a
:class:`~edgert.host.RealTimeHost` on a private event-loop thread, where `waitUntil` work goes
on after the response. `Worker.fetch_async` does the same on the caller's loop.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import os
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from edgert._core import CacheStore, CoreWorker, DurableStore, KvReplica, Request, Response
from edgert.d1.database import D1Database, D1Options
from edgert.egress import EgressPolicy
from edgert.errors import ConfigError, ScriptError
from edgert.host.base import TaskRecord, task_key
from edgert.host.realtime import RealTimeHost
from edgert.jwt import Verifier
from edgert.kv import KvNamespace, KvService, KvStore
from edgert.modules import ModuleGraph, ModuleRule, load_graph
from edgert.ratelimit import RateLimitCounters, RateLimitSpec, ratelimit_bindings
from edgert.scheduled import ScheduledResult, event_payload


def _kv_bindings(kv: Mapping[str, str] | None) -> list[dict[str, str]]:
    out = []
    for name, namespace in (kv or {}).items():
        if not isinstance(name, str) or not name or not isinstance(namespace, str) or not namespace:
            raise ConfigError(f"kv bindings map names to namespace ids: {name!r}: {namespace!r}")
        out.append({"name": name, "type": "kv", "namespace": namespace})
    return out


def _env_json(vars: Mapping[str, Any] | None, secrets: Mapping[str, str] | None) -> str:
    env: dict[str, Any] = {}
    for source in (vars or {}, secrets or {}):
        for name, value in source.items():
            if not isinstance(name, str) or not name:
                raise ConfigError(f"binding names must be non-empty strings, got {name!r}")
            env[name] = value
    try:
        return json.dumps(env)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"vars must be strings or JSON values: {exc}") from exc


def _d1_bindings(
    d1: Mapping[str, str | Mapping[str, Any]] | None,
) -> dict[str, tuple[str, str | None]]:
    """Binding name -> (database id, migrations folder or None)."""
    out: dict[str, tuple[str, str | None]] = {}
    for name, spec in (d1 or {}).items():
        if isinstance(spec, str) and spec:
            out[name] = (spec, None)
        elif isinstance(spec, Mapping) and isinstance(spec.get("database_id"), str):
            migrations = spec.get("migrations_dir")
            out[name] = (spec["database_id"], str(migrations) if migrations is not None else None)
        else:
            raise ConfigError(
                f"d1 bindings map names to database ids (or {{'database_id', 'migrations_dir'}}): "
                f"{name!r}: {spec!r}"
            )
    return out


def _durable_bindings(
    spec: Mapping[str, str | Mapping[str, str]] | None,
) -> dict[str, str]:
    """``durable_objects`` as binding name -> exported class name."""
    out: dict[str, str] = {}
    for name, target in (spec or {}).items():
        cls = target if isinstance(target, str) else target.get("class_name")
        if not isinstance(name, str) or not name or not isinstance(cls, str) or not cls:
            raise ConfigError(
                f"durable_objects: {name!r} must map to a class name or {{'class_name': ...}}"
            )
        out[name] = cls
    return out


class _LoopThread:
    """A daemon thread running one asyncio loop, for synchronous callers."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="edgert-host", daemon=True
        )
        self.thread.start()

    def run(self, coro: Any, timeout: float | None = None) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


#: The most ``fetch()`` calls a request may be allowed (wrangler accepts up to 10 million).
MAX_SUBREQUESTS = 10_000_000


class Worker:
    """A Workers-style JavaScript worker in pooled QuickJS isolates.

    ``vars`` become ``env`` entries (strings or JSON values), ``secrets`` too (strings).
    Limits: ``cpu_ms`` per request (default 50), ``memory_mb`` per isolate (default 128),
    ``subrequests``, the ``fetch()`` calls of one request (default 10,000, as Workers' paid plan;
    the next one rejects with ``Error: Too many subrequests.``), ``wall_timeout_s`` for a
    request to respond (default 30). ``min_isolates`` are created at
    load (at least one is always created once, to validate the script); ``max_isolates`` caps
    the pool, past which requests share isolates. ``seed`` makes ``Math.random`` and
    ``crypto.getRandomValues`` reproducible. ``cache`` is the PoP's :class:`edgert.cache.CacheStore`
    (shared by the workers of a PoP): ``caches`` and outbound ``fetch`` go through it; without
    one, outbound fetches are not cached and ``caches`` is private to this worker.

    Route auth: with ``auth`` (an :class:`edgert.jwt.Verifier`), a request without a valid
    ``Authorization: Bearer`` token gets 401 with ``WWW-Authenticate`` (RFC 6750) before any
    JavaScript runs; a valid one reaches the worker with its claims as ``request.jwt``, and
    ``forward_claims`` (claim -> header, e.g. ``{"sub": "X-User-Id"}``) copies claims into
    request headers (client-sent headers of those names are removed first).

    ``durable_objects`` (binding name -> the name of a class the module exports, or
    ``{"class_name": ...}``) puts Durable Object namespaces on ``env``; a standalone worker
    keeps its objects in a private one-PoP store (:meth:`durable_objects` inspects it).

    KV: ``kv`` maps binding names to namespace ids (``{"MY_KV": "my-namespace"}``): each is
    ``env.NAME``, a Workers KV namespace. A standalone worker has a private in-memory store at
    distance zero (seed it with :meth:`kv`); in a :class:`edgert.Network` the network's store
    and each PoP's replica serve it.

    ``version_metadata``: the name of a version metadata binding (wrangler's
    ``[version_metadata] binding``): ``env.NAME`` is ``{id, tag, timestamp}`` of the version
    that runs (in a :class:`edgert.Network`, each uploaded version's own; see
    :mod:`edgert.deploy`); a standalone worker gets an id made from its script.

    ``egress``: the :class:`edgert.egress.EgressPolicy` the worker's subrequests must pass when
    this worker fetches on its own (:meth:`fetch`, :meth:`fetch_async`); None (the default, as
    ``wrangler dev``) lets them reach any address, loopback and private ones included.
    """

    def __init__(
        self,
        source: str,
        *,
        name: str | None = None,
        vars: Mapping[str, Any] | None = None,
        secrets: Mapping[str, str] | None = None,
        cpu_ms: float = 50.0,
        startup_cpu_ms: float = 400.0,
        memory_mb: float = 128.0,
        subrequests: int = 10_000,
        min_isolates: int = 1,
        max_isolates: int = 64,
        seed: int | None = None,
        wall_timeout_s: float = 30.0,
        cache: CacheStore | None = None,
        auth: Verifier | None = None,
        forward_claims: Mapping[str, str] | None = None,
        durable_objects: Mapping[str, str | Mapping[str, str]] | None = None,
        kv: Mapping[str, str] | None = None,
        ratelimits: Mapping[str, RateLimitSpec] | None = None,
        egress: EgressPolicy | None = None,
        modules: ModuleGraph | None = None,
        d1: Mapping[str, str | Mapping[str, Any]] | None = None,
        version_metadata: str | None = None,
    ) -> None:
        self.modules = modules
        if modules is not None:
            # A worker read from files: ``source`` is ignored, the graph's entry is the script
            # (named as its module when it imports others).
            source = modules.entry_module.payload.decode("utf-8")
            if name is None or not modules.single_file:
                name = modules.entry
        name = name or "worker.js"
        self.name = name
        self.egress = egress
        self.wall_timeout_s = wall_timeout_s
        self.source = source
        self.seed = seed
        if version_metadata is not None and (
            not isinstance(version_metadata, str) or not version_metadata
        ):
            raise ConfigError(f"version_metadata: a binding name, got {version_metadata!r}")
        self.version_metadata = version_metadata
        env_vars: dict[str, Any] = dict(vars or {})
        if version_metadata is not None:
            from edgert.deploy.version import iso_timestamp, version_id

            digest = int.from_bytes(hashlib.blake2b(source.encode()).digest()[:8], "big")
            env_vars[version_metadata] = {
                "id": version_id(digest, name, 1),
                "tag": "",
                "timestamp": iso_timestamp(time.time()),
            }
        if isinstance(subrequests, bool) or not isinstance(subrequests, int):
            raise ConfigError(f"subrequests: a whole number, got {subrequests!r}")
        if not 1 <= subrequests <= MAX_SUBREQUESTS:
            raise ConfigError(f"subrequests: between 1 and {MAX_SUBREQUESTS:,}, got {subrequests}")
        self._core_options: dict[str, Any] = {
            "name": name,
            "env_json": _env_json(env_vars, secrets),
            "cpu_ms": cpu_ms,
            "startup_cpu_ms": startup_cpu_ms,
            "memory_mb": memory_mb,
            "subrequests": subrequests,
            "min_isolates": min_isolates,
            "max_isolates": max_isolates,
            "cache": cache,
            "auth": auth._native if auth is not None else None,
            "auth_forward": list((forward_claims or {}).items()),
        }
        self.kv_bindings: dict[str, str] = dict(kv or {})
        self._kv: KvService | None = None
        replica: KvReplica | None = None
        if self.kv_bindings:
            self._kv = KvService(KvStore(), clock=time.time)
            replica = self._kv.replica("local")
        self.durable_bindings = _durable_bindings(durable_objects)
        self._bindings: list[dict[str, Any]] = [
            {"name": b, "type": "durable_object_namespace", "class_name": c}
            for b, c in self.durable_bindings.items()
        ]
        self._bindings += _kv_bindings(kv)
        # D1: a standalone worker queries its own databases in place (at distance zero); a
        # network's cores send every query to the network's instances (``local`` false).
        self.d1_bindings = _d1_bindings(d1)
        self._d1: dict[str, D1Database] = {}
        for db_id, migrations in self.d1_bindings.values():
            if db_id not in self._d1:
                self._d1[db_id] = D1Database(db_id, D1Options(migrations_dir=migrations))
        d1_json: list[dict[str, Any]] = [
            {"name": b, "type": "d1", "database": db_id, "region": "local", "local": True}
            for b, (db_id, _) in self.d1_bindings.items()
        ]
        self._network_bindings = self._bindings + [{**b, "local": False} for b in d1_json]
        self._bindings += d1_json
        self.ratelimits = ratelimit_bindings(ratelimits)
        #: This worker's own counters when it runs alone (a network has one table per PoP).
        self.ratelimit_counters = RateLimitCounters() if self.ratelimits else None
        self._core_options["bindings_json"] = self._bindings_json(self.ratelimit_counters)
        if modules is not None and not modules.single_file:
            self._core_options["modules"] = modules.core_modules()
        try:
            self.core = CoreWorker(
                source,
                seed=seed,
                now=time.time(),
                kv=replica,
                d1=[db.primary for db in self._d1.values()] or None,
                **self._core_options,
            )
        except ScriptError as exc:
            if modules is None:
                raise
            raise ScriptError(modules.remap(str(exc))) from None
        self._loop_thread: _LoopThread | None = None
        self._host: RealTimeHost | None = None
        self._lock = threading.Lock()
        self._async_host: RealTimeHost | None = None
        self._objects: Any = None
        if self.durable_bindings:
            from edgert.durable.standalone import standalone_objects

            self._objects = standalone_objects(self)

    def _bindings_json(self, counters: RateLimitCounters | None, *, network: bool = False) -> str:
        """The core's bindings, rate limits counting in ``counters`` (a PoP's table); in a
        network (``network``), D1 queries go to the network's instances."""
        extra = [] if counters is None else [r.as_binding(counters.id) for r in self.ratelimits]
        return json.dumps([*(self._network_bindings if network else self._bindings), *extra])

    def new_core(
        self,
        *,
        now: float,
        seed: int | None = None,
        cache: CacheStore | None = None,
        kv: KvReplica | None = None,
        lazy: bool = False,
        ratelimits: RateLimitCounters | None = None,
    ) -> CoreWorker:
        """Another core of this worker with the same script, bindings and limits (its own
        isolates), as each PoP of a network runs; ``seed`` replaces the worker's seed and
        ``cache`` is that PoP's store, ``kv`` that PoP's KV replica (a PoP never shares this
        worker's own). ``lazy``: create no isolate yet (no JavaScript runs until a request or
        ``prewarm``). ``ratelimits``: that PoP's rate-limit counters."""
        counters = ratelimits if ratelimits is not None else self.ratelimit_counters
        options = {
            **self._core_options,
            "cache": cache,
            "kv": kv,
            "bindings_json": self._bindings_json(counters, network=True),
        }
        return CoreWorker(self.source, seed=seed, now=now, lazy=lazy, **options)

    def with_env(self, values: Mapping[str, Any]) -> Worker:
        """A copy of this worker whose cores (:meth:`new_core`, :meth:`new_object_host`) also
        have ``values`` on ``env`` (JSON values; a version's metadata binding). The copy's own
        :meth:`fetch` still runs this worker's standalone core."""
        env = json.loads(self._core_options["env_json"])
        env.update(values)
        twin = copy.copy(self)
        twin._core_options = {**self._core_options, "env_json": _env_json(env, None)}
        return twin

    def new_object_host(
        self,
        *,
        now: float,
        store: DurableStore,
        seed: int | None = None,
        cache: CacheStore | None = None,
        kv: KvReplica | None = None,
        ratelimits: RateLimitCounters | None = None,
    ) -> CoreWorker:
        """A core that hosts this worker's Durable Objects at one PoP (one isolate holding
        them all), with the worker's object storage ``store`` and that PoP's KV replica ``kv``."""
        from edgert.durable.objects import object_host_core

        counters = ratelimits if ratelimits is not None else self.ratelimit_counters
        # Object events come from the host, not from clients: no route auth in front of them.
        options = {
            **self._core_options,
            "cache": cache,
            "kv": kv,
            "auth": None,
            "auth_forward": None,
            "bindings_json": self._bindings_json(counters, network=True),
        }
        extra = [] if counters is None else [r.as_binding(counters.id) for r in self.ratelimits]
        return object_host_core(
            self.source,
            options,
            [*self._network_bindings, *extra],
            seed=seed,
            now=now,
            durable=store,
        )

    def durable_objects(self, name: str) -> Any:
        """The :class:`edgert.durable.ObjectNamespace` of a binding or class (standalone)."""
        if self._objects is None:
            raise ConfigError("this worker has no durable_objects bindings")
        return self._objects.namespace(name)

    def d1(self, database_id: str) -> D1Database:
        """A D1 database of this standalone worker (to seed and inspect it)."""
        try:
            return self._d1[database_id]
        except KeyError:
            raise ConfigError(f"this worker has no D1 database {database_id!r}") from None

    def kv(self, namespace_id: str) -> KvNamespace:
        """A namespace of this standalone worker's private KV store (to seed and inspect it)."""
        if self._kv is None:
            raise ConfigError("this worker has no KV bindings (Worker(..., kv={...}))")
        return self._kv.namespace(namespace_id)

    def _attach(self, host: RealTimeHost) -> RealTimeHost:
        host.egress = self.egress
        if self._kv is not None:
            self._kv.attach(host, lambda worker, context: "local")
        return host

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], **options: Any) -> Worker:
        """Loads a worker from a file (an ES module or a service-worker script; JavaScript or
        TypeScript) and every module it imports (see :meth:`from_project`)."""
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"cannot read worker script {p}: no such file")
        return cls.from_project(p, **options)

    @classmethod
    def from_project(
        cls,
        main: str | os.PathLike[str],
        *,
        root: str | os.PathLike[str] | None = None,
        rules: Sequence[ModuleRule] = (),
        **options: Any,
    ) -> Worker:
        """Loads a multi-file worker: ``main`` (a ``.js``, ``.mjs``, ``.ts`` or ``.mts`` file,
        or a folder holding ``src/index.ts``, ``src/index.js``, ``index.ts`` or ``index.js``)
        and every module it imports, as wrangler would bundle it: relative imports, packages
        from ``node_modules``, wrangler's module ``rules`` (Text, Data) and TypeScript. Module
        names (in stack traces) are paths relative to ``root`` (default: ``main``'s folder)."""
        p = Path(main)
        if p.is_dir():
            found = next(
                (
                    p / c
                    for c in ("src/index.ts", "src/index.js", "index.ts", "index.js")
                    if (p / c).is_file()
                ),
                None,
            )
            if found is None:
                raise ConfigError(f"{p}: no src/index.ts, src/index.js, index.ts or index.js")
            root = root if root is not None else p
            p = found
        graph = load_graph(p, root=root, rules=rules)
        return cls("", modules=graph, **options)

    @classmethod
    def from_source(cls, source: str, **options: Any) -> Worker:
        """Loads a worker from source text."""
        return cls(source, **options)

    @property
    def format(self) -> str:
        """ "module" or "service-worker"."""
        return self.core.format

    def prewarm(self) -> bool:
        """Prepares a spare isolate (runtime and Web APIs, not yet the worker) so that the
        next cold start only evaluates the worker; call it when idle, e.g. while a connection's
        TLS handshake runs. Returns whether a spare was made (False when one is ready)."""
        return self.core.prewarm(time.time())

    def _background(self) -> tuple[_LoopThread, RealTimeHost]:
        with self._lock:
            if self._loop_thread is None:
                self._loop_thread = _LoopThread()
                self._host = self._attach(RealTimeHost(wall_timeout_s=self.wall_timeout_s))
                if self._objects is not None:
                    self._objects.attach(self._host, self._loop_thread.loop)
            assert self._host is not None
            return self._loop_thread, self._host

    def fetch(self, request: Request | str, **init: Any) -> Response:
        """Sends `request` (a :class:`Request` or a URL plus keyword init) through the worker."""
        req = request if isinstance(request, Request) else Request(request, **init)
        began = time.perf_counter()
        steps = self.core.begin(req, time.time())
        if len(steps) == 1 and steps[0].done and steps[0].response is not None:
            response = steps[0].response
            if response.stats is not None:
                response.stats.wall_ms = (time.perf_counter() - began) * 1000.0
            return response
        loop_thread, host = self._background()
        return loop_thread.run(self._continue(host, steps, began))  # type: ignore[no-any-return]

    def scheduled(
        self, cron: str = "* * * * *", *, scheduled_time: float | None = None
    ) -> ScheduledResult:
        """Runs a cron trigger: the worker's ``scheduled(controller, env, ctx)`` handler (or
        ``scheduled`` listeners) with ``controller.cron`` = ``cron`` and
        ``controller.scheduledTime`` = ``scheduled_time`` (seconds since the epoch, default now);
        returns when the handler and its ``waitUntil`` work are done."""
        began = time.perf_counter()
        steps = self.core.begin_event("scheduled", event_payload(cron, scheduled_time), time.time())
        if len(steps) == 1 and steps[0].done and steps[0].response is not None:
            return ScheduledResult.from_response(steps[0].response)
        loop_thread, host = self._background()
        response = loop_thread.run(self._continue(host, steps, began))
        return ScheduledResult.from_response(response)

    async def _continue(self, host: RealTimeHost, steps: Any, began: float) -> Response:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Response] = loop.create_future()
        task = steps[0].task

        def on_response(response: Response) -> None:
            if not future.done():
                future.set_result(response)

        host.tasks[task_key(self.core, task)] = TaskRecord(task=task, on_response=on_response)
        host.handle(self.core, steps)
        if not future.done():
            try:
                await asyncio.wait_for(asyncio.shield(future), self.wall_timeout_s)
            except TimeoutError:
                host.handle(self.core, self.core.abort(task, host.now()))
        response = future.result()
        if response.stats is not None:
            response.stats.wall_ms = (time.perf_counter() - began) * 1000.0
        return response

    async def fetch_async(self, request: Request | str, **init: Any) -> Response:
        """Like :meth:`fetch`, on the running asyncio loop."""
        req = request if isinstance(request, Request) else Request(request, **init)
        if self._async_host is None:
            self._async_host = self._attach(RealTimeHost(wall_timeout_s=self.wall_timeout_s))
            if self._objects is not None:
                self._objects.attach(self._async_host)
        return await self._async_host.fetch(self.core, req)

    async def aclose(self) -> None:
        """Closes what :meth:`fetch_async` opened (after its pending work)."""
        if self._async_host is not None:
            await self._async_host.close()
            self._async_host = None

    def close(self) -> None:
        """Stops the background loop (after its pending work)."""
        if self._loop_thread is not None and self._host is not None:
            self._loop_thread.run(self._host.close(), timeout=30)
            self._loop_thread.loop.call_soon_threadsafe(self._loop_thread.loop.stop)
            self._loop_thread = None
            self._host = None
