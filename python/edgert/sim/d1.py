"""The D1 experiment of ``edgert simulate`` (a scenario file with a ``[d1]`` table): SQL read
latency with and without read replicas, and read-your-writes violations without and with the
Sessions API, in virtual time with the real worker at every PoP.

Users in the given cities each make a sequence of requests (a write of their own row, or a read
of it) with think times between them. Three deployments of one database run the same users:

- ``primary only``: no replica; every query crosses to the primary;
- ``replicas, no bookmark``: each request opens ``withSession("first-unconstrained")`` and
  forgets its bookmark (what a worker does without the Sessions API's bookmark hand-off);
- ``replicas, sessions``: the client sends back the ``x-d1-bookmark`` the last response gave it
  and the worker opens ``withSession(bookmark)``, as D1's documentation shows.

A read is a *read-your-writes violation* when it returns an older value than the user's last
acknowledged write. SQL read latency is the D1 part of a read request (from the worker's call
to the answer's arrival), from the service's records.
"""

from __future__ import annotations

import json
import random
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from edgert.errors import ScenarioError

__all__ = ["D1Experiment", "load_d1_experiment", "run_d1_experiment", "write_d1_report"]

WORKER = """
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const user = url.searchParams.get('user');
    const given = request.headers.get('x-d1-bookmark');
    const session = env.DB.withSession(given || 'first-unconstrained');
    let out;
    if (url.pathname === '/write') {
      const v = Number(url.searchParams.get('v'));
      await session.prepare('INSERT INTO profiles (user, v) VALUES (?1, ?2) ON CONFLICT(user) DO UPDATE SET v = ?2').bind(user, v).run();
      out = { v };
    } else {
      const row = await session.prepare('SELECT v FROM profiles WHERE user = ?').bind(user).first();
      out = { v: row === null ? 0 : row.v };
    }
    return Response.json(out, { headers: { 'x-d1-bookmark': session.getBookmark() ?? '' } });
  },
};
"""

MODES = ("primary only", "replicas, no bookmark", "replicas, sessions")


@dataclass(slots=True)
class _User:
    """One simulated user: actions left, the last value it wrote, the bookmark it carries."""

    left: int
    written: int = 0
    bookmark: str = ""


@dataclass(frozen=True, slots=True)
class D1Experiment:
    name: str = "D1 read replicas and sessions"
    seed: int = 1
    pops: str | tuple[str, ...] = "demo"
    primary: str = "IAD"
    replicas: tuple[str, ...] = ("FRA", "NRT", "GRU", "SYD")
    replication_delay_ms: float = 300.0
    cities: tuple[str, ...] = ("Tokyo", "Frankfurt", "Sao Paulo", "Sydney", "Washington")
    users_per_city: int = 10
    actions_per_user: int = 12
    write_share: float = 0.3
    think_s: tuple[float, float] = (0.05, 1.5)


def load_d1_experiment(path: str | Path, seed: int | None = None) -> D1Experiment:
    """Reads a scenario file's ``name``, ``seed``, ``pops`` and ``[d1]`` table."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"{path}: {exc}") from None
    d1 = data.get("d1")
    if not isinstance(d1, dict):
        raise ScenarioError(f"{path}: no [d1] table")
    known = set(D1Experiment.__dataclass_fields__) - {"name", "seed", "pops"}
    unknown = set(d1) - known
    if unknown:
        raise ScenarioError(f"d1.{sorted(unknown)[0]}: unknown key (expected {sorted(known)})")
    fields: dict[str, Any] = {}
    for key, value in d1.items():
        if isinstance(value, list):
            value = tuple(value)
        fields[key] = value
    if "name" in data:
        fields["name"] = str(data["name"])
    fields["seed"] = int(seed if seed is not None else data.get("seed", 1))
    if "pops" in data:
        pops = data["pops"]
        fields["pops"] = pops if isinstance(pops, str) else tuple(pops)
    exp = D1Experiment(**fields)
    if not 0.0 <= exp.write_share <= 1.0:
        raise ScenarioError("d1.write_share: must be between 0 and 1")
    if exp.users_per_city < 1 or exp.actions_per_user < 1:
        raise ScenarioError("d1.users_per_city and d1.actions_per_user: must be >= 1")
    if len(exp.think_s) != 2 or not 0 <= exp.think_s[0] <= exp.think_s[1]:
        raise ScenarioError("d1.think_s: must be [min, max] seconds")
    return exp


def _percentiles(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "mean": None}
    a = np.asarray(values)
    return {
        "n": len(values),
        "p50": round(float(np.percentile(a, 50)), 3),
        "p95": round(float(np.percentile(a, 95)), 3),
        "mean": round(float(a.mean()), 3),
    }


def _run_mode(exp: D1Experiment, mode: str) -> dict[str, Any]:
    from edgert import Network, Origin, Worker

    replicas = [] if mode == "primary only" else list(exp.replicas)
    net = Network(
        exp.pops,
        origin=Origin(handler=lambda r: "origin", region=exp.primary),
        workers={"app": Worker(WORKER, d1={"DB": "app"})},
        clock="virtual",
        seed=exp.seed,
        d1={
            "app": {
                "primary": exp.primary,
                "replicas": replicas,
                "replication_delay_ms": exp.replication_delay_ms,
            }
        },
    )
    net.d1("app").executescript("CREATE TABLE profiles (user TEXT PRIMARY KEY, v INTEGER NOT NULL)")
    net.run()
    rng = random.Random(exp.seed)
    carry = mode == "replicas, sessions"
    reads: list[float] = []
    violations = 0
    stale_by_city: dict[str, int] = {}
    writes = 0

    def start_user(city: str, user: str) -> None:
        state = _User(left=exp.actions_per_user)

        def act() -> None:
            nonlocal writes, violations
            if state.left == 0:
                return
            state.left -= 1
            write = state.written == 0 or rng.random() < exp.write_share
            v = state.written + 1
            path = f"/write?user={user}&v={v}" if write else f"/read?user={user}"
            headers = {"x-d1-bookmark": state.bookmark} if carry and state.bookmark else {}
            start = net.now()
            expected = state.written

            def done(response: Any) -> None:
                nonlocal writes, violations
                assert response.status == 200, response.text()
                body = json.loads(response.text())
                if carry:
                    state.bookmark = response.headers.get("x-d1-bookmark") or ""
                if write:
                    state.written = v
                    writes += 1
                else:
                    reads.append((net.now() - start) * 1000.0)
                    if body["v"] < expected:
                        violations += 1
                        stale_by_city[city] = stale_by_city.get(city, 0) + 1
                net.at(net.now() + rng.uniform(*exp.think_s), act)

            net.submit(f"https://app.example{path}", client=city, headers=headers, on_done=done)

        net.at(net.now() + rng.uniform(0.0, 1.0), act)

    for city in exp.cities:
        for i in range(exp.users_per_city):
            start_user(city, f"{city.replace(' ', '_')}-{i}")
    net.run()
    records = net.d1_service.queries
    sql_reads = [q.latency_ms for q in records if not q.write]
    by_pop: dict[str, list[float]] = {}
    for q in records:
        if not q.write:
            by_pop.setdefault(q.pop, []).append(q.latency_ms)
    replica_reads = sum(1 for q in records if not q.write and not q.primary)
    waited = [q.waited_ms for q in records if q.waited_ms > 0]
    net.close()
    return {
        "replicas": replicas,
        "writes": writes,
        "reads": len(reads),
        "sql_read_latency_ms": _percentiles(sql_reads),
        "sql_read_latency_ms_by_pop": {p: _percentiles(v) for p, v in sorted(by_pop.items())},
        "read_request_latency_ms": _percentiles(reads),
        "served_by_replica_share": round(replica_reads / max(1, len(sql_reads)), 3),
        "reads_that_waited_for_a_replica": len(waited),
        "replica_wait_ms": _percentiles(waited),
        "read_your_writes_violations": violations,
        "violations_by_city": dict(sorted(stale_by_city.items())),
    }


def run_d1_experiment(exp: D1Experiment) -> dict[str, Any]:
    """Runs the three deployments; returns the results (JSON-ready, the same for a seed)."""
    return {
        "experiment": asdict(exp),
        "deployments": {mode: _run_mode(exp, mode) for mode in MODES},
    }


def write_d1_report(results: dict[str, Any], out: Path) -> list[Path]:
    """``results.json`` and a small ``report.html`` table in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "results.json", out / "report.html"]
    paths[0].write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    rows = []
    for mode, d in results["deployments"].items():
        lat = d["sql_read_latency_ms"]
        rows.append(
            f"<tr><td>{mode}</td><td>{lat['p50']}</td><td>{lat['p95']}</td>"
            f"<td>{d['served_by_replica_share']}</td><td>{d['reads']}</td>"
            f"<td>{d['read_your_writes_violations']}</td></tr>"
        )
    name = results["experiment"]["name"]
    html = (
        f"<!doctype html><meta charset=utf-8><title>{name}</title><h1>{name}</h1>"
        "<table border=1 cellpadding=4><tr><th>deployment</th><th>SQL read p50 ms</th>"
        "<th>SQL read p95 ms</th><th>served by a replica</th><th>reads</th>"
        "<th>read-your-writes violations</th></tr>" + "".join(rows) + "</table>"
    )
    paths[1].write_text(html, encoding="utf-8")
    return paths
