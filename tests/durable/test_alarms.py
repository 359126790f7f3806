"""Alarms: set, read, delete; alarm() runs at its time on the host's clock (virtual time:
exactly; real time: within 100 ms), retried with backoff when it throws."""

from __future__ import annotations

import time

from do_helpers import fetch_soon, virtual_network

from edgert import Worker

SOURCE = """
import { DurableObject } from "cloudflare:workers";

export class Timer extends DurableObject {
  async schedule(delayMs, failures) {
    await this.ctx.storage.put("failures", failures);
    await this.ctx.storage.setAlarm(Date.now() + delayMs);
    return this.ctx.storage.getAlarm();
  }
  async scheduleAt(date) { await this.ctx.storage.setAlarm(new Date(date)); }
  async cancel() { await this.ctx.storage.deleteAlarm(); return this.ctx.storage.getAlarm(); }
  async alarm(info) {
    const runs = (await this.ctx.storage.get("runs")) || [];
    runs.push([Date.now(), info.retryCount, info.isRetry, await this.ctx.storage.getAlarm()]);
    await this.ctx.storage.put("runs", runs);
    const failures = (await this.ctx.storage.get("failures")) || 0;
    if (info.retryCount < failures) throw new Error("not yet");
  }
  async runs() { return (await this.ctx.storage.get("runs")) || []; }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const stub = env.TIMER.getByName(url.searchParams.get("name") || "t");
    const p = url.searchParams;
    switch (url.pathname) {
      case "/schedule": return Response.json(await stub.schedule(Number(p.get("delay")), Number(p.get("failures") || 0)));
      case "/cancel": return Response.json(await stub.cancel());
      case "/runs": return Response.json(await stub.runs());
    }
    return new Response("?", { status: 404 });
  },
};
"""


def test_alarm_fires_at_its_virtual_time() -> None:
    net = virtual_network(SOURCE, {"TIMER": "Timer"})
    r = fetch_soon(net, "https://app.example/schedule?delay=30000")
    due_ms = r.json()
    ns = net.durable_objects("TIMER")
    oid = ns.id_from_name("t")
    assert ns.alarm(oid) == due_ms / 1000.0
    net.run()
    (firing,) = ns.alarm_firings()
    assert firing.ok and firing.home_pop == "NRT"
    assert firing.scheduled_at == due_ms / 1000.0
    assert 0.0 <= firing.fired_at - firing.scheduled_at < 1e-5
    runs = net.fetch_sync("https://app.example/runs", client="Tokyo", pop="NRT").json()
    # Date.now() inside alarm() is the alarm's time; getAlarm() is null while it runs.
    assert runs == [[due_ms, 0, False, None]]
    assert ns.alarm(oid) is None


def test_a_throwing_alarm_is_retried_with_backoff() -> None:
    net = virtual_network(SOURCE, {"TIMER": "Timer"})
    due_ms = fetch_soon(net, "https://app.example/schedule?delay=1000&failures=2").json()
    net.run()
    firings = net.durable_objects("TIMER").alarm_firings()
    assert [(f.retry_count, f.ok) for f in firings] == [(0, False), (1, False), (2, True)]
    start = due_ms / 1000.0
    offsets = [f.fired_at - start for f in firings]
    assert [round(x, 4) for x in offsets] == [0.0, 2.0, 6.0]
    assert firings[0].error == "Error: not yet"


def test_deleted_alarm_does_not_fire() -> None:
    net = virtual_network(SOURCE, {"TIMER": "Timer"})
    fetch_soon(net, "https://app.example/schedule?delay=5000")
    assert fetch_soon(net, "https://app.example/cancel").json() is None
    net.run()
    assert net.durable_objects("TIMER").alarm_firings() == []


def test_alarm_fires_within_100_ms_in_real_time() -> None:
    worker = Worker(SOURCE, durable_objects={"TIMER": "Timer"})
    try:
        due_ms = worker.fetch("https://w.example/schedule?delay=150").json()
        ns = worker.durable_objects("TIMER")
        deadline = time.monotonic() + 10.0
        while not ns.alarm_firings() and time.monotonic() < deadline:
            time.sleep(0.01)  # waiting only; the assertion is on the host's clock values
        (firing,) = ns.alarm_firings()
        assert firing.ok
        assert firing.scheduled_at == due_ms / 1000.0
        assert 0.0 <= firing.fired_at - firing.scheduled_at < 0.1
    finally:
        worker.close()
