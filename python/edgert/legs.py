"""The network legs of a request: a client's leg to its PoP and a PoP's leg to the origin.

:class:`Legs` owns the latency draws of both legs for one :class:`~edgert.network.Network`, and
what never changes on them:

- **The client's leg** (:meth:`Legs.client`, :meth:`Legs.client_request`): the fixed values of a
  (client, PoP) pair (base RTT, access RTT, bandwidth, jitter rate, the serialised
  ``request.cf``, the PoP's origin RTT: a :class:`ClientLeg`, computed on the pair's first
  request and kept in a bounded cache), the client's open connection to the PoP
  (:class:`OpenConnection`, never dropped), and the draws of one request on the leg: the DNS
  lookup, the handshakes of a new connection (TCP and TLS, or QUIC's), the round trip that
  carries the request.
- **The PoP-to-origin leg** (:meth:`Legs.origin`, :meth:`Legs.origin_rtt`,
  :meth:`Legs.origin_transfer_ms`): the base RTT per PoP (no random part: cached), one
  exchange's phases on the origin's pooled connections, and the time to carry the origin's
  response body back (slow start included).

Every draw takes the random stream it is given (a simulated user's own, or the network's shared
one) in a fixed order, so that the same seed gives the same legs. The network reads the legs
(:meth:`Network._prepare <edgert.network.Network._prepare>`); the pipeline draws the origin's
(:meth:`Pipeline.origin <edgert.pipeline.Pipeline.origin>`).
"""

from __future__ import annotations

import random
from math import log as _log
from typing import TYPE_CHECKING

from edgert.geo import Client, request_cf_json
from edgert.latency import (
    Connection,
    HttpProtocol,
    LatencyModel,
    Phases,
    TlsVersion,
    handshake_rtts,
)
from edgert.pops import Pop

if TYPE_CHECKING:
    from edgert._core import Response
    from edgert.origin import Origin

__all__ = ["ClientLeg", "Legs", "OpenConnection"]

_TLS_NAMES = {"1.3": "TLSv1.3", "1.2": "TLSv1.2", "none": ""}

#: Entries kept in the per-client caches of fixed values (propagation, ``request.cf``).
_CACHE_ENTRIES = 1 << 16


class OpenConnection:
    """A client's connection to a PoP: ``cwnd`` is its congestion window (segments) once a
    response has been sent on it (the connection is open), ``None`` before."""

    __slots__ = ("cwnd",)

    def __init__(self) -> None:
        self.cwnd: int | None = None


class ClientLeg:
    """What never changes on one client's leg to one PoP (computed on the pair's first request
    and kept in a bounded cache): the leg's base RTT and the client's access round trip (ms),
    its bandwidth, the rate of the exponential jitter of one round trip on it (``1 / mean``, 0
    for none), the serialised ``request.cf``, the PoP's origin RTT, and the client's connection
    to the PoP (the one object the network keeps for the pair)."""

    __slots__ = (
        "access_ms", "bandwidth_mbps", "cf", "conn", "jitter_rate", "origin_rtt_ms", "rtt_ms",
    )  # fmt: skip

    def __init__(
        self,
        rtt_ms: float,
        access_ms: float,
        bandwidth_mbps: float,
        jitter_rate: float,
        cf: str,
        origin_rtt_ms: float,
        conn: OpenConnection,
    ) -> None:
        self.rtt_ms = rtt_ms
        self.access_ms = access_ms
        self.bandwidth_mbps = bandwidth_mbps
        self.jitter_rate = jitter_rate
        self.cf = cf
        self.origin_rtt_ms = origin_rtt_ms
        self.conn = conn


class Legs:
    """The client and origin legs of one network (see the module docstring).

    ``model``: the latency model; ``protocol`` and ``tls``: the clients' connections (the
    origin's use HTTP/2 when clients use HTTP/3); ``origin``: where the origin is and how the
    PoPs connect to it; ``rng``: the network's shared random stream (draws given no stream of
    their own)."""

    __slots__ = (
        "_handshakes", "_legs", "_origin_rtts", "model", "open", "origin", "protocol", "rng",
        "tls",
    )  # fmt: skip

    def __init__(
        self,
        model: LatencyModel,
        protocol: HttpProtocol,
        tls: TlsVersion,
        origin: Origin,
        rng: random.Random,
    ) -> None:
        self.model = model
        self.protocol: HttpProtocol = protocol
        self.tls: TlsVersion = tls
        self.origin = origin
        self.rng = rng
        #: Each client's connection to each PoP it reached (never dropped: connections stay open).
        self.open: dict[tuple[Client, str], OpenConnection] = {}
        self._legs: dict[tuple[Client, str], ClientLeg] = {}
        self._origin_rtts: dict[str, float] = {}
        self._handshakes: dict[tuple[str, str, str], tuple[int, int]] = {}

    # -- the client's leg ------------------------------------------------------------------------

    def client(self, client: Client, where: Pop) -> ClientLeg:
        """The fixed values of ``client``'s leg to ``where`` (computed on the pair's first
        request, then one dictionary lookup)."""
        key = (client, where.code)
        leg = self._legs.get(key)
        if leg is None:
            leg = self._client_leg(client, where, key)
        return leg

    def _client_leg(self, client: Client, where: Pop, key: tuple[Client, str]) -> ClientLeg:
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
        cf = request_cf_json(
            client,
            where,
            http_protocol=self.protocol,
            tls_version=_TLS_NAMES.get(self.tls, ""),
            client_tcp_rtt_ms=rtt,
        )
        conn = self.open.get(key)
        if conn is None:
            conn = self.open[key] = OpenConnection()
        leg = self._legs[key] = ClientLeg(
            rtt_ms=rtt,
            access_ms=access,
            bandwidth_mbps=p.bandwidth_mbps(client.access),
            jitter_rate=0.0 if mean <= 0 else 1.0 / mean,
            cf=cf,
            origin_rtt_ms=self.origin_rtt(where),
            conn=conn,
        )
        return leg

    def client_request(
        self, client: Client, where: Pop, cached: bool, rng: random.Random
    ) -> tuple[ClientLeg, Connection, float, float, float, float]:
        """One request of ``client`` to ``where``: the leg (:meth:`client`), the request's
        connection ("new" or "reused"), then its draws on the leg: the DNS lookup (``cached``:
        the client has the name), the transport and TLS handshakes and the round trip that
        carries the request, in ms. (One call per simulated request: the leg's lookup is
        spelled out here rather than a call of :meth:`client`.)"""
        key = (client, where.code)
        leg = self._legs.get(key)
        if leg is None:
            leg = self._client_leg(client, where, key)
        model = self.model
        rtt = leg.rtt_ms
        connection: Connection = "new" if leg.conn.cwnd is None else "reused"
        if type(model) is LatencyModel and type(rng) is random.Random:
            # LatencyModel.dns_ms and .exchange on this leg, spelled out (the same draws in the
            # same order, the same sums): an empty response has no slow-start rounds to draw.
            dns = 0.0 if cached else model.dns_ms(leg.access_ms, cached=False, rng=rng)
            shape = (self.protocol, self.tls, connection)
            rtts = self._handshakes.get(shape)
            if rtts is None:
                rtts = self._handshakes[shape] = handshake_rtts(*shape)
            rate = leg.jitter_rate
            connect = handshake = 0.0
            if rate:
                # random.expovariate(rate), spelled out: -log(1.0 - random()) / rate, the
                # same expression on the same draw (Python 3.11-3.13), without its call.
                draw = rng.random
                if connection == "new":  # an open connection has no handshake to draw
                    for _ in range(rtts[0]):
                        connect += rtt + -_log(1.0 - draw()) / rate
                    for _ in range(rtts[1]):
                        handshake += rtt + -_log(1.0 - draw()) / rate
                request_ms = rtt + -_log(1.0 - draw()) / rate
            else:
                for _ in range(rtts[0]):
                    connect += rtt + 0.0
                for _ in range(rtts[1]):
                    handshake += rtt + 0.0
                request_ms = rtt + 0.0
            return leg, connection, dns, connect, handshake, request_ms
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
        return leg, connection, phases.dns_ms, phases.connect_ms, phases.tls_ms, phases.request_ms

    def connection(self, client: Client, pop: str) -> OpenConnection:
        """``client``'s connection to ``pop`` (made, not yet open, on first use)."""
        key = (client, pop)
        conn = self.open.get(key)
        if conn is None:
            conn = self.open[key] = OpenConnection()
        return conn

    # -- the PoP-to-origin leg -------------------------------------------------------------------

    def origin_rtt(self, pop: Pop) -> float:
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

    def origin_leg(self, pop: Pop, rng: random.Random | None) -> tuple[float, Phases]:
        """One exchange with the origin from ``pop``: the leg's base RTT and its phases
        (handshakes on the origin's configured connection, the request's round trip)."""
        p = self.model.params
        rtt = self.origin_rtt(pop)
        leg = self.model.exchange(
            rtt,
            protocol="HTTP/2" if self.protocol == "HTTP/3" else self.protocol,
            tls=self.tls,
            connection=self.origin.connection,
            bandwidth_mbps=p.datacenter_bandwidth_mbps,
            rng=rng,
        )
        return rtt, leg

    def origin_transfer_ms(
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
            rng=self.rng if rng is None else rng,
        )
        return transfer
