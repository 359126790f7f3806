"""Ctrl-C stops ``edgert serve`` promptly even while a worker is stuck in JavaScript: the event
loop never runs JavaScript, so the signal is handled, requests in flight get their grace period,
and a stuck turn is left to the watchdog."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

WORKER = """export default { fetch(request) {
  if (new URL(request.url).pathname === '/spin') for (;;) {}
  return new Response('up');
} }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: a.example\r\n\r\n".encode())
    return conn


def test_ctrl_c_exits_while_a_worker_spins(tmp_path: Path) -> None:
    script = tmp_path / "w.js"
    script.write_text(WORKER)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "edgert",
            "serve",
            str(script),
            "--port",
            str(port),
            "--cpu-ms",
            "60000",
            "--threads",
            "2",
            "--grace",
            "0.5",
            "--no-log",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "edgert serve" in line, line
        spinning = get(port, "/spin")  # holds one execution thread for up to 60 s of CPU
        up = get(port, "/")
        assert b"up" in up.recv(4096)  # the other thread and the loop still serve
        proc.send_signal(signal.SIGINT)
        # Before execution threads the spinning worker held the loop for its 60 s of CPU: the
        # signal went unhandled and this wait timed out. Now the server shuts down cleanly.
        proc.wait(timeout=15)
        assert proc.returncode == 0
        spinning.close()
        up.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
