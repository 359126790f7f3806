"""Benchmark: the anycast routing decision, one client at a time and in batches.

Compares, in the same run:

- ``AnycastRouter.nearest_index`` / ``route_index``: one client among the PoPs, from Python
  (goal: median <= 5 us for 300 PoPs);
- ``AnycastRouter.route_batch``: vectorised batches (goal: >= 1 million clients/s);
- peer 1, a naive pure-Python loop: the haversine distance to every PoP, keep the smallest;
- peer 2, numpy brute force: the dot product of each client with every PoP, argmax per row.

Run: ``.venv/bin/python benches/bench_routing.py [--pops global] [--clients 1000000] [--seed 1]``.
Timings are wall-clock medians over repetitions; the machine's load shows in them, so compare rows
of the same run, not runs on different machines.
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import statistics
import time

import numpy as np

from edgert.geodesy import EARTH_RADIUS_KM, unit_vectors
from edgert.pops import Pop, load_pops
from edgert.routing import AnycastRouter


def naive_nearest(lat: float, lon: float, pops: list[tuple[float, float]]) -> int:
    """The peer: haversine to every PoP in a Python loop."""
    p1 = math.radians(lat)
    best = -1
    best_d = math.inf
    cos_p1 = math.cos(p1)
    for i, (plat, plon) in enumerate(pops):
        p2 = math.radians(plat)
        h = (
            math.sin((p2 - p1) / 2) ** 2
            + cos_p1 * math.cos(p2) * math.sin(math.radians(plon - lon) / 2) ** 2
        )
        d = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
        if d < best_d:
            best_d = d
            best = i
    return best


def per_call_us(fn: object, points: list[tuple[float, float]], repeats: int) -> float:
    """Median over ``repeats`` of the mean time of one call over ``points``, in microseconds."""
    call = fn  # type: ignore[assignment]
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        for lat, lon in points:
            call(lat, lon)  # type: ignore[operator]
        samples.append((time.perf_counter_ns() - t0) / len(points) / 1000.0)
    return statistics.median(samples)


def median_single_call_us(fn: object, points: list[tuple[float, float]], repeats: int) -> float:
    """Median over every single call (each timed on its own), in microseconds, less the median
    cost of timing an empty call."""
    call = fn  # type: ignore[assignment]
    clock = time.perf_counter_ns
    samples = []
    empty = []
    for _ in range(repeats):
        for lat, lon in points:
            t0 = clock()
            call(lat, lon)  # type: ignore[operator]
            t1 = clock()
            samples.append(t1 - t0)
            t2 = clock()
            t3 = clock()
            empty.append(t3 - t2)
    return (statistics.median(samples) - statistics.median(empty)) / 1000.0


def per_second(fn: object, n: int, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - t0)
    return n / statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pops", default="global", help="PoP preset (default: global)")
    parser.add_argument("--clients", type=int, default=1_000_000, help="batch size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    pops: tuple[Pop, ...] = load_pops(args.pops)
    router = AnycastRouter(pops)
    rng = np.random.default_rng(args.seed)
    n = args.clients
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    lon = rng.uniform(-180.0, 180.0, n)
    t0 = time.perf_counter()
    router.nearest_index(0.0, 0.0)  # builds the candidate grid
    build_s = time.perf_counter() - t0

    points = list(zip(lat[:2000].tolist(), lon[:2000].tolist(), strict=True))
    coords = [(p.latitude, p.longitude) for p in pops]
    draw = random.Random(args.seed)

    def route_one(a: float, b: float) -> int:
        return router.route_index(a, b, rng=draw)

    def naive_one(a: float, b: float) -> int:
        return naive_nearest(a, b, coords)

    vec_t = np.ascontiguousarray(unit_vectors([p[0] for p in coords], [p[1] for p in coords]).T)

    def brute_batch() -> None:
        for start in range(0, n, 8192):
            v = unit_vectors(lat[start : start + 8192], lon[start : start + 8192])
            (v @ vec_t).argmax(axis=1)

    print(f"# routing benchmark: {len(pops)} PoPs ({args.pops}), batch of {n:,} clients")
    print(f"# python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"# candidate grid built in {build_s * 1000:.0f} ms (once, and after mark_down/up)")
    rows = [
        ("one client: AnycastRouter.nearest_index", router.nearest_index, points, 7),
        ("one client: AnycastRouter.route_index (20% misrouted)", route_one, points, 7),
        ("one client: peer, naive pure-Python haversine loop", naive_one, points[:500], 3),
    ]
    print(f"{'':<56} {'median call':>12} {'mean call':>12}")
    for name, fn, pts, reps in rows:
        med = median_single_call_us(fn, pts, reps)
        mean = per_call_us(fn, pts, reps)
        print(f"{name:<56} {med:>9.2f} us {mean:>9.2f} us")
    batch = [
        (
            "batch: AnycastRouter.route_batch",
            per_second(lambda: router.route_batch(lat, lon, rng=rng), n, args.repeats),
        ),
        (
            "batch: AnycastRouter.nearest_batch",
            per_second(lambda: router.nearest_batch(lat, lon), n, args.repeats),
        ),
        ("batch: peer, numpy brute force (every PoP)", per_second(brute_batch, n, 3)),
        (
            "batch: peer, naive pure-Python loop",
            per_second(lambda: [naive_one(a, b) for a, b in points[:500]], 500, 3),
        ),
    ]
    for name, rate in batch:
        print(f"{name:<56} {rate / 1e6:>11.3f} M clients/s")


if __name__ == "__main__":
    main()
