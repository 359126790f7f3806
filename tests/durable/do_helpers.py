"""Helpers of the Durable Object tests: a virtual-time network with one worker."""

from __future__ import annotations

from typing import Any

from edgert import Network, Origin, Response, Worker


def origin_handler(request: Any) -> Response:
    return Response("from the origin")


def virtual_network(source: str, bindings: dict[str, str], **options: Any) -> Network:
    worker = Worker(source, name="app.js", durable_objects=bindings, seed=7)
    options.setdefault("pops", "demo")
    return Network(
        origin=Origin(handler=origin_handler, region="IAD"),
        workers={"app": worker},
        seed=3,
        **options,
    )


def fetch_soon(net: Network, url: str, **options: Any) -> Any:
    """A request in virtual time, running the clock only until it is answered (later events,
    such as alarms, stay pending; ``fetch_sync`` would run them all)."""
    options.setdefault("client", "Tokyo")
    options.setdefault("pop", "NRT")
    pending = net.submit(url, **options)
    step = net.now()
    while pending.response is None:
        step += 1.0
        net.run(until=step)
    return pending.response
