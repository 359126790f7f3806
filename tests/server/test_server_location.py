"""The client-location header on a network port: it picks the PoP and fills request.cf, and
the worker never sees it."""

from __future__ import annotations

import json

from server_client import request
from server_world import Served

from edgert.server.location import parse_client_header


async def cf_of(served: Served, header: str | None) -> dict[str, object]:
    extra = f"X-Edgert-Client: {header}\r\n" if header is not None else ""
    reply = await request(served.port, "/where", extra)
    assert reply.status == 200, reply.body
    echoed = json.loads(reply.body)
    names = [name for name, _ in echoed["headers"]]
    assert "x-edgert-client" not in names
    cf: dict[str, object] = echoed["cf"]
    return cf


async def test_city_picks_the_nearest_pop_and_fills_cf(served: Served) -> None:
    cf = await cf_of(served, "city=Tokyo")
    assert cf["colo"] == "NRT"
    assert cf["city"] == "Tokyo"
    assert cf["country"] == "JP"
    assert cf["httpProtocol"] == "HTTP/1.1"
    assert isinstance(cf["clientTcpRtt"], int)
    assert served.records[-1].pop == "NRT"


async def test_coordinates_place_the_client(served: Served) -> None:
    cf = await cf_of(served, "lat=-23.55,lon=-46.63")
    assert cf["country"] == "BR"
    assert cf["colo"] == "GRU"


async def test_colo_forces_the_pop(served: Served) -> None:
    cf = await cf_of(served, "colo=fra")
    assert cf["colo"] == "FRA"
    assert cf["country"] == "DE"


async def test_no_header_is_the_first_pop(served: Served) -> None:
    cf = await cf_of(served, None)
    assert cf["colo"] == served.network.pops[0].code


async def test_bad_header_gets_400_naming_the_problem(served: Served) -> None:
    for value in ("planet=Mars", "city=Nowhereville Qqq", "lat=1", "colo=XXX"):
        reply = await request(served.port, "/where", f"X-Edgert-Client: {value}\r\n")
        assert reply.status == 400, value
    assert (await request(served.port, "/ok")).status == 200


def test_parse_client_header() -> None:
    assert parse_client_header("city=Sao Paulo; country=BR") == {
        "city": "Sao Paulo",
        "country": "BR",
    }
    assert parse_client_header(" lat=1.5 , lon=2 ") == {"lat": "1.5", "lon": "2"}
