"""Acceptance: the Workers chat demo (cloudflare/workers-chat-demo, unmodified, from
``../shared/data/workers-examples/projects/``) under ``edgert dev`` with its own
``wrangler.toml``: two WebSocket clients in one room see each other's messages through the
ChatRoom object's hibernatable sockets, and the RateLimiter object throttles a fast sender."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from edgert.dev import DevSession

websockets = pytest.importorskip("websockets")


@pytest.fixture
def chat_demo(shared_data: Path, tmp_path: Path) -> Path:
    demo = shared_data / "workers-examples" / "projects" / "workers-chat-demo"
    if not demo.is_dir():
        pytest.skip("workers-examples/projects/workers-chat-demo is not in ../shared/data")
    # Run from a copy: edgert dev keeps its state under the project folder.
    copy = tmp_path / "workers-chat-demo"
    shutil.copytree(demo, copy)
    return copy


async def _until(ws: Any, want: Any, limit: int = 50) -> dict[str, Any]:
    """The next message for which ``want(message)`` holds (bounded: fails on a hang)."""
    for _ in range(limit):
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if want(message):
            return message  # type: ignore[no-any-return]
    raise AssertionError(f"no matching message in {limit}")


async def _say(ws: Any, text: str) -> None:
    """Sends a chat message until the room broadcasts it back (the demo refuses a message
    while the sender's limiter call is in flight: a race on Workers too)."""
    for _ in range(50):
        await ws.send(json.dumps({"message": text}))
        answer = await _until(ws, lambda m: "error" in m or m.get("message") == text)
        if "error" not in answer:
            return
        assert "rate-limited" in answer["error"]
        await asyncio.sleep(0.1)
    raise AssertionError(f"{text!r} was never accepted")


async def test_two_clients_in_one_room_and_the_rate_limiter(
    dev_session: Callable[..., DevSession], chat_demo: Path
) -> None:
    session = dev_session(chat_demo, pop=None, state_dir=chat_demo / ".edgert")
    await session.start()
    try:
        url = f"ws://127.0.0.1:{session.port}/api/room/lobby/websocket"
        async with websockets.connect(url) as alice, websockets.connect(url) as bob:
            await alice.send(json.dumps({"name": "alice"}))
            await _until(alice, lambda m: m.get("ready"))
            await bob.send(json.dumps({"name": "bob"}))
            await _until(bob, lambda m: m.get("ready"))
            await _until(alice, lambda m: m.get("joined") == "bob")

            await _say(alice, "hi bob")
            got = await _until(bob, lambda m: "message" in m)
            assert got["name"] == "alice" and got["message"] == "hi bob"
            await _say(bob, "hi alice")
            got = await _until(alice, lambda m: m.get("message") == "hi alice")
            assert got["name"] == "bob"

            # Both clients share one IP, so one RateLimiter object: it allows a message per
            # 5 s after a burst of four, and the demo refuses what comes during a cooldown.
            for i in range(10):
                await alice.send(json.dumps({"message": f"burst {i}"}))
            throttled = await _until(alice, lambda m: "error" in m)
            assert "rate-limited" in throttled["error"]

        # A third client joining later gets the stored backlog (storage through the object).
        async with websockets.connect(url) as carol:
            await carol.send(json.dumps({"name": "carol"}))
            backlog = await _until(carol, lambda m: m.get("message") == "hi bob")
            assert backlog["name"] == "alice"

        # A private room: POST /api/room makes a unique id; the room is reached by it.
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"http://127.0.0.1:{session.port}/api/room") as made,
        ):
            room = await made.text()
        assert len(room) == 64
        private = f"ws://127.0.0.1:{session.port}/api/room/{room}/websocket"
        async with websockets.connect(private) as dave:
            await dave.send(json.dumps({"name": "dave"}))
            seen: list[dict[str, Any]] = []
            await _until(dave, lambda m: seen.append(m) or bool(m.get("ready")))
            assert seen == [{"joined": "dave"}, {"ready": True}], "no lobby backlog here"
    finally:
        await session.close()
