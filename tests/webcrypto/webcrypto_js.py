"""The crypto.subtle test workers' sources: ``helpers.js`` (the helpers they share), then the
worker's own file."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def worker_source(name: str) -> str:
    """``helpers.js`` followed by ``name`` (a file next to this one)."""
    return (HERE / "helpers.js").read_text() + "\n" + (HERE / name).read_text()
