"""The real-time host's origin client (``edgert.host.upstream``, h11) against aiohttp's client
(the previous one, ``auto_decompress=False``), in one run: sequential GETs over one keep-alive
connection to a raw origin on 127.0.0.1, on one uvloop.

    python benches/bench_upstream.py [--requests 20000] [--rounds 3]

Prints the client's CPU time per request (the process's CPU over the requests, minus the
origin's share measured with the origin alone: both run in this process) and the ratio. The
origin answers every request with the same 200 (``Content-Length``, 5 fields, 512 bytes).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import uvloop

from edgert.host.upstream import UpstreamClient

BODY = b"x" * 512
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: max-age=60\r\n"
    b'ETag: "abc"\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Length: 512\r\n\r\n' + BODY
)


class Origin(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            _, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self.transport.write(RESPONSE)


async def run_edgert(url: str, n: int) -> float:
    client = UpstreamClient()
    await client.send("GET", url, [("accept", "*/*")])
    began = time.process_time()
    for _ in range(n):
        response = await client.send("GET", url, [("accept", "*/*")])
        assert len(response.body) == 512
    spent = time.process_time() - began
    await client.close()
    return spent


async def run_aiohttp(url: str, n: int) -> float:
    import aiohttp

    async with aiohttp.ClientSession(auto_decompress=False) as session:
        async with session.get(url, headers={"accept": "*/*"}) as r:
            await r.read()
        began = time.process_time()
        for _ in range(n):
            async with session.get(url, headers={"accept": "*/*"}) as r:
                assert len(await r.read()) == 512
        return time.process_time() - began


async def main(n: int, rounds: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Origin, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/page"
    results: dict[str, list[float]] = {"edgert (h11)": [], "aiohttp": []}
    for _ in range(rounds):
        results["edgert (h11)"].append(await run_edgert(url, n) / n * 1e6)
        results["aiohttp"].append(await run_aiohttp(url, n) / n * 1e6)
    server.close()
    base = statistics.median(results["aiohttp"])
    print(f"{n} sequential GETs on one connection, median of {rounds} (client + origin CPU)")
    for name, values in results.items():
        us = statistics.median(values)
        print(f"{name:<14} {us:7.1f} us/request  {base / us:5.2f}x aiohttp's speed")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    uvloop.run(main(args.requests, args.rounds))
