"""A latitude-longitude grid that lists, for each cell, the only PoPs that can rank among the k
nearest of any point in that cell: the index behind fast anycast routing.

Theory of operation
-------------------
Let ``c`` be a cell's centre, ``rho`` the largest angle from ``c`` to any point of the cell, and
``theta_k(c)`` the angle from ``c`` to its k-th nearest PoP. For any point ``x`` of the cell, the k
PoPs nearest ``c`` are all within ``theta_k(c) + rho`` of ``x``, so each of the k PoPs nearest ``x``
is too, and (triangle inequality) lies within ``theta_k(c) + 2 rho`` of ``c``. Those PoPs are the
cell's candidates: ranking a point only needs its cell's candidates, a handful instead of hundreds,
and the answer is exact (the same as ranking every PoP).

Angles are compared through dot products of unit vectors (``cos`` is decreasing on [0, pi]).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from edgert.geodesy import unit_vectors

__all__ = ["CandidateGrid"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: Slack on the candidate radius, in radians (about 6 mm), against rounding.
_EPS = 1e-9
#: Safety factor on the cell radius (the corners are the farthest points; 1 % spare).
_MARGIN = 1.01
_CHUNK = 8192


#: Grids built lately, by (PoP vectors, k, cell): a grid never changes once built, and the
#: simulator builds one network per group of PoPs on the same PoP set (~0.25 s a grid).
_RECENT: dict[tuple[bytes, int, float], CandidateGrid] = {}
_RECENT_MAX = 4


class CandidateGrid:
    """Per-cell candidate lists for ranks 1 and up to ``k`` among PoPs given as unit vectors."""

    __slots__ = ("cand", "cell_deg", "count", "k", "nlat", "nlon")

    @classmethod
    def shared(cls, vectors: FloatArray, k: int, cell_deg: float = 1.0) -> CandidateGrid:
        """The grid of these arguments, built once for recent ones (grids are immutable)."""
        key = (np.ascontiguousarray(vectors, dtype=np.float64).tobytes(), k, cell_deg)
        grid = _RECENT.get(key)
        if grid is None:
            if len(_RECENT) >= _RECENT_MAX:
                _RECENT.pop(next(iter(_RECENT)))
            grid = _RECENT[key] = cls(vectors, k, cell_deg)
        return grid

    def __init__(self, vectors: FloatArray, k: int, cell_deg: float = 1.0) -> None:
        m = len(vectors)
        self.k = max(1, min(k, m))
        self.cell_deg = cell_deg
        self.nlat = round(180.0 / cell_deg)
        self.nlon = round(360.0 / cell_deg)
        s = cell_deg
        clat = -90.0 + s * (np.arange(self.nlat) + 0.5)
        clon = -180.0 + s * (np.arange(self.nlon) + 0.5)
        # Largest angle from a cell's centre to its corners (the farthest points of the cell).
        centre = unit_vectors(clat, np.zeros(self.nlat))
        rho = np.zeros(self.nlat)
        for dlat in (-s / 2, s / 2):
            corner = unit_vectors(np.clip(clat + dlat, -90.0, 90.0), np.full(self.nlat, s / 2))
            cosang = np.clip(np.einsum("ij,ij->i", centre, corner), -1.0, 1.0)
            rho = np.maximum(rho, np.arccos(cosang))
        lat_grid, lon_grid = np.meshgrid(clat, clon, indexing="ij")
        centres = unit_vectors(lat_grid.ravel(), lon_grid.ravel())
        rho_cells = np.repeat(rho, self.nlon)
        # cand[r] holds, per cell, candidates for rank 1 (r = 0) and for ranks 1..k (r = 1).
        ranks = (1, self.k)
        rows_all: list[list[IntArray]] = [[], []]
        cols_all: list[list[IntArray]] = [[], []]
        for a in range(0, len(centres), _CHUNK):
            dots = centres[a : a + _CHUNK] @ vectors.T
            part = -np.partition(-dots, sorted({kk - 1 for kk in ranks}), axis=1)
            two_rho = 2.0 * _MARGIN * rho_cells[a : a + _CHUNK] + _EPS
            for r, kk in enumerate(ranks):
                theta = np.arccos(np.clip(part[:, kk - 1], -1.0, 1.0))
                limit = np.cos(np.minimum(math.pi, theta + two_rho))
                rows, cols = np.nonzero(dots >= limit[:, None])
                rows_all[r].append(rows + a)
                cols_all[r].append(cols)
        self.cand: list[IntArray] = []
        self.count: list[IntArray] = []
        for r in range(2):
            rows = np.concatenate(rows_all[r])
            cols = np.concatenate(cols_all[r])
            count = np.bincount(rows, minlength=len(centres))
            width = int(count.max())
            starts = np.concatenate(([0], np.cumsum(count)[:-1]))
            pos = np.arange(len(rows)) - starts[rows]
            table = np.full((len(centres), width), m, dtype=np.intp)  # m: the padding "PoP"
            table[rows, pos] = cols
            self.cand.append(table)
            self.count.append(count.astype(np.intp))

    def cell(self, latitude: float, longitude: float) -> int:
        """The cell index of one point."""
        i = min(self.nlat - 1, max(0, int((latitude + 90.0) / self.cell_deg)))
        j = int((longitude + 180.0) // self.cell_deg) % self.nlon
        return i * self.nlon + j

    def cells(self, latitudes: FloatArray, longitudes: FloatArray) -> IntArray:
        """The cell index of each point."""
        i = np.clip(((latitudes + 90.0) / self.cell_deg).astype(np.intp), 0, self.nlat - 1)
        j = np.floor((longitudes + 180.0) / self.cell_deg).astype(np.intp) % self.nlon
        return np.asarray(i * self.nlon + j)
