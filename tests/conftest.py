"""Shared fixtures: the path of the shared test data; aiohttp applications served from a thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture
def serve_in_thread() -> Iterator[Callable[[web.Application], str]]:
    """``serve(app)``: serves an aiohttp application on 127.0.0.1 from an event loop of its
    own in a thread (for code under test that blocks or runs its own loop) and returns its base
    URL; every application is stopped after the test."""
    from aiohttp import web

    started: list[tuple[asyncio.AbstractEventLoop, web.AppRunner]] = []

    def serve(app: web.Application) -> str:
        loop = asyncio.new_event_loop()
        runner = web.AppRunner(app)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        threading.Thread(target=loop.run_forever, daemon=True).start()
        started.append((loop, runner))
        return f"http://127.0.0.1:{port}"

    yield serve
    for loop, runner in started:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
