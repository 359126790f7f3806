"""Persistence: with a state directory, objects' storage, homes and alarms survive a restart
(a new Network on the same directory), in <state_dir>/durable.sqlite3."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from do_helpers import fetch_soon, virtual_network
from test_alarms import SOURCE as TIMER_SOURCE

from examples import DOCS_COUNTER


def test_storage_and_homes_survive_a_restart(tmp_path: Path) -> None:
    net = virtual_network(DOCS_COUNTER, {"COUNTERS": "Counter"}, state_dir=tmp_path)
    for _ in range(3):
        net.fetch_sync("https://app.example/increment?name=p", client="Sydney", pop="SYD")
    net.close()
    db = sqlite3.connect(tmp_path / "durable.sqlite3")
    assert db.execute("SELECT count(*) FROM storage").fetchone() == (1,)
    db.close()

    again = virtual_network(DOCS_COUNTER, {"COUNTERS": "Counter"}, state_dir=tmp_path)
    ns = again.durable_objects("COUNTERS")
    oid = ns.id_from_name("p")
    assert ns.home(oid) == "SYD"
    assert ns.storage(oid) == {"value": 3}
    r = again.fetch_sync("https://app.example/increment?name=p", client="Tokyo", pop="NRT")
    assert r.text() == "Durable Object 'p' count: 4"
    assert r.trace.object_calls[0].home_pop == "SYD", "the object stays where it was placed"


def test_alarms_survive_a_restart(tmp_path: Path) -> None:
    net = virtual_network(TIMER_SOURCE, {"TIMER": "Timer"}, state_dir=tmp_path)
    due_ms = fetch_soon(net, "https://app.example/schedule?delay=60000").json()
    net.run(until=net.now() + 1.0)  # stop before the alarm: the process "exits"

    again = virtual_network(TIMER_SOURCE, {"TIMER": "Timer"}, state_dir=tmp_path)
    ns = again.durable_objects("TIMER")
    assert ns.alarm(ns.id_from_name("t")) == due_ms / 1000.0
    again.run()
    (firing,) = ns.alarm_firings()
    assert firing.ok and abs(firing.fired_at - due_ms / 1000.0) < 1e-5
    runs = again.fetch_sync("https://app.example/runs", client="Tokyo", pop="NRT").json()
    assert [r[0] for r in runs] == [due_ms]
