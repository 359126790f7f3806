"""The long-haul Internet as a graph: interconnection hubs joined by cable and fibre routes.

Owns the propagation part of a long path: :class:`Backbone` answers "what is the minimum round
trip between these two points?" by routing over a graph of the world's major interconnection hubs
and cable landing points (``data/backbone_hubs.csv``) joined by the submarine cables and
terrestrial fibre routes that exist between them (``data/backbone_links.csv``, each link with the
cable systems or the corridor it stands for), with constants fitted on measured round trips by
``scripts/fit_latency.py`` (``data/backbone_fit.json``).

Theory of operation
-------------------
- **A link** between hubs ``i`` and ``j`` costs ``2 x great-circle(i, j) x stretch(kind) /
  v_fiber + hop_ms``: cables and fibre do not follow great circles (a ``stretch`` per kind of
  link, terrestrial or submarine, fitted), and each hub passed through adds switching and
  queueing (``hop_ms``, fitted).
- **Between hubs** the round trip is the shortest path over the links (all pairs, computed once
  per :class:`Backbone` with Floyd-Warshall in numpy: the graph has ~80 hubs).
- **From a point to the graph** (a client, a PoP, an origin): a tail to each of its
  ``tail_hubs`` nearest hubs at the regional stretch (metro and regional networks).
- **Short paths** (great circle at most ``direct_km``) may also go straight, as one regional
  link: two places in one region are usually joined without a long-haul hub in between.
- The answer is the smallest of these. It is symmetric, deterministic, and vectorised over
  arrays of points (:meth:`Backbone.rtt_ms_array`).

Coordinates of hubs come from ``airportsdata`` (IATA codes), as for PoPs: none is typed by hand.
"""

from __future__ import annotations

import csv
import functools
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

from edgert.errors import ConfigError
from edgert.geodesy import (
    EARTH_RADIUS_KM,
    great_circle_km,
    great_circle_km_array,
    unit_vector,
    unit_vectors,
)

__all__ = [
    "Backbone",
    "BackboneFit",
    "Link",
    "default_backbone",
    "error_line",
    "load_fit",
    "load_links",
]

FloatArray = npt.NDArray[np.float64]

#: Points whose tails a :class:`Backbone` keeps (scalar queries).
_TAIL_CACHE = 1 << 16

#: Points per vectorised block of :meth:`Backbone.rtt_ms_array`.
_CHUNK = 1 << 14

#: Kinds of link and the fitted constant that sets their stretch.
LINK_KINDS = ("terrestrial", "submarine")


@dataclass(frozen=True, slots=True)
class BackboneFit:
    """The fitted constants of the backbone model (``data/backbone_fit.json``)."""

    #: Path inflation of a regional path over the great circle: a point's tail to its hubs, and
    #: a short path that goes straight (metro and regional networks, their detours).
    regional_stretch: float = 1.8
    #: Path inflation of long-haul terrestrial fibre over the great circle (roads, rail).
    terrestrial_stretch: float = 1.6
    #: Path inflation of submarine cables over the great circle (coastlines, landing points).
    submarine_stretch: float = 1.2
    #: Round trip added by each hub a path passes through (switching, queueing), in ms.
    hop_ms: float = 2.0
    #: Paths up to this great-circle length may go straight (no hub), in km.
    direct_km: float = 1000.0
    #: A point joins the graph at its nearest this-many hubs.
    tail_hubs: int = 3

    def __post_init__(self) -> None:
        for name in ("regional_stretch", "terrestrial_stretch", "submarine_stretch"):
            if not getattr(self, name) >= 1.0:
                raise ConfigError(
                    f"BackboneFit.{name} must be at least 1 (a path is never shorter)"
                )
        if not self.hop_ms >= 0 or not self.direct_km >= 0:
            raise ConfigError("BackboneFit.hop_ms and direct_km must not be negative")
        if self.tail_hubs < 1:
            raise ConfigError("BackboneFit.tail_hubs must be at least 1")

    def stretch(self, kind: str) -> float:
        """The stretch of a kind of link."""
        if kind == "terrestrial":
            return self.terrestrial_stretch
        if kind == "submarine":
            return self.submarine_stretch
        raise ConfigError(f"unknown link kind {kind!r}: one of {', '.join(LINK_KINDS)}")


@dataclass(frozen=True, slots=True)
class Link:
    """A route between two hubs: a submarine cable or a terrestrial fibre corridor."""

    a: str
    b: str
    kind: str
    #: The year the link (its oldest cable system or corridor listed) entered service.
    since: int
    route: str


def _data(name: str) -> str:
    return resources.files("edgert").joinpath("data", name).read_text(encoding="utf-8")


@functools.cache
def load_hubs() -> tuple[tuple[str, float, float], ...]:
    """The hubs of ``data/backbone_hubs.csv`` as ``(iata, latitude, longitude)``."""
    from edgert.pops import _airports  # one load of the airports table per process

    airports = _airports()
    out = []
    for row in csv.DictReader(_data("backbone_hubs.csv").splitlines()):
        code = row["iata"]
        a = airports.get(code)
        if a is None:  # pragma: no cover - the data file is checked by the tests
            raise ConfigError(f"backbone_hubs.csv: {code} is not an IATA airport code")
        out.append((code, float(a["lat"]), float(a["lon"])))
    return tuple(out)


@functools.cache
def load_links() -> tuple[Link, ...]:
    """The links of ``data/backbone_links.csv``."""
    return tuple(
        Link(r["a"], r["b"], r["kind"], int(r["since"]), r["route"])
        for r in csv.DictReader(_data("backbone_links.csv").splitlines())
    )


def error_line() -> str:
    """The shipped model's measured error, in one line (from ``data/backbone_fit.json``)."""
    doc = json.loads(_data("backbone_fit.json"))
    e = doc["error"]
    return (
        f"Latency model: paths over cables between hubs, fitted on {len(doc['pairs'])} measured "
        f"AWS inter-region RTTs: median error {e['in_sample']['median_abs_error']:.0%} "
        f"({e['leave_one_out']['median_abs_error']:.0%} for pairs left out of the fit)."
    )


def load_fit() -> BackboneFit:
    """The constants ``scripts/fit_latency.py`` fitted (``data/backbone_fit.json``)."""
    doc = json.loads(_data("backbone_fit.json"))
    return BackboneFit(**doc["fit"])


class Backbone:
    """Minimum round trips over the hub graph, for points anywhere on Earth.

    ``year`` keeps only the links in service by then (the fit uses the graph of its data's year;
    the default is every link, today's Internet).
    """

    __slots__ = (
        "_dist",
        "_dist_rows",
        "_hub_vectors",
        "_tail_cache",
        "_vectors",
        "codes",
        "fiber_km_per_ms",
        "fit",
        "lat",
        "lon",
    )

    def __init__(
        self,
        fit: BackboneFit | None = None,
        *,
        hubs: Sequence[tuple[str, float, float]] | None = None,
        links: Sequence[Link] | None = None,
        fiber_km_per_ms: float = 204.0,
        year: int | None = None,
    ) -> None:
        self.fit = fit if fit is not None else load_fit()
        hubs = load_hubs() if hubs is None else hubs
        links = load_links() if links is None else links
        self.fiber_km_per_ms = fiber_km_per_ms
        self.codes = tuple(h[0] for h in hubs)
        self.lat = np.array([h[1] for h in hubs], dtype=np.float64)
        self.lon = np.array([h[2] for h in hubs], dtype=np.float64)
        self._vectors = unit_vectors(self.lat, self.lon)
        index = {c: i for i, c in enumerate(self.codes)}
        n = len(self.codes)
        dist = np.full((n, n), np.inf)
        np.fill_diagonal(dist, 0.0)
        for link in links:
            if year is not None and link.since > year:
                continue
            if link.a not in index or link.b not in index:
                raise ConfigError(f"backbone link {link.a}-{link.b}: unknown hub")
            i, j = index[link.a], index[link.b]
            km = float(great_circle_km_array(self.lat[i], self.lon[i], self.lat[j], self.lon[j]))
            ms = 2.0 * km * self.fit.stretch(link.kind) / fiber_km_per_ms + self.fit.hop_ms
            if ms < dist[i, j]:
                dist[i, j] = dist[j, i] = ms
        for k in range(n):  # Floyd-Warshall, one vectorised relaxation per intermediate hub
            np.minimum(dist, dist[:, k : k + 1] + dist[k : k + 1, :], out=dist)
        if not np.isfinite(dist).all():
            raise ConfigError("the backbone graph is not connected")
        self._dist = dist
        self._dist_rows: list[list[float]] = dist.tolist()
        self._hub_vectors: list[tuple[float, float, float]] = [
            (float(a), float(b), float(c)) for a, b, c in self._vectors
        ]
        self._tail_cache: dict[tuple[float, float], tuple[tuple[int, float], ...]] = {}

    def hub_rtt_ms(self, a: str, b: str) -> float:
        """Shortest round trip between two hubs over the graph."""
        i, j = self.codes.index(a), self.codes.index(b)
        return float(self._dist[i, j])

    def rtt_ms(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        """Minimum round trip between two points (degrees): :meth:`rtt_ms_array` for one pair,
        in plain Python over each point's cached tails (a simulator asks this once per client
        and PoP; PoPs and cities repeat)."""
        fit = self.fit
        per_km = 2.0 * fit.regional_stretch / self.fiber_km_per_ms
        dist = self._dist_rows
        best = math.inf
        tails_b = self._tail(lat2, lon2, per_km)
        for i, ta in self._tail(lat1, lon1, per_km):
            row = dist[i]
            for j, tb in tails_b:
                v = ta + row[j] + tb
                if v < best:
                    best = v
        km = great_circle_km(lat1, lon1, lat2, lon2)
        if km <= fit.direct_km:
            direct = km * per_km + fit.hop_ms
            if direct < best:
                best = direct
        return best

    def _tail(self, lat: float, lon: float, per_km: float) -> tuple[tuple[int, float], ...]:
        key = (lat, lon)
        found = self._tail_cache.get(key)
        if found is None:
            if len(self._tail_cache) >= _TAIL_CACHE:
                self._tail_cache.clear()
            # Plain Python: for one point, numpy's per-call costs (and BLAS threads for the
            # product) outweigh 80 dot products.
            x, y, z = unit_vector(lat, lon)
            cos = [x * hx + y * hy + z * hz for hx, hy, hz in self._hub_vectors]
            k = min(self.fit.tail_hubs, len(cos))
            # heapq.nlargest(k, ..., key=...), as its documentation defines it (the same hubs
            # in the same order, ties included), in one C sort instead of its Python heap loop.
            near = sorted(range(len(cos)), key=cos.__getitem__, reverse=True)[:k]
            km = EARTH_RADIUS_KM
            found = self._tail_cache[key] = tuple(
                (i, math.acos(max(-1.0, min(1.0, cos[i]))) * km * per_km) for i in near
            )
        return found

    def rtt_ms_array(
        self,
        lat1: npt.ArrayLike,
        lon1: npt.ArrayLike,
        lat2: npt.ArrayLike,
        lon2: npt.ArrayLike,
    ) -> FloatArray:
        """Vectorised :meth:`rtt_ms`; the arguments broadcast against each other."""
        la1, lo1, la2, lo2 = np.broadcast_arrays(
            np.asarray(lat1, dtype=np.float64),
            np.asarray(lon1, dtype=np.float64),
            np.asarray(lat2, dtype=np.float64),
            np.asarray(lon2, dtype=np.float64),
        )
        shape = la1.shape
        la1, lo1, la2, lo2 = (x.reshape(-1) for x in (la1, lo1, la2, lo2))
        if len(la1) > _CHUNK:  # bounded memory: (chunk, hubs) of cosines at a time
            return np.concatenate(
                [
                    self.rtt_ms_array(
                        la1[i : i + _CHUNK], lo1[i : i + _CHUNK],
                        la2[i : i + _CHUNK], lo2[i : i + _CHUNK],
                    )
                    for i in range(0, len(la1), _CHUNK)
                ]
            ).reshape(shape)  # fmt: skip
        fit = self.fit
        per_km = 2.0 * fit.regional_stretch / self.fiber_km_per_ms
        ia, ta = self._tails(la1, lo1, per_km)
        ib, tb = self._tails(la2, lo2, per_km)
        # (n, k, k): tail + hub-to-hub + tail, for every pair of entry hubs.
        via = ta[:, :, None] + self._dist[ia[:, :, None], ib[:, None, :]] + tb[:, None, :]
        best = via.reshape(len(la1), -1).min(axis=1)
        direct_km = great_circle_km_array(la1, lo1, la2, lo2)
        direct = np.where(direct_km <= fit.direct_km, direct_km * per_km + fit.hop_ms, np.inf)
        return np.asarray(np.minimum(best, direct).reshape(shape))

    def _tails(
        self, lat: FloatArray, lon: FloatArray, per_km: float
    ) -> tuple[npt.NDArray[np.intp], FloatArray]:
        """Each point's nearest ``tail_hubs`` hubs and the round trip of its tail to each."""
        k = min(self.fit.tail_hubs, len(self.codes))
        cos = unit_vectors(lat, lon) @ self._vectors.T  # (n, hubs)
        if k < len(self.codes):
            idx = np.argpartition(-cos, k - 1, axis=1)[:, :k]
        else:
            idx = np.broadcast_to(np.arange(k), (len(lat), k)).copy()
        c = np.take_along_axis(cos, idx, axis=1)
        km = np.arccos(np.clip(c, -1.0, 1.0)) * EARTH_RADIUS_KM
        return idx, km * per_km

    def describe(self) -> dict[str, object]:
        """The fit and the graph's size, as plain data."""
        return {"fit": asdict(self.fit), "hubs": len(self.codes)}


@functools.cache
def default_backbone(fiber_km_per_ms: float = 204.0) -> Backbone:
    """The shipped backbone with its fitted constants (built once per process)."""
    return Backbone(fiber_km_per_ms=fiber_km_per_ms)
