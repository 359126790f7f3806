"""Deployments in virtual time: waves and percentages promoted by a passing gate, a bad
version rolled back, a gate that lacks requests deciding nothing, manual control."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
from deploy_helpers import GOOD, failing, network, steady, worker

from edgert import ConfigError, HealthGate, Immediate, Percentage, Waves
from edgert.deploy.gate import Window

GATE = HealthGate(max_error_rate=0.01, min_requests=50, check_interval_s=5)


def test_a_healthy_release_is_promoted_through_every_wave() -> None:
    net = network()
    v1 = net.live_version("app")
    v2 = net.upload_version("app", worker(), tag="v2", message="same code")
    seen = steady(net, 400, 20)
    d = net.deploy("app", v2, strategy=Waves(["NRT"], ["SYD", "GRU"], "rest", bake_s=60), gate=GATE)
    assert d.status == "in_progress"
    net.run(until=net.now() + 400)
    assert d.status == "complete"
    kinds = [(e.kind, e.pops) for e in d.events]
    assert kinds == [
        ("start", ()),
        ("stage", ("NRT",)),
        ("promote", ("NRT",)),
        ("stage", ("SYD", "GRU")),
        ("promote", ("SYD", "GRU")),
        ("stage", ("FRA", "IAD")),
        ("complete", ()),
    ]
    promotes = [e for e in d.events if e.kind in ("promote", "complete")]
    assert all(e.evidence["new"]["requests"] >= 50 for e in promotes)
    # Each wave baked its 60 s before the next started.
    stages = [e.time for e in d.events if e.kind == "stage"]
    assert all(b - a >= 60 for a, b in pairwise(stages))
    assert net.live_version("app") is v2
    # While wave 1 ran, only NRT answered with v2; after completion everyone does.
    during = [r for r in seen.rows if r[0] < stages[1]]
    assert {r[1] for r in during if r[3] == v2.id} == {"NRT"}
    after = [r for r in seen.rows if r[0] > d.finished_at + 1]
    assert after and {r[3] for r in after} == {v2.id} and {r[4] for r in after} == {v2.id}
    assert all(r[2] == 200 for r in seen.rows)
    assert v1.id != v2.id


def test_a_bad_release_is_rolled_back_in_its_first_wave() -> None:
    net = network()
    v1 = net.live_version("app")
    v2 = net.upload_version("app", worker(failing(0.2)), tag="bad")
    seen = steady(net, 300, 20)
    d = net.deploy("app", v2, strategy=Waves(["NRT"], ["SYD", "GRU"], "rest", bake_s=60), gate=GATE)
    net.run(until=net.now() + 300)
    assert d.status == "rolled_back"
    rollback = d.events[-1]
    assert rollback.kind == "rollback" and rollback.version == v1.id
    assert rollback.pops == ("NRT",)
    assert "error rate" in rollback.reason
    assert rollback.evidence["new"]["errors"] > 0 and rollback.evidence["old"]["requests"] >= 50
    assert rollback.time - d.started_at < 60  # before the wave's bake ended
    errors = [r for r in seen.rows if r[2] >= 500]
    assert errors and {r[1] for r in errors} == {"NRT"} and {r[3] for r in errors} == {v2.id}
    assert net.live_version("app") is v1
    late = [r for r in seen.rows if r[0] > rollback.time + 1]
    assert late and {r[3] for r in late} == {v1.id}
    json.dumps(d.as_dict())  # the events and evidence are plain data


def test_a_gate_with_too_few_requests_decides_nothing() -> None:
    net = network()
    v2 = net.upload_version("app", worker(failing(0.5)), tag="v2")
    steady(net, 200, 1)  # ~40 requests reach NRT-side... far below min_requests
    gate = HealthGate(max_error_rate=0.01, min_requests=1000, check_interval_s=5)
    d = net.deploy("app", v2, strategy=Waves(["NRT"], "rest", bake_s=30), gate=gate)
    net.run(until=net.now() + 200)
    assert d.status == "in_progress" and d.index == 0
    kinds = [e.kind for e in d.events]
    assert kinds == ["start", "stage", "wait"]
    assert "of the 1000 requests" in d.events[-1].reason
    d.rollback("enough")
    assert d.status == "rolled_back"


def test_the_gate_waits_for_min_requests_even_when_every_answer_failed() -> None:
    gate = HealthGate(max_error_rate=0.01, min_requests=10)
    new, old = Window(), Window()
    for _ in range(9):
        new.add(500, "exception", 1.0, 1.0)
        old.add(200, "ok", 1.0, 1.0)
    assert gate.judge(new, old, baked=True).decision == "wait"
    new.add(500, "exception", 1.0, 1.0)
    assert gate.judge(new, old, baked=True).decision == "fail"


def test_the_gate_compares_with_the_old_version_over_the_same_window() -> None:
    gate = HealthGate(max_error_rate=0.01, min_requests=100, max_cpu_p99_ratio=2.0)
    new, old = Window(), Window()
    for i in range(200):  # an origin failing 5% for both versions: not the release's fault
        new.add(502 if i % 20 == 0 else 200, "ok", 1.0, 5.0)
        old.add(502 if i % 20 == 0 else 200, "ok", 1.0, 5.0)
    assert gate.judge(new, old, baked=False).decision == "healthy"
    assert gate.judge(new, old, baked=True).decision == "pass"
    slow = Window()
    for _ in range(200):
        slow.add(200, "ok", 3.0, 5.0)
    verdict = gate.judge(slow, old, baked=True)
    assert verdict.decision == "fail" and "CPU" in verdict.reason
    limits = HealthGate(max_error_rate=None, max_exceeded_rate=0.0, min_requests=10)
    hot = Window()
    for i in range(20):
        hot.add(503 if i == 0 else 200, "exceededCpu" if i == 0 else "ok", 50.0, 5.0)
    assert limits.judge(hot, Window(), baked=True).decision == "fail"


def test_percentage_steps_promote_and_complete() -> None:
    net = network()
    v2 = net.upload_version("app", worker(), tag="v2")
    seen = steady(net, 300, 20)
    d = net.deploy("app", v2, strategy=Percentage([10, 50, 100], bake_s=30), gate=GATE)
    net.run(until=net.now() + 300)
    assert d.status == "complete"
    assert [e.reason for e in d.events if e.kind == "stage"] == ["10%", "50%", "100%"]
    first = d.events[2].time
    share = [r[3] == v2.id for r in seen.rows if r[0] < first]
    assert 0.02 < sum(share) / len(share) < 0.25


def test_immediate_without_a_gate_is_live_at_once() -> None:
    net = network()
    v2 = net.upload_version("app", worker(), tag="v2")
    d = net.deploy("app", v2)  # Immediate(), no gate: today's replace_worker
    assert d.status == "complete" and net.live_version("app") is v2
    r = net.fetch_sync("https://app.example/", client="Tokyo")
    assert r.trace.version == v2.id and r.text() == v2.id and r.headers.get("x-tag") == "v2"


def test_manual_pause_resume_promote_and_rollback() -> None:
    net = network()
    v1 = net.live_version("app")
    v2 = net.upload_version("app", worker(), tag="v2")
    steady(net, 100, 10)
    d = net.deploy("app", v2, strategy=Waves(["NRT"], "rest", bake_s=20))
    d.pause()
    net.run(until=net.now() + 50)
    assert d.status == "paused" and d.index == 0
    d.resume()
    net.run(until=net.now() + 21)
    assert d.index == 1
    net.rollback("app")
    assert d.status == "rolled_back" and net.live_version("app") is v1
    with pytest.raises(ConfigError):
        d.promote()
    # With nothing in progress, rollback goes back to the version before the last complete one.
    d2 = net.deploy("app", v2)
    assert d2.status == "complete"
    net.rollback("app")
    assert net.live_version("app") is v1


def test_version_metadata_binding() -> None:
    net = network()
    v1 = net.live_version("app")
    r = net.fetch_sync("https://app.example/", client="Tokyo")
    assert r.text() == v1.id and r.trace.version == v1.id
    meta = v1.metadata()
    assert set(meta) == {"id", "tag", "timestamp"}
    assert meta["timestamp"].endswith("Z") and meta["timestamp"].startswith("2023-11-14T")
    shows = "export default { fetch(q, env) { return Response.json(env.META) } }"
    from edgert import Worker

    v2 = net.upload_version("app", Worker(shows, version_metadata="META"), tag="t2", message="m")
    net.deploy("app", v2, strategy=Immediate())
    r = net.fetch_sync("https://app.example/", client="Tokyo")
    assert r.json() == v2.metadata()
    assert r.json()["id"] == v2.id and r.json()["tag"] == "t2"
    assert r.json()["timestamp"] > meta["timestamp"]  # uploaded after the first request's time


def test_same_seed_same_rollout() -> None:
    def once() -> tuple[list[tuple[float, str, int, str | None, str]], list[tuple[float, str]]]:
        net = network(seed=5)
        v2 = net.upload_version("app", worker(failing(0.05)), tag="v2")
        seen = steady(net, 200, 20)
        d = net.deploy("app", v2, strategy=Percentage([20, 100], bake_s=60), gate=GATE)
        net.run(until=net.now() + 200)
        return seen.rows, [(e.time, e.kind) for e in d.events]

    assert once() == once()


def test_bad_input() -> None:
    net = network()
    with pytest.raises(ConfigError):
        net.deploy("app", "no-such-version")
    with pytest.raises(ConfigError):
        net.upload_version("nope", worker())
    with pytest.raises(ConfigError):
        Percentage([10, 5, 100])
    with pytest.raises(ConfigError):
        Waves(["NRT"], "rest", ["FRA"])
    with pytest.raises(ConfigError):
        HealthGate(min_requests=0)
    v2 = net.upload_version("app", worker(), tag="v2")
    with pytest.raises(ConfigError, match="not a PoP"):
        net.deploy("app", v2, strategy=Waves(["XXX"], "rest"))
    with pytest.raises(ConfigError):
        net.deploy("app", net.live_version("app"))
    assert GOOD
