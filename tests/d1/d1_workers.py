"""Worker scripts and helpers shared by the D1 tests."""

from __future__ import annotations

import json
from typing import Any

from edgert import Network, Origin, Worker


def script(body: str) -> str:
    """A worker whose fetch runs ``body`` (the inside of an async function with ``env`` and
    ``url``) and answers its JSON, or ``{"error": "Name: message"}``."""
    return (
        "export default { async fetch(request, env) {\n"
        "  const url = new URL(request.url);\n"
        "  try { const out = await (async () => {" + body + "})();\n"
        "    return Response.json({ out }); }\n"
        "  catch (e) { return Response.json({ error: `${e.name}: ${e.message}` }); }\n"
        "} };"
    )


def run(body: str, setup: str | None = None, **worker_options: Any) -> Any:
    """Runs ``body`` once in a standalone worker bound to database ``db`` as ``env.DB``
    (``setup``: SQL run first from Python); returns the parsed answer."""
    worker = Worker(script(body), d1={"DB": "db"}, **worker_options)
    try:
        if setup:
            worker.d1("db").executescript(setup)
        response = worker.fetch("https://example.com/")
        assert response.status == 200, response.text()
        return json.loads(response.text())
    finally:
        worker.close()


#: A small D1 API over HTTP for the replication tests: /write?v=.. (inserts and answers the
#: session's bookmark), /read (the newest row and meta), each in a session started from the
#: `bookmark` query parameter (or `first-unconstrained`), or outside any session with
#: `nosession=1`.
API = script(
    """
  const bookmark = url.searchParams.get('bookmark') || 'first-unconstrained';
  const db = url.searchParams.get('nosession') ? env.DB : env.DB.withSession(bookmark);
  if (url.pathname === '/write') {
    const r = await db.prepare('INSERT INTO notes (body) VALUES (?)').bind(url.searchParams.get('v')).run();
    return { meta: r.meta, bookmark: db.getBookmark ? db.getBookmark() : null };
  }
  const r = await db.prepare('SELECT body FROM notes ORDER BY id DESC LIMIT 1').all();
  const after = db.getBookmark ? db.getBookmark() : null;
  return { body: r.results.length ? r.results[0].body : null, meta: r.meta, bookmark: after };
"""
)

CITY = {
    "NRT": "Tokyo",
    "FRA": "Frankfurt",
    "IAD": "Washington",
    "GRU": "Sao Paulo",
    "SYD": "Sydney",
}


def network(replicas: tuple[str, ...] = ("NRT", "FRA"), delay_ms: float = 0.0) -> Network:
    """A virtual-time network (demo PoPs) with database ``db``: primary at IAD, replicas."""
    net = Network(
        "demo",
        origin=Origin(handler=lambda r: "origin", region="IAD"),
        workers={"app": Worker(API, d1={"DB": "db"})},
        clock="virtual",
        seed=3,
        d1={"db": {"primary": "IAD", "replicas": list(replicas), "replication_delay_ms": delay_ms}},
    )
    net.d1("db").executescript("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    net.run()  # the table reaches every replica
    return net


def at(net: Network, pop: str, path: str) -> Any:
    """One request through ``pop``, the clock run until it is answered; its JSON ``out``."""
    pending = net.submit(f"https://app.example{path}", client=CITY[pop], pop=pop)
    # Step the clock only until the answer is in (fetch_sync would also run the replication
    # events still queued); bounded so that a hang fails instead of looping.
    deadline = net.now() + 60.0
    while pending.response is None and net.now() < deadline:
        net.run(until=net.now() + 0.002)
    response = pending.response
    assert response is not None and response.status == 200, response
    body = json.loads(response.text())
    assert "error" not in body, body
    return body["out"]
