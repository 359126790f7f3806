"""Anycast routing: which PoP a client's packets reach.

Theory of operation
-------------------
Every PoP announces the same anycast prefix; BGP delivers a client to one of them. In this model a
client reaches the PoP with the lowest modelled RTT, which, since the client's access latency and
the path stretch are the same towards every PoP, is the PoP nearest by great circle. Except that BGP
is not latency-aware: Calder et al. (IMC 2015) found that anycast sends roughly 20 % of clients to a
suboptimal front-end. So a configurable share of clients (``misroute_share``, default 0.20) lands on
the 2nd..5th nearest PoP instead, uniformly.

Which clients are misrouted is decided by one uniform draw ``u`` in [0, 1) per client: ``u <
misroute_share`` means misrouted, to rank ``2 + floor(u / misroute_share * (max_rank - 1))``. A
simulator that gives each client a stable ``u`` keeps each client on the same PoP across requests
(as BGP does); passing an ``rng`` instead draws a fresh ``u`` per decision.

PoPs can be marked down: they leave the ranking, so their catchment moves to the next PoPs (with
anycast, withdrawing the route does exactly that).

Speed: distances are compared as dot products of unit vectors (the larger, the shorter the great
circle), and only against the few PoPs that :class:`edgert._grid.CandidateGrid` lists for the
client's 2-degree cell, which gives exactly the brute-force answer. One client takes a few
microseconds from Python (:meth:`AnycastRouter.route`); batches are vectorised with numpy in chunks
(:meth:`AnycastRouter.route_batch`), millions of clients per second. The grid is built on the first
query and again after a PoP is marked down or up (a few hundred milliseconds for 300 PoPs).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from edgert._grid import CandidateGrid
from edgert.errors import ConfigError, UnknownPlaceError
from edgert.geodesy import unit_vectors
from edgert.latency import Located
from edgert.pops import Pop

__all__ = ["AnycastRouter", "RoutingParams"]

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]

_RAD = math.pi / 180.0

#: Cell size of the candidate grid, in degrees (see :mod:`edgert._grid`).
GRID_CELL_DEG = 2.0

#: Clients ranked per chunk in batch queries (bounds the temporary arrays).
CHUNK = 65536


@dataclass(frozen=True, slots=True)
class RoutingParams:
    """Parameters of anycast routing."""

    #: Share of clients BGP delivers to a PoP other than the nearest (Calder et al., IMC 2015:
    #: "roughly 20% of clients" reach a suboptimal front-end).
    misroute_share: float = 0.20
    #: Misrouted clients land uniformly on the 2nd..``max_rank``-th nearest PoP.
    max_rank: int = 5

    def __post_init__(self) -> None:
        if not 0.0 <= self.misroute_share <= 1.0:
            raise ConfigError("RoutingParams.misroute_share must be within [0, 1]")
        if self.max_rank < 2:
            raise ConfigError("RoutingParams.max_rank must be at least 2")

    def rank_of(self, u: float) -> int:
        """The rank (1 = nearest) a client with draw ``u`` in [0, 1) is routed to."""
        share = self.misroute_share
        if u >= share:
            return 1
        return 2 + min(self.max_rank - 2, int(u / share * (self.max_rank - 1)))


class AnycastRouter:
    """Routes clients to the PoPs of one network; PoPs can be marked down and up again.

    PoP indices in results refer to the ``pops`` sequence given at construction.
    """

    __slots__ = (
        "_active",
        "_active_list",
        "_cells",
        "_down",
        "_grid",
        "_index",
        "_pen_ext",
        "_px",
        "_py",
        "_pz",
        "_u",
        "_vec",
        "_vec_ext",
        "params",
        "pops",
    )

    def __init__(self, pops: Sequence[Pop], params: RoutingParams | None = None) -> None:
        if not pops:
            raise ConfigError("an anycast router needs at least one PoP")
        self.pops: tuple[Pop, ...] = tuple(pops)
        self.params = params if params is not None else RoutingParams()
        self._index = {p.code: i for i, p in enumerate(self.pops)}
        if len(self._index) != len(self.pops):
            raise ConfigError("duplicate PoP codes")
        lat = np.array([p.latitude for p in self.pops])
        lon = np.array([p.longitude for p in self.pops])
        self._u = unit_vectors(lat, lon)
        self._down: set[int] = set()
        self._rebuild()

    # -- PoP state ---------------------------------------------------------------------------

    def _rebuild(self) -> None:
        active = np.array([i for i in range(len(self.pops)) if i not in self._down], dtype=np.intp)
        self._active = active
        self._active_list: list[int] = [int(i) for i in active]
        self._vec = np.ascontiguousarray(self._u[active])
        # Padded with a zero vector and a large penalty: the filler of the grid's candidate tables.
        self._vec_ext = np.vstack([self._vec, np.zeros((1, 3))])
        self._pen_ext = np.zeros(len(active) + 1)
        self._pen_ext[-1] = 10.0
        self._px: list[float] = self._vec[:, 0].tolist()
        self._py: list[float] = self._vec[:, 1].tolist()
        self._pz: list[float] = self._vec[:, 2].tolist()
        self._grid: CandidateGrid | None = None  # built on first use
        self._cells: list[dict[int, tuple[int, ...]]] = [{}, {}]

    def _get_grid(self) -> CandidateGrid:
        if self._grid is None:
            self._require_active()
            self._grid = CandidateGrid.shared(self._vec, self.params.max_rank, GRID_CELL_DEG)
        return self._grid

    def _load_cell(self, which: int, cell: int) -> tuple[int, ...]:
        grid = self._get_grid()
        n = int(grid.count[which][cell])
        found = tuple(int(j) for j in grid.cand[which][cell, :n])
        self._cells[which][cell] = found
        return found

    def _candidates(self, which: int, latitude: float, longitude: float) -> tuple[int, ...]:
        """Candidate local indices of the point's cell, for rank 1 (0) or ranks 1..k (1)."""
        cell = self._get_grid().cell(latitude, longitude)
        found = self._cells[which].get(cell)
        return found if found is not None else self._load_cell(which, cell)

    def index_of(self, code: str) -> int:
        """The index of a PoP by IATA code."""
        try:
            return self._index[code.upper()]
        except KeyError:
            raise UnknownPlaceError(f"no PoP {code!r} in this network") from None

    def mark_down(self, code: str) -> None:
        """Take a PoP out of routing: its clients go to the next PoPs."""
        self._down.add(self.index_of(code))
        self._rebuild()

    def mark_up(self, code: str) -> None:
        """Bring a PoP back into routing."""
        self._down.discard(self.index_of(code))
        self._rebuild()

    @property
    def down(self) -> frozenset[str]:
        """Codes of the PoPs marked down."""
        return frozenset(self.pops[i].code for i in self._down)

    def _require_active(self) -> None:
        if len(self._active) == 0:
            raise ConfigError("every PoP of the network is marked down")

    # -- one client --------------------------------------------------------------------------

    def ranked(self, latitude: float, longitude: float, k: int | None = None) -> list[int]:
        """Indices of the up PoPs from nearest to farthest (the first ``k`` of them)."""
        self._require_active()
        v = _unit(latitude, longitude)
        scores = self._vec @ v
        n = len(scores)
        k = n if k is None else max(0, min(k, n))
        if k < n:
            top = np.argpartition(-scores, k - 1)[:k] if k > 0 else np.empty(0, dtype=np.intp)
        else:
            top = np.arange(n)
        order = top[np.argsort(-scores[top], kind="stable")]
        return [int(i) for i in self._active[order]]

    def nearest_index(self, latitude: float, longitude: float) -> int:
        """Index of the nearest up PoP."""
        grid = self._grid if self._grid is not None else self._get_grid()
        i = int((latitude + 90.0) / grid.cell_deg)
        i = 0 if i < 0 else (grid.nlat - 1 if i >= grid.nlat else i)
        cell = i * grid.nlon + int((longitude + 180.0) // grid.cell_deg) % grid.nlon
        cands = self._cells[0].get(cell)
        if cands is None:
            cands = self._load_cell(0, cell)
        if len(cands) == 1:  # the whole cell has one nearest PoP: no arithmetic needed
            return self._active_list[cands[0]]
        p = latitude * _RAD
        lam = longitude * _RAD
        c = math.cos(p)
        x = c * math.cos(lam)
        y = c * math.sin(lam)
        z = math.sin(p)
        px, py, pz = self._px, self._py, self._pz
        best = cands[0]
        best_score = -3.0
        for j in cands:
            score = x * px[j] + y * py[j] + z * pz[j]
            if score > best_score:
                best_score = score
                best = j
        return self._active_list[best]

    def nearest(self, latitude: float, longitude: float) -> Pop:
        """The nearest up PoP."""
        return self.pops[self.nearest_index(latitude, longitude)]

    def route_index(
        self,
        latitude: float,
        longitude: float,
        *,
        u: float | None = None,
        rng: random.Random | np.random.Generator | None = None,
    ) -> int:
        """Index of the PoP anycast delivers a client to.

        ``u`` is the client's own uniform draw in [0, 1) (stable per client); without it, one is
        drawn from ``rng``; with neither, the client is routed to its nearest PoP.
        """
        if u is None:
            if rng is None:
                u = 1.0
            elif isinstance(rng, random.Random):
                u = rng.random()
            else:
                u = float(rng.random())
        params = self.params
        if u >= params.misroute_share:
            return self.nearest_index(latitude, longitude)
        rank = min(params.rank_of(u), len(self._active_list))
        if rank == 1:
            return self.nearest_index(latitude, longitude)
        grid = self._grid if self._grid is not None else self._get_grid()
        i = int((latitude + 90.0) / grid.cell_deg)
        i = 0 if i < 0 else (grid.nlat - 1 if i >= grid.nlat else i)
        cell = i * grid.nlon + int((longitude + 180.0) // grid.cell_deg) % grid.nlon
        cands = self._cells[1].get(cell)
        if cands is None:
            cands = self._load_cell(1, cell)
        p = latitude * _RAD
        lam = longitude * _RAD
        c = math.cos(p)
        x = c * math.cos(lam)
        y = c * math.sin(lam)
        z = math.sin(p)
        px, py, pz = self._px, self._py, self._pz
        scored = sorted([(-(x * px[j] + y * py[j] + z * pz[j]), j) for j in cands])
        return self._active_list[scored[rank - 1][1]]

    def route(
        self,
        latitude: float,
        longitude: float,
        *,
        u: float | None = None,
        rng: random.Random | np.random.Generator | None = None,
    ) -> Pop:
        """The PoP anycast delivers a client to (see :meth:`route_index`)."""
        return self.pops[self.route_index(latitude, longitude, u=u, rng=rng)]

    def route_client(
        self, client: Located, *, rng: random.Random | np.random.Generator | None = None
    ) -> Pop:
        """The PoP a client (anything with ``latitude``/``longitude``, e.g.
        :class:`edgert.geo.Client`) reaches: its own ``anycast_u`` if it has one, else a draw
        from ``rng``, else its nearest PoP."""
        u = getattr(client, "anycast_u", None)
        return self.route(client.latitude, client.longitude, u=u, rng=rng)

    def route_each(
        self,
        latitudes: Sequence[float],
        longitudes: Sequence[float],
        u: Sequence[float],
    ) -> list[int]:
        """:meth:`route_index` of each client, computed by that very method (not vectorised:
        exactly the PoP each client reaches when it routes itself), with the nearest PoP of a
        position computed once: simulated users share their city's coordinates, and most of
        them reach their nearest PoP, so this costs a dictionary lookup per client."""
        share = self.params.misroute_share
        nearest: dict[tuple[float, float], int] = {}
        route_index = self.route_index
        out: list[int] = []
        for lat, lon, v in zip(latitudes, longitudes, u, strict=True):
            if v >= share:  # route_index's own first rule: the nearest PoP
                key = (lat, lon)
                j = nearest.get(key)
                if j is None:
                    j = nearest[key] = self.nearest_index(lat, lon)
            else:
                j = route_index(lat, lon, u=v)
            out.append(j)
        return out

    # -- batches -----------------------------------------------------------------------------

    def nearest_batch(
        self, latitudes: npt.ArrayLike, longitudes: npt.ArrayLike, k: int = 1
    ) -> IntArray:
        """Indices of the nearest up PoP of each client (shape ``(n,)``), or of the ``k`` nearest
        from nearest to farthest (shape ``(n, k)``) when ``k > 1``."""
        self._require_active()
        lat = np.asarray(latitudes, dtype=np.float64).reshape(-1)
        lon = np.asarray(longitudes, dtype=np.float64).reshape(-1)
        m = len(self._active)
        if k <= 1:
            return np.asarray(self._active[self._nearest_local(lat, lon)])
        kk = min(k, m)
        out = np.empty((len(lat), kk), dtype=np.intp)
        if kk <= self._get_grid().k:
            for a in range(0, len(lat), CHUNK):
                out[a : a + CHUNK] = self._top_local(lat[a : a + CHUNK], lon[a : a + CHUNK], kk)
        else:  # deeper than the grid's candidates: rank every PoP
            v = unit_vectors(lat, lon).reshape(-1, 3)
            for a in range(0, len(lat), CHUNK):
                out[a : a + CHUNK] = _top_k(v[a : a + CHUNK] @ self._vec.T, kk)
        return np.asarray(self._active[out])

    def route_batch(
        self,
        latitudes: npt.ArrayLike,
        longitudes: npt.ArrayLike,
        *,
        u: npt.ArrayLike | None = None,
        rng: np.random.Generator | None = None,
    ) -> IntArray:
        """Index of the PoP each client is delivered to (vectorised :meth:`route_index`).

        ``u`` holds each client's uniform draw; without it, draws come from ``rng``; with neither,
        every client goes to its nearest PoP.
        """
        self._require_active()
        lat = np.asarray(latitudes, dtype=np.float64).reshape(-1)
        lon = np.asarray(longitudes, dtype=np.float64).reshape(-1)
        n = len(lat)
        if len(lon) != n:
            raise ConfigError("latitudes and longitudes must have the same length")
        if u is None:
            draws = rng.random(n) if rng is not None else np.ones(n)
        else:
            draws = np.asarray(u, dtype=np.float64).reshape(-1)
            if len(draws) != n:
                raise ConfigError("one draw per client: len(u) must equal the number of clients")
        share = self.params.misroute_share
        m = len(self._active)
        out = self._nearest_local(lat, lon)
        missed = np.nonzero(draws < share)[0] if share > 0 and m > 1 else np.empty(0, np.intp)
        if len(missed):
            d = draws[missed]
            ranks = 2 + np.minimum(
                self.params.max_rank - 2, (d / share * (self.params.max_rank - 1)).astype(np.intp)
            )
            ranks = np.minimum(ranks, m)
            kmax = int(ranks.max())
            for a in range(0, len(missed), CHUNK):
                rows = missed[a : a + CHUNK]
                top = self._top_local(lat[rows], lon[rows], kmax)
                out[rows] = top[np.arange(len(rows)), ranks[a : a + CHUNK] - 1]
        return np.asarray(self._active[out])

    def _nearest_local(self, lat: FloatArray, lon: FloatArray) -> IntArray:
        """Local (active) index of the nearest PoP of each point, through the grid.

        Points whose cell has a single candidate need no arithmetic; the others are scored
        against their cell's candidates only.
        """
        grid = self._get_grid()
        table = grid.cand[0]
        counts = grid.count[0]
        out = np.empty(len(lat), dtype=np.intp)
        for a in range(0, len(lat), CHUNK):
            la = lat[a : a + CHUNK]
            lo = lon[a : a + CHUNK]
            cells = grid.cells(la, lo)
            best = table[cells, 0]
            multi = np.nonzero(counts[cells] > 1)[0]
            if len(multi):
                mc = cells[multi]
                width = int(counts[mc].max())
                cand = table[mc, :width]
                scores = self._scores(cand, unit_vectors(la[multi], lo[multi]).reshape(-1, 3))
                best[multi] = cand[np.arange(len(cand)), scores.argmax(axis=1)]
            out[a : a + CHUNK] = best
        return out

    def _top_local(self, lat: FloatArray, lon: FloatArray, k: int) -> IntArray:
        """Local indices of the ``k`` nearest PoPs of each point (k <= the grid's k)."""
        grid = self._get_grid()
        cells = grid.cells(lat, lon)
        width = int(grid.count[1][cells].max()) if len(cells) else 1
        cand = grid.cand[1][cells, :width]
        scores = self._scores(cand, unit_vectors(lat, lon).reshape(-1, 3))
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return np.asarray(np.take_along_axis(cand, order, axis=1))

    def _scores(self, cand: IntArray, v: FloatArray) -> FloatArray:
        """Dot products of each point with its candidates; padding scores far below any PoP."""
        e = self._vec_ext
        s = e[cand, 0] * v[:, 0:1]
        s += e[cand, 1] * v[:, 1:2]
        s += e[cand, 2] * v[:, 2:3]
        s -= self._pen_ext[cand]
        return np.asarray(s, dtype=np.float64)


def _unit_tuple(latitude: float, longitude: float) -> tuple[float, float, float]:
    p = latitude * _RAD
    lam = longitude * _RAD
    c = math.cos(p)
    return (c * math.cos(lam), c * math.sin(lam), math.sin(p))


def _unit(latitude: float, longitude: float) -> npt.NDArray[np.float64]:
    p = math.radians(latitude)
    lam = math.radians(longitude)
    c = math.cos(p)
    return np.array((c * math.cos(lam), c * math.sin(lam), math.sin(p)))


def _top_k(scores: npt.NDArray[np.float64], k: int) -> IntArray:
    """Per row, the column indices of the ``k`` largest scores, largest first."""
    if k >= scores.shape[1]:
        top = np.argsort(-scores, axis=1, kind="stable")
        return np.asarray(top[:, :k])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.asarray(np.take_along_axis(part, order, axis=1))
