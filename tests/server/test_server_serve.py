"""``edgert serve``'s building blocks: several PoPs at once, each on its own port, and the
command line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from server_client import request

from edgert.cli import main
from edgert.errors import ConfigError
from edgert.server import EdgeServer, build_network, serve_network

WORKER = "export default { fetch(r) { return new Response(JSON.stringify(r.cf)) } }"


async def test_each_pop_on_its_own_port(tmp_path: Path) -> None:
    script = tmp_path / "w.js"
    script.write_text(WORKER)
    network = build_network(script, pops=["NRT", "FRA"])
    stop = asyncio.Event()
    ready: asyncio.Future[list[EdgeServer]] = asyncio.get_running_loop().create_future()
    serving = asyncio.ensure_future(
        serve_network(network, pop_ports={"NRT": 0, "FRA": 0}, on_ready=ready.set_result, stop=stop)
    )
    servers = await ready
    colos = {}
    for server in servers:
        reply = await request(server.port, "/")
        colos[server.pop] = json.loads(reply.body)["colo"]
    stop.set()
    await serving
    assert colos == {"NRT": "NRT", "FRA": "FRA"}


def test_needs_a_worker_or_an_origin() -> None:
    with pytest.raises(ConfigError):
        build_network(None)


def test_serve_help_lists_the_modes() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--pop-ports" in result.output
    assert "caching" in result.output
