"""Fixtures of the server tests (see ``server_world``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from server_world import Served, make_served


@pytest.fixture(params=["native", "core", "httptools"])
def parser(request: pytest.FixtureRequest) -> str:
    """Every server test runs on the native front and on the asyncio front with each of its
    request parsers (see ``server_world.front_options``)."""
    return str(request.param)


@pytest.fixture
async def served(parser: str) -> AsyncIterator[Served]:
    s = await make_served(parser=parser)
    yield s
    for event in s.gate.events.values():
        event.set()
    await s.server.close(grace_s=1.0)
    await s.network.aclose()
