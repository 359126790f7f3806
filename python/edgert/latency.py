"""The latency model: how long bytes take between two places, and what a request costs, by phase.


Theory of operation
-------------------
- **Propagation.** By default (``paths="hubs"``) a path follows how the Internet is built: over
  a graph of interconnection hubs and cable landing points joined by the submarine cables and
  terrestrial fibre between them, with stretches and a per-hub cost fitted on measured round
  trips (:mod:`edgert.backbone`, ``scripts/fit_latency.py``; median error 7 % on the 45 AWS
  inter-region pairs, 8 % leave-one-out). With ``paths="great-circle"`` (the earlier model) the
  round trip is ``2 x great-circle distance x stretch / v_fiber`` with ``v_fiber`` = 204 km/ms
  (light in silica fibre) and a *stretch* (path inflation) of 2.1 on public-Internet legs and 1.4
  on a CDN's private backbone (Bozkurt et al. 2018).
- **Access.** Each end adds the round-trip time of its access network: a log-normal draw around a
  median that depends on the kind of line (fixed ~10 ms, mobile ~35 ms, a data centre or a PoP ~0.5
  ms). A client keeps its draw (its line does not change between requests); pass ``rng=None`` for
  the median.
- **Jitter.** Each round trip of a request adds an exponential queueing delay whose mean grows with
  the RTT (``jitter_floor_ms + jitter_fraction x RTT``); none without an ``rng``.
- **Handshakes.** A new TCP connection costs 1 RTT; TLS 1.3 1 RTT (0 on resumption with early data),
  TLS 1.2 2 RTT (1 on resumption); QUIC (HTTP/3) does transport and TLS 1.3 in 1 RTT (0 with 0-RTT
  resumption). A reused connection costs nothing. PoP-to-origin connections are pooled and warm by
  default (the host decides; :meth:`LatencyModel.exchange` takes ``connection="reused"``).
- **Request and transfer.** The request and the first flight of the response take 1 RTT plus the
  server's time; the rest of the response is paced by TCP slow start from the congestion window
  (IW10 on a new connection, RFC 6928), doubling each round trip until the window covers the
  bandwidth-delay product, plus serialisation at the access bandwidth.

Every constant is a field of :class:`LatencyParams` (frozen; override with ``dataclasses.replace``
or keyword arguments), documented with its source in ``docs/network.md``. Randomness only comes from
the ``rng`` passed in (``random.Random`` or ``numpy.random.Generator``): the same seed gives the
same latencies, and no global random state is touched.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, field
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from edgert.backbone import default_backbone
from edgert.errors import ConfigError
from edgert.geodesy import SPEED_OF_LIGHT_KM_PER_MS, great_circle_km, great_circle_km_array

__all__ = [
    "AccessType",
    "Connection",
    "EdgeTiming",
    "HttpProtocol",
    "LatencyModel",
    "LatencyParams",
    "Located",
    "PathKind",
    "PathModel",
    "Phases",
    "Rng",
    "TlsVersion",
    "handshake_rtts",
    "slow_start_rounds",
]

AccessType = Literal["fixed", "mobile", "datacenter"]
PathKind = Literal["internet", "backbone"]
PathModel = Literal["hubs", "great-circle"]
TlsVersion = Literal["1.2", "1.3", "none"]
HttpProtocol = Literal["HTTP/1.1", "HTTP/2", "HTTP/3"]
Connection = Literal["new", "resumed", "reused"]
Rng = random.Random | np.random.Generator

ACCESS_TYPES: tuple[str, ...] = ("fixed", "mobile", "datacenter")


class Located(Protocol):
    """Anything with a position in degrees: a :class:`~edgert.pops.Pop`, a client, an origin."""

    @property
    def latitude(self) -> float: ...

    @property
    def longitude(self) -> float: ...


@dataclass(frozen=True, slots=True)
class LatencyParams:
    """Every constant of the latency model (see ``docs/network.md`` for each source)."""

    #: Speed of light in standard single-mode fibre: c / 1.468 (group index of ITU-T G.652 fibre at
    #: 1550 nm) = 204 km/ms.
    fiber_km_per_ms: float = 204.0
    #: How propagation is modelled: ``"hubs"``, over the fitted graph of hubs and cables
    #: (:mod:`edgert.backbone`, both kinds of path), or ``"great-circle"`` times a stretch.
    paths: str = "hubs"
    #: ``paths="great-circle"`` only: path inflation of public-Internet routes over the great
    #: circle (Bozkurt et al. 2018).
    internet_stretch: float = 2.1
    #: ``paths="great-circle"`` only: path inflation on a CDN's private backbone (conduit-level
    #: shortest paths are ~1.3x, Bozkurt et al. 2018; 1.4 leaves room for the backbone's own
    #: detours).
    backbone_stretch: float = 1.4
    #: Median access-network round trip of a fixed-line client (cable, DSL, fibre), in ms.
    fixed_access_ms: float = 10.0
    #: Median access-network round trip of a mobile (4G/5G) client, in ms.
    mobile_access_ms: float = 35.0
    #: Round trip inside a data centre or a PoP (host to border router), in ms.
    datacenter_access_ms: float = 0.5
    #: Shape (sigma of the underlying normal) of the log-normal spread of access latency.
    access_sigma: float = 0.5
    #: Mean queueing jitter added to every round trip: a floor in ms ...
    jitter_floor_ms: float = 0.5
    #: ... plus this fraction of the round trip.
    jitter_fraction: float = 0.02
    #: TCP maximum segment size: a 1500-byte Ethernet MTU less 40 bytes of IPv4 and TCP headers.
    mss_bytes: int = 1460
    #: Initial congestion window of a new connection, in segments (RFC 6928).
    initial_window_segments: int = 10
    #: Congestion window of a warm, pooled connection (PoP to origin), in segments.
    warm_window_segments: int = 1000
    #: Access bandwidth of a fixed-line client, in Mbit/s.
    fixed_bandwidth_mbps: float = 100.0
    #: Access bandwidth of a mobile client, in Mbit/s.
    mobile_bandwidth_mbps: float = 30.0
    #: Bandwidth of a data-centre host or a PoP, in Mbit/s.
    datacenter_bandwidth_mbps: float = 10_000.0
    #: Round trip from a client's recursive resolver to the authoritative DNS server (an anycast CDN
    #: name server near the resolver), on a cache miss, in ms.
    dns_authoritative_rtt_ms: float = 10.0

    def __post_init__(self) -> None:
        positive = (
            "fiber_km_per_ms",
            "internet_stretch",
            "backbone_stretch",
            "mss_bytes",
            "initial_window_segments",
            "warm_window_segments",
            "fixed_bandwidth_mbps",
            "mobile_bandwidth_mbps",
            "datacenter_bandwidth_mbps",
        )
        for name in positive:
            if not getattr(self, name) > 0:
                raise ConfigError(f"LatencyParams.{name} must be positive")
        if self.paths not in ("hubs", "great-circle"):
            raise ConfigError(f"LatencyParams.paths: {self.paths!r}: 'hubs' or 'great-circle'")
        for name, value in asdict(self).items():
            if name != "paths" and name not in positive and not value >= 0:
                raise ConfigError(f"LatencyParams.{name} must not be negative")

    def stretch(self, path: PathKind) -> float:
        """The path inflation of a kind of path."""
        if path == "internet":
            return self.internet_stretch
        if path == "backbone":
            return self.backbone_stretch
        raise ConfigError(f"unknown path kind {path!r}: 'internet' or 'backbone'")

    def access_median_ms(self, access: str) -> float:
        """The median access round trip of a kind of line."""
        if access == "fixed":
            return self.fixed_access_ms
        if access == "mobile":
            return self.mobile_access_ms
        if access == "datacenter":
            return self.datacenter_access_ms
        raise ConfigError(f"unknown access type {access!r}: one of {', '.join(ACCESS_TYPES)}")

    def bandwidth_mbps(self, access: str) -> float:
        """The access bandwidth of a kind of line."""
        if access == "fixed":
            return self.fixed_bandwidth_mbps
        if access == "mobile":
            return self.mobile_bandwidth_mbps
        if access == "datacenter":
            return self.datacenter_bandwidth_mbps
        raise ConfigError(f"unknown access type {access!r}: one of {', '.join(ACCESS_TYPES)}")


@dataclass(frozen=True, slots=True)
class Phases:
    """The time one request spent in each phase on one leg, in ms (a trace shows these).

    ``connect_ms`` is the transport handshake (TCP, or QUIC's combined handshake), ``tls_ms`` the
    TLS handshake, ``request_ms`` the round trip that carries the request and the first flight of
    the response, ``server_ms`` the time the far end spent before answering, ``transfer_ms`` the
    rest of the response (slow-start round trips and serialisation).
    """

    dns_ms: float = 0.0
    connect_ms: float = 0.0
    tls_ms: float = 0.0
    request_ms: float = 0.0
    server_ms: float = 0.0
    transfer_ms: float = 0.0
    #: Congestion window (segments) the connection has after the response, for the next request on
    #: it.
    cwnd_segments: int = field(default=0, compare=False)

    @property
    def total_ms(self) -> float:
        """The whole leg, from the first DNS query to the last byte of the response."""
        return (
            self.dns_ms
            + self.connect_ms
            + self.tls_ms
            + self.request_ms
            + self.server_ms
            + self.transfer_ms
        )

    def as_dict(self) -> dict[str, float]:
        """The phases and the total, in ms, as a plain dict (for traces and JSON)."""
        return {
            "dns_ms": self.dns_ms,
            "connect_ms": self.connect_ms,
            "tls_ms": self.tls_ms,
            "request_ms": self.request_ms,
            "server_ms": self.server_ms,
            "transfer_ms": self.transfer_ms,
            "total_ms": self.total_ms,
        }


@dataclass(frozen=True, slots=True)
class EdgeTiming:
    """A request through a PoP: the client's leg and, when the PoP went to the origin, its leg.

    The legs are sequential: the client's phases up to the request, the PoP's own time (in
    ``client.server_ms``), the origin leg, then the response's transfer to the client.
    """

    client: Phases
    origin: Phases | None = None

    @property
    def total_ms(self) -> float:
        """The whole request as the client sees it."""
        return self.client.total_ms + (self.origin.total_ms if self.origin is not None else 0.0)

    @property
    def edge_only(self) -> bool:
        """True when the PoP answered without the origin."""
        return self.origin is None


def handshake_rtts(
    protocol: HttpProtocol = "HTTP/2",
    tls: TlsVersion = "1.3",
    connection: Connection = "new",
    *,
    early_data: bool = True,
) -> tuple[int, int]:
    """Round trips spent before a request can be sent: ``(transport, tls)``.

    - a ``"reused"`` connection: ``(0, 0)``;
    - TCP (HTTP/1.1, HTTP/2): 1 for the SYN / SYN-ACK (RFC 9293; the request follows the ACK), plus
      TLS 1.3: 1 for a full handshake, 0 on resumption with early data, 1 without (RFC 8446 section
      2); TLS 1.2: 2 for a full handshake, 1 for an abbreviated one on resumption (RFC 5246 section
      7.3); no TLS: 0;
    - QUIC (HTTP/3, RFC 9000/9001): 1 for the combined transport and TLS 1.3 handshake, 0 with 0-RTT
      resumption; counted as transport.
    """
    if connection not in ("new", "resumed", "reused"):
        raise ConfigError(f"unknown connection state {connection!r}: new, resumed or reused")
    if connection == "reused":
        return (0, 0)
    resumed = connection == "resumed"
    if protocol == "HTTP/3":
        if tls != "1.3":
            raise ConfigError("HTTP/3 runs over QUIC, which always uses TLS 1.3")
        return (0 if resumed and early_data else 1, 0)
    if protocol not in ("HTTP/1.1", "HTTP/2"):
        raise ConfigError(f"unknown protocol {protocol!r}: HTTP/1.1, HTTP/2 or HTTP/3")
    if tls == "1.3":
        return (1, 0 if resumed and early_data else 1)
    if tls == "1.2":
        return (1, 1 if resumed else 2)
    if tls == "none":
        return (1, 0)
    raise ConfigError(f"unknown TLS version {tls!r}: '1.2', '1.3' or 'none'")


def slow_start_rounds(
    size_bytes: int, cwnd_segments: int, mss_bytes: int, bdp_bytes: float
) -> tuple[int, int]:
    """Extra round trips TCP slow start needs to deliver a response, and the window afterwards.

    The first window of segments leaves with the request's round trip; each further round doubles
    the window (RFC 5681, no loss) until the window covers the bandwidth-delay product, after which
    the link, not the window, is the limit (that time is serialisation, counted separately).
    """
    segments = -(-max(0, size_bytes) // mss_bytes)
    window = max(1, cwnd_segments)
    sent = min(window, segments)
    rounds = 0
    while sent < segments and window * mss_bytes < bdp_bytes:
        window *= 2
        sent += window
        rounds += 1
    # In slow start each acknowledged segment opens the window by one (RFC 5681 section 3.1).
    return rounds, max(1, cwnd_segments) + segments


#: Pairs of positions whose minimum RTT a :class:`LatencyModel` keeps.
_MIN_RTT_CACHE = 1 << 16


def _normal(rng: Rng) -> float:
    if isinstance(rng, random.Random):
        return rng.gauss(0.0, 1.0)
    return float(rng.standard_normal())


def _exponential(rng: Rng, mean: float) -> float:
    if mean <= 0:
        return 0.0
    if isinstance(rng, random.Random):
        return rng.expovariate(1.0 / mean)
    return float(rng.exponential(mean))


class LatencyModel:
    """The latency model with one set of :class:`LatencyParams`.

    Methods that take an ``rng`` draw from it (and only from it); with ``rng=None`` they return the
    deterministic central value (median access, no jitter).
    """

    __slots__ = ("_min_rtts", "params")

    def __init__(self, params: LatencyParams | None = None) -> None:
        self.params = params if params is not None else LatencyParams()
        self._min_rtts: dict[tuple[float, float, float, float], float] = {}

    # -- propagation -------------------------------------------------------------------------

    def propagation_rtt_ms(self, distance_km: float, path: PathKind = "internet") -> float:
        """Round-trip propagation over ``distance_km`` of great circle at the stretch of a kind of
        path (the ``great-circle`` model; with ``hubs`` use :meth:`min_rtt_ms`)."""
        return 2.0 * distance_km * self.params.stretch(path) / self.params.fiber_km_per_ms

    def min_rtt_ms(self, a: Located, b: Located, path: PathKind = "internet") -> float:
        """The minimum modelled RTT between two places: propagation only (no access, no jitter).

        With ``paths="hubs"`` both kinds of path follow the fitted hub graph (the measurements it
        was fitted on are a cloud's own inter-region paths; nothing in them separates a private
        backbone from the public Internet); results are cached per pair of positions.
        """
        if self.params.paths == "great-circle":
            d = great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude)
            return self.propagation_rtt_ms(d, path)
        self.params.stretch(path)  # validates the kind
        key = (a.latitude, a.longitude, b.latitude, b.longitude)
        rtt = self._min_rtts.get(key)
        if rtt is None:
            if len(self._min_rtts) >= _MIN_RTT_CACHE:  # pure values: a bounded cache
                self._min_rtts.clear()
            bb = default_backbone(self.params.fiber_km_per_ms)
            rtt = self._min_rtts[key] = bb.rtt_ms(*key)
        return rtt

    def min_rtt_ms_array(
        self,
        lat1: npt.ArrayLike,
        lon1: npt.ArrayLike,
        lat2: npt.ArrayLike,
        lon2: npt.ArrayLike,
        path: PathKind = "internet",
    ) -> npt.NDArray[np.float64]:
        """Vectorised :meth:`min_rtt_ms` over arrays of coordinates (they broadcast)."""
        if self.params.paths == "hubs":
            self.params.stretch(path)
            return default_backbone(self.params.fiber_km_per_ms).rtt_ms_array(
                lat1, lon1, lat2, lon2
            )
        d = great_circle_km_array(lat1, lon1, lat2, lon2)
        return np.asarray(2.0 * d * self.params.stretch(path) / self.params.fiber_km_per_ms)

    @staticmethod
    def vacuum_rtt_ms(a: Located, b: Located) -> float:
        """The RTT light in vacuum would take along the great circle (the "c-latency" x 2)."""
        d = great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude)
        return 2.0 * d / SPEED_OF_LIGHT_KM_PER_MS

    # -- access and jitter -------------------------------------------------------------------

    def access_rtt_ms(self, access: AccessType | str, rng: Rng | None = None) -> float:
        """The access-network round trip of one end: the median, or a log-normal draw from
        ``rng``."""
        median = self.params.access_median_ms(access)
        if rng is None or median == 0:
            return median
        return median * math.exp(self.params.access_sigma * _normal(rng))

    def access_rtt_ms_array(
        self, access: AccessType | str, rng: np.random.Generator, n: int
    ) -> npt.NDArray[np.float64]:
        """``n`` log-normal access draws at once (for populations of simulated clients)."""
        median = self.params.access_median_ms(access)
        return np.asarray(median * np.exp(self.params.access_sigma * rng.standard_normal(n)))

    def jitter_ms(self, rtt_ms: float, rng: Rng | None = None) -> float:
        """Queueing delay added to one round trip of ``rtt_ms``: exponential, 0 without ``rng``."""
        if rng is None:
            return 0.0
        mean = self.params.jitter_floor_ms + self.params.jitter_fraction * rtt_ms
        return _exponential(rng, mean)

    def rtt_ms(
        self,
        a: Located,
        b: Located,
        *,
        path: PathKind = "internet",
        access_a: AccessType | str | float = "fixed",
        access_b: AccessType | str | float = "datacenter",
        rng: Rng | None = None,
    ) -> float:
        """Base RTT between two places: propagation plus the access round trip at each end.

        An access may be a kind of line (drawn from ``rng``, or its median) or a number of ms (a
        client's own draw, kept across requests). Jitter is per round trip: see :meth:`jitter_ms`.
        """
        rtt = self.min_rtt_ms(a, b, path)
        for access in (access_a, access_b):
            if isinstance(access, int | float):
                rtt += float(access)
            else:
                rtt += self.access_rtt_ms(access, rng)
        return rtt

    # -- a request on one leg ----------------------------------------------------------------

    def dns_ms(
        self, access_rtt_ms: float, *, cached: bool = False, rng: Rng | None = None
    ) -> float:
        """A DNS lookup by a client whose access round trip is ``access_rtt_ms``.

        The recursive resolver is in (or just past) the client's access network, so asking it costs
        the access round trip; on a resolver cache miss it asks the authoritative server
        (``dns_authoritative_rtt_ms``). A lookup answered from the client's own cache costs 0.
        """
        if cached:
            return 0.0
        t = access_rtt_ms + self.jitter_ms(access_rtt_ms, rng)
        return t + self.params.dns_authoritative_rtt_ms

    def transfer_ms(
        self,
        size_bytes: int,
        rtt_ms: float,
        *,
        bandwidth_mbps: float,
        cwnd_segments: int,
        rng: Rng | None = None,
    ) -> tuple[float, int]:
        """Time to deliver a response of ``size_bytes`` after its first flight, and the new window.

        Slow-start round trips (see :func:`slow_start_rounds`), each with its own jitter, plus
        serialisation of the whole body at ``bandwidth_mbps``.
        """
        kbit_per_ms = bandwidth_mbps * 1000.0
        bdp_bytes = rtt_ms * kbit_per_ms / 8.0
        # slow_start_rounds, spelled out (this runs once per simulated request; conditional
        # expressions for its max() and min(), which cost a keyword-parsing call each).
        mss = self.params.mss_bytes
        segments = -(-size_bytes // mss) if size_bytes > 0 else 0
        initial = cwnd_segments if cwnd_segments > 1 else 1
        window = initial
        sent = window if window < segments else segments
        t = size_bytes * 8.0 / kbit_per_ms
        while sent < segments and window * mss < bdp_bytes:
            window *= 2
            sent += window
            t += rtt_ms + self.jitter_ms(rtt_ms, rng)
        return t, initial + segments

    def exchange(
        self,
        rtt_ms: float,
        *,
        protocol: HttpProtocol = "HTTP/2",
        tls: TlsVersion = "1.3",
        connection: Connection = "new",
        early_data: bool = True,
        response_bytes: int = 0,
        bandwidth_mbps: float | None = None,
        cwnd_segments: int | None = None,
        server_ms: float = 0.0,
        dns_ms: float = 0.0,
        rng: Rng | None = None,
    ) -> Phases:
        """One request and its response on a leg whose base RTT is ``rtt_ms``, phase by phase.

        ``connection`` is ``"new"`` (full handshakes), ``"resumed"`` (new transport, TLS session
        resumption) or ``"reused"`` (an open connection: no handshake). The response window starts
        at IW10 on a new or resumed connection and at ``warm_window_segments`` on a reused one
        unless ``cwnd_segments`` says otherwise; ``bandwidth_mbps`` defaults to a fixed line's.
        ``server_ms`` (the far end's processing) and ``dns_ms`` (see :meth:`dns_ms`) are passed
        through into the breakdown.
        """
        transport, tls_rtts = handshake_rtts(protocol, tls, connection, early_data=early_data)
        p = self.params
        # Plain loops (the same draws, in the same order, as summing a generator of round
        # trips): this runs once per simulated request.
        jitter = self.jitter_ms
        connect = 0.0
        for _ in range(transport):
            connect += rtt_ms + jitter(rtt_ms, rng)
        handshake = 0.0
        for _ in range(tls_rtts):
            handshake += rtt_ms + jitter(rtt_ms, rng)
        request = rtt_ms + jitter(rtt_ms, rng)
        if cwnd_segments is None:
            cwnd_segments = (
                p.warm_window_segments if connection == "reused" else p.initial_window_segments
            )
        bandwidth = bandwidth_mbps if bandwidth_mbps is not None else p.fixed_bandwidth_mbps
        transfer, window = self.transfer_ms(
            response_bytes,
            rtt_ms,
            bandwidth_mbps=bandwidth,
            cwnd_segments=cwnd_segments,
            rng=rng,
        )
        return Phases(
            dns_ms=dns_ms,
            connect_ms=connect,
            tls_ms=handshake,
            request_ms=request,
            server_ms=server_ms,
            transfer_ms=transfer,
            cwnd_segments=window,
        )

    def via_pop(
        self,
        client: Located,
        pop: Located,
        origin: Located | None = None,
        *,
        client_access: AccessType | str | float | None = None,
        client_connection: Connection = "new",
        origin_connection: Connection = "reused",
        protocol: HttpProtocol = "HTTP/2",
        tls: TlsVersion = "1.3",
        dns_cached: bool = True,
        pop_ms: float = 0.0,
        origin_server_ms: float = 0.0,
        response_bytes: int = 0,
        origin_path: PathKind = "internet",
        rng: Rng | None = None,
    ) -> EdgeTiming:
        """A request from ``client`` answered at ``pop``, going on to ``origin`` if one is given.

        The client's leg runs over the public Internet with the client's access latency
        (``client_access``: a kind of line, or the client's own draw in ms; by default the
        client's ``access_ms`` if it has one, else a draw for its ``access`` type); the PoP spends
        ``pop_ms``; the PoP-to-origin leg runs on ``origin_path`` (public Internet by default: a
        CDN reaches a customer's origin from the PoP that took the request) over a pooled, warm
        connection unless ``origin_connection`` says otherwise, and the origin spends
        ``origin_server_ms``. Without ``rng``: medians and no jitter.
        """
        p = self.params
        kind = str(getattr(client, "access", "fixed"))
        if client_access is None:
            own = getattr(client, "access_ms", None)
            client_access = float(own) if own is not None else kind
        if isinstance(client_access, str):
            kind = client_access
            access = self.access_rtt_ms(client_access, rng)
        else:
            access = float(client_access)
        client_rtt = self.rtt_ms(
            client, pop, access_a=access, access_b=p.datacenter_access_ms, rng=rng
        )
        dns = self.dns_ms(access, cached=dns_cached, rng=rng)
        leg = self.exchange(
            client_rtt,
            protocol=protocol,
            tls=tls,
            connection=client_connection,
            response_bytes=response_bytes,
            bandwidth_mbps=p.bandwidth_mbps(kind),
            server_ms=pop_ms,
            dns_ms=dns,
            rng=rng,
        )
        if origin is None:
            return EdgeTiming(client=leg)
        origin_rtt = self.rtt_ms(
            pop,
            origin,
            path=origin_path,
            access_a=p.datacenter_access_ms,
            access_b=p.datacenter_access_ms,
            rng=rng,
        )
        upstream = self.exchange(
            origin_rtt,
            protocol="HTTP/2" if protocol == "HTTP/3" else protocol,
            tls=tls,
            connection=origin_connection,
            response_bytes=response_bytes,
            bandwidth_mbps=p.datacenter_bandwidth_mbps,
            server_ms=origin_server_ms,
            rng=rng,
        )
        return EdgeTiming(client=leg, origin=upstream)
