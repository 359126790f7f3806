"""The native front during a deployment of one worker: the other worker's requests go on being
answered natively (the front forgets only the deployed worker's cores), the deployed worker's
requests are routed by Python while its traffic is split and each names a version that was
live, and once the deployment completes the front learns the winner's cores again."""

from __future__ import annotations

from server_client import Conn, Reply, read_reply

from edgert import Network, Origin, Percentage, Worker
from edgert.server import EdgeServer

NAMED = """export default { fetch(request, env) {
  return new Response(env.CF_VERSION_METADATA.id);
} }"""


def _worker() -> Worker:
    return Worker(NAMED, version_metadata="CF_VERSION_METADATA")


async def _get(conn: Conn, host: str, path: str = "/") -> Reply:
    await conn.send(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    return await read_reply(conn.reader)


async def test_deploying_one_worker_keeps_the_others_native() -> None:
    net = Network(
        "demo",
        Origin(handler=lambda r: "origin"),
        workers={"a": _worker(), "b": _worker()},
        routes=[("a.example/*", "a"), ("b.example/*", "b")],
        clock="real",
        threads=2,
    )
    a1, b1 = net.live_version("a"), net.live_version("b")
    a2 = net.upload_version("a", _worker(), tag="a2")
    server = EdgeServer(net, port=0)
    await server.start()
    native = server._native
    assert native is not None and native.front is not None
    front = native.front
    conn = await Conn.open(server.port)
    try:
        for host in ("a.example", "b.example"):  # the first of each teaches the front
            assert (await _get(conn, host)).status == 200
        before = front.dispatched()
        for _ in range(5):
            assert (await _get(conn, "a.example")).body == a1.id.encode()
            assert (await _get(conn, "b.example")).body == b1.id.encode()
        warm = front.dispatched()
        assert warm["a"] - before.get("a", 0) == 5 and warm["b"] - before.get("b", 0) == 5

        d = net.deploy("a", a2, strategy=Percentage([50, 100], bake_s=3600))
        assert d.status == "in_progress"
        seen_a = set()
        for i in range(40):
            seen_a.add((await _get(conn, "a.example", f"/{i}")).body.decode())
            assert (await _get(conn, "b.example", f"/{i}")).body == b1.id.encode()
        during = front.dispatched()
        assert during["b"] - warm["b"] == 40, "b stayed native through a's deployment"
        assert during["a"] == warm["a"], "a's split traffic was routed by Python"
        assert seen_a == {a1.id, a2.id}, "both of a's versions answered while split"

        d.promote()
        d.promote()
        assert d.status == "complete"
        for _ in range(5):
            assert (await _get(conn, "a.example")).body == a2.id.encode()
        after = front.dispatched()
        assert after["a"] > during["a"], "the winner's cores were learnt again"
    finally:
        await conn.close()
        await server.close(grace_s=1.0)
        await net.aclose()
