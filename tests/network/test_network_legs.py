"""The leg model on its own (edgert.legs): one connection per client and PoP, the fixed values
of a leg computed once, and the handshakes a connection's state implies on both legs."""

from __future__ import annotations

import random

from edgert import Client, Origin
from edgert.latency import Connection, LatencyModel
from edgert.legs import Legs
from edgert.pops import load_pops


def legs(connection: Connection = "reused") -> Legs:
    origin = Origin(handler=lambda r: "x", region="IAD", connection=connection)
    return Legs(LatencyModel(), "HTTP/2", "1.3", origin, random.Random(1))


def test_a_client_has_one_connection_per_pop_and_its_leg_is_computed_once() -> None:
    model = legs()
    (nrt, fra) = load_pops(["NRT", "FRA"])
    tokyo = Client(city="Tokyo")
    leg = model.client(tokyo, nrt)
    assert model.client(tokyo, nrt) is leg
    assert model.connection(tokyo, "NRT") is leg.conn
    assert model.connection(tokyo, "FRA") is not leg.conn
    far = model.client(tokyo, fra)
    assert far.rtt_ms > leg.rtt_ms > 0
    assert leg.origin_rtt_ms == model.origin_rtt(nrt) > 0


def test_a_new_connection_pays_the_handshakes_and_an_open_one_does_not() -> None:
    model = legs()
    (nrt,) = load_pops(["NRT"])
    tokyo = Client(city="Tokyo")
    rng = random.Random(3)
    leg, connection, dns, connect, tls, request = model.client_request(tokyo, nrt, True, rng)
    assert connection == "new" and dns == 0.0
    assert connect >= leg.rtt_ms and tls >= leg.rtt_ms and request >= leg.rtt_ms
    leg.conn.cwnd = 10  # a response went out on it: the connection is open
    _, connection, _, connect, tls, request = model.client_request(tokyo, nrt, True, rng)
    assert (connection, connect, tls) == ("reused", 0.0, 0.0) and request >= leg.rtt_ms
    _, _, dns, *_ = model.client_request(tokyo, nrt, False, rng)
    assert dns > 0.0  # the resolver asked


def test_the_origin_leg_follows_the_origins_connection() -> None:
    (nrt,) = load_pops(["NRT"])
    rtt, warm = legs("reused").origin_leg(nrt, random.Random(1))
    assert warm.connect_ms == warm.tls_ms == 0.0 and warm.request_ms >= rtt > 0
    rtt, cold = legs("new").origin_leg(nrt, random.Random(1))
    assert cold.connect_ms >= rtt and cold.tls_ms >= rtt
