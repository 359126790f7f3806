"""Worker CPU of a D1 ``first()`` on a 10,000-row indexed table from a warm isolate, against
the same query through Python's ``sqlite3`` in the same run (goal: <= 2x).

Run: ``python benches/bench_d1.py`` (after ``maturin develop --release``). A standalone worker
queries its database in place (distance zero), so the whole query (binding the value, SQLite,
the row object) runs inside the worker's CPU time. Each request runs ``n`` iterations of
``await env.DB.prepare(SQL).bind(key).first()`` with a different key each time; per-query cost =
(median CPU of a request doing ``n`` queries - median CPU of the same loop doing none) / ``n``.
The peer runs ``conn.execute(SQL, (key,)).fetchone()`` ``n`` times on the same table (stdlib
``sqlite3``, its statement cache warm, a dict row factory so both build a row object), timed
with the thread CPU clock.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time

from edgert import Worker

SQL = "SELECT id, email, name, score FROM users WHERE email = ?"
ROWS = 10_000
SCHEMA = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, score REAL);"
    "CREATE INDEX users_email ON users (email);"
)

SOURCE = """
const SQL = __SQL__;
export default {
  async fetch(request, env) {
    const u = new URL(request.url);
    const n = Number(u.searchParams.get('n'));
    const base = Number(u.searchParams.get('base'));
    let last = null;
    if (u.searchParams.get('mode') === 'd1') {
      for (let i = 0; i < n; i++) last = await env.DB.prepare(SQL).bind(`user${(base + i) % __ROWS__}@example.com`).first();
    } else {
      for (let i = 0; i < n; i++) last = await Promise.resolve(`user${(base + i) % __ROWS__}@example.com`);
    }
    return Response.json(last);
  },
};
""".replace("__SQL__", repr(SQL)).replace("__ROWS__", str(ROWS))


def rows() -> list[tuple[int, str, str, float]]:
    return [(i, f"user{i}@example.com", f"User {i}", i * 0.5) for i in range(ROWS)]


def worker_cpu_ms(worker: Worker, mode: str, n: int, repeats: int) -> list[float]:
    out = []
    for r in range(repeats):
        resp = worker.fetch(f"https://bench.example/?mode={mode}&n={n}&base={r * 7919}")
        assert resp.status == 200 and resp.stats is not None, resp.text()
        out.append(resp.stats.cpu_ms)
    return out


def sqlite3_cpu_ms(n: int, repeats: int) -> list[float]:
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA)
    conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?)", rows())
    conn.commit()
    conn.row_factory = sqlite3.Row
    out = []
    for r in range(repeats):
        base = r * 7919
        start = time.thread_time_ns()
        for i in range(n):
            row = conn.execute(SQL, (f"user{(base + i) % ROWS}@example.com",)).fetchone()
            dict(row)
        out.append((time.thread_time_ns() - start) / 1e6)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="queries per request")
    parser.add_argument("--repeats", type=int, default=31)
    args = parser.parse_args()
    worker = Worker(SOURCE, d1={"DB": "bench"}, cpu_ms=10_000)
    db = worker.d1("bench")
    db.executescript(SCHEMA)
    db.batch([("INSERT INTO users VALUES (?, ?, ?, ?)", list(r)) for r in rows()])
    assert worker.fetch("https://bench.example/?mode=d1&n=1&base=42").json()["id"] == 42
    worker_cpu_ms(worker, "d1", args.n, 3)  # warm: compiled code, statement cache
    d1 = statistics.median(worker_cpu_ms(worker, "d1", args.n, args.repeats))
    loop = statistics.median(worker_cpu_ms(worker, "loop", args.n, args.repeats))
    peer = statistics.median(sqlite3_cpu_ms(args.n, args.repeats))
    per_d1 = (d1 - loop) / args.n * 1000.0
    per_peer = peer / args.n * 1000.0
    print(f"D1 first() in the worker: {per_d1:.2f} us/query (loop overhead removed)")
    print(f"Python sqlite3 execute().fetchone(): {per_peer:.2f} us/query")
    print(f"ratio D1 / sqlite3: {per_d1 / per_peer:.2f}x (goal <= 2x)")
    worker.close()
    per_op = host_path_us(args.n // 4)
    print(
        f"the same first() as a host operation (a network's path; process CPU): {per_op:.2f} us/query"
    )
    print(f"ratio host operation / sqlite3: {per_op / per_peer:.2f}x")


def host_path_us(n: int) -> float:
    """Process CPU per query when every query is an operation the host performs (what the
    engine on the host side would cost at least: the isolate parks a promise, the host parses
    the operation, runs the query, completes it, the isolate resumes), in a virtual-time
    network whose primary is at the worker's PoP."""
    from edgert import Network, Origin

    net = Network(
        ["IAD"],
        origin=Origin(handler=lambda r: "origin"),
        workers={"app": Worker(SOURCE, d1={"DB": "bench"}, cpu_ms=10_000)},
        clock="virtual",
        d1={"bench": {"primary": "IAD"}},
    )
    db = net.d1("bench")
    db.executescript(SCHEMA)
    db.batch([("INSERT INTO users VALUES (?, ?, ?, ?)", list(r)) for r in rows()])
    url = f"https://app.example/?mode=d1&n={n}&base=1"
    net.fetch_sync(url, client="Washington")
    samples = []
    for _ in range(7):
        start = time.process_time_ns()
        net.fetch_sync(url, client="Washington")
        samples.append((time.process_time_ns() - start) / 1e3 / n)
    net.close()
    return statistics.median(samples)


if __name__ == "__main__":
    main()
