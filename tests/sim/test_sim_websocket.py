"""``[[websocket]]`` users in a scenario: a chat room in virtual time, every message's latency
to every receiver, the same bytes for the same seed, and the Workers chat demo run as is."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sim_helpers import small

from edgert.errors import ScenarioError
from edgert.sim.reports.files import results_bytes
from edgert.sim.scenario import parse_scenario
from edgert.sim.studies import run_studies

CHAT = Path(__file__).resolve().parents[2] / "examples" / "simulate" / "chat.js"


def chat(seed: int = 5, **group: Any) -> dict[str, Any]:
    spec = {
        "url": "https://chat.example/api/room/lobby/websocket",
        "users": 6,
        "join_s": 4,
        "duration_s": 30,
        "messages_per_minute": 12,
        "hello": '{"name": "user-{user}"}',
        "message": '{"message": "hi {tag}"}',
        **group,
    }
    return small(
        seed=seed,
        worker={"path": str(CHAT), "durable_objects": {"ROOMS": "ChatRoom"}},
        websocket=[spec],
    )


def test_a_chat_room_reports_each_messages_latency_to_every_receiver() -> None:
    out = run_studies(parse_scenario(chat()))["websocket"]["websocket-1"]
    assert out["opened"] == 6 and out["refused"] == 0
    assert len(out["socket_pops"]) == 1, "one room: one object, at its first caller's PoP"
    sent = out["messages_sent"]
    assert sent > 10
    rows = out["messages"]["rows"]
    assert len(rows) == sent
    # Every message reaches the users in the room then (at most the five others).
    assert all(0 <= r[4] <= 5 for r in rows) and sum(r[4] for r in rows) == out["deliveries"]
    assert out["deliveries"] > 3 * sent
    lat = out["latency_ms"]
    assert lat["echo"]["n"] == sent, "the room broadcasts to its sender too"
    assert 0 < lat["to_others"]["p50"] <= lat["to_others"]["p95"]
    # Per receiver PoP: the users' PoPs (Tokyo, Berlin, New York draw NRT, FRA, IAD).
    assert set(lat["by_receiver_pop"]) <= {"NRT", "FRA", "IAD"}
    home = out["socket_pops"][0]
    far = [v["p50"] for pop, v in lat["by_receiver_pop"].items() if pop != home]
    assert far and min(far) > 0


def test_the_same_seed_gives_the_same_bytes() -> None:
    first = results_bytes(run_studies(parse_scenario(chat(seed=9))))
    again = results_bytes(run_studies(parse_scenario(chat(seed=9))))
    other = results_bytes(run_studies(parse_scenario(chat(seed=10))))
    assert first == again
    assert first != other


def test_users_without_messages_only_join() -> None:
    out = run_studies(parse_scenario(chat(messages_per_minute=0)))["websocket"]["websocket-1"]
    assert out["opened"] == 6 and out["messages_sent"] == 0 and out["deliveries"] == 0
    assert out["latency_ms"]["to_others"]["p50"] is None


@pytest.mark.parametrize(
    ("group", "error"),
    [
        ({"url": None}, "url: required"),
        ({"message": "no tag"}, "must contain {tag}"),
        ({"users": 0}, "users: must be >= 1"),
        ({"colour": "blue"}, "colour: unknown key"),
    ],
)
def test_bad_groups_name_the_key(group: dict[str, Any], error: str) -> None:
    data = chat(**group)
    if group.get("url", "") is None:
        del data["websocket"][0]["url"]
    with pytest.raises(ScenarioError, match=error):
        parse_scenario(data)


def test_the_workers_chat_demo_runs_unmodified(shared_data: Path, tmp_path: Path) -> None:
    demo = shared_data / "workers-examples" / "projects" / "workers-chat-demo"
    if not demo.is_dir():
        pytest.skip("workers-chat-demo is not in ../shared/data")
    copy = tmp_path / "chat-demo"
    shutil.copytree(demo, copy)
    data = chat(users=4, duration_s=20)
    data["worker"] = {"config": str(copy / "wrangler.toml")}
    out = run_studies(parse_scenario(data, tmp_path))["websocket"]["websocket-1"]
    assert out["opened"] == 4
    # Each user has its own address, so the demo's per-address RateLimiter lets them talk.
    assert out["messages_sent"] > 4 and out["deliveries"] >= 2 * out["messages_sent"]
