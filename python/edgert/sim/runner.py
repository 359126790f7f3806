"""Runs one deployment of a scenario on the network's virtual clock and records every request.

Each session is a small state machine on the virtual clock: it starts at its drawn time, sends
its page's calls one after the other (each call is sent when the previous response's last byte
has arrived: ``Network.submit(on_done=...)``), waits its think time, and loads its next page.
Every request runs the real worker in the PoP's isolate pool (``Network``'s virtual-time host);
KV, Durable Objects and caches are the network's own. The recorder keeps a few columns per
request (no traces are kept), so a million requests fit in a few hundred MB.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from edgert.geo import Client
from edgert.network import Network
from edgert.sim.deployments import START, build_network
from edgert.sim.population import Population
from edgert.sim.scenario import DeploymentSpec, Scenario
from edgert.sim.traffic import Traffic
from edgert.trace import EdgeResponse

__all__ = ["DeploymentRun", "run_deployment"]

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
    #: Per KV read: stale flag and age (s); per Durable Object call: caller PoP and latency.
    kv_stale: npt.NDArray[np.bool_]
    kv_age_s: npt.NDArray[np.float64]
    do_pop: npt.NDArray[np.int64]
    do_ms: npt.NDArray[np.float64]
    #: Per PoP: cache metrics when the network has caches (hits, misses, ...).
    cache: dict[str, dict[str, int]] = field(default_factory=dict)
    kv_writes: int = 0
    #: Every request's full trace, only when asked for (``keep_traces=True``; tests, debugging).
    traces: list[Any] = field(default_factory=list)


class _Recorder:
    """Columns appended to as responses arrive."""

    def __init__(self, pops: list[str], keep_traces: bool = False) -> None:
        self.traces: list[Any] | None = [] if keep_traces else None
        self.pop_index = {code: i for i, code in enumerate(pops)}
        self.rows: list[tuple[Any, ...]] = []
        self.pages: list[tuple[int, float]] = []
        self.kv: list[tuple[bool, float]] = []
        self.do: list[tuple[int, float]] = []

    def request(self, session: int, call: int, response: EdgeResponse) -> None:
        t = response.trace
        if self.traces is not None:
            self.traces.append(t)
        self.rows.append(
            (
                session,
                call,
                self.pop_index[t.pop],
                t.status,
                t.total_ms,
                t.origin_requests == 0,
                t.cold_start,
                t.connection != "reused",
                t.origin_requests,
                t.worker_ms,
                t.worker_cpu_ms,
                t.client_rtt_ms,
                t.origin_rtt_ms,
            )
        )
        for read in getattr(t, "kv_reads", ()):
            self.kv.append((bool(read.stale), float(read.age_s or 0.0)))
        for oc in getattr(t, "object_calls", ()):
            self.do.append((self.pop_index.get(oc.caller_pop, -1), float(oc.latency_ms)))


class _Session:
    """One user's visit: pages of sequential calls with think time between pages."""

    __slots__ = ("base", "call", "calls", "client", "i", "net", "page", "page_start", "rec", "tr")

    def __init__(
        self, i: int, client: Client, net: Network, tr: Traffic, rec: _Recorder, base: str
    ) -> None:
        self.i = i
        self.client = client
        self.net = net
        self.tr = tr
        self.rec = rec
        self.base = base
        self.page = 0
        self.call = 0
        self.calls = len(tr.page)
        self.page_start = 0.0

    def start_page(self) -> None:
        self.call = 0
        self.page_start = self.net.now()
        self.send()

    def send(self) -> None:
        tr = self.tr
        k = self.page * self.calls + self.call
        self.net.submit(
            self.base + tr.page[self.call],
            client=self.client,
            headers=tr.headers[int(tr.token[self.i, k])],
            on_done=self.done,
        )

    def done(self, response: EdgeResponse) -> None:
        self.rec.request(self.i, self.page * self.calls + self.call, response)
        self.call += 1
        if self.call < self.calls:
            self.send()
            return
        net = self.net
        self.rec.pages.append((self.i, (net.now() - self.page_start) * 1000.0))
        self.page += 1
        if self.page < self.tr.pages:
            net.at(net.now() + float(self.tr.think_s[self.i, self.page]), self.start_page)


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


def run_deployment(
    scenario: Scenario,
    deployment: DeploymentSpec,
    traffic: Traffic,
    population: Population,
    progress: Progress | None = None,
    network: Network | None = None,
    keep_traces: bool = False,
    sessions: npt.NDArray[np.int64] | None = None,
) -> DeploymentRun:
    """Runs every session of ``traffic`` (or only ``sessions``, indices) through the
    deployment's network, to the end."""
    net = network if network is not None else build_network(scenario, deployment)
    pops = [p.code for p in net.pops]
    rec = _Recorder(pops, keep_traces)
    base = f"https://{scenario.traffic.host}"
    users = traffic.users
    step = 1000
    done_count = [0]

    def starter(i: int) -> Callable[[], None]:
        def start() -> None:
            _Session(i, population.client(users, i), net, traffic, rec, base).start_page()

        return start

    # Sessions are created when they start (not all up front): memory follows the sessions
    # in flight, not the whole run.
    chosen = range(traffic.sessions) if sessions is None else (int(i) for i in sessions)
    for i in chosen:
        net.at(START + float(traffic.start_s[i]), starter(i))
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
    if progress is None:
        net.run()
    else:
        # Run in slices of virtual time to report progress by requests completed.
        end = START + scenario.duration_s + scenario.drain_s
        slice_s = max(1.0, (end - START) / 200)
        t = START
        while t < end:
            t += slice_s
            net.run(until=t)
            n = len(rec.rows)
            if n - done_count[0] >= step or t >= end:
                progress(n - done_count[0])
                done_count[0] = n
        net.run()
        progress(len(rec.rows) - done_count[0])
    cols = list(zip(*rec.rows, strict=True)) if rec.rows else [()] * 13

    def col(i: int, dtype: Any) -> Any:
        return np.array(cols[i], dtype=dtype)

    page_cols = list(zip(*rec.pages, strict=True)) if rec.pages else [(), ()]
    kv_cols = list(zip(*rec.kv, strict=True)) if rec.kv else [(), ()]
    do_cols = list(zip(*rec.do, strict=True)) if rec.do else [(), ()]
    return DeploymentRun(
        name=deployment.name,
        pops=pops,
        session=col(0, np.int64),
        call=col(1, np.int64),
        pop=col(2, np.int64),
        status=col(3, np.int64),
        total_ms=col(4, np.float64),
        edge_only=col(5, np.bool_),
        cold_start=col(6, np.bool_),
        new_connection=col(7, np.bool_),
        origin_requests=col(8, np.int64),
        charged_cpu_ms=col(9, np.float64),
        measured_cpu_ms=col(10, np.float64),
        client_rtt_ms=col(11, np.float64),
        origin_rtt_ms=col(12, np.float64),
        page_session=np.array(page_cols[0], dtype=np.int64),
        page_ms=np.array(page_cols[1], dtype=np.float64),
        kv_stale=np.array(kv_cols[0], dtype=np.bool_),
        kv_age_s=np.array(kv_cols[1], dtype=np.float64),
        do_pop=np.array(do_cols[0], dtype=np.int64),
        do_ms=np.array(do_cols[1], dtype=np.float64),
        cache=_cache_metrics(net),
        kv_writes=writes,
        traces=rec.traces or [],
    )
