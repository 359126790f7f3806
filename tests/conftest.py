"""Shared fixtures: the path of the shared test data; aiohttp applications served from a
thread; ``edgert dev`` sessions of a project folder."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import io

    from aiohttp import web

    from edgert.dev import DevSession

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


@pytest.fixture
def dev_session() -> Callable[..., DevSession]:
    """``make(project, out=None, *, pop="FRA", state_dir=project / "state")``: an ``edgert
    dev`` session (not started, no file watching, on a free port) of the wrangler project in
    folder ``project``, its console writing to ``out`` (200 columns; ``None``: discarded)."""
    import io

    from rich.console import Console

    from edgert.config import build_network, load_config
    from edgert.dev import DevSession, Reloader

    def make(
        project: Path,
        out: io.StringIO | None = None,
        *,
        pop: str | None = "FRA",
        state_dir: Path | None = None,
    ) -> DevSession:
        config = load_config(project)
        network = build_network(config, state_dir=state_dir or project / "state")
        console = Console(file=out if out is not None else io.StringIO(), width=200)
        return DevSession(Reloader(config, network), console, port=0, pop=pop, watch=False)

    return make
