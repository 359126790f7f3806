"""Fresh-hit lookups from Python: edgert's Rust cache beside hishel (RFC 9111 cache), same run.

Run: ``python benches/bench_cache.py`` (after ``maturin develop``). Prints per-lookup medians and
the ratio. Both caches hold the same responses (``public, max-age=86400`` with a fresh ``Date``)
under the same keys, and are asked for the same URLs in the same order:

- edgert: ``HttpCache.lookup("GET", url, None, now)`` -> a ``hit`` (and, second row, the served
  response materialized: status, header list with Age and cf-cache-status, body bytes);
- hishel, sans-I/O core: ``IdleClient(options).next(request, entries)`` with the entries kept in a
  Python dict (hishel's lookup decision without any storage cost: the most favourable case);
- hishel, stock path: ``handle_request_with_rfc`` over ``SqliteStorage`` in memory.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
import uuid
from collections.abc import Callable
from email.utils import formatdate
from importlib import metadata

import hishel
from hishel._sync_rfc import handle_request_with_rfc

from edgert._core import HttpCache

BODY = b"x" * 1024


def fields(now: float, i: int) -> list[tuple[str, str]]:
    return [
        ("content-type", "application/javascript"),
        ("cache-control", "public, max-age=86400"),
        ("etag", f'"{i:016x}"'),
        ("last-modified", formatdate(now - 86400, usegmt=True)),
        ("date", formatdate(now, usegmt=True)),
    ]


def median_ns(
    call: Callable[[str], object], urls: list[str], rounds: int, batch: int
) -> tuple[float, float]:
    """Median over ``rounds`` of the mean time per call in a batch of ``batch`` calls, as
    (thread CPU time, wall time). CPU time does not count time the thread was descheduled, so a
    loaded shared machine distorts it far less; both are printed."""
    n = len(urls)
    cpu, wall = [], []
    for r in range(rounds):
        start_cpu, start_wall = time.thread_time_ns(), time.perf_counter_ns()
        for k in range(batch):
            call(urls[(r * batch + k * 7919) % n])
        cpu.append((time.thread_time_ns() - start_cpu) / batch)
        wall.append((time.perf_counter_ns() - start_wall) / batch)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--hishel-batch", type=int, default=200)
    args = parser.parse_args()

    now = time.time()
    urls = [f"https://example.com/static/object-{i:06}.js" for i in range(args.keys)]

    cache = HttpCache(256 << 20, estimated_entries=args.keys)
    for i, url in enumerate(urls):
        cache.store("GET", url, None, 200, fields(now, i), BODY, now, now)

    def edgert_lookup(url: str) -> object:
        result = cache.lookup("GET", url, None, now)
        assert result.kind == "hit"
        return result

    browser = [
        ("host", "example.com"),
        ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0"),
        ("accept", "*/*"),
        ("accept-encoding", "gzip, deflate, br"),
        ("accept-language", "en-US,en;q=0.9"),
        ("referer", "https://example.com/"),
        ("sec-fetch-mode", "no-cors"),
        ("connection", "keep-alive"),
    ]

    def edgert_browser(url: str) -> object:
        result = cache.lookup("GET", url, browser, now)
        assert result.kind == "hit"
        return result

    def edgert_served(url: str) -> object:
        response = cache.lookup("GET", url, None, now).response
        assert response is not None
        return (response.status, response.headers, response.body)

    options = hishel.CacheOptions(shared=True)
    entries: dict[str, list[hishel.Entry]] = {}
    for i, url in enumerate(urls):
        request = hishel.Request("GET", url, hishel.Headers({}))
        response = hishel.Response(200, hishel.Headers(dict(fields(now, i))), iter([BODY]))
        entries[url] = [hishel.Entry(uuid.uuid4(), request, response)]

    def hishel_spec(url: str) -> object:
        request = hishel.Request("GET", url, hishel.Headers({}))
        state = hishel.IdleClient(options=options).next(request, entries[url])
        assert isinstance(state, hishel.FromCache)
        return state

    storage = hishel.SqliteStorage(connection=sqlite3.connect(":memory:"))
    for i, url in enumerate(urls):
        request = hishel.Request("GET", url, hishel.Headers({}))
        response = hishel.Response(200, hishel.Headers(dict(fields(now, i))), iter([BODY]))
        stored = storage.create_entry(request, response, url)
        for _ in stored.response.stream or ():  # type: ignore[union-attr]
            pass

    def never(request: hishel.Request) -> hishel.Response:
        raise AssertionError("a fresh hit must not reach the origin")

    def hishel_stock(url: str) -> object:
        request = hishel.Request("GET", url, hishel.Headers({}))
        response, status = handle_request_with_rfc(request, never, storage, url, options)
        assert status["from_cache"]
        return response

    edgert_ns, edgert_wall = median_ns(edgert_lookup, urls, args.rounds, args.batch)
    browser_ns, browser_wall = median_ns(edgert_browser, urls, args.rounds, args.batch)
    served_ns, served_wall = median_ns(edgert_served, urls, args.rounds, args.batch)
    spec_ns, spec_wall = median_ns(hishel_spec, urls, args.rounds, args.hishel_batch)
    stock_ns, stock_wall = median_ns(hishel_stock, urls, args.rounds, args.hishel_batch)

    version = getattr(hishel, "__version__", None) or metadata.version("hishel")
    print(f"fresh-hit lookups from Python, {args.keys} stored responses, hishel {version},")
    print(f"median of {args.rounds} rounds (thread CPU time; wall time beside it)")
    print("| implementation | per lookup (CPU) | (wall) | hishel sans-I/O / this |")
    print("| --- | ---: | ---: | ---: |")
    for name, ns, wall in (
        ("edgert HttpCache.lookup", edgert_ns, edgert_wall),
        ("edgert HttpCache.lookup, 8 browser request headers", browser_ns, browser_wall),
        ("edgert lookup + response (status, headers, body)", served_ns, served_wall),
        ("hishel IdleClient.next (entries in a dict)", spec_ns, spec_wall),
        ("hishel handle_request_with_rfc + SqliteStorage(:memory:)", stock_ns, stock_wall),
    ):
        print(f"| {name} | {ns / 1000:.2f} us | {wall / 1000:.2f} us | {spec_ns / ns:.1f}x |")
    ratio = spec_ns / edgert_ns
    print(
        f"goal <= 2 us per fresh-hit lookup: {'met' if edgert_ns <= 2000 else 'NOT met'}; "
        f"ratio goal >= 20x: {'met' if ratio >= 20 else 'NOT met'} ({ratio:.0f}x)"
    )


if __name__ == "__main__":
    main()
