"""The `edgert` command, run as `python -m edgert` in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def edgert(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "edgert", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_run_prints_like_curl_and_stats_go_to_stderr() -> None:
    p = edgert(
        "run",
        "examples/hello.js",
        "--url",
        "https://example.com/a?b=1",
        "-X",
        "POST",
        "-H",
        "content-type: application/json",
        "-d",
        '{"x":1}',
        "--var",
        "GREETING=hi",
        "--stats",
    )
    assert p.returncode == 0, p.stderr
    head, _, body = p.stdout.partition("\n\n")
    assert head.splitlines()[0] == "HTTP/1.1 200 OK"
    assert "content-type: application/json" in head
    assert '"greeting":"hi"' in body and '"body":"{\\"x\\":1}"' in body
    assert "outcome=ok" in p.stderr and "console.log: POST /a" in p.stderr


def test_run_exits_non_zero_with_one_line_when_the_worker_cannot_load(tmp_path: Path) -> None:
    bad = tmp_path / "bad.js"
    bad.write_text("export default { fetch( }")
    p = edgert("run", str(bad))
    assert p.returncode == 1
    assert p.stderr.strip().count("\n") == 0 and "SyntaxError" in p.stderr


def test_run_exits_zero_when_the_worker_answers_500(tmp_path: Path) -> None:
    w = tmp_path / "throws.js"
    w.write_text("export default { fetch() { throw new Error('x') } }")
    p = edgert("run", str(w))
    assert p.returncode == 0 and p.stdout.startswith("HTTP/1.1 500")


def test_version_and_help() -> None:
    assert edgert("--version").stdout.strip().startswith("edgert, version")
    assert "run" in edgert("--help").stdout


def test_serve_refuses_a_bad_cron_before_listening() -> None:
    p = edgert("serve", "examples/hello.js", "--port", "0", "--cron", "0 0 * * 0")
    assert p.returncode == 1
    assert "weekday 0 is out of range" in p.stderr and p.stderr.strip().count("\n") == 0
