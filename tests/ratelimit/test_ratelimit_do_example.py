"""The Durable Object recipe (examples/ratelimit-do) is exact and global: spread over PoPs, the
same key gets exactly LIMIT calls through per window, where the per-PoP binding lets N x limit."""

from __future__ import annotations

from pathlib import Path

import edgert
from edgert.config import build_worker, load_config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ratelimit-do"


def test_durable_object_limiter_is_exact_across_pops() -> None:
    config = load_config(EXAMPLE)
    worker = build_worker(config, vars={"LIMIT": "5", "PERIOD_S": "60"})
    net = edgert.Network(
        ["NRT", "FRA", "GRU"],
        origin=edgert.Origin(handler=lambda r: "origin"),
        workers={"app": worker},
        routes=[("app.example/*", "app")],
        start=1_700_000_040.0,  # a window boundary
    )
    statuses = [
        net.fetch_sync("https://app.example/?key=mallory", client="Tokyo", pop=pop).status
        for _ in range(4)
        for pop in ("NRT", "FRA", "GRU")
    ]
    assert statuses.count(200) == 5 and statuses.count(429) == 7
    # Another key has its own object.
    assert net.fetch_sync("https://app.example/?key=alice", client="Tokyo", pop="FRA").status == 200
