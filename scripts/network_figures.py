"""Print the figures of docs/network.md: calibration, reference paths, the Tokyo scenario, anycast.

Run: ``.venv/bin/python scripts/network_figures.py [--seed 1]``. Deterministic for a seed.
"""

from __future__ import annotations

import argparse

import numpy as np

from edgert.geo import Client, find_city, world_cities
from edgert.geodesy import SPEED_OF_LIGHT_KM_PER_MS, great_circle_km_array
from edgert.latency import LatencyModel
from edgert.pops import load_pops, pop
from edgert.routing import AnycastRouter

DYNAMIC_ORIGIN_MS = 50.0


def pct(values: list[float] | np.ndarray) -> str:
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    return f"p5 {p5:6.1f}  p50 {p50:6.1f}  p95 {p95:6.1f} ms"


def _phases(d: dict[str, float]) -> str:
    total = d.pop("total_ms")
    parts = [f"{k.removesuffix('_ms')} {v:.1f}" for k, v in d.items() if v]
    return f"{', '.join(parts)} -> {total:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    model = LatencyModel()
    cities = world_cities()

    print("## Calibration: 10,000 random pairs of world cities (GeoNames cities15000, uniform)")
    rng = np.random.default_rng(args.seed)
    a = rng.integers(0, len(cities), 10_000)
    b = rng.integers(0, len(cities), 10_000)
    keep = a != b
    a, b = a[keep], b[keep]
    lat, lon = cities.latitudes, cities.longitudes
    dist = great_circle_km_array(lat[a], lon[a], lat[b], lon[b])
    modelled = model.min_rtt_ms_array(lat[a], lon[a], lat[b], lon[b])
    vacuum = 2 * dist / SPEED_OF_LIGHT_KM_PER_MS
    ok = vacuum > 0
    print(f"median distance {np.median(dist):,.0f} km; median min RTT {np.median(modelled):.1f} ms")
    print(f"median modelled min RTT / vacuum RTT = {np.median(modelled[ok] / vacuum[ok]):.3f}")

    print("\n## Reference paths (minimum RTT: propagation only)")
    nyc, london = find_city("New York"), find_city("London")
    tokyo_city = find_city("Tokyo")
    for name, x, y in [
        ("New York - London", nyc, london),
        ("Tokyo - Ashburn (IAD)", tokyo_city, pop("IAD")),
        ("NRT - IAD", pop("NRT"), pop("IAD")),
        ("FRA - SYD", pop("FRA"), pop("SYD")),
    ]:
        inet = model.min_rtt_ms(x, y)
        bb = model.min_rtt_ms(x, y, "backbone")
        vac = model.vacuum_rtt_ms(x, y)
        print(f"{name:<24} vacuum {vac:6.1f}  backbone {bb:6.1f}  internet {inet:6.1f} ms")

    print("\n## The seed's Tokyo scenario (origin in IAD, dynamic page: origin spends 50 ms)")
    tokyo = Client(city="Tokyo")
    nrt, iad = pop("NRT"), pop("IAD")
    central = model.via_pop(tokyo, nrt, iad, origin_server_ms=DYNAMIC_ORIGIN_MS)
    print(f"cold, via NRT to the origin (median user, no jitter): {central.total_ms:6.1f} ms")
    print(f"  client leg: {_phases(central.client.as_dict())}")
    assert central.origin is not None
    print(f"  origin leg (pooled, warm): {_phases(central.origin.as_dict())}")
    r = np.random.default_rng(args.seed)
    draws = [
        model.via_pop(tokyo, nrt, iad, origin_server_ms=DYNAMIC_ORIGIN_MS, rng=r).total_ms
        for _ in range(5000)
    ]
    print(f"cold, via NRT to the origin, 5,000 draws:           {pct(draws)}")
    warm = [
        model.via_pop(
            tokyo, nrt, iad, client_connection="reused", origin_server_ms=DYNAMIC_ORIGIN_MS, rng=r
        ).total_ms
        for _ in range(5000)
    ]
    print(f"warm (reused connection), via NRT to the origin:    {pct(warm)}")
    edge = [model.via_pop(tokyo, nrt, rng=r).total_ms for _ in range(5000)]
    print(f"cold, answered at NRT without the origin:           {pct(edge)}")
    edge_warm = [
        model.via_pop(tokyo, nrt, client_connection="reused", rng=r).total_ms for _ in range(5000)
    ]
    print(f"warm, answered at NRT without the origin:           {pct(edge_warm)}")
    direct = []
    for _ in range(5000):
        rtt = model.rtt_ms(tokyo, iad, access_a="fixed", access_b="datacenter", rng=r)
        direct.append(model.exchange(rtt, server_ms=DYNAMIC_ORIGIN_MS, rng=r).total_ms)
    print(f"cold, straight to the origin, no CDN:               {pct(direct)}")
    seq = []
    for _ in range(2000):
        first = model.via_pop(tokyo, nrt, iad, origin_server_ms=DYNAMIC_ORIGIN_MS, rng=r).total_ms
        rest = sum(
            model.via_pop(
                tokyo,
                nrt,
                iad,
                client_connection="reused",
                origin_server_ms=DYNAMIC_ORIGIN_MS,
                rng=r,
            ).total_ms
            for _ in range(4)
        )
        seq.append(first + rest)
    print(f"5 sequential calls via NRT to the origin:           {pct(seq)}")

    print("\n## Anycast: 100,000 clients drawn from world cities by population")
    rng = np.random.default_rng(args.seed)
    idx = cities.sample(rng, 100_000)
    clat, clon = cities.latitudes[idx], cities.longitudes[idx]
    for preset in ("demo", "global"):
        pops = load_pops(preset)
        router = AnycastRouter(pops)
        routed = router.route_batch(clat, clon, rng=rng)
        nearest = router.nearest_batch(clat, clon)
        rtts = model.min_rtt_ms_array(
            clat,
            clon,
            np.array([pops[i].latitude for i in routed]),
            np.array([pops[i].longitude for i in routed]),
        )
        share = np.bincount(routed, minlength=len(pops)) / len(routed)
        top = np.argsort(-share)[:5]
        tops = ", ".join(f"{pops[i].code} {share[i]:.1%}" for i in top)
        print(
            f"{preset:<7} {len(pops):3d} PoPs: not at nearest {np.mean(routed != nearest):.2%}; "
            f"min RTT to PoP {pct(rtts)}"
        )
        print(f"        biggest catchments: {tops}")


if __name__ == "__main__":
    main()
