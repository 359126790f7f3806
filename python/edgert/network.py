"""The edge network you embed: PoPs, anycast, routes to workers, an origin, and a clock.

Theory of operation
-------------------
A request from a :class:`~edgert.geo.Client` goes through four stages:

1. **Anycast.** The client reaches a PoP (:class:`~edgert.routing.AnycastRouter`: its nearest,
   or a farther one for the share BGP misroutes, by the client's own ``anycast_u``).
2. **The client's leg.** The latency model gives the leg's base RTT (propagation plus the
   client's access round trip), a DNS lookup (cached by default), the handshakes of a new
   connection (TCP + TLS 1.3) or none on a connection the client already has open to that PoP,
   and the round trip that carries the request. The PoP fills ``request.cf``.
3. **At the PoP.** The most specific route (:mod:`edgert.routes`) names a worker; each PoP runs
   its own core (its own isolates) per worker, created on the PoP's first request. With no
   route, or a route without a worker, the PoP forwards the request to the origin
   (pass-through). A worker's ``fetch()`` to a host the origin serves goes to the origin over the
   PoP-to-origin leg (pooled, warm connections); other hosts go out to the Internet. The PoP
   forwards what the worker sends, headers it added included, plus ``cf-ray``,
   ``cf-ipcountry`` and ``x-forwarded-proto``.
4. **The response** travels back: half the request round trip, then slow start and
   serialisation at the client's bandwidth.

The path from stage 2's arrival on is written once, in :mod:`edgert.pipeline`; the latency
draws of both legs, and what never changes on them, in :mod:`edgert.legs`; this class owns what
the path reads (configuration, PoPs, cores, caches, the stores, the legs) and the public API. Two clocks drive the same pipeline and the same cores through
the same host abstraction (:mod:`edgert.host`):

- ``clock="virtual"``: a :class:`~edgert.host.VirtualTimeHost`. Every stage above is an event
  at now + modelled latency; the origin's Python handler runs when the request reaches it, then
  the origin's service time passes. Nothing sleeps; the same seed gives the same outcomes and
  the same timings (worker CPU time is not charged unless ``cpu_time`` says so, since measured
  CPU time differs between runs).
- ``clock="real"``: a :class:`~edgert.host.RealTimeHost` on the running asyncio loop. The
  origin is a real HTTP server (or the handler, called in-process); timers and subrequests take
  real time. The trace still models both network legs (a process on 127.0.0.1 has none) and adds
  the measured origin time and worker CPU time. With ``emulate=True`` the host also sleeps each
  modelled network leg, so that the wall clock shows what the trace models (for demos and for
  testing clients against realistic latency).

Randomness (access jitter, queueing) comes from one ``random.Random(seed)`` drawn in event order.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import itertools
import os
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from edgert import network_events
from edgert._core import CacheStore, CoreWorker, DurableStore, Executor, Request, Response, Step
from edgert.bots import BotManagement
from edgert.cron_triggers import CronFiring
from edgert.d1 import D1Database, D1Service
from edgert.d1.network import d1_service
from edgert.deploy.deployment import Deployment
from edgert.deploy.gate import HealthGate
from edgert.deploy.manager import Deployments
from edgert.deploy.strategy import Strategy
from edgert.deploy.version import Version
from edgert.durable import DurableObjects, ObjectNamespace
from edgert.dynamo import GlobalTables
from edgert.egress import EgressPolicy
from edgert.errors import ConfigError
from edgert.flight import Flight, Pending, no_internet
from edgert.geo import Client
from edgert.host.base import TaskRecord, task_key
from edgert.host.calls import default_executor, turn_wall_s
from edgert.host.realtime import RealTimeHost
from edgert.host.virtual import EventHandle, VirtualTimeHost
from edgert.kv import KvNamespace
from edgert.kv.network import kv_service
from edgert.latency import HttpProtocol, LatencyModel, LatencyParams, TlsVersion
from edgert.legs import Legs
from edgert.origin import Origin
from edgert.pipeline import Pipeline
from edgert.pipeline_realtime import RealTimeDriver
from edgert.pipeline_virtual import VirtualDriver
from edgert.pops import Pop, load_pops
from edgert.ratelimit import RateLimits
from edgert.routes import Route, RouteSpec, RouteTable
from edgert.routing import AnycastRouter, RoutingParams
from edgert.scheduled import ScheduledResult
from edgert.trace import EdgeResponse, Trace
from edgert.websocket.hub import hub_of
from edgert.websocket.simulated import Delivery, SimulatedSocket, open_simulated
from edgert.worker import Worker, _LoopThread

__all__ = ["Network", "Pending"]

Clock = Literal["real", "virtual"]
WorkerSpec = Worker | str | os.PathLike[str] | Mapping[str, Any]
InternetHandler = Any  # Callable[[Request], Response | tuple[Response, float]]

#: The response of a request a native front answered itself (its record's placeholder).
_ANSWERED = Response("", status=200)


def _ignore(response: Response) -> None:
    return None


def _derive_seed(base: int, *parts: str) -> int:
    digest = hashlib.blake2b("/".join((str(base), *parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _as_worker(name: str, spec: WorkerSpec) -> Worker:
    if isinstance(spec, Worker):
        return spec
    if isinstance(spec, str):
        return Worker(spec, name=f"{name}.js")
    if isinstance(spec, os.PathLike):
        return Worker.from_file(spec)
    if isinstance(spec, Mapping):
        options = dict(spec)
        if "path" in options:
            return Worker.from_file(options.pop("path"), **options)
        if "source" not in options:
            raise ConfigError(f"worker {name!r}: give a source or a path")
        options.setdefault("name", f"{name}.js")
        return Worker(options.pop("source"), **options)
    raise ConfigError(f"worker {name!r}: a Worker, source text, a path or a mapping: {spec!r}")


class Network:
    """An edge network: PoPs, anycast routing, workers on routes, an origin, and a clock.

    ``pops``: a preset (``"demo"``, ``"global"``, ...) or PoPs / IATA codes (see
    :func:`edgert.pops.load_pops`). ``workers``: name -> :class:`Worker`, source text, a path,
    or a mapping of :class:`Worker` options (with ``source`` or ``path``). ``routes``: patterns
    (see :mod:`edgert.routes`) as :class:`Route`, ``(pattern, worker)`` pairs or mappings; with
    one worker and no routes, the worker takes every request. ``clock``: ``"virtual"`` or
    ``"real"``; by default real when the origin has a URL and no handler. ``seed`` makes every
    draw reproducible (and seeds each PoP's workers unless they have their own seed).

    Options: ``latency`` (a :class:`LatencyModel` or :class:`LatencyParams`), ``routing``
    (:class:`RoutingParams`), ``protocol`` and ``tls`` of client connections, ``dns_cached``
    (clients have the name cached; default True), ``cpu_time`` (the worker CPU time charged to a
    request: ``"measured"``, a fixed number of ms, or ``None``: measured in real time, 0 in
    virtual time), ``cpu_factor`` (multiplies the charged CPU time: edge hardware slower or
    faster than this machine; default 1), ``wall_timeout_s`` per request, ``internet``
    (virtual time: a handler for subrequests to hosts the origin does not serve, returning a
    response or ``(response, latency_s)``; default a 502), ``start`` (the virtual clock's start, seconds since the epoch),
    ``emulate`` (real time: sleep the modelled network legs, so that the wall clock shows what
    the trace models; off by default). ``state_dir``: where data stores persist (Durable Objects
    in ``<state_dir>/durable.sqlite3``); None keeps them in memory.

    Each PoP has its own HTTP cache (``cache=True``, ``cache_bytes`` each; see
    :mod:`edgert.cache`): its workers' ``caches`` and outbound ``fetch`` go through it, and so
    do the requests the PoP passes through to the origin (no worker on the route), answered from
    the cache when it can (``trace.cache_status``). ``cache=False`` turns both off.

    Data: ``kv_home`` (an IATA code, default ``"IAD"``) is where KV's central store is; each PoP
    caches what its workers read (see :mod:`edgert.kv`, :meth:`kv`); ``kv_cache`` options go to
    each PoP's :class:`~edgert._core.KvReplica` (``default_cache_ttl_s``, ``min_cache_ttl_s``,
    ``max_bytes``). ``state_dir`` persists the stores (KV in ``<state_dir>/kv.sqlite3``).
    ``d1`` maps D1 database ids to :class:`~edgert.d1.D1Options` (or their fields as a dict:
    ``primary``, ``replicas``, ``replication_delay_ms``, ``migrations_dir``); a database a
    worker binds without options has its primary at ``kv_home`` and no replica (docs/d1.md).

    Real time: ``threads`` execution threads run the workers' JavaScript (see
    :mod:`edgert.host.calls`): ``None`` shares the process's (one per core), ``0`` runs it on
    the event loop itself (one worker's long turn then holds every request up).

    ``egress``: the :class:`~edgert.egress.EgressPolicy` that real-time subrequests to hosts
    the origin does not serve must pass (the origin itself is exempt); None (the default)
    checks nothing. ``edgert serve`` refuses loopback, private and metadata addresses.
    """

    def __init__(
        self,
        pops: str | Iterable[str | Pop] = "demo",
        origin: Origin | None = None,
        workers: Mapping[str, WorkerSpec] | None = None,
        routes: Sequence[RouteSpec] | None = None,
        *,
        seed: int | None = None,
        clock: Clock | None = None,
        latency: LatencyModel | LatencyParams | None = None,
        routing: RoutingParams | None = None,
        protocol: HttpProtocol = "HTTP/2",
        tls: TlsVersion = "1.3",
        dns_cached: bool = True,
        cpu_time: float | Literal["measured"] | None = None,
        cpu_factor: float = 1.0,
        wall_timeout_s: float = 30.0,
        internet: InternetHandler | None = None,
        internet_latency_s: float = 0.05,
        start: float = 1_700_000_000.0,
        emulate: bool = False,
        cache: bool = True,
        cache_bytes: int = 64 * 1024 * 1024,
        state_dir: str | os.PathLike[str] | None = None,
        kv_home: str = "IAD",
        kv_cache: Mapping[str, Any] | None = None,
        threads: int | None = None,
        egress: EgressPolicy | None = None,
        bots: BotManagement | bool | None = None,
        dynamo: GlobalTables | None = None,
        d1: Mapping[str, Any] | None = None,
    ) -> None:
        if threads is not None and (not isinstance(threads, int) or threads < 0):
            raise ConfigError(f"threads must be None, 0 or a positive integer: {threads!r}")
        self.threads = threads
        self._executor: Executor | None = (
            Executor(threads) if threads is not None and threads > 0 else None
        )
        self.pops: tuple[Pop, ...] = load_pops(pops)
        self.router = AnycastRouter(self.pops, routing)
        self._pop_index = {p.code: p for p in self.pops}
        if origin is None:
            raise ConfigError("a Network needs an origin (edgert.Origin(url=... or handler=...))")
        self.origin = origin
        # The configured origin is reached on purpose: exempt from the egress policy.
        self.egress = egress.exempting(origin.url) if egress is not None else None
        if clock is None:
            clock = "real" if origin.handler is None else "virtual"
        if clock not in ("real", "virtual"):
            raise ConfigError(f"clock must be 'real' or 'virtual': {clock!r}")
        if clock == "virtual" and origin.handler is None:
            raise ConfigError("virtual time needs Origin(handler=...): it cannot reach a URL")
        self.clock: Clock = clock
        if isinstance(latency, LatencyParams):
            latency = LatencyModel(latency)
        self.model = latency if latency is not None else LatencyModel()
        self.protocol: HttpProtocol = protocol
        self.tls: TlsVersion = tls
        self.dns_cached = dns_cached
        if (
            cpu_time is not None
            and cpu_time != "measured"
            and (not isinstance(cpu_time, int | float) or not cpu_time >= 0)
        ):
            raise ConfigError(f"cpu_time must be 'measured', None or ms >= 0: {cpu_time!r}")
        self.cpu_time = cpu_time
        if not isinstance(cpu_factor, int | float) or not cpu_factor > 0:
            raise ConfigError(f"cpu_factor must be a number > 0: {cpu_factor!r}")
        self.cpu_factor = float(cpu_factor)
        self.wall_timeout_s = wall_timeout_s
        self.seed = seed
        if emulate and clock != "real":
            raise ConfigError("emulate=True sleeps modelled latency: it needs clock='real'")
        self.emulate = emulate
        self.workers: dict[str, Worker] = {
            name: _as_worker(name, spec) for name, spec in (workers or {}).items()
        }
        if routes is None:
            if len(self.workers) > 1:
                raise ConfigError("several workers need routes saying which URLs each takes")
            routes = [Route("*/*", name) for name in self.workers]
        self.routes = RouteTable(routes, list(self.workers))
        self._rng = random.Random(seed)
        self._ray = itertools.count(1)
        self._cores: dict[tuple[str, str], CoreWorker] = {}
        self._core_pop: dict[int, Pop] = {}
        #: ``listener(pop, worker, core)`` when a core is made (a native front learns it);
        #: ``listener(None, worker, None)`` when a worker's cores are replaced.
        self.core_listeners: list[Callable[[str | None, str, CoreWorker | None], None]] = []
        #: The client and origin legs (their latency draws, and what never changes on them).
        self.legs = Legs(self.model, protocol, tls, origin, self._rng)
        self._internet = internet or no_internet
        self._internet_latency_s = internet_latency_s
        # A request's path (edgert.pipeline), and what drives it on each clock.
        self._virtual: VirtualTimeHost | None = None
        self._driver: VirtualDriver | None = None
        if clock == "virtual":
            self._virtual = VirtualTimeHost(start=start, wall_timeout_s=wall_timeout_s)
            # The virtual clock read without a Python frame (the pipeline reads it ~5 times a
            # request): getattr(loop, "now"), the event queue's own getter.
            now = functools.partial(getattr, self._virtual.loop, "now")
            self._pipeline = Pipeline(self, now)
            self._virtual.upstream = self._pipeline.subrequest
            self._driver = VirtualDriver(self._virtual, wall_timeout_s, self._pipeline)
        else:
            self._pipeline = Pipeline(self, time.time)
        self._realtime = RealTimeDriver(self, self._pipeline)
        # Versions and deployments (edgert.deploy): each worker starts at its version 1.
        #: Workers whose traffic a deployment splits between two versions (the pipeline reads it).
        self._splits: dict[str, Deployment] = {}
        #: Each worker's live version id (the trace's ``version``).
        self._live: dict[str, str] = {}
        #: Requests per PoP that ran a worker (for waves of "the N smallest by traffic").
        self._pop_requests: dict[str, int] = {}
        self._loop_thread: _LoopThread | None = None
        self.deployments = Deployments(self)
        for name, w in list(self.workers.items()):
            self.workers[name] = self.deployments.initial(name, w)
        self.state_dir = state_dir
        self._kv = kv_service(self, kv_home, state_dir, kv_cache or {})
        if self._virtual is not None:
            self._kv.attach(self._virtual, self._kv_pop)
        #: Rate-limiting counters, one table per PoP (``docs/rate-limiting.md``).
        self.ratelimits = RateLimits()
        #: Global tables served at ``dynamodb.<region>.amazonaws.com`` (``docs/global-tables.md``).
        self.dynamo = dynamo
        if dynamo is not None:
            dynamo.model = self.model
        #: Bot management (``request.cf.botManagement``, ``docs/bots.md``); None: off.
        self.bots: BotManagement | None = BotManagement() if bots is True else (bots or None)
        self._d1 = d1_service(self, d1 or {}, kv_home, state_dir)
        if self._virtual is not None:
            self._d1.attach(self._virtual, self._kv_pop)
        self._named_clients: dict[str, Client] = {}
        self._lock = asyncio.Lock()
        self._cache_on = cache
        self._cache_bytes = cache_bytes
        self._caches: dict[str, CacheStore] = {}
        self._pop_rtts: dict[tuple[str, str], float] = {}
        self._objects = DurableObjects(
            pops=self.pops,
            rtt_ms=self._pop_rtt_ms,
            new_object_host=self._new_object_host,
            state_dir=state_dir,
            emulate=emulate,
        )
        for name, w in self.workers.items():
            self._objects.add_worker(name, w.durable_bindings)
        if self._virtual is not None:
            self._objects.attach(self._virtual)

    # -- configuration ---------------------------------------------------------------------------

    def mark_down(self, code: str) -> None:
        """Takes a PoP out of anycast: its clients go to their next PoP."""
        self.router.mark_down(code)

    def mark_up(self, code: str) -> None:
        """Puts a PoP back into anycast."""
        self.router.mark_up(code)

    def now(self) -> float:
        """The network's clock, in seconds since the epoch."""
        return self._virtual.now() if self._virtual is not None else time.time()

    def core(self, pop: str, worker: str) -> CoreWorker:
        """The core running ``worker`` at PoP ``pop`` (created on first use)."""
        return self._core(self._pop(pop), worker)[0]

    def replace_worker(self, name: str, worker: WorkerSpec) -> None:
        """Deploys a new version of worker ``name`` (``edgert dev``'s reload): later requests run
        it on fresh cores (new isolates) at every PoP, requests in flight finish on the old ones,
        and the network's data (KV, Durable Objects, the PoPs' caches) is kept."""
        if name not in self.workers:
            raise ConfigError(f"unknown worker {name!r}")
        self.workers[name] = self.deployments.replaced(name, _as_worker(name, worker))
        for key in [k for k in self._cores if k[1] == name]:
            del self._cores[key]  # _core_pop keeps the old core's PoP for its background work
        for listener in self.core_listeners:
            listener(None, name, None)

    # -- versions and deployments (edgert.deploy) ------------------------------------------------

    def upload_version(
        self, name: str, worker: WorkerSpec, *, tag: str = "", message: str = ""
    ) -> Version:
        """Uploads a new, immutable version of worker ``name`` (script, bindings, settings)
        without sending it any traffic; :meth:`deploy` rolls it out."""
        return self.deployments.upload(name, _as_worker(name, worker), tag, message)

    def deploy(
        self,
        name: str,
        version: Version | str,
        *,
        strategy: Strategy | None = None,
        gate: HealthGate | None = None,
        traffic: Mapping[str, float] | None = None,
    ) -> Deployment:
        """Rolls ``version`` (a :class:`Version`, its id or tag) of worker ``name`` out with
        ``strategy`` (default :class:`~edgert.deploy.Immediate`), each stage judged by ``gate``
        (a :class:`~edgert.deploy.HealthGate`, or None: stages end when baked). ``traffic``
        (requests per PoP code) ranks PoPs for ``smallest:N`` waves (default: the requests
        this network has seen). The deployment advances on the network's clock; see
        ``docs/deployments.md``."""
        return self.deployments.deploy(name, version, strategy, gate, traffic)

    def rollback(self, name: str, to: Version | str | None = None) -> None:
        """Manual rollback: a deployment in progress of ``name`` sends all traffic back to its
        old version, everywhere, now; with none in progress, ``to`` (default: the version
        live before the last completed deployment) becomes live at once."""
        self.deployments.rollback(name, to)

    def versions(self, name: str) -> list[Version]:
        """Every version of worker ``name``, oldest first (version 1: the starting one)."""
        if name not in self.deployments.versions:
            raise ConfigError(f"unknown worker {name!r}")
        return list(self.deployments.versions[name])

    def live_version(self, name: str) -> Version:
        """The version of ``name`` that holds the traffic no deployment splits."""
        if name not in self.deployments.live:
            raise ConfigError(f"unknown worker {name!r}")
        return self.deployments.live[name]

    def deployment(self, name: str) -> Deployment | None:
        """The latest deployment of worker ``name`` (in progress or finished), or None."""
        return self.deployments.current(name)

    def prewarm(self, pop: str, worker: str | None = None) -> int:
        """Prepares a spare isolate (runtime, context and Web APIs; none of the worker's code
        runs) for ``worker`` (default: every worker) at PoP ``pop`` where the next request would
        otherwise pay a whole cold start: no isolate idle and no spare ready. A core not created
        yet is created without isolates (its script was validated when the worker was loaded).
        Servers call this when a connection is accepted, as Workers starts an isolate during the
        TLS handshake. Returns how many spares were made."""
        where = self._pop(pop)
        names = [worker] if worker is not None else list(self.workers)
        made = 0
        for name in names:
            core = self._core(where, name, lazy=True)[0]
            if core.wants_spare and core.prewarm(self.now()):
                made += 1
        return made

    def cache(self, pop: str) -> CacheStore | None:
        """The HTTP cache of PoP ``pop`` (None when the network runs without caches)."""
        return self._cache_of(self._pop(pop))

    def _cache_of(self, pop: Pop) -> CacheStore | None:
        if not self._cache_on:
            return None
        store = self._caches.get(pop.code)
        if store is None:
            store = self._caches[pop.code] = CacheStore(self._cache_bytes)
        return store

    def _pop(self, code: str) -> Pop:
        found = self._pop_index.get(code.upper())
        if found is None:
            raise ConfigError(f"PoP {code!r} is not in this network")
        return found

    def _core(self, pop: Pop, name: str, lazy: bool = True) -> tuple[CoreWorker, bool]:
        key = (pop.code, name)
        core = self._cores.get(key)
        if core is not None:
            return core, False
        if name not in self.workers:
            raise ConfigError(f"unknown worker {name!r}")
        core = self._new_core(pop, name, self.workers[name], lazy=lazy)
        self._cores[key] = core
        if name not in self._splits:  # a split worker is routed by Python (edgert.deploy)
            for listener in self.core_listeners:
                listener(pop.code, name, core)
        return core, True

    def _new_core(
        self, pop: Pop, name: str, worker: Worker, lazy: bool = True, salt: str | None = None
    ) -> CoreWorker:
        """A core of ``worker`` (a version of ``name``) at ``pop``; ``salt`` varies its seed
        (another version's core at the same PoP)."""
        base = worker.seed if worker.seed is not None else self.seed
        parts = (name, pop.code) if salt is None else (name, pop.code, salt)
        seed = None if base is None else _derive_seed(base, *parts)
        core = worker.new_core(
            now=self.now(),
            seed=seed,
            cache=self._cache_of(pop),
            kv=self._kv.replica(pop.code),
            lazy=lazy,
            ratelimits=self.ratelimits.at(pop.code),
        )
        self._core_pop[id(core)] = pop
        self._objects.register_caller(core, name, pop)
        return core

    def cores(self) -> list[tuple[str, str, CoreWorker]]:
        """The cores made so far: ``(pop, worker, core)``."""
        return [(pop, worker, core) for (pop, worker), core in self._cores.items()]

    def executor(self) -> Executor | None:
        """The execution threads this network's real-time requests run on (``None`` when
        ``threads=0``: on the event loop)."""
        if self.threads == 0:
            return None
        return self._executor or default_executor()

    def turn_wall_s(self, core: CoreWorker) -> float:
        """How long one turn of ``core`` may hold an execution thread (the watchdog's limit)."""
        return turn_wall_s(core, self.wall_timeout_s)

    def realtime_host(self) -> RealTimeHost:
        """The real-time host of the running event loop (its WebSockets, its requests)."""
        return self._realtime.host()

    def adopt_at(
        self,
        pop: Pop,
        client: Client,
        core: CoreWorker,
        url: str,
        steps: list[Step],
        condemned: bool,
        on_response: Callable[[Response], None] | None,
    ) -> None:
        """Real time, for a native front: takes over a request the front began on an
        execution thread (see ``rust/src/front/dispatch.rs``) after its first turn: ``steps``
        are that turn's (its own first). ``on_response`` is ``None`` when the front already
        wrote the response; ``condemned``: the watchdog answered the turn, and ``steps`` are
        the condemned isolate's other requests."""
        host = self._realtime.host()
        if condemned or not steps:
            host.handle(core, steps)
            return
        route = self._pipeline.route(url)
        # The flight of a worker's request reads its URL, PoP and client, not its request.
        flight = self._server_flight(pop, client, Request(url), url, route)
        if on_response is None:
            record = TaskRecord(task=steps[0].task, on_response=_ignore, context=flight)
            record.response = _ANSWERED
        else:
            answer = on_response

            def claimed(response: Response) -> None:
                if response.status == 101:  # a WebSocket: named by a handle of the host's
                    response = hub_of(host).claim(core, response)
                answer(response)

            record = TaskRecord(task=steps[0].task, on_response=claimed, context=flight)
        flight.responded = on_response is None
        host.tasks[task_key(core, record.task)] = record
        host.handle(core, steps)
        if record.response is None:
            handle = asyncio.get_running_loop().call_later(
                self.wall_timeout_s, host.abort, core, record
            )
            deliver = record.on_response

            def delivered(response: Response) -> None:
                flight.responded = True
                handle.cancel()
                deliver(response)

            record.on_response = delivered
        self._realtime.prewarm_soon(core)

    # -- scheduled events (edgert.network_events) ------------------------------------------------

    def scheduled(
        self,
        worker: str,
        cron: str = "* * * * *",
        *,
        pop: str | None = None,
        scheduled_time: float | None = None,
    ) -> ScheduledResult:
        """Virtual time: runs a cron trigger of ``worker`` at PoP ``pop`` (default: the
        network's first PoP, standing in for the colo Workers picks) now, until it and its
        ``waitUntil`` work are done; its subrequests reach the origin and the internet handler
        like a request's. ``scheduled_time`` (seconds) defaults to the virtual now."""
        return network_events.scheduled(self, worker, cron, pop, scheduled_time)

    async def scheduled_async(
        self,
        worker: str,
        cron: str = "* * * * *",
        *,
        pop: str | None = None,
        scheduled_time: float | None = None,
    ) -> ScheduledResult:
        """Real time: runs a cron trigger of ``worker`` at PoP ``pop`` (default: the network's
        first PoP) on the running loop, its subrequests through the pipeline like a request's;
        returns when it and its ``waitUntil`` work are done (or the network's wall limit
        passed: outcome ``canceled``). ``scheduled_time`` (seconds) defaults to now."""
        return await network_events.scheduled_async(self, worker, cron, pop, scheduled_time)

    def start_crons(
        self,
        worker: str,
        crons: Iterable[str],
        *,
        until: float,
        pop: str | None = None,
        on_result: Callable[[CronFiring, ScheduledResult], None] | None = None,
    ) -> list[tuple[CronFiring, ScheduledResult]]:
        """Virtual time: fires ``worker``'s cron triggers (expressions as Workers accepts
        them, UTC) on the simulator's clock from now until ``until`` (seconds since the epoch;
        a bound is required, else :meth:`run` would never run out of events), each at PoP
        ``pop`` as :meth:`scheduled` runs it. Returns the list each result is appended to (in
        the order they finish), and calls ``on_result(firing, result)`` as they do."""
        return network_events.start_crons(self, worker, crons, until, pop, on_result)

    # -- Durable Objects -------------------------------------------------------------------------

    def durable_objects(self, name: str) -> ObjectNamespace:
        """The Durable Object namespace of a binding name or an exported class name: ids, the
        home PoP of each object, storage inspection."""
        return self._objects.namespace(name)

    def _pop_rtt_ms(self, a: Pop, b: Pop) -> float:
        """Base RTT between two PoPs over the backbone (an object call's network cost)."""
        key = (a.code, b.code)
        rtt = self._pop_rtts.get(key)
        if rtt is None:
            p = self.model.params
            rtt = self._pop_rtts[key] = self.model.rtt_ms(
                a,
                b,
                path="backbone",
                access_a=p.datacenter_access_ms,
                access_b=p.datacenter_access_ms,
            )
        return rtt

    def _new_object_host(self, name: str, pop: Pop, store: DurableStore) -> CoreWorker:
        worker = self.workers[name]
        base = worker.seed if worker.seed is not None else self.seed
        seed = None if base is None else _derive_seed(base, name, pop.code, "objects")
        core = worker.new_object_host(
            now=self.now(),
            seed=seed,
            store=store,
            cache=self._cache_of(pop),
            kv=self._kv.replica(pop.code),
            ratelimits=self.ratelimits.at(pop.code),
        )
        self._core_pop[id(core)] = pop
        return core

    def d1(self, database_id: str) -> D1Database:
        """A D1 database of this network (its primary and replicas): seed, query, inspect."""
        return self._d1.database(database_id)

    @property
    def d1_service(self) -> D1Service:
        """The network's D1 service (its databases and the record of every query)."""
        return self._d1

    def kv(self, namespace_id: str) -> KvNamespace:
        """A KV namespace of this network: seed it, read and write it at the central store,
        and see what each PoP holds (``.replica(pop)``)."""
        return self._kv.namespace(namespace_id)

    def _kv_pop(self, worker: CoreWorker, flight: Flight | None) -> str:
        return flight.pop.code if flight is not None else self._core_pop[id(worker)].code

    # -- the client's leg ------------------------------------------------------------------------

    def _prepare(
        self,
        url: str,
        client: Client | str | None,
        method: str,
        headers: Any,
        body: bytes | str | None,
        pop: str | None,
        dns_cached: bool | None,
        rng: random.Random | None = None,
    ) -> Flight:
        if client is None:
            raise ConfigError("fetch needs a client, e.g. client=edgert.Client(city='Tokyo')")
        if isinstance(client, str):
            named = self._named_clients.get(client)
            if named is None:
                named = self._named_clients[client] = Client(city=client)
            client = named
        if pop is None:
            where = self.router.route_client(client)
        else:
            where = self._pop_index.get(pop) or self._pop(pop)
        route = self._pipeline.route(url)
        worker = route.worker if route is not None else None
        if rng is None:
            rng = self._rng
        leg, connection, dns, connect, handshake, request_ms = self.legs.client_request(
            client, where, self.dns_cached if dns_cached is None else dns_cached, rng
        )
        rtt = leg.rtt_ms
        conn = leg.conn
        cwnd = conn.cwnd
        cf = leg.cf if self.bots is None else self._bot_cf(leg.cf, url, headers, where, client)
        if method == "GET" and body is None:  # the defaults (a third fewer arguments to parse)
            request = Request(url, headers=headers, cf=cf)
        else:
            request = Request(url, method=method, headers=headers, body=body, cf=cf)
        # Positional arguments, in the dataclasses' field order: a class called with keywords
        # builds a dict of them first (this runs once per request).
        trace = Trace(
            url,  # url
            where.code,  # pop
            self.clock,  # clock
            worker,  # worker
            route.pattern if route is not None else None,  # route
            client.city,  # client_city
            connection,  # connection
            dns,  # dns_ms
            connect,  # connect_ms
            handshake,  # tls_ms
            request_ms,  # request_ms
        )
        trace.client_rtt_ms = rtt
        trace.origin_rtt_ms = leg.origin_rtt_ms
        flight = Flight(
            trace,  # trace
            where,  # pop
            client,  # client
            request,  # request
            worker,  # worker
            rtt,  # client_rtt_ms
            leg.bandwidth_mbps,  # bandwidth_mbps
            self.model.params.initial_window_segments if cwnd is None else cwnd,  # cwnd_segments
            next(self._ray),  # ray_id
        )
        if rng is not self._rng:
            flight.rng = rng
        flight.conn = conn
        return flight

    def _bot_cf(self, cf: str, url: str, headers: Any, where: Pop, client: Client) -> str:
        """The leg's ``request.cf`` JSON with the bot model's fields for this request (one call
        into the Rust model)."""
        assert self.bots is not None
        return self.bots.cf_json(cf, url, headers, pop=where.code, client=client, now=self.now())

    # -- virtual time ----------------------------------------------------------------------------

    def submit(
        self,
        url: str,
        *,
        client: Client | str | None = None,
        method: str = "GET",
        headers: Any = None,
        body: bytes | str | None = None,
        pop: str | None = None,
        dns_cached: bool | None = None,
        on_done: Callable[[EdgeResponse], None] | None = None,
        rng: random.Random | None = None,
    ) -> Pending:
        """Virtual time: starts a request now; :meth:`run` moves time on. For simulators that
        keep many requests in flight. ``on_done(response)`` is called (in virtual time) once the
        response's last byte has reached the client. ``rng``: this request's own random stream
        for its network draws (jitter, DNS), instead of the network's shared one; a simulator
        that gives each user its own stream gets results that do not depend on the order in
        which other users' events interleave (what lets it shard PoPs over processes exactly)."""
        driver = self._driver
        if driver is None:
            raise ConfigError("submit() runs in virtual time; use fetch() in real time")
        flight = self._prepare(url, client, method, headers, body, pop, dns_cached, rng)
        pending = flight.pending = Pending(flight.trace, None, on_done)
        driver.request(flight)
        return pending

    def at(self, when: float, action: Callable[[], None]) -> EventHandle:
        """Virtual time: schedules ``action()`` at virtual time ``when`` (seconds since the
        epoch; never in the past), e.g. a simulated user's next request."""
        if self._virtual is None:
            raise ConfigError("at() schedules on the virtual clock; this network runs in real time")
        return self._virtual.at(when, action)

    def run(self, until: float | None = None) -> None:
        """Virtual time: processes events until none is left (or until ``until``)."""
        if self._virtual is None:
            raise ConfigError("run() drives the virtual clock; this network runs in real time")
        self._virtual.run(until)

    async def run_async(self, until: float | None = None) -> None:
        """Like :meth:`run`, awaiting async origin handlers on the running loop."""
        if self._virtual is None:
            raise ConfigError("run() drives the virtual clock; this network runs in real time")
        async with self._lock:
            await self._virtual.run_async(until)

    # -- the embedding API -----------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        client: Client | str | None = None,
        method: str = "GET",
        headers: Any = None,
        body: bytes | str | None = None,
        pop: str | None = None,
        dns_cached: bool | None = None,
    ) -> EdgeResponse:
        """Sends a request from ``client`` (a :class:`Client` or a city name) through the
        network and returns the response with its :class:`Trace` (``response.trace``).

        ``pop`` forces the PoP (instead of anycast); ``dns_cached`` overrides the network's
        default. In virtual time the call returns once the clock has run out of events (the
        request's background work included); in real time, once the response is known.
        """
        if self._virtual is None:
            flight = self._prepare(url, client, method, headers, body, pop, dns_cached)
            response: EdgeResponse = await self._realtime.run(self._pipeline.request(flight))
            return response
        pending = self.submit(
            url,
            client=client,
            method=method,
            headers=headers,
            body=body,
            pop=pop,
            dns_cached=dns_cached,
        )
        await self.run_async()
        assert pending.response is not None, "every request is answered once the clock runs out"
        return pending.response

    def websocket(
        self,
        url: str,
        *,
        client: Client | str,
        headers: Any = None,
        pop: str | None = None,
        on_message: Callable[[Delivery], None] | None = None,
    ) -> SimulatedSocket:
        """Virtual time: a simulated client opens a WebSocket to ``url`` now (an upgrade
        request through the network); :meth:`run` moves time on. The socket is open once the
        worker's 101 reached the client; then ``send``/``close`` and ``received`` (each message
        with when it was sent and when it arrived), see :mod:`edgert.websocket.simulated`."""
        return open_simulated(self, url, client, headers, pop, on_message)

    def _pop_of(self, core: CoreWorker) -> Pop | None:
        """The PoP a core runs at (a worker's, or a Durable Object host's)."""
        for (code, _worker), c in self._cores.items():
            if c is core:
                return self._pop_index.get(code)
        for w in self._objects.workers.values():
            for code, c in w.hosts.items():
                if c is core:
                    return self._pop_index.get(code)
        return None

    def fetch_sync(self, url: str, **options: Any) -> EdgeResponse:
        """:meth:`fetch` for synchronous callers: runs the virtual clock in place (async origin
        handlers must not await real I/O), or real time on a private event-loop thread."""
        if self._virtual is not None:
            pending = self.submit(url, **options)
            self._virtual.run()
            assert pending.response is not None
            return pending.response
        if self._loop_thread is None:
            self._loop_thread = _LoopThread()
        return self._loop_thread.run(self.fetch(url, **options))  # type: ignore[no-any-return]

    async def aclose(self) -> None:
        """Waits for background work on this loop and closes its HTTP client."""
        host = self._realtime.pop_host()
        if host is not None:
            await host.close()
        if self._virtual is not None:
            await self.run_async()

    def close(self) -> None:
        """Finishes background work of :meth:`fetch_sync` and stops its loop thread."""
        if self._loop_thread is not None:
            self._loop_thread.run(self.aclose(), timeout=30)
            self._loop_thread.loop.call_soon_threadsafe(self._loop_thread.loop.stop)
            self._loop_thread = None
        elif self._virtual is not None:
            self._virtual.run()

    async def __aenter__(self) -> Network:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __enter__(self) -> Network:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- servers (edgert.server) -----------------------------------------------------------------

    def begin_at(
        self,
        pop: Pop,
        client: Client,
        request: Request,
        url: str,
        on_response: Callable[[Response], None],
    ) -> Response | None:
        """Real time, for servers: runs an already-parsed ``request`` (its ``cf`` filled by the
        caller, ``url`` its URL) at ``pop`` from ``client`` on the running loop, without the
        client leg's model (the server's client is a real one).

        Returns the response when the PoP answers without waiting on the outside world (route
        auth's 401, a cache hit, a worker that needs no subrequest); otherwise returns ``None``
        and calls ``on_response`` once the response is known (at most ``wall_timeout_s`` later).
        """
        flight = self._server_flight(pop, client, request, url, self._pipeline.route(url))
        return self._realtime.begin(self._pipeline.at_pop(flight), on_response)

    def _server_flight(
        self, pop: Pop, client: Client, request: Request, url: str, route: Route | None
    ) -> Flight:
        """A server's request at ``pop``: no modelled client leg (the client is a real one)."""
        worker = route.worker if route is not None else None
        trace = Trace(
            url,  # url
            pop.code,  # pop
            self.clock,  # clock
            worker,  # worker
            route.pattern if route is not None else None,  # route
            client.city,  # client_city
            "reused",  # connection
        )
        p = self.model.params
        return Flight(
            trace,  # trace
            pop,  # pop
            client,  # client
            request,  # request
            worker,  # worker
            0.0,  # client_rtt_ms
            p.bandwidth_mbps(client.access),  # bandwidth_mbps
            p.warm_window_segments,  # cwnd_segments
            next(self._ray),  # ray_id
        )

    def __repr__(self) -> str:
        return (
            f"<Network {len(self.pops)} PoPs, {len(self.workers)} workers, "
            f"origin in {self.origin.region}, {self.clock} time>"
        )
