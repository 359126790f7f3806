"""Fixtures of the server tests (see ``server_world``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from server_world import Served, make_served


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    s = await make_served()
    yield s
    for event in s.gate.events.values():
        event.set()
    await s.server.close(grace_s=1.0)
    await s.network.aclose()
