"""A small scenario every simulator test can run in a second or two."""

from __future__ import annotations

from pathlib import Path
from typing import Any

WORKER = Path(__file__).resolve().parents[2] / "examples" / "simulate" / "worker.js"


def small(**overrides: Any) -> dict[str, Any]:
    """A scenario as parsed TOML: 3 PoPs, users in three cities, a few seconds of traffic."""
    data: dict[str, Any] = {
        "name": "small",
        "seed": 5,
        "duration_s": 4,
        "drain_s": 30,
        "pops": ["NRT", "IAD", "FRA"],
        "deployments": ["origin-only", "edge"],
        "origin": {"region": "IAD", "service_ms": 20},
        "worker": {"path": str(WORKER)},
        "population": {
            "cities": [
                {"name": "Tokyo", "weight": 2.0},
                {"name": "Berlin", "weight": 1.0},
                {"name": "New York City", "weight": 1.0},
            ]
        },
        "traffic": {
            "requests_per_s": 30,
            "page": ["/auth", "/geo", "/api/me"],
            "pages_per_session": 2,
            "think_time_s": 2,
            "invalid_tokens": 0.1,
            "token_reuse": 0.8,
        },
    }
    for k, v in overrides.items():
        if isinstance(v, dict) and isinstance(data.get(k), dict):
            data[k] = {**data[k], **v}
        else:
            data[k] = v
    return data
