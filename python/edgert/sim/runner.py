"""Runs one deployment of a scenario on the network's virtual clock and records every request.

Each session is a small state machine on the virtual clock: it starts at its drawn time, sends
its page's calls one after the other (each call is sent when the previous response's last byte
has arrived: ``Network.submit(on_done=...)``), waits its think time, and loads its next page.
Every request runs the real worker in the PoP's isolate pool (``Network``'s virtual-time host);
KV, Durable Objects and caches are the network's own. The recorder keeps a few columns per
request (no traces are kept), so a million requests fit in a few hundred MB.
"""

from __future__ import annotations

import gc
import random
import struct
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from edgert._core import Headers
from edgert.geo import Client
from edgert.network import Network
from edgert.sim.blas import single_threaded_blas
from edgert.sim.deployments import START, build_network, release_worker
from edgert.sim.population import Population
from edgert.sim.scenario import DeploymentSpec, ReleaseSpec, Scenario, StrategySpec
from edgert.sim.traffic import Traffic
from edgert.trace import EdgeResponse

__all__ = ["DeploymentRun", "ReleaseRun", "run_deployment", "token_headers"]

Progress = Callable[[int], None]


@dataclass(slots=True)
class DeploymentRun:
    """What one deployment's run recorded (columns, one row per request / page / KV read)."""

    name: str
    pops: list[str]
    #: Per request.
    session: npt.NDArray[np.int64]
    call: npt.NDArray[np.int64]
    pop: npt.NDArray[np.int64]
    status: npt.NDArray[np.int64]
    total_ms: npt.NDArray[np.float64]
    edge_only: npt.NDArray[np.bool_]
    cold_start: npt.NDArray[np.bool_]
    new_connection: npt.NDArray[np.bool_]
    origin_requests: npt.NDArray[np.int64]
    charged_cpu_ms: npt.NDArray[np.float64]
    measured_cpu_ms: npt.NDArray[np.float64]
    client_rtt_ms: npt.NDArray[np.float64]
    origin_rtt_ms: npt.NDArray[np.float64]
    #: Per page: session, page index, latency from the first call's start to the last byte.
    page_session: npt.NDArray[np.int64]
    page_ms: npt.NDArray[np.float64]
    #: Per KV read: stale flag and age (s); per Durable Object call: caller PoP, the object's
    #: home PoP and the call's latency.
    kv_stale: npt.NDArray[np.bool_]
    kv_age_s: npt.NDArray[np.float64]
    do_pop: npt.NDArray[np.int64]
    do_home: npt.NDArray[np.int64]
    do_ms: npt.NDArray[np.float64]
    #: Per Durable Object call: its binding, an index into ``do_bindings``.
    do_binding: npt.NDArray[np.int64]
    do_bindings: list[str]
    #: Per PoP: cache metrics when the network has caches (hits, misses, ...).
    cache: dict[str, dict[str, int]] = field(default_factory=dict)
    kv_writes: int = 0
    #: Every request's full trace, only when asked for (``keep_traces=True``; tests, debugging).
    traces: list[Any] = field(default_factory=list)
    #: A run with a release: who answered what, when, and the deployment (see ``sim.releases``).
    release: ReleaseRun | None = None


@dataclass(slots=True)
class ReleaseRun:
    """Per request of a run with a release (in completion order): the time its last byte
    arrived, its session, PoP (index), status and version (an index into ``versions``, ids);
    and the deployment with its events (None if the release never started)."""

    finished: npt.NDArray[np.float64]
    session: npt.NDArray[np.int64]
    pop: npt.NDArray[np.int64]
    status: npt.NDArray[np.int64]
    version: npt.NDArray[np.int64]
    versions: list[str]
    deployment: Any


_INT = "q"
_FLOAT = "d"
_BOOL = "b"
#: The per-request columns of each type, in the order of a row: (numpy dtype, names).
_ROWS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (np.int64, ("session", "call", "pop", "status", "origin_requests")),
    (
        np.float64,
        ("total_ms", "charged_cpu_ms", "measured_cpu_ms", "client_rtt_ms", "origin_rtt_ms"),
    ),
    (np.bool_, ("edge_only", "cold_start", "new_connection")),
)
#: One request's row as bytes: the columns above in that order, little-endian, unpadded (the
#: layout of :data:`_ROW_DTYPE`).
_ROW = struct.Struct("<5q5d3?")
_ROW_DTYPE = np.dtype(
    [(name, np.dtype(dtype).newbyteorder("<")) for dtype, names in _ROWS for name in names]
)
assert _ROW_DTYPE.itemsize == _ROW.size


class _Recorder:
    """Columns appended to as responses arrive: one ``bytearray`` of packed rows (no Python
    object per value, nothing for the garbage collector to scan; one ``struct`` pack and one
    append a request, a third of what an ``array.array.extend`` per type cost), turned into
    numpy columns once the run ends."""

    def __init__(self, pops: list[str], keep_traces: bool = False) -> None:
        self.traces: list[Any] | None = [] if keep_traces else None
        self.pop_index = {code: i for i, code in enumerate(pops)}
        self.rows = bytearray()
        self._pack = _ROW.pack
        self.page_session: array[int] = array(_INT)
        self.page_ms: array[float] = array(_FLOAT)
        self.kv_stale: array[int] = array(_BOOL)
        self.kv_age_s: array[float] = array(_FLOAT)
        self.do_pop: array[int] = array(_INT)
        self.do_home: array[int] = array(_INT)
        self.do_ms: array[float] = array(_FLOAT)
        self.do_binding: array[int] = array(_INT)
        self.bindings: dict[str, int] = {}
        #: With a release: (finished, session, pop, status, version) per request.
        self.versions: dict[str | None, int] | None = None
        self.rel_finished: array[float] = array(_FLOAT)
        self.rel_ints: array[int] = array(_INT)

    def __len__(self) -> int:
        return len(self.rows) // _ROW.size

    def request(self, session: int, call: int, response: EdgeResponse) -> None:
        t = response.trace
        if self.traces is not None:
            self.traces.append(t)
        origin_requests = t.origin_requests
        worker_ms = t.worker_ms
        self.rows += self._pack(
            session,
            call,
            self.pop_index[t.pop],
            t.status,
            origin_requests,
            # Trace.total_ms, spelled out (the same sum in the same order, without its getattr
            # loop).
            0.0 + t.dns_ms + t.connect_ms + t.tls_ms + t.request_ms + t.origin_ms + t.kv_ms
            + t.cache_ms + t.wait_ms + worker_ms + t.transfer_ms,
            worker_ms,
            t.worker_cpu_ms,
            t.client_rtt_ms,
            t.origin_rtt_ms,
            origin_requests == 0,
            t.cold_start,
            t.connection != "reused",
        )  # fmt: skip
        versions = self.versions
        if versions is not None:
            v = versions.setdefault(t.version, len(versions))
            self.rel_finished.append(t.finished_at)
            self.rel_ints.extend((session, self.pop_index[t.pop], t.status, v))
        reads = t.kv_reads
        if reads:
            for read in reads:
                self.kv_stale.append(bool(read.stale))
                self.kv_age_s.append(float(read.age_s or 0.0))
        calls = t.object_calls
        if calls:
            index = self.pop_index
            for oc in calls:
                self.do_pop.append(index.get(oc.caller_pop, -1))
                self.do_home.append(index.get(oc.home_pop, -1))
                self.do_ms.append(float(oc.latency_ms))
                binding = self.bindings.setdefault(oc.binding, len(self.bindings))
                self.do_binding.append(binding)

    def columns(self) -> dict[str, Any]:
        """The per-request columns as numpy arrays, in (session, call) order: the same order
        whatever the order in which requests completed (one process or several), so that
        every sum over them is the same to the last bit."""
        out: dict[str, Any] = {}
        rows = (
            np.frombuffer(self.rows, dtype=_ROW_DTYPE)
            if self.rows
            else np.zeros(0, dtype=_ROW_DTYPE)
        )
        for dtype, names in _ROWS:
            for name in names:
                out[name] = rows[name].astype(dtype)  # a native-order, contiguous copy
        order = np.lexsort((out["call"], out["session"]))
        out = {name: col[order] for name, col in out.items()}
        if self.traces is not None:
            self.traces = [self.traces[i] for i in order.tolist()]
        page_session = (
            np.frombuffer(self.page_session, dtype=np.int64)
            if self.page_session
            else np.zeros(0, dtype=np.int64)
        )
        page_ms = (
            np.frombuffer(self.page_ms, dtype=np.float64)
            if self.page_ms
            else np.zeros(0, dtype=np.float64)
        )
        page_order = np.argsort(page_session, kind="stable")
        out["page_session"] = page_session[page_order].copy()
        out["page_ms"] = page_ms[page_order].copy()
        out["kv_stale"] = np.array(self.kv_stale, dtype=np.bool_)
        out["kv_age_s"] = np.array(self.kv_age_s, dtype=np.float64)
        out["do_pop"] = np.array(self.do_pop, dtype=np.int64)
        out["do_home"] = np.array(self.do_home, dtype=np.int64)
        out["do_ms"] = np.array(self.do_ms, dtype=np.float64)
        out["do_binding"] = np.array(self.do_binding, dtype=np.int64)
        out["do_bindings"] = list(self.bindings)
        return out


def token_headers(traffic: Traffic) -> list[Headers]:
    """Each token's headers as the core's ``Headers``, made once per run (a request copies them
    natively, so one object serves every request that carries the token)."""
    return [Headers(h) for h in traffic.headers]


def session_rng(seed: int, session: int) -> random.Random:
    """The random stream of one session's network draws (jitter, DNS): its own, so that what
    happens to one user does not depend on how other users' events interleave (one process
    or several give the same draws), and the same in every deployment (common random
    numbers: differences between deployments are the deployments', not the dice's)."""
    return random.Random((seed & 0xFFFFFFFF) << 32 | session)


class _Session:
    """One user's visit: pages of sequential calls with think time between pages.

    Routed once (anycast sends a user to the same PoP for the whole visit: the client's
    anycast draw is its own), with its tokens and think times read out of the traffic's
    arrays up front."""

    __slots__ = (
        "call", "calls", "client", "headers", "i", "net", "page", "page_start", "pop", "rec",
        "rng", "think", "tokens", "tr", "urls",
    )  # fmt: skip

    def __init__(
        self,
        i: int,
        client: Client,
        net: Network,
        tr: Traffic,
        rec: _Recorder,
        urls: list[str],
        headers: list[Headers],
        seed: int,
    ) -> None:
        self.i = i
        self.client = client
        self.net = net
        self.tr = tr
        self.rec = rec
        self.urls = urls
        self.page = 0
        self.call = 0
        self.calls = len(tr.page)
        self.page_start = 0.0
        self.pop = net.router.route_client(client).code
        self.rng = session_rng(seed, i)
        self.tokens = tr.token[i].tolist()
        self.think = tr.think_s[i].tolist()
        self.headers = headers

    def start_page(self) -> None:
        self.call = 0
        self.page_start = self.net.now()
        self.send()

    def send(self) -> None:
        call = self.call
        self.net.submit(
            self.urls[call],
            client=self.client,
            headers=self.headers[self.tokens[self.page * self.calls + call]],
            pop=self.pop,
            on_done=self.done,
            rng=self.rng,
        )

    def done(self, response: EdgeResponse) -> None:
        self.rec.request(self.i, self.page * self.calls + self.call, response)
        self.call += 1
        if self.call < self.calls:
            self.send()
            return
        net = self.net
        now = net.now()
        self.rec.page_session.append(self.i)
        self.rec.page_ms.append((now - self.page_start) * 1000.0)
        self.page += 1
        if self.page < self.tr.pages:
            net.at(now + self.think[self.page], self.start_page)


def _cache_metrics(net: Network) -> dict[str, dict[str, int]]:
    """Per-PoP cache counters, when the network has per-PoP caches."""
    getter = getattr(net, "cache_store", None) or getattr(net, "cache", None)
    out: dict[str, dict[str, int]] = {}
    if not callable(getter):
        return out
    for p in net.pops:
        try:
            store = getter(p.code)
        except Exception:
            return {}
        metrics = getattr(store, "metrics", None)
        if store is not None and callable(metrics):
            out[p.code] = {k: int(v) for k, v in sorted(metrics().items())}
    return out


@single_threaded_blas
def run_deployment(
    scenario: Scenario,
    deployment: DeploymentSpec,
    traffic: Traffic,
    population: Population,
    progress: Progress | None = None,
    network: Network | None = None,
    keep_traces: bool = False,
    sessions: npt.NDArray[np.int64] | None = None,
    release: tuple[ReleaseSpec, StrategySpec] | None = None,
    headers: list[Headers] | None = None,
) -> DeploymentRun:
    """Runs every session of ``traffic`` (or only ``sessions``, indices) through the
    deployment's network, to the end. ``release``: a new version released during the run with
    one of its strategies (:mod:`edgert.sim.releases`). ``headers``: the traffic's
    :func:`token_headers`, when the caller made them already (one run per group of PoPs)."""
    net = network if network is not None else build_network(scenario, deployment)
    pops = [p.code for p in net.pops]
    rec = _Recorder(pops, keep_traces)
    started: list[Any] = []
    if release is not None:
        rec.versions = {}
        _schedule_release(scenario, net, release, started)
    base = f"https://{scenario.traffic.host}"
    urls = [base + path for path in traffic.page]
    if headers is None:
        headers = token_headers(traffic)
    users = traffic.users
    seed = scenario.seed

    def start(i: int) -> Callable[[], None]:
        def begin() -> None:
            client = population.client(users, i)
            _Session(i, client, net, traffic, rec, urls, headers, seed).start_page()

        return begin

    # Sessions are created when they start (not all up front): memory follows the sessions
    # in flight, not the whole run.
    chosen = range(traffic.sessions) if sessions is None else (int(i) for i in sessions)
    starts = traffic.start_s.tolist()
    for i in chosen:
        net.at(START + starts[i], start(i))
    writes = 0
    ns_name = scenario.traffic.kv_write_namespace
    if len(traffic.kv_writes_s) and ns_name is not None:
        kv = net.kv(ns_name)
        key = scenario.traffic.kv_write_key

        def writer(n: int) -> Callable[[], None]:
            def write() -> None:
                kv.put(key, f'{{"version":{n}}}')

            return write

        for n, w in enumerate(traffic.kv_writes_s):
            net.at(START + float(w), writer(n))
            writes += 1
    # What exists now (cities, routing grids, cores, the scheduled sessions) lives for the
    # whole run: out of the garbage collector's sight, so that its full collections scan only
    # what the run itself allocates. (No gc.collect() first: on this heap it costs ~1 s.)
    gc.freeze()
    try:
        if release is not None:
            # A deployment still in progress when the traffic ends keeps its timers: run to
            # the end of the traffic, then hold it (an event says so) and let requests finish.
            net.run(until=START + scenario.duration_s + scenario.drain_s)
            for d in started:
                if d.status == "in_progress":
                    d.pause("the simulation ended")
            net.run()
        elif progress is None:
            net.run()
        else:
            # Run in slices of virtual time to report progress by requests completed.
            end = START + scenario.duration_s + scenario.drain_s
            slice_s = max(1.0, (end - START) / 200)
            t = START
            reported = 0
            while t < end:
                t += slice_s
                net.run(until=t)
                n = len(rec)
                if n - reported >= 1000 or t >= end:
                    progress(n - reported)
                    reported = n
            net.run()
            progress(len(rec) - reported)
    finally:
        gc.unfreeze()
    release_run = None
    if rec.versions is not None:
        ints = np.array(rec.rel_ints, dtype=np.int64).reshape(-1, 4)
        release_run = ReleaseRun(
            finished=np.array(rec.rel_finished, dtype=np.float64),
            session=ints[:, 0].copy(),
            pop=ints[:, 1].copy(),
            status=ints[:, 2].copy(),
            version=ints[:, 3].copy(),
            versions=[v or "" for v in rec.versions],
            deployment=started[0] if started else None,
        )
    return DeploymentRun(
        name=deployment.name,
        pops=pops,
        **rec.columns(),
        cache=_cache_metrics(net),
        kv_writes=writes,
        traces=rec.traces or [],
        release=release_run,
    )


def _schedule_release(
    scenario: Scenario,
    net: Network,
    release: tuple[ReleaseSpec, StrategySpec],
    started: list[Any],
) -> None:
    """At the release's time: upload its version and deploy it with the strategy (and the
    release's gate when the strategy uses it)."""
    from edgert.deploy import HealthGate, Immediate, Percentage, Strategy, Waves

    spec, how = release
    worker = release_worker(scenario, spec.script)  # loaded now: a broken script fails early
    strategy: Strategy
    if how.kind == "immediate":
        strategy = Immediate(bake_s=how.bake_s)
    elif how.kind == "percentage":
        strategy = Percentage(how.steps, bake_s=how.bake_s)
    else:
        strategy = Waves(*how.waves, bake_s=how.bake_s, steps=how.steps)
    g = spec.gate
    gate = (
        HealthGate(
            max_error_rate=g.max_error_rate,
            max_exceeded_rate=g.max_exceeded_rate,
            max_cpu_p99_ratio=g.max_cpu_p99_ratio,
            max_latency_p99_ratio=g.max_latency_p99_ratio,
            min_requests=g.min_requests,
            check_interval_s=g.check_interval_s,
        )
        if g is not None and how.gate
        else None
    )

    def go() -> None:
        version = net.upload_version("app", worker, tag=spec.tag, message=spec.message)
        started.append(net.deploy("app", version, strategy=strategy, gate=gate))

    net.at(START + spec.at_s, go)
