"""``edgert dev --deploy-plan``: the session applies a plan while serving, and its log names
the version that answered."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from pathlib import Path

import aiohttp
from rich.console import Console

from edgert.config import build_network, build_worker, load_config
from edgert.deploy.plan import PlanWatcher
from edgert.dev import DevSession, Reloader, format_access
from edgert.worker import Worker

SCRIPT = "export default { fetch(r, env) { return new Response('%s ' + env.V.tag) } }"


async def test_dev_applies_a_plan_and_logs_the_version(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text(SCRIPT % "one")
    (tmp_path / "two.js").write_text(SCRIPT % "two")
    (tmp_path / "wrangler.toml").write_text(
        'name = "d"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n'
        '[version_metadata]\nbinding = "V"\n[edgert]\npops = ["FRA"]\n'
    )
    config = load_config(tmp_path)
    network = build_network(config, state_dir=tmp_path / "state")
    plan = tmp_path / "deploy.toml"
    said: list[str] = []
    applied = asyncio.Event()

    def echo(line: str) -> None:
        said.append(line)
        if line.startswith("deploying"):
            applied.set()

    def load(path: Path) -> Worker:
        return build_worker(dataclasses.replace(config, main=path.resolve()))

    watcher = PlanWatcher(network, plan, load, echo)
    out = io.StringIO()
    session = DevSession(
        Reloader(config, network),
        Console(file=out, width=200),
        port=0,
        pop="FRA",
        watch=False,
        plan=watcher,
    )
    records: list[object] = []
    printed = session.on_request
    session.on_request = lambda record: (records.append(record), printed(record))  # type: ignore[method-assign]
    await session.start()
    try:
        async with aiohttp.ClientSession() as client:
            url = f"http://127.0.0.1:{session.port}/"
            async with client.get(url) as answer:
                assert await answer.text() == "one "
            plan.write_text('script = "two.js"\ntag = "t2"\n')
            await asyncio.wait_for(applied.wait(), 30)  # the watcher saw the file change
            async with client.get(url) as answer:
                assert await answer.text() == "two t2"
    finally:
        await session.close()
    assert [getattr(r, "version_tag", None) for r in records] == [None, "t2"]
    assert format_access(records[-1], markup=False).endswith(" t2")
    assert any(line.startswith("deploy d: complete") for line in said)
