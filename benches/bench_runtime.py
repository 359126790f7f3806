"""Runtime micro-benchmarks, with the PyPI `quickjs` package measured in the same run.

    python benches/bench_runtime.py            # prints a table and writes nothing

Measures: cold start of an isolate for a ~10 KB module (bytecode to ready; without and with a
spare isolate made by ``Worker.prewarm``), a warm request
through a hello worker from Python (call to Response), two threads driving two isolates
against one, whether the GIL is released while JavaScript runs (the CPU a Python thread gets
meanwhile), and the resident memory of idle isolates.
"""

from __future__ import annotations

import gc
import os
import resource
import statistics
import threading
import time

from edgert import Request, Worker

HELLO = "export default { fetch() { return new Response('ok') } }"


def module_10kb() -> str:
    helpers = "\n".join(
        f"export function helper{i}(x) {{ const o = {{ a: x, b: [x, {i}], c: 'value-{i}' }}; return o.a + o.b[1] + o.c.length; }}"
        for i in range(90)
    )
    return helpers + "\nexport default { fetch() { return new Response(String(helper1(1))) } }\n"


def median_us(samples: list[float]) -> float:
    return statistics.median(samples) * 1e6


def bench_cold_start(n: int = 300, spare: bool = False) -> tuple[float, float]:
    """Median isolate creation (the stats' CPU time, bytecode to ready) and median wall time
    of the whole cold request from Python. With ``spare``, the host calls ``prewarm()`` while
    idle before each request (not timed), so the cold start only evaluates the module."""
    src = module_10kb()
    w = Worker(src, min_isolates=0, max_isolates=1)
    req = Request("https://a.test/")
    startups = []
    walls = []
    for _ in range(n):
        w.core.trim(0)
        if spare:
            w.prewarm()
        t = time.perf_counter()
        r = w.fetch(req)
        walls.append(time.perf_counter() - t)
        assert r.stats.cold_start
        startups.append(r.stats.startup_ms / 1e3)
    return median_us(startups), median_us(walls)


def bench_warm(n: int = 20000) -> float:
    w = Worker(HELLO, max_isolates=1)
    req = Request("https://a.test/")
    for _ in range(500):
        w.fetch(req)
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        w.fetch(req)
        samples.append(time.perf_counter() - t)
    return median_us(samples)


def bench_threads(seconds: float = 2.0) -> float:
    src = "export default { fetch() { let x = 0; for (let i = 0; i < 20000; i++) x += i; return new Response(String(x)) } }"

    def run(threads: int) -> float:
        w = Worker(src, min_isolates=threads, max_isolates=threads)
        req = Request("https://a.test/")
        counts = [0] * threads
        stop = time.perf_counter() + seconds

        def loop(i: int) -> None:
            while time.perf_counter() < stop:
                w.fetch(req)
                counts[i] += 1

        ts = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return sum(counts) / seconds

    one = run(1)
    two = run(2)
    return two / one


def bench_gil() -> float:
    """CPU time a Python thread got while another thread ran one long JavaScript request,
    divided by that request's own CPU time (``stats.cpu_ms``): ~1 when the GIL is released
    while JavaScript runs (both threads get the CPU alike, whatever the machine's load), ~0 if
    it were held (the Python thread would wait for the whole request)."""
    w = Worker(
        "export default { fetch() { let x = 0;"
        " for (let i = 0; i < 3e7; i++) x += i; return new Response(String(x)) } }",
        cpu_ms=60_000,
    )
    result: list[float] = []
    t = threading.Thread(
        target=lambda: result.append(w.fetch(Request("https://a.test/")).stats.cpu_ms)
    )
    cpu0 = time.thread_time()
    t.start()
    n = 0
    while t.is_alive():
        n += 1
    python_ms = (time.thread_time() - cpu0) * 1e3
    t.join()
    return python_ms / result[0]


def rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def bench_memory(n: int = 1000) -> float:
    gc.collect()
    before = rss_kb()
    w = Worker(HELLO, min_isolates=n, max_isolates=n)
    after = rss_kb()
    assert w.core.pool_stats()[0] == n
    return (after - before) / n


def bench_quickjs_peer(n_ctx: int = 2000, n_call: int = 100000) -> tuple[float, float] | None:
    try:
        import quickjs  # type: ignore[import-not-found]
    except ImportError:
        return None
    samples = []
    for _ in range(n_ctx):
        t = time.perf_counter()
        ctx = quickjs.Context()
        ctx.eval("function hello(x) { return 'ok' + x }")
        samples.append(time.perf_counter() - t)
    fresh = median_us(samples)
    ctx = quickjs.Context()
    ctx.eval("function hello(x) { return 'ok' + x }")
    f = ctx.get("hello")
    t = time.perf_counter()
    for i in range(n_call):
        f(i)
    call = (time.perf_counter() - t) / n_call * 1e6
    return fresh, call


def main() -> None:
    cold, cold_wall = bench_cold_start()
    spare, spare_wall = bench_cold_start(spare=True)
    warm = bench_warm()
    scaling = bench_threads()
    gil = bench_gil()
    mem = bench_memory()
    peer = bench_quickjs_peer()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"cold start, 10 KB module, bytecode to ready (median): {cold:8.1f} us   goal <= 300")
    print(f"  the same from a prewarmed spare (median):           {spare:8.1f} us")
    print(
        f"  whole cold request from Python, no spare / spare:   {cold_wall:8.1f} / {spare_wall:.1f} us"
    )
    print(f"warm hello request from Python (median):             {warm:8.1f} us   goal <= 25")
    print(f"two threads / one thread requests/s:                  {scaling:8.2f} x    goal >= 1.7")
    print(f"Python thread CPU / JS CPU while JS runs (GIL):      {gil:8.2f} x    ~1 = released")
    print(f"resident memory per idle hello isolate:               {mem:8.1f} KB   goal <= 1024")
    if peer:
        print(f"peer quickjs (PyPI): fresh context + eval            {peer[0]:8.1f} us")
        print(f"peer quickjs (PyPI): warm call of a small function   {peer[1]:8.2f} us")
        print(
            f"ratios: cold start / quickjs fresh context = {cold / peer[0]:.2f} (spare: {spare / peer[0]:.2f});"
            f" warm request / quickjs call = {warm / peer[1]:.1f}"
        )


if __name__ == "__main__":
    main()
