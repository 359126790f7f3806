"""No worker can hold up another tenant: JavaScript runs on execution threads, and a turn that
does not come back within its wall limit is answered by the host (503, Error 1102), its isolate
condemned and its thread replaced (see edgert.host.calls and rust/src/host/executor.rs)."""

from __future__ import annotations

import asyncio
import sys

from server_client import Conn, Reply, read_reply

from edgert import Network, Origin, Response, Worker
from edgert.server import EdgeServer

# A CPU-bound loop whose CPU limit (2 s) is far above its turn's wall limit (the network's
# 1 s request limit): only the watchdog can answer it in time.
STUCK = Worker(
    "export default { fetch() { for (;;) {} } }",
    cpu_ms=2000,
)
FAST = "export default { fetch(request) { return new Response('fast ' + new URL(request.url).pathname) } }"


async def served(threads: int) -> tuple[Network, EdgeServer]:
    network = Network(
        "demo",
        Origin(handler=lambda request: Response("origin")),
        workers={"stuck": STUCK, "fast": FAST},
        routes=[("stuck.example/*", "stuck"), ("fast.example/*", "fast")],
        clock="real",
        wall_timeout_s=1.0,
        threads=threads,
    )
    server = EdgeServer(network, port=0)
    await server.start()
    return network, server


async def get(conn: Conn, host: str, path: str) -> Reply:
    await conn.send(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    return await read_reply(conn.reader)


async def test_a_stuck_worker_does_not_hold_up_another_tenant() -> None:
    network, server = await served(threads=2)
    stuck_conn = await Conn.open(server.port)
    stuck = asyncio.ensure_future(get(stuck_conn, "stuck.example", "/spin"))
    fast_conn = await Conn.open(server.port)
    answered_while_stuck = 0
    for i in range(20):
        reply = await get(fast_conn, "fast.example", f"/{i}")
        assert reply.status == 200 and reply.body == f"fast /{i}".encode()
        answered_while_stuck += not stuck.done()
    assert answered_while_stuck > 0
    reply = await stuck
    assert reply.status == 503 and b"1102" in reply.body
    await fast_conn.close()
    await stuck_conn.close()
    await server.close(grace_s=1.0)
    await network.aclose()


async def test_with_one_thread_the_stuck_request_is_cut_at_its_wall_limit() -> None:
    network, server = await served(threads=1)
    executor = network._executor
    assert executor is not None
    conn = await Conn.open(server.port)
    reply = await get(conn, "stuck.example", "/spin")
    assert reply.status == 503 and b"1102" in reply.body
    # The thread is replaced: the other worker is served, and so is the stuck one's next
    # request (on a fresh isolate).
    reply = await get(conn, "fast.example", "/after")
    assert reply.status == 200 and reply.body == b"fast /after"
    stats = executor.stats()
    assert stats["condemned"] == 1 and stats["replaced"] == 1 and stats["threads"] == 1
    if sys.platform == "linux":  # the abandoned thread runs on in the idle scheduling class
        assert stats["demoted"] == 1
    await conn.close()
    await server.close(grace_s=1.0)
    await network.aclose()
