"""Great-circle geometry, and routing at the edges of the map (poles, antimeridian)."""

from __future__ import annotations

import numpy as np
import pytest

from edgert.geodesy import great_circle_km, great_circle_km_array, unit_vector, unit_vectors
from edgert.pops import load_pops
from edgert.routing import AnycastRouter


def test_unit_vectors_have_norm_one_and_agree_with_the_scalar_form() -> None:
    lat = np.array([0.0, 45.0, -90.0, 12.3])
    lon = np.array([0.0, 90.0, 10.0, -170.0])
    v = unit_vectors(lat, lon)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0)
    for row, a, b in zip(v, lat, lon, strict=True):
        assert row == pytest.approx(unit_vector(float(a), float(b)))


def test_dot_products_order_points_like_great_circle_distances() -> None:
    rng = np.random.default_rng(3)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 500)))
    lon = rng.uniform(-180, 180, 500)
    here = unit_vector(10.0, 20.0)
    dots = unit_vectors(lat, lon) @ np.array(here)
    dist = great_circle_km_array(10.0, 20.0, lat, lon)
    assert np.array_equal(np.argsort(-dots, kind="stable"), np.argsort(dist, kind="stable"))


def test_distance_is_symmetric_and_bounded() -> None:
    assert great_circle_km(10, 20, -30, 140) == pytest.approx(great_circle_km(-30, 140, 10, 20))
    assert great_circle_km(0, 0, 0, 180) == pytest.approx(np.pi * 6371.0088)
    assert great_circle_km(90, 0, -90, 0) == pytest.approx(np.pi * 6371.0088)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (90.0, 0.0),
        (-90.0, 123.0),
        (89.99, 179.99),
        (0.0, 180.0),
        (0.0, -180.0),
        (-17.5, 179.9),
        (-17.5, -179.9),
        (64.0, -181.0),  # same place as 179 E
        (64.0, 539.0),  # same place as 179 E
    ],
)
def test_routing_at_the_edges_of_the_map_matches_brute_force(lat: float, lon: float) -> None:
    router = AnycastRouter(load_pops("global"))
    plat = np.array([p.latitude for p in router.pops])
    plon = np.array([p.longitude for p in router.pops])
    dist = great_circle_km_array(lat, lon, plat, plon)
    best = router.nearest_index(lat, lon)
    assert dist[best] == pytest.approx(dist.min())
    assert router.nearest_batch([lat], [lon])[0] == best
    top = router.nearest_batch([lat], [lon], k=5)[0]
    assert dist[top] == pytest.approx(np.sort(dist)[:5])
    for u, rank in ((0.01, 2), (0.06, 3), (0.11, 4), (0.19, 5)):
        assert router.route_index(lat, lon, u=u) == top[rank - 1]
