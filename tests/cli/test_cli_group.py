"""The ``edgert`` group: help, version, subcommands, exit codes, one-line errors."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from edgert import __version__
from edgert.cli import COMMANDS, main

AVAILABLE = [name for name in COMMANDS if main.get_command(None, name) is not None]  # type: ignore[arg-type]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_every_command_with_its_summary() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    assert {"run", "dev", "demo"} <= set(AVAILABLE)
    for name in AVAILABLE:
        assert name in out
    assert "--version" in out and "--debug" in out


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.strip() == f"edgert, version {__version__}"


def test_each_subcommand_has_help() -> None:
    for name in AVAILABLE:
        code, out, _ = invoke(name, "--help")
        assert code == 0 and "Usage: " in out and name in out


def test_unknown_command_is_a_usage_error() -> None:
    code, _, err = invoke("nope")
    assert code == 2 and "No such command" in err


def test_bad_config_is_one_line_with_exit_code_1(tmp_path: Path) -> None:
    (tmp_path / "wrangler.toml").write_text('name = 3\nmain = "x.js"\n')
    code, _, err = invoke("dev", str(tmp_path))
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("edgert: error: ") and "name: expected a string, got the number 3" in err


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    (tmp_path / "wrangler.toml").write_text('name = 3\nmain = "x.js"\n')
    result = CliRunner().invoke(main, ["--debug", "dev", str(tmp_path)])
    assert result.exit_code == 1 and result.exception is not None
    assert type(result.exception).__name__ == "ConfigValueError"


def test_run_keeps_its_options(tmp_path: Path) -> None:
    script = tmp_path / "w.js"
    script.write_text("export default { fetch(r, env) { return new Response(env.X + r.method) } }")
    code, out, _ = invoke("run", str(script), "--var", "X=hi", "-X", "PUT")
    assert code == 0 and out.startswith("HTTP/1.1 200 OK") and out.rstrip().endswith("hiPUT")
