"""Anycast routing: nearest PoP, the misrouted share, PoPs marked down, seeding, scalar vs batch."""

from __future__ import annotations

import random

import numpy as np
import pytest

from edgert.errors import ConfigError, UnknownPlaceError
from edgert.geo import world_cities
from edgert.geodesy import great_circle_km_array
from edgert.pops import load_pops
from edgert.routing import AnycastRouter, RoutingParams


@pytest.fixture(scope="module")
def global_router() -> AnycastRouter:
    return AnycastRouter(load_pops("global"))


def _uniform_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Points spread uniformly over the sphere."""
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    lon = rng.uniform(-180.0, 180.0, n)
    return lat, lon


def _brute_force_ranking(router: AnycastRouter, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Indices of all PoPs by great-circle distance, by the haversine formula, per point."""
    plat = np.array([p.latitude for p in router.pops])
    plon = np.array([p.longitude for p in router.pops])
    dist = great_circle_km_array(lat[:, None], lon[:, None], plat[None, :], plon[None, :])
    return np.argsort(dist, axis=1, kind="stable"), dist


def test_nearest_matches_brute_force_for_batches_and_single_clients(
    global_router: AnycastRouter,
) -> None:
    lat, lon = _uniform_points(np.random.default_rng(11), 5000)
    order, dist = _brute_force_ranking(global_router, lat, lon)
    batch = global_router.nearest_batch(lat, lon)
    # Same distance as the true nearest (indices could differ only on exact ties).
    rows = np.arange(len(lat))
    assert np.allclose(dist[rows, batch], dist[rows, order[:, 0]])
    single = [
        global_router.nearest_index(float(a), float(b)) for a, b in zip(lat, lon, strict=True)
    ]
    assert single == batch.tolist()
    top5 = global_router.nearest_batch(lat, lon, k=5)
    assert np.allclose(np.take_along_axis(dist, top5, axis=1), np.sort(dist, axis=1)[:, :5])
    deep = global_router.nearest_batch(lat[:200], lon[:200], k=8)  # beyond the grid's depth
    assert np.allclose(np.take_along_axis(dist[:200], deep, axis=1), np.sort(dist[:200], 1)[:, :8])


def test_ranked_lists_every_pop_nearest_first(global_router: AnycastRouter) -> None:
    ranked = global_router.ranked(35.68, 139.69)
    assert len(ranked) == len(global_router.pops)
    assert global_router.pops[ranked[0]].code == "NRT"
    assert [global_router.pops[i].code for i in global_router.ranked(35.68, 139.69, 3)] == [
        "NRT",
        "KIX",
        "FUK",
    ]


def test_well_known_catchments(global_router: AnycastRouter) -> None:
    assert global_router.nearest(35.68, 139.69).code == "NRT"  # Tokyo
    assert global_router.nearest(51.51, -0.13).code == "LHR"  # London
    assert global_router.nearest(-33.87, 151.21).code == "SYD"  # Sydney
    assert global_router.nearest(1.29, 103.85).code == "SIN"  # Singapore


@pytest.mark.parametrize("share", [0.0, 0.1, 0.2, 0.35])
def test_share_not_at_the_nearest_pop_is_within_one_point_of_the_setting(share: float) -> None:
    """Anycast over 100,000 clients placed in world cities by population."""
    router = AnycastRouter(load_pops("global"), RoutingParams(misroute_share=share))
    cities = world_cities()
    rng = np.random.default_rng(2015)
    idx = cities.sample(rng, 100_000)
    lat, lon = cities.latitudes[idx], cities.longitudes[idx]
    routed = router.route_batch(lat, lon, rng=rng)
    nearest = router.nearest_batch(lat, lon)
    assert abs(float(np.mean(routed != nearest)) - share) <= 0.01


def test_misrouted_clients_land_on_the_2nd_to_5th_nearest_uniformly(
    global_router: AnycastRouter,
) -> None:
    lat, lon = _uniform_points(np.random.default_rng(12), 40_000)
    rng = np.random.default_rng(13)
    routed = global_router.route_batch(lat, lon, rng=rng)
    top = global_router.nearest_batch(lat, lon, k=6)
    rank = np.argmax(top == routed[:, None], axis=1) + 1
    assert set(np.unique(rank).tolist()) == {1, 2, 3, 4, 5}
    counts = np.bincount(rank, minlength=6)[2:6]
    share_each = counts / len(lat)
    assert np.allclose(share_each, 0.05, atol=0.006)


def test_scalar_and_batch_routing_agree_for_the_same_draws(global_router: AnycastRouter) -> None:
    lat, lon = _uniform_points(np.random.default_rng(14), 3000)
    u = np.random.default_rng(15).random(3000)
    batch = global_router.route_batch(lat, lon, u=u)
    single = [
        global_router.route_index(float(a), float(b), u=float(c))
        for a, b, c in zip(lat, lon, u, strict=True)
    ]
    assert single == batch.tolist()


def test_a_stable_draw_keeps_a_client_on_the_same_pop(global_router: AnycastRouter) -> None:
    first = global_router.route(48.85, 2.35, u=0.07)
    assert all(global_router.route(48.85, 2.35, u=0.07) == first for _ in range(10))
    assert global_router.route(48.85, 2.35, u=0.5) == global_router.nearest(48.85, 2.35)
    assert global_router.route(48.85, 2.35) == global_router.nearest(48.85, 2.35)  # no draw


def test_route_client_uses_the_clients_own_draw(global_router: AnycastRouter) -> None:
    from edgert.geo import Client

    home = Client(city="Paris")
    assert global_router.route_client(home) == global_router.nearest(*home.position)
    away = Client(city="Paris", anycast_u=0.19)  # rank 5
    fifth = global_router.ranked(*away.position, k=5)[4]
    assert global_router.route_client(away) == global_router.pops[fifth]


def test_seeding_gives_identical_routes(global_router: AnycastRouter) -> None:
    lat, lon = _uniform_points(np.random.default_rng(16), 20_000)
    a = global_router.route_batch(lat, lon, rng=np.random.default_rng(99))
    b = global_router.route_batch(lat, lon, rng=np.random.default_rng(99))
    c = global_router.route_batch(lat, lon, rng=np.random.default_rng(100))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    r1 = [
        global_router.route_index(10.0 * i % 80, 7.0 * i % 180, rng=random.Random(5))
        for i in range(50)
    ]
    r2 = [
        global_router.route_index(10.0 * i % 80, 7.0 * i % 180, rng=random.Random(5))
        for i in range(50)
    ]
    assert r1 == r2


def test_a_pop_marked_down_shifts_its_catchment_to_the_next_pops() -> None:
    router = AnycastRouter(load_pops("global"), RoutingParams(misroute_share=0.0))
    cities = world_cities()
    idx = cities.sample(np.random.default_rng(17), 50_000)
    lat, lon = cities.latitudes[idx], cities.longitudes[idx]
    nrt = router.index_of("NRT")
    before = router.route_batch(lat, lon)
    catchment = before == nrt
    assert catchment.sum() > 100  # Tokyo is big
    second = router.nearest_batch(lat, lon, k=2)[:, 1]

    router.mark_down("NRT")
    assert router.down == frozenset({"NRT"})
    after = router.route_batch(lat, lon)
    assert not np.any(after == nrt)
    # NRT's clients go to their next-nearest PoP; nobody else moves.
    assert np.array_equal(after[catchment], second[catchment])
    assert np.array_equal(after[~catchment], before[~catchment])
    assert router.route(35.68, 139.69).code == "KIX"
    assert router.pops[router.ranked(35.68, 139.69)[0]].code == "KIX"

    router.mark_up("NRT")
    assert router.down == frozenset()
    assert np.array_equal(router.route_batch(lat, lon), before)


def test_every_pop_down_is_an_error_and_unknown_codes_are_rejected() -> None:
    router = AnycastRouter(load_pops("demo"))
    for code in ("NRT", "GRU", "FRA", "IAD", "SYD"):
        router.mark_down(code)
    with pytest.raises(ConfigError, match="marked down"):
        router.route(0.0, 0.0)
    with pytest.raises(ConfigError):
        router.route_batch([0.0], [0.0])
    with pytest.raises(UnknownPlaceError):
        router.mark_down("LHR")


def test_small_networks_route_among_what_they_have() -> None:
    router = AnycastRouter(load_pops(["NRT", "FRA"]))
    # With two PoPs, a misrouted client can only go to the other one.
    assert router.route(35.68, 139.69, u=0.01).code == "FRA"
    assert router.route(35.68, 139.69, u=0.99).code == "NRT"
    routed = router.route_batch([35.68] * 1000, [139.69] * 1000, rng=np.random.default_rng(1))
    assert 0.15 < float(np.mean(routed == 1)) < 0.25
    one = AnycastRouter(load_pops(["SYD"]))
    assert one.route(51.5, 0.0, u=0.01).code == "SYD"


def test_routing_params_are_validated() -> None:
    with pytest.raises(ConfigError):
        RoutingParams(misroute_share=1.5)
    with pytest.raises(ConfigError):
        RoutingParams(max_rank=1)
    p = RoutingParams()
    assert (p.misroute_share, p.max_rank) == (0.2, 5)
    assert [p.rank_of(u) for u in (0.0, 0.049, 0.051, 0.1, 0.16, 0.199, 0.2, 0.9)] == [
        2,
        2,
        3,
        4,
        5,
        5,
        1,
        1,
    ]
    with pytest.raises(ConfigError):
        AnycastRouter([])
    with pytest.raises(ConfigError):
        AnycastRouter(load_pops("demo")).route_batch([1.0, 2.0], [1.0, 2.0], u=[0.5])
