"""The crypto.subtle test workers' sources: ``helpers.js`` (the helpers they share), then the
worker's own file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def worker_source(name: str) -> str:
    """``helpers.js`` followed by ``name`` (a file next to this one)."""
    return (HERE / "helpers.js").read_text() + "\n" + (HERE / name).read_text()


def over_cpu_limit(worker: Any, url: str) -> float:
    """Fetches `url`: it must end its turn over the CPU limit (a 503, `exceededCpu`); the CPU
    time the request used, in milliseconds."""
    r = worker.fetch(url)
    assert r.status == 503
    assert r.stats is not None and r.stats.outcome == "exceededCpu"
    return float(r.stats.cpu_ms)
