"""``edgert serve --deploy-plan``: a new version reaches a running server without a restart."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

V1 = "export default { fetch(r, env) { return new Response('one ' + env.META.tag) } }"
V2 = "export default { fetch(r, env) { return new Response('two ' + env.META.tag) } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
        return str(r.read().decode())


def test_serve_applies_a_deploy_plan_while_serving(tmp_path: Path) -> None:
    (tmp_path / "v1.js").write_text(V1)
    (tmp_path / "v2.js").write_text(V2)
    plan = tmp_path / "deploy.toml"
    plan.write_text("# nothing yet\n")
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "edgert", "serve", str(tmp_path / "v1.js"),
            "--port", str(port), "--version-metadata", "META", "--deploy-plan", str(plan),
            "--no-log", "--threads", "1",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    lines: list[str] = []
    applied = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if "deploying main v2" in line:  # printed once the plan was applied
                applied.set()

    reader = threading.Thread(target=read, daemon=True)
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert "edgert serve" in first, first
        reader.start()
        assert get(port) == "one "
        plan.write_text('script = "v2.js"\ntag = "v2"\n')  # Immediate, no gate
        assert applied.wait(30), lines  # the watcher saw the change and applied it
        assert any("deploy main: complete" in line for line in lines)
        assert get(port) == "two v2"
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
