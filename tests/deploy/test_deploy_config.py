"""The version metadata binding from a wrangler configuration, and edgert dev's deploy plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from edgert import Network, Origin
from edgert.cli import main
from edgert.config import build_worker, load_config
from edgert.config.errors import ConfigValueError

SHOW = "export default { fetch(r, env) { return Response.json(env.CF_VERSION_METADATA) } }"


def test_version_metadata_from_wrangler_toml(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text(SHOW)
    (tmp_path / "wrangler.toml").write_text(
        'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[version_metadata]\nbinding = "CF_VERSION_METADATA"\n'
    )
    config = load_config(tmp_path)
    assert config.version_metadata == "CF_VERSION_METADATA" and not config.warnings
    worker = build_worker(config)
    net = Network(
        "demo", Origin(handler=lambda r: "o"), workers={"app": worker}, clock="virtual", seed=3
    )
    body = net.fetch_sync("https://a.example/", client="Tokyo").json()
    assert body == net.live_version("app").metadata()
    # Standalone, the worker has metadata too (an id made from its script).
    alone = json.loads(worker.fetch("https://a.example/").text())
    assert set(alone) == {"id", "tag", "timestamp"}


def test_version_metadata_binding_must_be_an_identifier(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text(SHOW)
    (tmp_path / "wrangler.toml").write_text(
        'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[version_metadata]\nbinding = "not valid"\n'
    )
    with pytest.raises(ConfigValueError, match="version_metadata"):
        load_config(tmp_path)


def test_cli_help_lists_the_deploy_plan() -> None:
    for command in ("dev", "serve"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "--deploy-plan" in result.output
