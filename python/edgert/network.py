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

Two clocks drive the same cores through the same host abstraction (:mod:`edgert.host`):

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
import inspect
import itertools
import json
import os
import random
import time
import weakref
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from typing import Any, Literal

from edgert._core import (
    CacheStore,
    CoreWorker,
    DurableStore,
    Executor,
    Operation,
    Request,
    Response,
    Step,
)
from edgert.durable import DurableObjects, ObjectNamespace
from edgert.egress import EgressPolicy
from edgert.errors import ConfigError
from edgert.flight import (
    PLAIN_RESULTS,
    ClientLeg,
    Flight,
    OpenConnection,
    Pending,
    bad_gateway,
    no_internet,
    served,
)
from edgert.geo import Client, request_cf
from edgert.host.base import TaskRecord, task_key
from edgert.host.realtime import RealTimeHost
from edgert.host.virtual import EventHandle, VirtualTimeHost
from edgert.kv import KvNamespace
from edgert.kv.network import kv_service
from edgert.latency import (
    Connection,
    HttpProtocol,
    LatencyModel,
    LatencyParams,
    Phases,
    TlsVersion,
    handshake_rtts,
)
from edgert.origin import Origin, as_response
from edgert.pop_cache import OriginCall, PassThrough, pass_through, store_revalidation
from edgert.pops import Pop, load_pops
from edgert.routes import Route, RouteSpec, RouteTable, split_url
from edgert.routing import AnycastRouter, RoutingParams
from edgert.scheduled import ScheduledResult, event_payload
from edgert.trace import EdgeResponse, Trace
from edgert.worker import Worker, _LoopThread

__all__ = ["Network", "Pending"]

Clock = Literal["real", "virtual"]
WorkerSpec = Worker | str | os.PathLike[str] | Mapping[str, Any]
InternetHandler = Any  # Callable[[Request], Response | tuple[Response, float]]

_TLS_NAMES = {"1.3": "TLSv1.3", "1.2": "TLSv1.2", "none": ""}


#: Entries kept in the per-client caches of fixed values (propagation, ``request.cf``).
_CACHE_ENTRIES = 1 << 16


def _prewarm_core(core: CoreWorker) -> None:
    if core.wants_spare:
        core.prewarm(time.time())


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
        #: Each client's connection to each PoP it reached (never dropped: connections stay open).
        self._open: dict[tuple[Client, str], OpenConnection] = {}
        self._internet = internet or no_internet
        self._internet_latency_s = internet_latency_s
        self._virtual: VirtualTimeHost | None = None
        if clock == "virtual":
            self._virtual = VirtualTimeHost(
                start=start, wall_timeout_s=wall_timeout_s, upstream=self._virtual_upstream
            )
        self._real_hosts: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RealTimeHost] = (
            weakref.WeakKeyDictionary()
        )
        self.state_dir = state_dir
        self._kv = kv_service(self, kv_home, state_dir, kv_cache or {})
        if self._virtual is not None:
            self._kv.attach(self._virtual, self._kv_pop)
        self._named_clients: dict[str, Client] = {}
        # What never changes on a client's leg to a PoP (see ClientLeg), and PoP-to-origin RTTs.
        self._legs: dict[tuple[Client, str], ClientLeg] = {}
        self._origin_rtts: dict[str, float] = {}
        self._handshakes: dict[tuple[str, str, str], tuple[int, int]] = {}
        self._route_cache: dict[str, Route | None] = {}
        self._loop_thread: _LoopThread | None = None
        self._lock = asyncio.Lock()
        self._cache_on = cache
        self._cache_bytes = cache_bytes
        self._caches: dict[str, CacheStore] = {}
        self._background: set[asyncio.Future[None]] = set()
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
        self.workers[name] = _as_worker(name, worker)
        for key in [k for k in self._cores if k[1] == name]:
            del self._cores[key]  # _core_pop keeps the old core's PoP for its background work

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

    def _prewarm_soon(self, core: CoreWorker) -> None:
        """Real time: a request now holds an isolate while it waits, so the next one may need a
        new isolate; once the loop has run what is ready, make a spare if the pool wants one."""
        if core.wants_spare:
            asyncio.get_running_loop().call_soon(_prewarm_core, core)

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

    def _route(self, url: str) -> Route | None:
        """The route of a URL, memoised (simulators send the same URLs again and again)."""
        try:
            return self._route_cache[url]
        except KeyError:
            pass
        if len(self._route_cache) >= 4096:
            self._route_cache.clear()
        route = self._route_cache[url] = self.routes.match(url)
        return route

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
        worker = self.workers[name]
        base = worker.seed if worker.seed is not None else self.seed
        seed = None if base is None else _derive_seed(base, name, pop.code)
        core = worker.new_core(
            now=self.now(),
            seed=seed,
            cache=self._cache_of(pop),
            kv=self._kv.replica(pop.code),
            lazy=lazy,
        )
        self._cores[key] = core
        self._core_pop[id(core)] = pop
        self._objects.register_caller(core, name, pop)
        return core, True

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
        host = self._virtual
        if host is None:
            raise ConfigError("scheduled() runs in virtual time; use Worker.scheduled in real time")
        core, _ = self._core(self._pop(pop) if pop else self.pops[0], worker)
        when = host.now() if scheduled_time is None else scheduled_time
        steps = core.begin_event("scheduled", event_payload(cron, when), host.now())
        answers: list[Response] = []
        task = steps[0].task if steps else -1
        host.tasks[(id(core), task)] = TaskRecord(task=task, on_response=answers.append)
        host.handle(core, steps)
        host.run()
        if not answers:
            raise ConfigError("the scheduled event never finished")
        return ScheduledResult.from_response(answers[0])

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
        )
        self._core_pop[id(core)] = pop
        return core

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
        route = self._route(url)
        worker = route.worker if route is not None else None
        model = self.model
        if rng is None:
            rng = self._rng
        key = (client, where.code)
        leg = self._legs.get(key)
        if leg is None:
            leg = self._client_leg(client, where, key)
        rtt = leg.rtt_ms
        cached = self.dns_cached if dns_cached is None else dns_cached
        conn = leg.conn
        cwnd = conn.cwnd
        connection: Connection = "new" if cwnd is None else "reused"
        if type(model) is LatencyModel and isinstance(rng, random.Random):
            # LatencyModel.dns_ms and .exchange on this leg, spelled out (the same draws in the
            # same order, the same sums): an empty response has no slow-start rounds to draw.
            dns = 0.0 if cached else model.dns_ms(leg.access_ms, cached=False, rng=rng)
            shape = (self.protocol, self.tls, connection)
            rtts = self._handshakes.get(shape)
            if rtts is None:
                rtts = self._handshakes[shape] = handshake_rtts(*shape)
            rate = leg.jitter_rate
            draw = rng.expovariate
            connect = 0.0
            for _ in range(rtts[0]):
                connect += rtt + (draw(rate) if rate else 0.0)
            handshake = 0.0
            for _ in range(rtts[1]):
                handshake += rtt + (draw(rate) if rate else 0.0)
            request_ms = rtt + (draw(rate) if rate else 0.0)
        else:
            dns = model.dns_ms(leg.access_ms, cached=cached, rng=rng)
            phases = model.exchange(
                rtt,
                protocol=self.protocol,
                tls=self.tls,
                connection=connection,
                bandwidth_mbps=leg.bandwidth_mbps,
                dns_ms=dns,
                rng=rng,
            )
            dns, connect = phases.dns_ms, phases.connect_ms
            handshake, request_ms = phases.tls_ms, phases.request_ms
        if method == "GET" and body is None:  # the defaults (a third fewer arguments to parse)
            request = Request(url, headers=headers, cf=leg.cf)
        else:
            request = Request(url, method=method, headers=headers, body=body, cf=leg.cf)
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
            cwnd if cwnd is not None else model.params.initial_window_segments,  # cwnd_segments
            next(self._ray),  # ray_id
        )
        if rng is not self._rng:
            flight.rng = rng
        flight.conn = conn
        return flight

    def _client_leg(self, client: Client, where: Pop, key: tuple[Client, str]) -> ClientLeg:
        """The fixed values of a client's leg to a PoP (computed on the pair's first request)."""
        if len(self._legs) >= _CACHE_ENTRIES:  # a cache of pure values: bounded
            self._legs.clear()
        model = self.model
        p = model.params
        access = (
            client.access_ms if client.access_ms is not None else p.access_median_ms(client.access)
        )
        rtt = model.min_rtt_ms(client, where) + access + p.datacenter_access_ms
        mean = p.jitter_floor_ms + p.jitter_fraction * rtt  # LatencyModel.jitter_ms's mean
        # Fixed per client and PoP (clientTcpRtt is the leg's base RTT), so serialised once.
        cf = json.dumps(
            request_cf(
                client,
                where,
                http_protocol=self.protocol,
                tls_version=_TLS_NAMES.get(self.tls, ""),
                client_tcp_rtt_ms=rtt,
            )
        )
        conn = self._open.get(key)
        if conn is None:
            conn = self._open[key] = OpenConnection()
        leg = self._legs[key] = ClientLeg(
            rtt_ms=rtt,
            access_ms=access,
            bandwidth_mbps=p.bandwidth_mbps(client.access),
            jitter_rate=0.0 if mean <= 0 else 1.0 / mean,
            cf=cf,
            origin_rtt_ms=self._origin_rtt(where),
            conn=conn,
        )
        return leg

    def _arrival_s(self, trace: Trace) -> float:
        return (trace.dns_ms + trace.connect_ms + trace.tls_ms + trace.request_ms / 2) / 1000.0

    def _to_client(self, flight: Flight, response: Response, now: float | None = None) -> None:
        """Closes the accounting of the PoP's part; sets the CPU charge and the way back."""
        trace = flight.trace
        trace.status = response.status
        stats = response.stats
        self._kv.responded(flight, self.now() if now is None else now)
        if stats is not None:
            if stats.kv_reads:
                trace.kv_reads = self._kv.reads(flight.pop.code, stats.kv_reads)
            trace.worker_cpu_ms = stats.cpu_ms
            trace.outcome = stats.outcome
            trace.cold_start = trace.cold_start or stats.cold_start
        elif flight.worker is None:
            trace.outcome = "passthrough"
        if self.cpu_time == "measured" or (self.cpu_time is None and self.clock == "real"):
            trace.worker_ms = trace.worker_cpu_ms * self.cpu_factor
        elif self.cpu_time is not None and flight.worker is not None:
            trace.worker_ms = float(self.cpu_time) * self.cpu_factor
        transfer, window = self.model.transfer_ms(
            len(response.body),
            flight.client_rtt_ms,
            bandwidth_mbps=flight.bandwidth_mbps,
            cwnd_segments=flight.cwnd_segments,
            rng=self._rng if flight.rng is None else flight.rng,
        )
        trace.transfer_ms = transfer
        conn = flight.conn
        if conn is None:
            key = (flight.client, flight.pop.code)
            conn = self._open.get(key)
            if conn is None:
                conn = self._open[key] = OpenConnection()
        conn.cwnd = window

    def _forwarded(self, request: Request, flight: Flight | None) -> list[tuple[str, str]]:
        headers = request.headers.items()
        if flight is None:
            return headers
        have = {k.lower() for k, _ in headers}
        extra = (
            ("cf-ray", flight.ray),
            ("cf-ipcountry", flight.client.country or "XX"),
            ("x-forwarded-proto", split_url(flight.request.url)[0]),
        )
        return headers + [(k, v) for k, v in extra if k not in have]

    def _origin_begin(self, flight: Flight | None, now: float) -> bool:
        if flight is None:
            return False
        if flight.responded:
            flight.trace.background_origin_requests += 1
            return False
        flight.trace.origin_requests += 1
        if flight.outstanding == 0:
            flight.busy_since = now
        flight.outstanding += 1
        return True

    def _origin_end(self, flight: Flight | None, counted: bool, now: float) -> None:
        if flight is None or not counted:
            return
        flight.outstanding -= 1
        if flight.outstanding == 0 and not flight.responded:
            flight.trace.origin_ms += (now - flight.busy_since) * 1000.0

    def _origin_rtt(self, pop: Pop) -> float:
        """Base RTT of the PoP-to-origin leg (cached per PoP: it has no random part)."""
        rtt = self._origin_rtts.get(pop.code)
        if rtt is None:
            p = self.model.params
            rtt = self._origin_rtts[pop.code] = self.model.rtt_ms(
                pop,
                self.origin.location,
                path=self.origin.path,
                access_a=p.datacenter_access_ms,
                access_b=p.datacenter_access_ms,
            )
        return rtt

    def _origin_transfer_ms(
        self, response: Response, rtt: float, rng: random.Random | None = None
    ) -> float:
        """Time to carry the origin's response body back to the PoP (slow start included)."""
        p = self.model.params
        transfer, _ = self.model.transfer_ms(
            len(response.body),
            rtt,
            bandwidth_mbps=p.datacenter_bandwidth_mbps,
            cwnd_segments=p.warm_window_segments
            if self.origin.connection == "reused"
            else p.initial_window_segments,
            rng=self._rng if rng is None else rng,
        )
        return transfer

    def _origin_leg(self, pop: Pop, rng: random.Random | None) -> tuple[float, Phases]:
        p = self.model.params
        rtt = self._origin_rtt(pop)
        leg = self.model.exchange(
            rtt,
            protocol="HTTP/2" if self.protocol == "HTTP/3" else self.protocol,
            tls=self.tls,
            connection=self.origin.connection,
            bandwidth_mbps=p.datacenter_bandwidth_mbps,
            rng=rng,
        )
        return rtt, leg

    # -- virtual time ----------------------------------------------------------------------------

    def _virtual_upstream(
        self, worker: CoreWorker, op: Operation, flight: Flight | None
    ) -> Generator[Any, Any, Response]:
        assert op.request is not None
        _, host, _ = split_url(op.request.url)
        if self.origin.serves(host):
            pop = flight.pop if flight is not None else self._core_pop[id(worker)]
            return self._virtual_origin(op.request, pop, flight)
        return self._virtual_internet(op.request, flight)

    def _virtual_internet(
        self, request: Request, flight: Flight | None
    ) -> Generator[Any, Any, Response]:
        if flight is not None and not flight.responded:
            flight.trace.subrequests += 1
        answer = self._internet(request)
        if inspect.isawaitable(answer):
            answer = yield answer
        response, latency = (
            answer if isinstance(answer, tuple) else (answer, self._internet_latency_s)
        )
        yield latency
        return as_response(response)

    def _virtual_origin(
        self, request: Request, pop: Pop, flight: Flight | None
    ) -> Generator[Any, Any, Response]:
        host = self._virtual
        assert host is not None and self.origin.handler is not None
        forwarded = Request(
            request.url,
            method=request.method,
            headers=self._forwarded(request, flight),
            body=request.body,
        )
        rng = self._rng if flight is None or flight.rng is None else flight.rng
        rtt, leg = self._origin_leg(pop, rng)
        counted = self._origin_begin(flight, host.now())
        try:
            yield (leg.connect_ms + leg.tls_ms + leg.request_ms / 2) / 1000.0
            result = self.origin.handler(forwarded)
            if not isinstance(result, PLAIN_RESULTS) and inspect.isawaitable(result):
                result = yield result
            if isinstance(result, tuple):
                result, service_s = result
            else:
                service_s = self.origin.service_s(forwarded)
            response = as_response(result)
            transfer = self._origin_transfer_ms(response, rtt, rng)
            yield float(service_s) + (leg.request_ms / 2 + transfer) / 1000.0
            if counted and flight is not None:
                flight.trace.origin_legs.append(served(leg, float(service_s) * 1000.0, transfer))
            return response
        finally:
            self._origin_end(flight, counted, host.now())

    def _virtual_pass(self, flight: Flight) -> Generator[Any, Any, Response]:
        """A request no worker handles: through the PoP's cache (if any) to the origin."""
        host = self._virtual
        assert host is not None
        store = self._cache_of(flight.pop)
        if store is None:
            return (yield from self._virtual_origin(flight.request, flight.pop, flight))
        steps = pass_through(store, flight.request, host.now())
        try:
            call = next(steps)
            while True:
                try:
                    answer: Any = yield from self._virtual_origin(call.request, flight.pop, flight)
                except Exception as exc:
                    answer = exc
                call = steps.send((answer, host.now()))
        except StopIteration as stop:
            done: PassThrough = stop.value
        flight.trace.cache_status = done.cache_status
        if done.revalidate is not None:
            self._virtual_revalidate(store, flight, done.revalidate)
        return done.response

    def _virtual_revalidate(self, store: CacheStore, flight: Flight, request: Request) -> None:
        host = self._virtual
        assert host is not None
        sent_at = host.now()

        def finish(response: Response | None, error: BaseException | None) -> None:
            if response is not None:
                store_revalidation(store, flight.request, response, sent_at, host.now())

        host.spawn(self._virtual_origin(request, flight.pop, None), finish)

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
        host = self._virtual
        if host is None:
            raise ConfigError("submit() runs in virtual time; use fetch() in real time")
        flight = self._prepare(url, client, method, headers, body, pop, dns_cached, rng)
        trace = flight.trace
        pending = flight.pending = Pending(trace=trace, on_done=on_done)
        now = trace.started_at = host.now()
        # The client's leg up to the request's arrival (Network._arrival_s), then _arrive: an
        # event of the host's queue with no handle (nothing cancels it).
        host.loop.at(
            now + (trace.dns_ms + trace.connect_ms + trace.tls_ms + trace.request_ms / 2) / 1000.0,
            self._arrive,
            flight,
        )
        return pending

    def _arrive(self, flight: Flight) -> None:
        host = self._virtual
        assert host is not None
        now = flight.arrived = host.now()
        if flight.worker is None:
            gen = self._virtual_pass(flight)

            def finish(response: Response | None, error: BaseException | None) -> None:
                answer = (
                    response if response is not None else bad_gateway(f"origin failed: {error}")
                )
                self._virtual_responded(flight, answer)

            host.spawn(gen, finish)
            return
        core = self._cores.get((flight.pop.code, flight.worker))
        if core is None:
            core, created = self._core(flight.pop, flight.worker)
        else:
            created = False
        flight.trace.cold_start = created
        steps = core.begin(flight.request, now)
        if len(steps) == 1:
            step = steps[0]
            response = step.response
            if response is not None and step.done and not step.ops:
                # Answered and done in one step (most requests): what Host.start and
                # Host.handle do with it, without a task record that nothing would look up.
                self._virtual_responded(flight, response, now)
                stats = step.stats
                if stats is not None:
                    errors = stats.wait_until_errors
                    if errors:
                        host.background_errors.extend(errors)
                for observer in host.step_observers:
                    observer(host, core)
                return
        record = host.started(
            core, steps, functools.partial(self._virtual_answer, flight), context=flight
        )
        if record.response is None:
            task = record.task
            flight.timeout = host.at(
                host.now() + self.wall_timeout_s,
                lambda: host.handle(core, core.abort(task, host.now())),
            )

    def _virtual_answer(self, flight: Flight, response: Response) -> None:
        """The worker's response to a request in virtual time (the host's ``on_response``)."""
        if flight.timeout is not None:
            flight.timeout.cancel()
        self._virtual_responded(flight, response)

    def _virtual_responded(
        self, flight: Flight, response: Response, now: float | None = None
    ) -> None:
        host = self._virtual
        assert host is not None
        if now is None:
            now = host.now()
        trace = flight.trace
        if flight.outstanding > 0:
            trace.origin_ms += (now - flight.busy_since) * 1000.0
        flight.responded = True
        self._to_client(flight, response, now)
        wait = (now - flight.arrived) * 1000.0 - trace.origin_ms - trace.kv_ms
        trace.wait_ms = wait if wait > 0.0 else 0.0  # max(0.0, wait), without the call
        back_s = (trace.worker_ms + trace.request_ms / 2 + trace.transfer_ms) / 1000.0
        host.loop.at(now + back_s, self._delivered, (flight, response))

    def _delivered(self, answer: tuple[Flight, Response]) -> None:
        """The response's last byte reaches the client (an event of the virtual host's queue)."""
        flight, response = answer
        host = self._virtual
        assert host is not None
        trace = flight.trace
        trace.finished_at = host.now()
        trace.wall_ms = (trace.finished_at - trace.started_at) * 1000.0
        pending = flight.pending
        assert pending is not None
        pending.response = EdgeResponse(response, trace)
        if pending.on_done is not None:
            pending.on_done(pending.response)

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

    # -- real time -------------------------------------------------------------------------------

    def _real_host(self) -> RealTimeHost:
        key = asyncio.get_running_loop()
        host = self._real_hosts.get(key)
        if host is None:
            host = RealTimeHost(
                wall_timeout_s=self.wall_timeout_s,
                fetcher=self._real_upstream,
                threads=self.threads != 0,
                executor=self._executor,
                egress=self.egress,
            )
            self._kv.attach(host, self._kv_pop)
            self._real_hosts[key] = host
            self._objects.attach(host)
        return host

    async def _real_upstream(self, worker: CoreWorker, op: Operation, flight: Any) -> Response:
        assert op.request is not None
        _, host, _ = split_url(op.request.url)
        if self.origin.serves(host):
            pop = flight.pop if flight is not None else self._core_pop[id(worker)]
            return await self._real_origin(op.request, pop, flight)
        if flight is not None and not flight.responded:
            flight.trace.subrequests += 1
        return await self._real_host().send(op.request)

    async def _real_origin(self, request: Request, pop: Pop, flight: Flight | None) -> Response:
        headers = self._forwarded(request, flight)
        counted = self._origin_begin(flight, time.time())
        rtt, leg = self._origin_leg(pop, self._rng)
        began = time.perf_counter()
        served_ms = transfer = 0.0
        try:
            if self.emulate:
                await asyncio.sleep((leg.connect_ms + leg.tls_ms + leg.request_ms / 2) / 1000.0)
            sent_at = time.perf_counter()
            if self.origin.url is not None:
                scheme_host_target = split_url(request.url)
                url = self.origin.url + scheme_host_target[2]
                have_host = any(k.lower() == "host" for k, _ in headers)
                sent = headers if have_host else [*headers, ("host", scheme_host_target[1])]
                response = await self._real_host().send(
                    request, url=url, headers=sent, trusted=True
                )
            else:
                assert self.origin.handler is not None
                forwarded = Request(
                    request.url, method=request.method, headers=headers, body=request.body
                )
                result = self.origin.handler(forwarded)
                if inspect.isawaitable(result):
                    result = await result
                if isinstance(result, tuple):
                    result = result[0]
                response = as_response(result)
            served_ms = (time.perf_counter() - sent_at) * 1000.0
            transfer = self._origin_transfer_ms(response, rtt)
            if self.emulate:
                await asyncio.sleep((leg.request_ms / 2 + transfer) / 1000.0)
        finally:
            if counted and flight is not None:
                # Real time: the PoP-to-origin network leg is modelled, the origin's time measured.
                flight.outstanding -= 1
                leg = served(leg, served_ms, transfer)
                flight.trace.origin_legs.append(leg)
                flight.trace.origin_ms += leg.total_ms
                flight.origin_wall_ms += (time.perf_counter() - began) * 1000.0
        return response

    async def _real_pass(self, flight: Flight) -> Response:
        """A request no worker handles: through the PoP's cache (if any) to the origin."""
        store = self._cache_of(flight.pop)
        if store is None:
            return await self._real_origin(flight.request, flight.pop, flight)
        steps = pass_through(store, flight.request, time.time())
        try:
            call = next(steps)
        except StopIteration as stop:
            done: PassThrough = stop.value
            flight.trace.cache_status = done.cache_status
            self._revalidate_later(store, flight, done)
            return done.response
        return await self._continue_pass(flight, store, steps, call)

    async def _continue_pass(
        self,
        flight: Flight,
        store: CacheStore,
        steps: Generator[OriginCall, Any, PassThrough],
        call: OriginCall,
    ) -> Response:
        """Drives a pass-through that needs the origin (see :func:`pop_cache.pass_through`)."""
        try:
            while True:
                try:
                    answer: Any = await self._real_origin(call.request, flight.pop, flight)
                except Exception as exc:
                    answer = exc
                call = steps.send((answer, time.time()))
        except StopIteration as stop:
            done: PassThrough = stop.value
        flight.trace.cache_status = done.cache_status
        self._revalidate_later(store, flight, done)
        return done.response

    def _revalidate_later(self, store: CacheStore, flight: Flight, done: PassThrough) -> None:
        if done.revalidate is not None:
            task = asyncio.ensure_future(self._real_revalidate(store, flight, done.revalidate))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def _real_revalidate(self, store: CacheStore, flight: Flight, request: Request) -> None:
        sent_at = time.time()
        try:
            response = await self._real_origin(request, flight.pop, None)
        except Exception:
            return  # the stale copy stays; the next request revalidates again
        store_revalidation(store, flight.request, response, sent_at, time.time())

    async def _fetch_real(self, flight: Flight) -> EdgeResponse:
        host = self._real_host()
        trace = flight.trace
        trace.started_at = time.time()
        began = time.perf_counter()
        if self.emulate:
            await asyncio.sleep(self._arrival_s(trace))
        arrived = time.perf_counter()
        response: Response
        if flight.worker is None:
            try:
                response = await self._real_pass(flight)
            except Exception as exc:
                response = bad_gateway(f"origin failed: {exc}")
        else:
            core, created = self._core(flight.pop, flight.worker)
            trace.cold_start = created
            loop = asyncio.get_running_loop()
            future: asyncio.Future[Response] = loop.create_future()

            def on_response(answer: Response) -> None:
                flight.responded = True
                if not future.done():
                    future.set_result(answer)

            record = host.start(
                core, flight.request, on_response, context=flight, on_waiting=self._prewarm_soon
            )
            if not future.done():
                try:
                    await asyncio.wait_for(asyncio.shield(future), self.wall_timeout_s)
                except TimeoutError:
                    host.abort(core, record)
                    await future
            response = future.result()
        flight.responded = True
        at_pop_ms = (time.perf_counter() - arrived) * 1000.0
        self._to_client(flight, response)
        trace.wait_ms = max(
            0.0, at_pop_ms - flight.origin_wall_ms - trace.worker_cpu_ms - trace.kv_ms
        )
        if self.emulate:
            await asyncio.sleep((trace.request_ms / 2 + trace.transfer_ms) / 1000.0)
        trace.finished_at = time.time()
        trace.wall_ms = (time.perf_counter() - began) * 1000.0
        return EdgeResponse(response, trace)

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
            return await self._fetch_real(flight)
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
        host = self._real_hosts.pop(asyncio.get_running_loop(), None)
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
        route = self._route(url)
        worker = route.worker if route is not None else None
        if worker is not None:
            core = self._cores.get((pop.code, worker))
            if core is None:
                core = self._core(pop, worker)[0]
            host = self._real_host()
            if host.calls.threaded:
                self._start_at(host, pop, client, request, url, route, core, on_response)
                return None
            steps = core.begin(request, time.time())
            if len(steps) == 1:
                step = steps[0]
                if step.done and step.response is not None:
                    return step.response
            self._continue_at(pop, client, request, url, route, core, steps, on_response)
            self._prewarm_soon(core)
            return None
        flight = self._server_flight(pop, client, request, url, route)
        store = self._cache_of(pop)
        if store is None:
            pending = asyncio.ensure_future(self._real_pass(flight))
        else:
            # A fresh hit in the PoP's cache is answered here, with no task.
            passing = pass_through(store, request, time.time())
            try:
                call = next(passing)
            except StopIteration as stop:
                done: PassThrough = stop.value
                self._revalidate_later(store, flight, done)
                return done.response
            pending = asyncio.ensure_future(self._continue_pass(flight, store, passing, call))

        def passed(task: asyncio.Future[Response]) -> None:
            error = task.exception()
            on_response(bad_gateway(f"origin failed: {error}") if error else task.result())

        pending.add_done_callback(passed)
        return None

    def _server_flight(
        self, pop: Pop, client: Client, request: Request, url: str, route: Route | None
    ) -> Flight:
        trace = Trace(
            url=url,
            pop=pop.code,
            clock=self.clock,
            worker=route.worker if route is not None else None,
            route=route.pattern if route is not None else None,
            client_city=client.city,
            connection="reused",
        )
        p = self.model.params
        return Flight(
            trace=trace,
            pop=pop,
            client=client,
            request=request,
            worker=trace.worker,
            client_rtt_ms=0.0,
            bandwidth_mbps=p.bandwidth_mbps(client.access),
            cwnd_segments=p.warm_window_segments,
            ray_id=next(self._ray),
        )

    def _continue_at(
        self,
        pop: Pop,
        client: Client,
        request: Request,
        url: str,
        route: Route | None,
        core: CoreWorker,
        steps: list[Step],
        on_response: Callable[[Response], None],
    ) -> None:
        """A request whose worker waits on the outside world: the real-time host drives it."""
        host = self._real_host()
        flight = self._server_flight(pop, client, request, url, route)
        task = steps[0].task if steps else -1
        timer: list[asyncio.TimerHandle] = []

        def deliver(response: Response) -> None:
            flight.responded = True
            for handle in timer:
                handle.cancel()
            on_response(response)

        record = TaskRecord(task=task, on_response=deliver, context=flight)
        host.tasks[task_key(core, task)] = record
        host.handle(core, steps)
        if record.response is None:
            timer.append(
                asyncio.get_running_loop().call_later(self.wall_timeout_s, host.abort, core, record)
            )

    def _start_at(
        self,
        host: RealTimeHost,
        pop: Pop,
        client: Client,
        request: Request,
        url: str,
        route: Route | None,
        core: CoreWorker,
        on_response: Callable[[Response], None],
    ) -> None:
        """:meth:`begin_at` with the worker's calls on execution threads: every response
        comes through ``on_response``."""
        flight = self._server_flight(pop, client, request, url, route)
        timer: list[asyncio.TimerHandle] = []

        def deliver(response: Response) -> None:
            flight.responded = True
            for handle in timer:
                handle.cancel()
            on_response(response)

        record = host.start(core, request, deliver, context=flight, on_waiting=self._prewarm_soon)
        if record.response is None:
            timer.append(
                asyncio.get_running_loop().call_later(self.wall_timeout_s, host.abort, core, record)
            )

    def __repr__(self) -> str:
        return (
            f"<Network {len(self.pops)} PoPs, {len(self.workers)} workers, "
            f"origin in {self.origin.region}, {self.clock} time>"
        )
