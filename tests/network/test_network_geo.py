"""World cities, clients and request.cf."""

from __future__ import annotations

import json

import numpy as np
import pytest

from edgert.errors import ConfigError, UnknownPlaceError
from edgert.geo import (
    Client,
    find_city,
    nearest_city,
    request_cf,
    request_cf_json,
    world_cities,
)
from edgert.pops import pop


def test_find_city_prefers_the_most_populous_match() -> None:
    london = find_city("London")
    assert (london.country, london.timezone, london.continent) == ("GB", "Europe/London", "EU")
    assert london.population > 5_000_000
    assert find_city("London", "CA").country == "CA"
    assert find_city("Paris", "United States").country == "US"


def test_find_city_ignores_case_accents_and_accepts_alternate_names() -> None:
    assert find_city("sao paulo").name == "São Paulo"
    assert find_city("ZURICH").country == "CH"
    assert find_city("New York").name == "New York City"
    assert find_city("東京").name == "Tokyo"


def test_us_cities_know_their_state() -> None:
    austin = find_city("Austin")
    assert (austin.region, austin.region_code) == ("Texas", "TX")
    assert find_city("Tokyo").region is None


def test_unknown_places_raise() -> None:
    with pytest.raises(UnknownPlaceError, match="Xyzzyville"):
        find_city("Xyzzyville")
    with pytest.raises(UnknownPlaceError):
        find_city("London", "Narnia")


def test_nearest_city() -> None:
    assert nearest_city(48.86, 2.34).name == "Paris"
    assert nearest_city(-33.87, 151.21).name == "Sydney"
    assert nearest_city(48.86, 2.34, radius_km=0.0).name != "Paris"  # a district of Paris
    assert nearest_city(-50.0, -30.0).name  # mid-ocean: still the nearest city


def test_client_from_a_city_name_fills_the_place() -> None:
    c = Client(city="Tokyo")
    assert c.country == "JP"
    assert c.continent == "AS"
    assert c.timezone == "Asia/Tokyo"
    assert c.position == pytest.approx((35.69, 139.69), abs=0.01)
    assert c.access == "fixed"


def test_client_from_coordinates_takes_the_nearest_city_names_but_keeps_its_position() -> None:
    c = Client(latitude=48.80, longitude=2.30, access="mobile")
    assert c.country == "FR"
    assert c.position == (48.80, 2.30)


def test_explicit_fields_win_over_looked_up_ones() -> None:
    c = Client(city="Austin", postal_code="78701", asn=7922, as_organization="Comcast")
    assert (c.postal_code, c.asn, c.region) == ("78701", 7922, "Texas")
    c2 = Client(city="Tokyo", timezone="UTC")
    assert c2.timezone == "UTC"


def test_client_country_names_become_iso_codes() -> None:
    assert Client(city="Paris", country="United States").country == "US"


def test_client_carries_its_own_access_draw_and_anycast_draw() -> None:
    c = Client(city="Tokyo", access="mobile", access_ms=41.5, anycast_u=0.03)
    assert (c.access_ms, c.anycast_u) == (41.5, 0.03)
    with pytest.raises(ConfigError):
        Client(city="Tokyo", access_ms=-1.0)
    with pytest.raises(ConfigError):
        Client(city="Tokyo", anycast_u=1.0)


def test_client_validation() -> None:
    with pytest.raises(ConfigError):
        Client()
    with pytest.raises(ConfigError):
        Client(latitude=10.0)
    with pytest.raises(ConfigError):
        Client(latitude=100.0, longitude=0.0)
    with pytest.raises(ConfigError):
        Client(city="Tokyo", access="satellite")


def test_request_cf_for_a_client_at_a_pop() -> None:
    client = Client(city="Austin", asn=7922, as_organization="Comcast Cable", postal_code="78701")
    cf = request_cf(client, pop("DFW"), client_tcp_rtt_ms=12.6)
    assert cf["colo"] == "DFW"
    assert (cf["country"], cf["city"], cf["continent"]) == ("US", "Austin", "NA")
    assert (cf["region"], cf["regionCode"]) == ("Texas", "TX")
    assert cf["timezone"] == "America/Chicago"
    assert cf["postalCode"] == "78701"
    assert (cf["asn"], cf["asOrganization"]) == (7922, "Comcast Cable")
    assert cf["latitude"] == "30.26715" and isinstance(cf["longitude"], str)
    assert (cf["httpProtocol"], cf["tlsVersion"]) == ("HTTP/2", "TLSv1.3")
    assert cf["clientTcpRtt"] == 13
    assert "isEUCountry" not in cf


def test_request_cf_leaves_out_what_is_unknown_and_flags_the_eu() -> None:
    cf = request_cf(Client(city="Berlin"), pop("FRA"), http_protocol="HTTP/3")
    assert cf["isEUCountry"] == "1"
    for absent in ("asn", "asOrganization", "postalCode", "clientTcpRtt", "region"):
        assert absent not in cf
    cf3 = request_cf(Client(city="Berlin"), pop("FRA"), http_protocol="HTTP/3", client_tcp_rtt_ms=9)
    assert cf3["clientQuicRtt"] == 9 and "clientTcpRtt" not in cf3
    with pytest.raises(ConfigError):
        request_cf(Client(city="Berlin"), pop("FRA"), http_protocol="SPDY")
    with pytest.raises(ConfigError):
        request_cf(Client(city="Berlin"), pop("FRA"), tls_version="SSLv3")


def test_request_cf_json_is_request_cf_serialised_whatever_the_cache_holds() -> None:
    # Clients that share a city and differ by what request.cf does not show (access line,
    # anycast draw), by what it does (place fields, the position's sign at zero, the RTT as
    # reported), at PoPs and with protocols that change it: each one's JSON is its own.
    clients = [
        Client(city="Austin", access_ms=3.0, anycast_u=0.1),
        Client(city="Austin", access="mobile", access_ms=41.0, anycast_u=0.9),
        Client(city="Austin", asn=7922, as_organization="Comcast Cable", postal_code="78701"),
        Client(city="Berlin"),
        Client(city="Accra", country="GH", latitude=0.0, longitude=0.0, timezone="UTC"),
        Client(city="Accra", country="GH", latitude=-0.0, longitude=-0.0, timezone="UTC"),
    ]
    cases = [
        (client, where, protocol, tls, rtt)
        for client in clients
        for where in ("DFW", "FRA")
        for protocol, tls in (("HTTP/2", "TLSv1.3"), ("HTTP/3", "TLSv1.3"), ("HTTP/1.1", ""))
        for rtt in (None, 12.4, 12.6, 13.0)
    ]
    for _ in range(2):  # computed, then from the cache
        for client, where, protocol, tls, rtt in cases:
            expected = json.dumps(
                request_cf(
                    client,
                    pop(where),
                    http_protocol=protocol,
                    tls_version=tls,
                    client_tcp_rtt_ms=rtt,
                )
            )
            got = request_cf_json(
                client, pop(where), http_protocol=protocol, tls_version=tls, client_tcp_rtt_ms=rtt
            )
            assert got == expected
    with pytest.raises(ConfigError):
        request_cf_json(Client(city="Berlin"), pop("FRA"), http_protocol="SPDY")


def test_world_cities_sampling_is_seeded_and_population_weighted() -> None:
    w = world_cities()
    assert len(w) > 30_000
    a = w.sample(np.random.default_rng(7), 5000)
    b = w.sample(np.random.default_rng(7), 5000)
    assert np.array_equal(a, b)
    uniform = w.sample(np.random.default_rng(7), 5000, weighted=False)
    # Weighted draws favour big cities: their median population is far above a uniform draw's.
    assert np.median(w.populations[a]) > 10 * np.median(w.populations[uniform])
