"""A request's path through the network, written once for both clocks and for the servers.

Theory of operation
-------------------
A request in flight is a :class:`~edgert.flight.Flight` (its trace, PoP, client, request and
route's worker, built by :meth:`Network._prepare` from the client's leg, or by a server). Its
path is a generator, :meth:`Pipeline.request`:

1. **The client's leg in**: the modelled DNS, handshakes and half the request round trip.
2. **At the PoP** (:meth:`Pipeline.at_pop`): the route's worker runs on the PoP's core (route
   auth, the worker's own cache use and subrequests happen inside it); with no worker, the PoP's
   HTTP cache answers or goes to the origin (:meth:`Pipeline.pass_through`).
3. **Subrequests** (:meth:`Pipeline.subrequest`): a worker's ``fetch()`` goes to the origin over
   the PoP-to-origin leg (:meth:`Pipeline.origin`) or to the Internet.
4. **The way back**: the charged worker CPU time (virtual time), half the request round trip,
   slow start and serialisation; then the response is delivered.

The generators never wait, sleep or call a core themselves: they *yield* what they need from
the outside world, and a driver performs it and sends the result back:

- a number: modelled network or service time, in seconds. The virtual-time driver waits that
  long on the simulator's clock; the real-time driver sleeps it only with ``emulate=True`` (the
  real clock already shows the origin's own time);
- an awaitable (an ``async`` handler's coroutine): the driver awaits it (or, under a virtual
  ``run()``, drives it in place) and sends back its result or throws its exception;
- :class:`RunWorker`: run the request on a core until it responds (begin, perform its
  operations, complete them, abort at the wall-clock limit); the driver sends back the response;
- :class:`SendHttp` (real time): an HTTP exchange on the loop's client;
- :class:`Background`: start another such generator on its own (a stale-while-revalidate
  revalidation) and continue at once.

Drivers: :mod:`edgert.pipeline_virtual` (events on the simulator's clock) and
:mod:`edgert.pipeline_realtime` (asyncio; the servers enter through :meth:`Network.begin_at`).
A worker's outbound fetches reach :meth:`Pipeline.subrequest` through the hosts
(:class:`~edgert.host.VirtualTimeHost`'s ``upstream``, :class:`~edgert.host.RealTimeHost`'s
``fetcher``).

Accounting differs by clock where the clocks differ: in virtual time the trace's phases are
read off the clock (``origin_ms`` is the time during which an origin request was outstanding);
in real time the network legs are modelled and the origin's and the worker's times measured.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from edgert._core import CacheStore, CoreWorker, Operation, Request, Response
from edgert.flight import PLAIN_RESULTS, Flight, bad_gateway, served
from edgert.latency import Phases
from edgert.origin import as_response
from edgert.pop_cache import PassThrough, pass_through, store_revalidation
from edgert.pops import Pop
from edgert.routes import Route, split_url
from edgert.trace import EdgeResponse

if TYPE_CHECKING:
    from edgert.network import Network

__all__ = ["PASS_THROUGH", "Background", "Call", "Pipeline", "RunWorker", "SendHttp"]


#: The field the worker runtime puts on a request it forwards to the origin after
#: ``ctx.passThroughOnException()`` (``rust/src/isolate/webapi/dispatch.js``); the fronts remove
#: it from clients' requests (``edgert.server.client_ip``).
PASS_THROUGH = "x-edgert-pass-through"


def _authority(url: str) -> str:
    """``host[:port]`` of an absolute URL (no credentials): its ``Host`` field."""
    rest = url.partition("://")[2]
    end = len(rest)
    for c in "/?#":
        i = rest.find(c)
        if i != -1 and i < end:
            end = i
    return rest[:end].rsplit("@", 1)[-1]


def _pass_through(request: Request) -> Request | None:
    """``request`` without :data:`PASS_THROUGH` when it carries it, else None."""
    if request.headers.get(PASS_THROUGH) is None:
        return None
    headers = [(k, v) for k, v in request.headers.items() if k.lower() != PASS_THROUGH]
    return Request(request.url, method=request.method, headers=headers, body=request.body)


def _host_from_url(request: Request) -> Request:
    """``request`` with its ``Host`` field (if it has one) set from its URL."""
    host = request.headers.get("host")
    if host is None:
        return request
    authority = _authority(request.url)
    if host == authority:
        return request
    headers = [(k, v) for k, v in request.headers.items() if k.lower() != "host"]
    headers.append(("host", authority))
    return Request(request.url, method=request.method, headers=headers, body=request.body)


class RunWorker:
    """Run ``flight``'s request on ``core`` until it responds; the driver sends back the
    :class:`Response` (the task's later steps, ``waitUntil`` work, go on without the pipeline).

    A plain class with slots rather than a frozen dataclass: one is made per request, and a
    frozen dataclass's ``__init__`` costs several times as much."""

    __slots__ = ("core", "flight")

    def __init__(self, core: CoreWorker, flight: Flight) -> None:
        self.core = core
        self.flight = flight


@dataclass(frozen=True, slots=True)
class SendHttp:
    """Real time: send ``request`` over HTTP (to ``url`` and with ``headers`` when given); the
    driver sends back the :class:`Response` or throws the error. ``trusted``: the destination
    is the configured origin (exempt from the egress policy, its redirects passed on; see
    :meth:`RealTimeHost.send <edgert.host.realtime.RealTimeHost.send>`)."""

    request: Request
    url: str | None = None
    headers: list[tuple[str, str]] | None = None
    trusted: bool = False


@dataclass(frozen=True, slots=True)
class Background:
    """Start ``steps`` (a generator of this protocol) on its own; the pipeline goes on at once."""

    steps: Generator[Any, Any, None]


#: What a pipeline generator yields (see the module docstring).
Call = float | RunWorker | SendHttp | Background | Awaitable[Any]
Steps = Generator[Any, Any, Response]


class Pipeline:
    """The request path of one :class:`~edgert.network.Network` (its configuration, cores,
    caches and stores stay on the network)."""

    def __init__(self, network: Network, now: Callable[[], float]) -> None:
        self.net = network
        self.virtual = network.clock == "virtual"
        #: The clock: the virtual host's, or the wall clock.
        self.now = now
        self._route_cache: dict[str, Route | None] = {}

    def route(self, url: str) -> Route | None:
        """The route of a URL, memoised (simulators send the same URLs again and again)."""
        try:
            return self._route_cache[url]
        except KeyError:
            pass
        if len(self._route_cache) >= 4096:
            self._route_cache.clear()
        route = self._route_cache[url] = self.net.routes.match(url)
        return route

    # -- the whole request: client, PoP, client -------------------------------------------------

    def request(self, flight: Flight) -> Generator[Any, Any, EdgeResponse]:
        """A client's request from its first DNS packet to the response's last byte.

        (The virtual-time driver runs a request to a worker from these same steps without the
        generator: :meth:`VirtualDriver.request <edgert.pipeline_virtual.VirtualDriver.request>`.)
        """
        began = 0.0 if self.virtual else time.perf_counter()  # real time measures wall_ms
        yield self.set_off(flight)
        flight.arrived = self.now()
        arrived = 0.0 if self.virtual else time.perf_counter()
        if flight.worker is not None:  # at_pop's worker branch, without a generator of its own
            response = yield self.run_worker(flight)
            if flight.deployment is not None:
                self.observe(flight, response)
        else:
            response = yield from self.at_pop(flight)
        yield self.respond(flight, response, arrived)
        return self.deliver(flight, response, began)

    def set_off(self, flight: Flight) -> float:
        """The request leaves the client: the seconds until it reaches the PoP (the modelled
        DNS lookup, handshakes and half the request's round trip)."""
        trace = flight.trace
        trace.started_at = self.now()
        return (trace.dns_ms + trace.connect_ms + trace.tls_ms + trace.request_ms / 2) / 1000.0

    def at_pop(self, flight: Flight) -> Steps:
        """The PoP's part: the route's worker, or the PoP's cache in front of the origin."""
        worker = flight.worker
        if worker is None:
            # A zero wait: in virtual time the cache's work runs on an event of its own, after
            # the events already due now.
            yield 0.0
            try:
                return (yield from self.pass_through(flight))
            except Exception as exc:
                return bad_gateway(f"origin failed: {exc}")
        response: Response = yield self.run_worker(flight)
        if flight.deployment is not None:
            self.observe(flight, response)
        return response

    def run_worker(self, flight: Flight) -> RunWorker:
        """The call that runs ``flight`` on its worker's core at its PoP (:meth:`core_for`)."""
        return RunWorker(self.core_for(flight), flight)

    def core_for(self, flight: Flight) -> CoreWorker:
        """The core that runs ``flight``'s worker at its PoP (created on the PoP's first request
        for that worker: a cold start). While a deployment splits the worker's traffic, it
        picks the version (:meth:`split_worker`)."""
        worker = flight.worker
        assert worker is not None
        net = self.net
        code = flight.pop.code
        counts = net._pop_requests
        counts[code] = counts.get(code, 0) + 1
        if net._splits and worker in net._splits:
            return self.split_worker(flight, worker)
        core = net._cores.get((code, worker))
        created = False
        if core is None:
            core, created = net._core(flight.pop, worker)
        trace = flight.trace
        trace.cold_start = created
        trace.version = net._live[worker]
        return core

    def split_worker(self, flight: Flight, worker: str) -> CoreWorker:
        """A request to a worker whose traffic a deployment splits: the deployment chooses
        the version (:meth:`edgert.deploy.Deployment.choose`); the other version's core at
        the PoP is its own (made on first use)."""
        net = self.net
        deployment = net._splits[worker]
        version = deployment.choose(flight.pop.code, flight.request.headers)
        if version is net.deployments.live[worker]:
            core, created = net._core(flight.pop, worker)
        else:
            core, created = net.deployments.core(flight.pop, worker, version)
        trace = flight.trace
        trace.cold_start = created
        trace.version = version.id
        flight.deployment = deployment
        flight.version = version
        if not flight.arrived:
            flight.arrived = self.now()
        return core

    def observe(self, flight: Flight, response: Response) -> None:
        """A split request's answer counts in its version's window (the deployment's gate)."""
        deployment = flight.deployment
        assert deployment is not None  # callers observe split requests only
        deployments = self.net.deployments
        if deployments.record_answers:
            deployments.answered(flight.pop.code, split_url(flight.request.url)[2], flight.version)
        if deployment.status not in ("in_progress", "paused"):
            return
        stats = response.stats
        outcome = stats.outcome if stats is not None else "ok"
        cpu = stats.cpu_ms if stats is not None else 0.0
        at_pop_ms = (self.now() - flight.arrived) * 1000.0
        deployment.observe(flight.version, response.status, outcome, cpu, at_pop_ms)

    # -- a request no worker handles: the PoP's cache, then the origin --------------------------

    def pass_through(self, flight: Flight) -> Steps:
        """Through the PoP's cache (if any) to the origin (see :func:`pop_cache.pass_through`)."""
        store = self.net._cache_of(flight.pop)
        if store is None:
            return (yield from self.origin(flight.request, flight.pop, flight))
        steps = pass_through(store, flight.request, self.now())
        try:
            call = next(steps)
            while True:
                try:
                    answer: Any = yield from self.origin(call.request, flight.pop, flight)
                except Exception as exc:
                    answer = exc
                call = steps.send((answer, self.now()))
        except StopIteration as stop:
            done: PassThrough = stop.value
        flight.trace.cache_status = done.cache_status
        if done.revalidate is not None:
            yield Background(self.revalidate(store, flight, done.revalidate))
        return done.response

    def revalidate(
        self, store: CacheStore, flight: Flight, request: Request
    ) -> Generator[Any, Any, None]:
        """A stale-while-revalidate revalidation, after the stale response went out."""
        sent_at = self.now()
        try:
            response = yield from self.origin(request, flight.pop, None)
        except Exception:
            return  # the stale copy stays; the next request revalidates again
        store_revalidation(store, flight.request, response, sent_at, self.now())

    # -- a worker's subrequests -----------------------------------------------------------------

    def subrequest(self, core: CoreWorker, op: Operation, flight: Flight | None) -> Steps:
        """A worker's outbound fetch: to the origin when it serves the host (or when the
        worker's runtime forwards its request after ``passThroughOnException()``: marked with
        :data:`PASS_THROUGH`), else the Internet. As on Workers, ``Host`` is the host of the
        URL being fetched, whatever ``Host`` field the worker copied into the request."""
        request = op.request
        assert request is not None
        net = self.net
        if net.dynamo is not None:
            region = net.dynamo.serves(split_url(request.url)[1])
            if region is not None:
                pop = flight.pop if flight is not None else net._core_pop[id(core)]
                return (yield from self.dynamo(request, region, pop))
        passed = _pass_through(request)
        if passed is not None or net.origin.serves(split_url(request.url)[1]):
            pop = flight.pop if flight is not None else net._core_pop[id(core)]
            if passed is not None:  # as if no worker ran
                return (yield from self.origin(passed, pop, flight, passed_through=True))
            return (yield from self.origin(request, pop, flight))
        if flight is not None and not flight.responded:
            flight.trace.subrequests += 1
        request = _host_from_url(request)
        if not self.virtual:
            response: Response = yield SendHttp(request)
            return response
        answer = net._internet(request)
        if inspect.isawaitable(answer):
            answer = yield answer
        response, latency = (
            answer if isinstance(answer, tuple) else (answer, net._internet_latency_s)
        )
        yield latency
        return as_response(response)

    def dynamo(self, request: Request, region: str, pop: Pop) -> Steps:
        """A worker's request to a DynamoDB endpoint, answered by the network's global tables
        (``edgert.dynamo``) at the region's replica, after the modelled leg from ``pop``: it
        never leaves the machine."""
        tables = self.net.dynamo
        assert tables is not None
        rtt_s = tables.rtt_ms(pop, region) / 1000.0
        yield rtt_s / 2
        _, host, target = split_url(request.url)
        headers = list(request.headers.items())
        if not any(k.lower() == "host" for k, _ in headers):
            headers.append(("host", host))  # on the wire, as fetch() sends it
        status, out, body = tables.handle(
            region, request.method, target, headers, request.body or b"", self.now()
        )
        yield tables.service_ms / 1000.0 + rtt_s / 2
        return Response(body, status=status, headers=out)

    # -- the PoP-to-origin leg ------------------------------------------------------------------

    def origin(
        self, request: Request, pop: Pop, flight: Flight | None, passed_through: bool = False
    ) -> Steps:
        """One exchange with the origin from ``pop``: the modelled leg there, the origin (a
        handler, or a URL in real time), the modelled leg back with the response's transfer.
        ``flight`` is None for the PoP's own requests (revalidations); ``passed_through``: a
        worker's request forwarded after ``passThroughOnException()`` (sent as if no worker
        ran)."""
        net = self.net
        origin = net.origin
        headers = self._forwarded(request, flight, passed_through)
        rng = net._rng if flight is None or flight.rng is None else flight.rng
        rtt, leg = net.legs.origin_leg(pop, rng)
        counted = self._origin_begin(flight, self.now())
        began = time.perf_counter()
        server_ms = transfer = 0.0
        try:
            yield (leg.connect_ms + leg.tls_ms + leg.request_ms / 2) / 1000.0
            sent_at = time.perf_counter()
            if origin.url is not None:  # real time only (checked by Network)
                target = split_url(request.url)[2]
                headers = [*headers, ("host", _authority(request.url))]
                response: Response = yield SendHttp(
                    request, origin.url + target, headers, trusted=True
                )
                wait_s = 0.0
            else:
                assert origin.handler is not None
                if request.headers.get("host") is not None:
                    headers = [*headers, ("host", _authority(request.url))]
                forwarded = Request(
                    request.url, method=request.method, headers=headers, body=request.body
                )
                result = origin.handler(forwarded)
                if not isinstance(result, PLAIN_RESULTS) and inspect.isawaitable(result):
                    result = yield result
                if isinstance(result, tuple):
                    result, service_s = result
                else:
                    service_s = origin.service_s(forwarded) if self.virtual else 0.0
                response = as_response(result)
                # Virtual time: the origin's service time passes now; real time: it has passed.
                wait_s = float(service_s) if self.virtual else 0.0
            server_ms = wait_s * 1000.0 if self.virtual else (time.perf_counter() - sent_at) * 1e3
            transfer = net.legs.origin_transfer_ms(response, rtt, rng)
            yield wait_s + (leg.request_ms / 2 + transfer) / 1000.0
            if self.virtual and counted and flight is not None:
                flight.trace.origin_legs.append(served(leg, server_ms, transfer))
            return response
        finally:
            if counted and flight is not None:
                self._origin_end(flight, leg, server_ms, transfer, began)

    def _forwarded(
        self, request: Request, flight: Flight | None, passed_through: bool = False
    ) -> list[tuple[str, str]]:
        """What the PoP sends on: the request's headers but ``Host`` (the caller sets it from
        the URL), plus ``cf-ray``, ``cf-ipcountry`` and ``x-forwarded-proto`` unless present.
        The client's address, as Workers documents it: a worker's subrequest carries
        ``CF-Connecting-IP`` from its ``X-Real-IP`` (which the worker may change); a request no
        worker handled loses ``X-Real-IP``."""
        headers = [(k, v) for k, v in request.headers.items() if k.lower() != "host"]
        if flight is None:
            return headers
        if passed_through or request is flight.request:
            headers = [(k, v) for k, v in headers if k.lower() != "x-real-ip"]
        else:
            real = [v for k, v in headers if k.lower() == "x-real-ip"]
            if real:
                headers = [(k, v) for k, v in headers if k.lower() != "cf-connecting-ip"]
                headers.append(("cf-connecting-ip", real[-1]))
        have = {k.lower() for k, _ in headers}
        extra = (
            ("cf-ray", flight.ray),
            ("cf-ipcountry", flight.client.country or "XX"),
            ("x-forwarded-proto", split_url(flight.request.url)[0]),
        )
        return headers + [(k, v) for k, v in extra if k not in have]

    def _origin_begin(self, flight: Flight | None, now: float) -> bool:
        """Counts an origin request of ``flight``; True when it is counted in the trace's
        ``origin_ms`` (started before the response)."""
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

    def _origin_end(
        self, flight: Flight, leg: Phases, server_ms: float, transfer: float, began: float
    ) -> None:
        flight.outstanding -= 1
        if self.virtual:
            # ``origin_ms``: the clock's time with at least one origin request outstanding.
            if flight.outstanding == 0 and not flight.responded:
                flight.trace.origin_ms += (self.now() - flight.busy_since) * 1000.0
            return
        # Real time: the PoP-to-origin network leg is modelled, the origin's time measured.
        done = served(leg, server_ms, transfer)
        flight.trace.origin_legs.append(done)
        flight.trace.origin_ms += done.total_ms
        flight.origin_wall_ms += (time.perf_counter() - began) * 1000.0

    # -- the way back ---------------------------------------------------------------------------

    def respond(self, flight: Flight, response: Response, arrived: float) -> float:
        """Closes the PoP's accounting when the response leaves it; returns the seconds its
        last byte takes to reach the client (real time: only what the trace models)."""
        trace = flight.trace
        if self.virtual:
            now = self.now()
            if flight.outstanding > 0:
                trace.origin_ms += (now - flight.busy_since) * 1000.0
            flight.responded = True
            self.to_client(flight, response, now)
            wait = (now - flight.arrived) * 1000.0 - trace.origin_ms - trace.kv_ms
            trace.wait_ms = wait if wait > 0.0 else 0.0  # max(0.0, wait), without the call
            return (trace.worker_ms + trace.request_ms / 2 + trace.transfer_ms) / 1000.0
        flight.responded = True
        at_pop_ms = (time.perf_counter() - arrived) * 1000.0
        self.to_client(flight, response)
        trace.wait_ms = max(
            0.0, at_pop_ms - flight.origin_wall_ms - trace.worker_cpu_ms - trace.kv_ms
        )
        return (trace.request_ms / 2 + trace.transfer_ms) / 1000.0

    def deliver(self, flight: Flight, response: Response, began: float) -> EdgeResponse:
        """The response's last byte reached the client."""
        trace = flight.trace
        trace.finished_at = self.now()
        if self.virtual:
            trace.wall_ms = (trace.finished_at - trace.started_at) * 1000.0
        else:
            trace.wall_ms = (time.perf_counter() - began) * 1000.0
        answer = EdgeResponse(response, trace)
        pending = flight.pending
        if pending is not None:
            pending.response = answer
            if pending.on_done is not None:
                pending.on_done(answer)
        return answer

    def to_client(self, flight: Flight, response: Response, now: float | None = None) -> None:
        """Closes the accounting of the PoP's part; sets the CPU charge and the way back."""
        net = self.net
        trace = flight.trace
        trace.status = response.status
        stats = response.stats
        net._kv.responded(flight, self.now() if now is None else now)
        if stats is not None:
            if stats.kv_reads:
                trace.kv_reads = net._kv.reads(flight.pop.code, stats.kv_reads)
            trace.worker_cpu_ms = stats.cpu_ms
            trace.outcome = stats.outcome
            trace.cold_start = trace.cold_start or stats.cold_start
        elif flight.worker is None:
            trace.outcome = "passthrough"
        cpu_time = net.cpu_time
        if cpu_time == "measured" or (cpu_time is None and not self.virtual):
            trace.worker_ms = trace.worker_cpu_ms * net.cpu_factor
        elif cpu_time is not None and flight.worker is not None:
            trace.worker_ms = float(cpu_time) * net.cpu_factor
        transfer, window = net.model.transfer_ms(
            len(response.body),
            flight.client_rtt_ms,
            bandwidth_mbps=flight.bandwidth_mbps,
            cwnd_segments=flight.cwnd_segments,
            rng=net._rng if flight.rng is None else flight.rng,
        )
        trace.transfer_ms = transfer
        conn = flight.conn
        if conn is None:
            conn = net.legs.connection(flight.client, flight.pop.code)
        conn.cwnd = window
