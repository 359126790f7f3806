"""Shared helpers of the compatibility tests: load a fixture worker, put it in a network whose
origin answers every host from a Python handler, and record what the origin saw."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import edgert

#: The Workers documentation's examples, kept unmodified outside the project (third-party code):
#: ``../shared/data/workers-examples/docs/`` beside the repository (see its README).
WORKERS = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "workers-examples" / "docs"
)


def load(name: str, **options: Any) -> edgert.Worker:
    """A documentation example from ``../shared/data/workers-examples/docs``."""
    if not WORKERS.is_dir():
        pytest.skip("../shared/data/workers-examples/docs is not present")
    return edgert.Worker.from_file(WORKERS / name, seed=7, **options)


@dataclass
class RecordingOrigin:
    """An origin for every host: ``respond(request)`` answers; each request is recorded."""

    respond: Callable[[edgert.Request], Any]
    seen: list[edgert.Request] = field(default_factory=list)

    def __call__(self, request: edgert.Request) -> Any:
        self.seen.append(request)
        return self.respond(request)


class ClientNetwork:
    """A network whose requests come from a client in Paris unless ``client=`` says otherwise."""

    def __init__(self, net: edgert.Network) -> None:
        self.net = net

    def fetch_sync(self, url: str, *, client: str = "Paris", **options: Any) -> Any:
        return self.net.fetch_sync(url, client=client, **options)


def network(
    name: str, respond: Callable[[edgert.Request], Any], **worker_options: Any
) -> tuple[ClientNetwork, RecordingOrigin]:
    """A virtual-time network (the demo PoPs) running fixture ``name`` in front of an origin that
    serves every host (so the worker's subrequests to any URL reach ``respond``)."""
    origin = RecordingOrigin(respond)
    net = edgert.Network(
        pops="demo",
        origin=edgert.Origin(handler=origin, region="IAD"),
        workers={"w": load(name, **worker_options)},
        seed=3,
    )
    return ClientNetwork(net), origin


def html(body: str, **headers: str) -> edgert.Response:
    return edgert.Response(body, headers={"content-type": "text/html; charset=utf-8", **headers})


def json_response(data: Any, **headers: str) -> edgert.Response:
    import json

    return edgert.Response(
        json.dumps(data), headers={"content-type": "application/json", **headers}
    )
