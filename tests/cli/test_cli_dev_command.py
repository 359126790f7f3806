"""``edgert dev``'s wiring, with a stand-in for the HTTP server: what it is given, what is printed."""

from __future__ import annotations

import asyncio
import sys
import types
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from edgert.cli import main

ROOT = Path(__file__).resolve().parents[2]


class FakeServer:
    made: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, network: Any, **options: Any) -> None:
        self.network = network
        self.port = options["port"] or 40000
        FakeServer.made.append({"network": network, **options})

    async def start(self) -> None:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()  # stands for Ctrl-C once the server is up

    async def close(self, grace_s: float) -> None:
        FakeServer.made[-1]["closed"] = grace_s


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> type[FakeServer]:
    module = types.ModuleType("edgert.server")
    module.EdgeServer = FakeServer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "edgert.server", module)
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: object())
    FakeServer.made.clear()
    return FakeServer


def test_dev_serves_the_example_with_its_pop_and_options(fake_server: type[FakeServer]) -> None:
    result = CliRunner().invoke(
        main, ["dev", str(ROOT / "examples" / "middleware"), "--port", "0", "--no-reload"]
    )
    assert result.exit_code == 0, result.output
    made = fake_server.made[-1]
    assert made["host"] == "127.0.0.1" and made["pop"] == "FRA"  # [edgert] pop
    assert made["network"].workers.keys() == {"middleware"}
    assert made["closed"] == 5.0
    assert "edgert dev middleware: index.js" in result.stdout
    assert "secrets from .dev.vars" in result.stdout
    assert "Ready on http://127.0.0.1:40000" in result.stdout and "stopped" in result.stdout
    # Egress is open, as with wrangler dev, and the startup says so.
    assert made["network"].egress is None
    assert "egress: open" in result.stdout and "--deny-private-egress" in result.stdout


def test_dev_can_refuse_private_egress(fake_server: type[FakeServer]) -> None:
    result = CliRunner().invoke(
        main,
        [
            "dev",
            str(ROOT / "examples" / "middleware"),
            "--no-reload",
            "--deny-private-egress",
            "--egress-allow",
            "10.1.0.0/16",
        ],
    )
    assert result.exit_code == 0, result.output
    egress = fake_server.made[-1]["network"].egress
    assert egress is not None and not egress.allow_private and egress.allow == ("10.1.0.0/16",)
    assert "egress: public addresses only" in result.stdout


def test_dev_options_override_the_configuration(
    fake_server: type[FakeServer], tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "dev",
            str(ROOT / "examples" / "middleware"),
            "--env",
            "staging",
            "--ip",
            "127.0.0.2",
            "--port",
            "9999",
            "--pop",
            "NRT",
            "--persist-to",
            str(tmp_path / "state"),
            "--no-reload",
        ],
    )
    assert result.exit_code == 0, result.output
    made = fake_server.made[-1]
    assert (made["host"], made["port"], made["pop"]) == ("127.0.0.2", 9999, "NRT")
    assert "middleware-staging (env staging)" in result.stdout


def test_dev_unknown_env_is_a_one_line_error() -> None:
    result = CliRunner().invoke(main, ["dev", str(ROOT / "examples" / "middleware"), "-e", "qa"])
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("env.qa: no such environment (defined: staging)")
