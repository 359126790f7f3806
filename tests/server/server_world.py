"""The server tests' world: a real-time network with an echo worker and an in-process origin
whose answers wait on gates the tests open, served on 127.0.0.1 (port 0)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from edgert import Network, Origin, Request, Response
from edgert.server import AccessRecord, EdgeServer, ServerLimits

WORKER = """
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === '/throw') throw new Error('boom');
    if (url.pathname.startsWith('/slow')) {
      const r = await fetch('https://origin.example' + url.pathname);
      return new Response('slow:' + await r.text());
    }
    if (url.pathname === '/chunked') {
      return new Response('x'.repeat(100000), { headers: { 'transfer-encoding': 'chunked' } });
    }
    if (url.pathname === '/log') { console.log('hello log'); console.warn('careful'); }
    const body = await request.text();
    return new Response(JSON.stringify({
      method: request.method, path: url.pathname + url.search, host: url.host, body,
      cf: request.cf, headers: [...request.headers],
    }), { headers: { 'content-type': 'application/json' } });
  }
}
"""


@dataclass
class Gate:
    """Origin requests to /slow* wait until the test opens the gate of their path."""

    events: dict[str, asyncio.Event] = field(default_factory=dict)
    arrived: dict[str, asyncio.Event] = field(default_factory=dict)

    def event(self, path: str) -> asyncio.Event:
        return self.events.setdefault(path, asyncio.Event())

    def reached(self, path: str) -> asyncio.Event:
        return self.arrived.setdefault(path, asyncio.Event())

    async def handler(self, request: Request) -> Response:
        path = "/" + request.url.split("/", 3)[3]
        self.reached(path).set()
        await self.event(path).wait()
        return Response(f"origin{path}")


@dataclass
class Served:
    network: Network
    server: EdgeServer
    gate: Gate
    records: list[AccessRecord]

    @property
    def port(self) -> int:
        return self.server.port


def front_options(kind: str) -> dict[str, Any]:
    """``EdgeServer`` options of a front under test: ``"native"`` (Rust, hyper), or the asyncio
    front with the ``"core"`` or ``"httptools"`` parser."""
    if kind == "native":
        return {"front": "native"}
    return {"front": "asyncio", "parser": kind}


async def make_served(
    limits: ServerLimits | None = None, pop: str | None = None, parser: str = "native"
) -> Served:
    gate = Gate()
    network = Network("demo", Origin(handler=gate.handler), workers={"echo": WORKER}, clock="real")
    records: list[AccessRecord] = []
    server = EdgeServer(
        network,
        port=0,
        pop=pop,
        limits=limits or ServerLimits(),
        on_request=records.append,
        **front_options(parser),
    )
    await server.start()
    return Served(network, server, gate, records)
