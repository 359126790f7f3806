"""WebSocket echo round trips: edgert's native front with a worker that echoes (each message a
turn of JavaScript on an execution thread, through the host's hub) against a Python
``websockets`` echo server (the peer), measured in the same run with the same client.

    python benches/bench_websocket.py [--messages 2000] [--clients 1,16] [--size 0] [--no-compression]

For each server: one client sending ``messages`` messages one at a time (round-trip latency,
median and p99), then ``clients`` clients at once (messages per second). The client is the
``websockets`` library in this process, so both servers pay for the same client. It offers
``permessage-deflate`` (both servers accept it) unless ``--no-compression``; ``--size`` pads
each message to that many bytes of chat-like text (0: the short ``message i``).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import uvloop
import websockets
from websockets.asyncio.server import serve

from edgert import Network, Origin, Worker
from edgert.server import EdgeServer

ECHO = """
export default {
  fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener('message', (ev) => server.send(ev.data));
    return new Response(null, { status: 101, webSocket: client });
  },
};
"""


COMPRESSION: str | None = "deflate"
SIZE = 0


def message(i: int) -> str:
    text = f"message {i}"
    if len(text) >= SIZE:
        return text
    filler = f' {{"user": "tokyo-{i % 7}", "text": "hello from the edge", "seq": {i}}}'
    return (text + filler * (SIZE // len(filler) + 1))[:SIZE]


async def round_trips(url: str, n: int) -> list[float]:
    out = []
    async with websockets.connect(url, compression=COMPRESSION) as ws:
        for i in range(n):
            began = time.perf_counter()
            await ws.send(message(i))
            await ws.recv()
            out.append((time.perf_counter() - began) * 1e6)
    return out


async def throughput(url: str, clients: int, n: int) -> float:
    socks = [await websockets.connect(url, compression=COMPRESSION) for _ in range(clients)]

    async def one(ws: Any) -> None:
        for i in range(n):
            await ws.send(message(i))
            await ws.recv()

    began = time.perf_counter()
    await asyncio.gather(*(one(ws) for ws in socks))
    took = time.perf_counter() - began
    await asyncio.gather(*(ws.close() for ws in socks))
    return clients * n / took


async def measure(name: str, url: str, args: argparse.Namespace) -> dict[str, float]:
    await round_trips(url, 200)  # warm up
    rtts = await round_trips(url, args.messages)
    result = {
        "p50_us": statistics.median(rtts),
        "p99_us": statistics.quantiles(rtts, n=100)[98],
    }
    for c in args.clients:
        result[f"msgs_per_s_{c}"] = await throughput(url, c, max(50, args.messages // c))
    print(name, {k: round(v, 1) for k, v in result.items()}, flush=True)
    return result


async def with_peer(run: Callable[[str], Awaitable[dict[str, float]]]) -> dict[str, float]:
    async def echo(ws: Any) -> None:
        async for message in ws:
            await ws.send(message)

    async with serve(echo, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        return await run(f"ws://127.0.0.1:{port}/")


async def main(args: argparse.Namespace) -> None:
    global COMPRESSION, SIZE
    COMPRESSION = None if args.no_compression else "deflate"
    SIZE = args.size
    net = Network(
        ["FRA"], Origin(handler=lambda r: None), clock="real", workers={"app": Worker(ECHO)}
    )
    srv = EdgeServer(net, port=0)
    await srv.start()
    try:
        edge = await measure("edgert", f"ws://127.0.0.1:{srv.port}/", args)
    finally:
        await srv.close(1)
    peer = await with_peer(lambda url: measure("websockets", url, args))
    print("\nratios (edgert / websockets):")
    print(
        f"  round trip p50 {edge['p50_us'] / peer['p50_us']:.2f}x, p99 {edge['p99_us'] / peer['p99_us']:.2f}x"
    )
    for c in args.clients:
        key = f"msgs_per_s_{c}"
        print(f"  throughput with {c} clients {edge[key] / peer[key]:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 16])
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--no-compression", action="store_true")
    uvloop.run(main(parser.parse_args()))
