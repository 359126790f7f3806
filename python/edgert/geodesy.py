"""Great-circle geometry on a spherical Earth: distances and unit vectors, scalar and vectorised.

Everything here is pure arithmetic (no data, no randomness). The sphere has the IUGG mean radius;
the error against the WGS84 ellipsoid is below 0.5 %, far below the uncertainty of the latency
model.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = [
    "EARTH_RADIUS_KM",
    "SPEED_OF_LIGHT_KM_PER_MS",
    "great_circle_km",
    "great_circle_km_array",
    "unit_vector",
    "unit_vectors",
]

#: Mean Earth radius R1 = (2a + b) / 3 of the WGS84 ellipsoid (IUGG, Moritz 2000, "Geodetic
#: Reference System 1980"), in kilometres.
EARTH_RADIUS_KM = 6371.0088

#: Speed of light in vacuum, 299,792.458 km/s (SI definition of the metre), in km per millisecond.
SPEED_OF_LIGHT_KM_PER_MS = 299.792458

FloatArray = npt.NDArray[np.float64]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees (haversine formula)."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def great_circle_km_array(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Vectorised :func:`great_circle_km`; the arguments broadcast against each other."""
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h))))


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """The point (degrees) as a unit vector in Earth-centred coordinates."""
    p = math.radians(lat)
    lam = math.radians(lon)
    c = math.cos(p)
    return (c * math.cos(lam), c * math.sin(lam), math.sin(p))


def unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Vectorised :func:`unit_vector`: an ``(n, 3)`` array.

    The larger the dot product of two unit vectors, the shorter the great circle between them, so
    the nearest of many points is an ``argmax`` of a matrix product.
    """
    p = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    c = np.cos(p)
    return np.stack([c * np.cos(lam), c * np.sin(lam), np.sin(p)], axis=-1)
