"""Where a request comes from: the PoP it reaches and the client's place (``request.cf``).

A server listens either for one PoP (each PoP on its own port) or for the whole network (one
port). The client's place comes from a request header (``X-Edgert-Client`` by default):

- ``city=Tokyo`` (optionally ``,country=JP``): a city by name;
- ``lat=35.68,lon=139.69``: coordinates (the nearest city names the place);
- ``colo=NRT``: a client at that PoP's own location.

On a one-PoP port the port's PoP answers whatever the header says (the header only places the
client). On a network port, ``colo=`` picks that PoP and otherwise anycast picks the client's PoP,
as :meth:`edgert.Network.fetch` does. Without the header the client sits at the PoP (a one-PoP
port) or at the network's first PoP. Each distinct header value is resolved once (bounded memo):
the ``request.cf`` JSON of a placement never changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from edgert.errors import ConfigError
from edgert.geo import Client, request_cf
from edgert.network import Network
from edgert.pops import Pop

__all__ = ["ClientLocator", "Placement", "parse_client_header"]

_MEMO_ENTRIES = 4096


@dataclass(frozen=True, slots=True)
class Placement:
    """A client placed in the network: its PoP, itself, and the ``request.cf`` JSON."""

    pop: Pop
    client: Client
    cf: str


def _at_pop(pop: Pop) -> Client:
    return Client(
        city=pop.city,
        country=pop.country,
        latitude=pop.latitude,
        longitude=pop.longitude,
        timezone=pop.timezone or None,
        continent=pop.continent,
    )


def parse_client_header(value: str) -> dict[str, str]:
    """``key=value`` pairs separated by ``,`` or ``;`` (keys lower-cased, values trimmed)."""
    out: dict[str, str] = {}
    for part in value.replace(";", ",").split(","):
        if not part.strip():
            continue
        key, sep, val = part.partition("=")
        key = key.strip().lower()
        if not sep or not val.strip():
            raise ConfigError(f"expected key=value, got {part.strip()!r}")
        if key not in ("city", "country", "lat", "lon", "colo"):
            raise ConfigError(f"unknown key {key!r} (city, country, lat, lon or colo)")
        out[key] = val.strip()
    return out


class ClientLocator:
    """Resolves client-location header values to placements (memoised)."""

    def __init__(self, network: Network, pop: str | None = None, tls_version: str = "") -> None:
        self.network = network
        #: ``request.cf.tlsVersion`` of this socket's requests ("": plain HTTP).
        self.tls_version = tls_version
        self._pops = {p.code: p for p in network.pops}
        self.fixed: Pop | None = self._find_pop(pop) if pop is not None else None
        self._memo: dict[str | None, Placement] = {}

    def _find_pop(self, code: str) -> Pop:
        found = self._pops.get(code.strip().upper())
        if found is None:
            raise ConfigError(
                f"PoP {code!r} is not in this network ({', '.join(sorted(self._pops))})"
            )
        return found

    def resolve(self, header: str | None) -> Placement:
        """The placement for a header value (``None``: no header). Raises
        :class:`~edgert.errors.EdgertError` for a value that names no place."""
        found = self._memo.get(header)
        if found is not None:
            return found
        placement = self._place(header)
        if len(self._memo) >= _MEMO_ENTRIES:
            self._memo.clear()
        self._memo[header] = placement
        return placement

    def _place(self, header: str | None) -> Placement:
        fields = parse_client_header(header) if header is not None else {}
        home = self.fixed if self.fixed is not None else self.network.pops[0]
        if "colo" in fields:
            client = _at_pop(self._find_pop(fields["colo"]))
        elif "lat" in fields or "lon" in fields:
            try:
                lat, lon = float(fields["lat"]), float(fields["lon"])
            except (KeyError, ValueError) as exc:
                raise ConfigError("give both lat and lon as numbers") from exc
            client = Client(latitude=lat, longitude=lon)
        elif "city" in fields:
            client = Client(city=fields["city"], country=fields.get("country"))
        else:
            client = _at_pop(home)
        if self.fixed is not None:
            pop = self.fixed
        elif "colo" in fields:
            pop = self._find_pop(fields["colo"])
        elif fields:
            pop = self.network.router.route_client(client)
        else:
            pop = home
        model = self.network.model
        p = model.params
        access = (
            client.access_ms if client.access_ms is not None else p.access_median_ms(client.access)
        )
        rtt = model.min_rtt_ms(client, pop) + access + p.datacenter_access_ms
        cf = request_cf(
            client,
            pop,
            http_protocol="HTTP/1.1",
            tls_version=self.tls_version,
            client_tcp_rtt_ms=rtt,
        )
        return Placement(pop=pop, client=client, cf=json.dumps(cf))
