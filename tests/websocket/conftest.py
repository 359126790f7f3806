"""The WebSocket tests' shared fixture: a real-time edge server whose one worker is
``test_protocol.ECHO`` (echoes, records closes, exposes them over HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from edgert import Network, Origin, Worker
from edgert.server import EdgeServer


@pytest.fixture
async def server() -> AsyncIterator[EdgeServer]:
    from .test_protocol import ECHO

    worker = Worker(ECHO, min_isolates=1, max_isolates=1)
    net = Network(["FRA"], Origin(handler=lambda r: None), clock="real", workers={"app": worker})
    srv = EdgeServer(net, port=0)
    await srv.start()
    try:
        yield srv
    finally:
        await srv.close(1)
