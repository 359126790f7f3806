"""Cron triggers on the clock: Workers' cron syntax (UTC), the due-time bookkeeping, and the
drivers (``edgert dev``, ``edgert serve --cron``, the simulator's virtual time). Time is
injected everywhere: nothing here sleeps."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from edgert import Network, Origin, Worker
from edgert.config import ConfigFileError, load_config
from edgert.cron import CronSchedule
from edgert.cron_triggers import CronFiring, CronTriggers
from edgert.dev import DevSession
from edgert.errors import ConfigError
from edgert.scheduled import ScheduledResult

SATURDAY = datetime(2026, 12, 5, tzinfo=UTC).timestamp()  # Sat 2026-12-05 00:00 UTC


def at(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).timestamp()


# The examples of Workers' "Cron Triggers" page, and the extensions its table lists.
EXAMPLES = [
    ("* * * * *", "2026-12-05 00:01"),
    ("*/30 * * * *", "2026-12-05 00:30"),
    ("45 * * * *", "2026-12-05 00:45"),
    ("0 17 * * sun", "2026-12-06 17:00"),
    ("0 17 * * 1", "2026-12-06 17:00"),  # 1 = Sunday
    ("10 7 * * mon-fri", "2026-12-07 07:10"),
    ("10 7 * * 2-6", "2026-12-07 07:10"),
    ("0 15 1 * *", "2027-01-01 15:00"),
    ("0 18 * * 6L", "2026-12-25 18:00"),  # the last Friday
    ("0 18 * * friL", "2026-12-25 18:00"),
    ("59 23 LW * *", "2026-12-31 23:59"),  # the last weekday of the month
    ("0 9 L * *", "2026-12-31 09:00"),
    ("0 10 * * MON#2", "2026-12-14 10:00"),
    ("0 10 * * 2#2", "2026-12-14 10:00"),
    ("0 12 * jan,JUL *", "2027-01-01 12:00"),
    ("0 0 * * 2-7/2", "2026-12-07 00:00"),  # Mon, Wed, Fri
    ("0 0 1-7 * 1", "2026-12-06 00:00"),  # day of month or weekday (classic cron)
]


@pytest.mark.parametrize(("expression", "first"), EXAMPLES)
def test_workers_cron_syntax(expression: str, first: str) -> None:
    assert CronSchedule(expression).next_after(SATURDAY) == at(first)


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("* * * *", "expected 5 fields"),
        ("* * * * * *", "expected 5 fields"),
        ("0 0 * * 0", "1-7, 1 = Sunday"),
        ("0 0 * * 8", "out of range"),
        ("0 0 * * funday", "not a weekday"),
        ("0 0 15W * *", "nearest-weekday"),
        ("61 * * * *", "minute"),
        ("0 0 32 * *", "day-of-month"),
    ],
)
def test_bad_expressions_say_what_is_wrong(expression: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        CronSchedule(expression)


def test_due_fires_each_trigger_once_and_skips_missed_runs() -> None:
    triggers = CronTriggers("w", ["*/5 * * * *", "0 * * * *"], SATURDAY)
    assert triggers.next_due() == SATURDAY + 300
    assert triggers.due(SATURDAY + 299) == []
    assert triggers.due(SATURDAY + 300) == [CronFiring("w", "*/5 * * * *", SATURDAY + 300)]
    # The clock jumps 2 hours (a suspended laptop): each trigger fires once, for its latest.
    late = SATURDAY + 7200 + 10
    assert triggers.due(late) == [
        CronFiring("w", "*/5 * * * *", SATURDAY + 7200),
        CronFiring("w", "0 * * * *", SATURDAY + 7200),
    ]
    assert triggers.next_due() == SATURDAY + 7200 + 300


class FakeTime:
    """A clock that moves only when the code under test sleeps; after ``limit`` sleeps it
    stands still (the next sleep never ends), so that exactly those triggers fire."""

    def __init__(self, now: float, limit: int | None = None) -> None:
        self.now = now
        self.limit = limit
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if self.limit is not None and len(self.slept) >= self.limit:
            await asyncio.Event().wait()  # cancelled when the driver stops
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)  # let the fired events run


async def test_run_fires_on_an_injected_clock() -> None:
    fake = FakeTime(SATURDAY + 30)
    fired: list[CronFiring] = []
    results: list[tuple[CronFiring, object]] = []
    three = asyncio.Event()

    async def fire(firing: CronFiring) -> ScheduledResult:
        fired.append(firing)
        if firing.scheduled_time == SATURDAY + 120:
            raise RuntimeError("host failed")
        return ScheduledResult("ok", False, None, None)

    def on_result(firing: CronFiring, result: object) -> None:
        results.append((firing, result))
        if len(results) == 3:
            three.set()

    triggers = CronTriggers("w", ["* * * * *"], fake.clock())
    task = asyncio.ensure_future(triggers.run(fire, on_result, clock=fake.clock, sleep=fake.sleep))
    await asyncio.wait_for(three.wait(), 10)  # bounded: only fails on a hang
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [f.scheduled_time for f in fired[:3]] == [SATURDAY + 60, SATURDAY + 120, SATURDAY + 180]
    assert fake.slept[0] == 30  # slept exactly until the first minute
    assert isinstance(results[1][1], RuntimeError)  # reported, and the next one still fired
    assert isinstance(results[2][1], ScheduledResult)


CRON_WORKER = """
export default {
  async scheduled(controller, env, ctx) {
    const when = new Date(controller.scheduledTime).toISOString();
    console.log(`${controller.cron} at ${when}`);
    ctx.waitUntil(env.KV.put(`${controller.cron} ${when}`, "ran"));
    if (controller.cron === "30 * * * *") throw new Error("half past failed");
  },
  fetch() { return new Response("ok"); },
};
"""


def test_the_simulator_fires_crons_in_virtual_time() -> None:
    worker = Worker(CRON_WORKER, kv={"KV": "log"})
    net = Network(
        pops="demo",
        origin=Origin(handler=lambda r: "o"),
        workers={"w": worker},
        seed=1,
        start=SATURDAY + 1,
    )
    seen: list[str] = []
    results = net.start_crons(
        "w",
        ["*/15 * * * *", "30 * * * *"],
        until=SATURDAY + 3600,
        pop="FRA",
        on_result=lambda firing, result: seen.append(firing.cron),
    )
    # Requests interleave with the triggers on the same clock.
    assert net.fetch_sync("https://a.example/", client="Paris").text() == "ok"
    net.run(until=SATURDAY + 7200)
    # (In the order they finished: at 00:30 the failing one is done first.)
    times = sorted((f.scheduled_time - SATURDAY, f.cron) for f, _ in results)
    assert [(cron, t) for t, cron in times] == [
        ("*/15 * * * *", 900),
        ("*/15 * * * *", 1800),
        ("30 * * * *", 1800),
        ("*/15 * * * *", 2700),
        ("*/15 * * * *", 3600),
    ]
    assert seen == [f.cron for f, _ in results]
    outcomes = {(f.cron, r.outcome) for f, r in results}
    assert outcomes == {("*/15 * * * *", "ok"), ("30 * * * *", "exception")}
    first = results[0][1]
    assert first.stats is not None
    assert [line.message for line in first.stats.logs] == [
        "*/15 * * * * at 2026-12-05T00:15:00.000Z"
    ]
    assert net.kv("log").get("*/15 * * * * 2026-12-05T01:00:00.000Z") == "ran"


def test_start_crons_needs_virtual_time_and_a_bound() -> None:
    net = Network(pops="demo", origin=Origin(url="http://127.0.0.1:9"), workers={"w": CRON_WORKER})
    with pytest.raises(ConfigError):
        net.start_crons("w", ["* * * * *"], until=SATURDAY)


def test_config_reads_triggers(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text(CRON_WORKER)
    (tmp_path / "wrangler.toml").write_text(
        'name = "c"\nmain = "index.js"\n[triggers]\ncrons = ["*/5 * * * *", "0 18 * * friL"]\n'
    )
    assert load_config(tmp_path).crons == ("*/5 * * * *", "0 18 * * friL")
    (tmp_path / "wrangler.toml").write_text(
        'name = "c"\nmain = "index.js"\n[triggers]\ncrons = ["*/5 * * * *", "0 0 * * 0"]\n'
    )
    with pytest.raises(ConfigFileError) as caught:
        load_config(tmp_path)
    assert caught.value.key == "triggers.crons[1]" and "1 = Sunday" in str(caught.value)


async def test_dev_fires_and_logs_crons(
    dev_session: Callable[..., DevSession], tmp_path: Path
) -> None:
    (tmp_path / "index.js").write_text(CRON_WORKER)
    (tmp_path / "wrangler.toml").write_text(
        'name = "c"\nmain = "index.js"\n'
        'kv_namespaces = [{ binding = "KV", id = "log" }]\n'
        '[triggers]\ncrons = ["*/5 * * * *", "30 * * * *"]\n[edgert]\npops = ["FRA"]\n'
    )
    out = io.StringIO()
    session = dev_session(tmp_path, out)
    fake = FakeTime(at("2026-12-05 10:27"), limit=1)  # fires at 10:30, then stands still
    session.clock, session.sleep = fake.clock, fake.sleep
    done = asyncio.Event()
    logged = session.on_cron

    ran: list[str] = []

    def on_cron(firing: CronFiring, result: ScheduledResult | BaseException) -> None:
        logged(firing, result)
        ran.append(firing.cron)
        if len(ran) == 2:  # both triggers of 10:30, in whichever order they finish
            done.set()

    session.on_cron = on_cron  # type: ignore[method-assign]
    await session.start()
    try:
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await session.close()
    log = out.getvalue()
    assert "[10:30:00 UTC] cron */5 * * * * ok" in log
    assert "console.log: */5 * * * * at 2026-12-05T10:30:00.000Z" in log
    assert "[10:30:00 UTC] cron 30 * * * * exception" in log
    assert "✘ [ERROR] uncaught exception: Error: half past failed" in log


async def test_serve_fires_crons(tmp_path: Path) -> None:
    from edgert.server.serve import build_network as serve_network_of
    from edgert.server.serve import serve_network

    script = tmp_path / "cron.js"
    script.write_text(
        CRON_WORKER.replace('ctx.waitUntil(env.KV.put(`${controller.cron} ${when}`, "ran"));', "")
    )
    network = serve_network_of(script)
    fake = FakeTime(at("2026-12-05 10:29") + 59, limit=1)
    stop = asyncio.Event()
    results: list[tuple[CronFiring, object]] = []

    def on_cron(firing: CronFiring, result: object) -> None:
        results.append((firing, result))
        stop.set()

    serving: Awaitable[None] = serve_network(
        network,
        port=0,
        stop=stop,
        crons=["* * * * *"],
        on_cron=on_cron,
        clock=fake.clock,
        sleep=fake.sleep,
        grace_s=1.0,
    )
    await asyncio.wait_for(serving, 20)
    [(firing, result)] = results
    assert firing.scheduled_time == at("2026-12-05 10:30")
    assert isinstance(result, ScheduledResult) and result.ok
