"""The WebSocket tests' shared server set-up: ``edge(worker, egress=...)`` starts a real-time
edge server (PoP FRA, no origin) whose one worker is ``worker`` and closes it after the test;
``server`` is one whose worker is ``test_protocol.ECHO`` (echoes, records closes, exposes them
over HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from edgert import Network, Origin, Worker
from edgert.egress import EgressPolicy
from edgert.server import EdgeServer

StartEdge = Callable[..., Awaitable[EdgeServer]]


@pytest.fixture
async def edge() -> AsyncIterator[StartEdge]:
    started: list[EdgeServer] = []

    async def start(worker: Worker, egress: EgressPolicy | None = None) -> EdgeServer:
        net = Network(
            ["FRA"],
            Origin(handler=lambda r: None),
            clock="real",
            workers={"app": worker},
            egress=egress,
        )
        srv = EdgeServer(net, port=0)
        await srv.start()
        started.append(srv)
        return srv

    try:
        yield start
    finally:
        for srv in started:
            await srv.close(1)


@pytest.fixture
async def server(edge: StartEdge) -> EdgeServer:
    from .test_protocol import ECHO

    return await edge(Worker(ECHO, min_isolates=1, max_isolates=1))
