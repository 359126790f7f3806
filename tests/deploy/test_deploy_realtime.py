"""Real time: a new version deployed to a serving network under load (no request fails, each
response names a version live when it was answered), and deploy plans applied while serving."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest
from deploy_helpers import GOOD

from edgert import HealthGate, Network, Origin, Percentage, Worker
from edgert.deploy.plan import PlanWatcher
from edgert.server import EdgeServer, build_network, serve_network

PLACES = ("city=Tokyo", "city=Frankfurt", "city=Sydney", "city=Sao Paulo", "colo=IAD")


async def _serve(network: Network, front: str) -> tuple[asyncio.Event, asyncio.Future[None], int]:
    stop = asyncio.Event()
    ready: asyncio.Future[list[EdgeServer]] = asyncio.get_running_loop().create_future()
    serving = asyncio.ensure_future(
        serve_network(network, port=0, on_ready=ready.set_result, stop=stop, front=front)  # type: ignore[arg-type]
    )
    servers = await ready
    return stop, serving, servers[0].port


@pytest.mark.parametrize("front", ["native", "asyncio"])
async def test_a_new_version_under_load_fails_no_request(front: str) -> None:
    net = Network(
        "demo",
        Origin(handler=lambda r: "origin"),
        workers={"main": Worker(GOOD, version_metadata="CF_VERSION_METADATA")},
        clock="real",
        threads=2,
    )
    v1 = net.live_version("main")
    v2 = net.upload_version("main", Worker(GOOD, version_metadata="CF_VERSION_METADATA"), tag="v2")
    # Which requests Python ran (the rest the native front answered itself).
    through_python: list[float] = []
    begin_at = net.begin_at

    def counting(*args: object) -> object:
        through_python.append(time.time())
        return begin_at(*args)  # type: ignore[arg-type]

    net.begin_at = counting  # type: ignore[method-assign]
    stop, serving, port = await _serve(net, front)
    rows: list[tuple[float, float, int, str]] = []
    done = asyncio.Event()
    complete = asyncio.Event()
    after_complete = 0
    marks: dict[str, float] = {}

    def on_event(d: object, event: object) -> None:
        if getattr(event, "kind", None) == "complete":
            marks["complete"] = time.time()
            complete.set()

    net.deployments.listeners.append(on_event)

    async def client(i: int) -> None:
        nonlocal after_complete
        headers = {"x-edgert-client": PLACES[i % len(PLACES)]}
        async with aiohttp.ClientSession() as session:
            while not done.is_set():
                sent = time.time()
                async with session.get(f"http://127.0.0.1:{port}/v?{i}", headers=headers) as r:
                    body = await r.text()
                    rows.append((sent, time.time(), r.status, body))
                if complete.is_set() and sent > marks["complete"]:
                    after_complete += 1
                    if after_complete >= 200:
                        done.set()

    clients = [asyncio.ensure_future(client(i)) for i in range(8)]
    try:
        while len(rows) < 200:  # load first, then the deployment
            await asyncio.sleep(0.01)
        marks["deploy"] = time.time()
        d = net.deploy(
            "main",
            v2,
            strategy=Percentage([20, 60, 100], bake_s=0.2),
            gate=HealthGate(max_error_rate=0.01, min_requests=20, check_interval_s=0.05),
        )
        await asyncio.wait_for(complete.wait(), 30)
        await asyncio.wait_for(done.wait(), 30)
    finally:
        done.set()
        await asyncio.gather(*clients, return_exceptions=True)
        stop.set()
        await serving
    assert d.status == "complete", d.events
    assert [e.kind for e in d.events].count("promote") == 2
    assert all(status == 200 for _, _, status, _ in rows)
    assert {body for *_, body in rows} == {v1.id, v2.id}
    for sent, received, _, body in rows:
        if body == v2.id:
            assert received >= marks["deploy"]  # v2 was live only once deployed
        else:
            assert sent <= marks["complete"]  # v1 was live until the deployment completed
    late = [body for sent, _, _, body in rows if sent > marks["complete"]]
    assert len(late) >= 200 and set(late) == {v2.id}
    during = [t for t in through_python if marks["deploy"] < t < marks["complete"]]
    assert during  # while the traffic was split, Python chose each request's version
    if front == "native":
        # Once one version held all traffic, the front learnt its cores again: it answered
        # the later requests itself (Python saw at most each client place's first one).
        after = [t for t in through_python if t > marks["complete"]]
        assert len(after) <= 2 * len(PLACES), (len(after), len(late))


def test_deploy_plan_applied_while_serving(tmp_path: Path) -> None:
    script = tmp_path / "v1.js"
    script.write_text(GOOD)
    (tmp_path / "v2.js").write_text(GOOD.replace("env.CF_VERSION_METADATA.id", '"two"'))
    net = build_network(script, version_metadata="CF_VERSION_METADATA", threads=0)
    plan = tmp_path / "deploy.toml"
    plan.write_text('action = "pause"\n')
    said: list[str] = []
    loaded: list[Path] = []

    def load(path: Path) -> Worker:
        loaded.append(path)
        return Worker.from_file(path, version_metadata="CF_VERSION_METADATA")

    watcher = PlanWatcher(net, plan, load, said.append)
    assert watcher.check() is None  # the content at start counts as applied
    plan.write_text(
        'script = "v2.js"\ntag = "v2"\n[strategy]\nkind = "waves"\nwaves = [["NRT"], "rest"]\n'
        "bake_s = 3600\n[gate]\nmin_requests = 5\n"
    )
    assert "deploying main v2" in (watcher.check() or "")
    assert watcher.check() is None  # applied once
    d = net.deployment("main")
    assert d is not None and d.status == "in_progress" and loaded == [tmp_path / "v2.js"]
    assert any(line.startswith("deploy main: stage [NRT]") for line in said)
    plan.write_text('action = "promote"\n')
    assert watcher.check() is not None and d.index == 1
    plan.write_text('action = "rollback"\n')
    watcher.check()
    assert d.status == "rolled_back" and net.live_version("main").number == 1
    plan.write_text('action = "deploy"\nscript = "missing.js"\n')
    assert "no such file" in (watcher.check() or "") and "nothing changed" in said[-1]
    plan.write_text('strategy = 3\nscript = "v2.js"\n')
    assert "strategy" in (watcher.check() or "")
    net.close()


async def test_the_embedding_api_advances_on_the_wall_clock() -> None:
    net = Network(
        "demo",
        Origin(handler=lambda r: "origin"),
        workers={"app": Worker(GOOD, version_metadata="CF_VERSION_METADATA")},
        clock="real",
        threads=0,
    )
    v2 = net.upload_version("app", Worker(GOOD, version_metadata="CF_VERSION_METADATA"), tag="v2")
    complete = asyncio.Event()
    net.deployments.listeners.append(lambda d, e: complete.set() if e.kind == "complete" else None)
    d = net.deploy("app", v2, strategy=Percentage([50, 100], bake_s=0.05))
    seen: set[str | None] = set()

    async def load() -> None:
        while not complete.is_set():  # the bake timers run on this loop
            r = await net.fetch("https://a.example/", client="Tokyo")
            seen.add(r.trace.version)
            # An answer made inline does not yield to the loop: let its timers run.
            await asyncio.sleep(0.001)

    await asyncio.wait_for(load(), 30)  # fails only if the deployment never completes
    assert seen <= {net.versions("app")[0].id, v2.id}
    r = await net.fetch("https://a.example/", client="Tokyo")
    assert d.status == "complete" and r.trace.version == v2.id and r.text() == v2.id
    assert [e.kind for e in d.events] == ["start", "stage", "promote", "stage", "complete"]
    await net.aclose()
