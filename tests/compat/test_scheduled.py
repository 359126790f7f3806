"""Cron triggers: `scheduled(controller, env, ctx)` in module workers, `scheduled` listeners in
service workers, `Worker.scheduled(...)` from Python, and `edgert run --scheduled`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import edgert
from edgert.scheduled import ScheduledResult, event_payload

MODULE = r"""
export default {
  async fetch(request) { return new Response('fetch still works'); },
  async scheduled(controller, env, ctx) {
    console.log(JSON.stringify({ cron: controller.cron, time: controller.scheduledTime, type: controller.type,
      tag: Object.prototype.toString.call(controller), greeting: env.GREETING }));
    if (controller.cron === 'no-retry') controller.noRetry();
    if (controller.cron === 'throw') throw new TypeError('cron failed');
    if (controller.cron === 'later') {
      ctx.waitUntil(scheduler.wait(10).then(() => console.log('waited')));
    }
    if (controller.cron === 'later-fails') {
      ctx.waitUntil(scheduler.wait(1).then(() => { throw new Error('background failed'); }));
    }
  },
};
"""


def messages(result: ScheduledResult) -> list[str]:
    assert result.stats is not None
    return [line.message for line in result.stats.logs]


def test_controller_fields_env_and_fetch_alongside() -> None:
    w = edgert.Worker(MODULE, vars={"GREETING": "hi"})
    result = w.scheduled("*/5 * * * *", scheduled_time=1_700_000_000.0)
    assert result.ok and not result.no_retry and result.error is None
    assert messages(result) == [
        '{"cron":"*/5 * * * *","time":1700000000000,"type":"scheduled",'
        '"tag":"[object ScheduledController]","greeting":"hi"}'
    ]
    assert w.fetch("https://example.com/").text() == "fetch still works"


def test_no_retry_exceptions_and_wait_until() -> None:
    w = edgert.Worker(MODULE)
    assert w.scheduled("no-retry").no_retry
    failed = w.scheduled("throw")
    assert failed.outcome == "exception" and "cron failed" in (failed.error or "")
    later = w.scheduled("later")
    assert later.ok and messages(later)[-1] == "waited"
    background = w.scheduled("later-fails")
    assert background.outcome == "exception" and "background failed" in (background.error or "")


def test_default_time_is_now() -> None:
    import time

    before = time.time()
    payload = event_payload("* * * * *", None)
    assert '"cron": "* * * * *"' in payload
    ms = int(payload.split('"scheduledTime": ')[1].rstrip("}"))
    assert before * 1000 - 1 <= ms <= time.time() * 1000 + 1
    with pytest.raises(TypeError):
        event_payload(5, None)  # type: ignore[arg-type]


SERVICE_WORKER = r"""
addEventListener('scheduled', (event) => {
  event.waitUntil((async () => {
    await scheduler.wait(1);
    console.log(`sw ${event.cron} ${event.scheduledTime} ${event instanceof ScheduledEvent}`);
  })());
});
"""


def test_service_worker_scheduled_listener() -> None:
    w = edgert.Worker(SERVICE_WORKER)
    assert w.format == "service-worker"
    result = w.scheduled("0 12 * * MON", scheduled_time=86_400.5)
    assert result.ok
    assert messages(result) == ["sw 0 12 * * MON 86400500 true"]


def test_worker_without_scheduled_handler() -> None:
    w = edgert.Worker("export default { fetch() { return new Response('x'); } };")
    result = w.scheduled()
    assert result.outcome == "exception" and "scheduled()" in (result.error or "")


def test_entrypoint_class_scheduled() -> None:
    src = r"""
import { WorkerEntrypoint } from 'cloudflare:workers';
export default class extends WorkerEntrypoint {
  async fetch() { return new Response('ok'); }
  async scheduled(controller) { console.log('class ' + controller.cron + ' ' + typeof this.env); }
}
"""
    result = edgert.Worker(src).scheduled("1 2 3 4 5")
    assert result.ok and messages(result) == ["class 1 2 3 4 5 object"]


def test_scheduled_with_kv_binding() -> None:
    src = r"""
export default {
  async scheduled(controller, env, ctx) {
    await env.RUNS.put(`run:${controller.cron}`, String(controller.scheduledTime));
  },
  async fetch(request, env) {
    const { keys } = await env.RUNS.list({ prefix: 'run:' });
    return Response.json(keys.map((k) => k.name));
  },
};
"""
    w = edgert.Worker(src, kv={"RUNS": "runs-ns"})
    assert w.scheduled("0 * * * *").ok and w.scheduled("30 * * * *").ok
    assert w.fetch("https://example.com/").json() == ["run:0 * * * *", "run:30 * * * *"]
    assert w.kv("runs-ns").get("run:30 * * * *") is not None


def test_cli_run_scheduled(tmp_path: Path) -> None:
    script = tmp_path / "cron.js"
    script.write_text("export default { async scheduled(c) { console.log('ran ' + c.cron); } };\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "edgert",
            "run",
            str(script),
            "--scheduled",
            "--cron",
            "*/2 * * * *",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "ran */2 * * * *" in done.stdout + done.stderr
    assert "ok" in done.stdout


def test_network_scheduled_reaches_the_origin_and_kv_in_virtual_time() -> None:
    # The scheduled-handler reference's hourly branch fetches an API; in a network the
    # subrequest goes to the network's origin, in virtual time.
    from .helpers import RecordingOrigin, load

    origin = RecordingOrigin(lambda r: edgert.Response("synced"))
    net = edgert.Network(
        pops=["NRT", "FRA"],
        origin=edgert.Origin(handler=origin, region="IAD"),
        workers={"cron": load("scheduled_handler_switch.js", kv={"MY_KV": "ns"})},
        seed=5,
    )
    start = net.now()
    result = net.scheduled("cron", "0 * * * *", pop="FRA")
    assert result.ok
    assert [r.url for r in origin.seen] == ["https://example.com/api/sync"]
    assert net.now() > start  # the FRA -> IAD round trip took virtual time
    assert net.scheduled("cron", "0 0 1 * *").outcome == "exception"
