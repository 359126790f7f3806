"""CPU per request of the edge server's Python front end, by request parser, in one run.

    python benches/bench_server_parsers.py [--n 50000]

Feeds the same raw request (a standard-workload ``GET /hs256`` head: Host, a Bearer JWT,
X-Country) to one connection object per parser, with a transport that discards what is
written, and reports thread CPU time per request (median of 5 passes):

- ``front end``: parse + build the core ``Request`` + encode the response, with
  ``Network.begin_at`` answering a canned response (the PoP pipeline taken out);
- ``with the PoP``: the same through the real pipeline (a hello worker).

Parsers: the core's (``httparse`` in Rust, the request built without Python header tuples,
the response encoded in Rust), httptools (llhttp callbacks, Python serializer), and h11
(parse only: ``Connection.receive_data`` + ``next_event``, a lower bound of its cost).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import uvloop

from edgert import Network, Origin, Request
from edgert.server.httptools_protocol import HttptoolsConnection
from edgert.server.limits import ServerLimits
from edgert.server.protocol import HttpConnection
from edgert.server.site import Site

HELLO = "export default { fetch(r) { return new Response('ok') } }"
TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTAwMDAxLWFiY2QiLCJpYXQiOjE3MDAwMDAw"
    "MDAsImV4cCI6MTkwMDAwMDAwMH0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJl"
)
RAW = (
    f"GET /hs256 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer {TOKEN}\r\n"
    "X-Country: DE\r\n\r\n"
).encode()


class NullTransport:
    def write(self, data: bytes) -> None:
        pass

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass


def cpu_us(fn: Any, n: int, passes: int = 5) -> float:
    for _ in range(n // 10):
        fn()
    samples = []
    for _ in range(passes):
        t = time.thread_time()
        for _ in range(n):
            fn()
        samples.append((time.thread_time() - t) / n * 1e6)
    return statistics.median(samples)


def h11_parse() -> None:
    import h11

    conn = h11.Connection(h11.SERVER)
    conn.receive_data(RAW)
    conn.next_event()
    conn.next_event()


async def main(n: int) -> None:
    network = Network(["IAD"], Origin(handler=lambda r: "x"), workers={"w": HELLO}, clock="real")
    site = Site(
        network,
        pop=None,
        client_header="x-edgert-client",
        limits=ServerLimits(),
        on_request=None,
        default_host="h",
    )
    conns = {"core (httparse)": HttpConnection(site), "httptools": HttptoolsConnection(site)}
    for conn in conns.values():
        conn.connection_made(NullTransport())  # type: ignore[arg-type]
    real = {name: cpu_us(lambda c=c: c.data_received(RAW), n) for name, c in conns.items()}
    placement = site.locator.resolve(None)
    url = "http://127.0.0.1:8080/hs256"
    canned = network.begin_at(placement.pop, placement.client, Request(url), url, print)
    original = network.begin_at
    network.begin_at = lambda *args: canned  # type: ignore[method-assign]
    front = {name: cpu_us(lambda c=c: c.data_received(RAW), n) for name, c in conns.items()}
    network.begin_at = original  # type: ignore[method-assign]
    print("| parser | front end (us CPU/request) | with the PoP, hello worker (us) |")
    print("|---|---|---|")
    for name in conns:
        print(f"| {name} | {front[name]:.1f} | {real[name]:.1f} |")
    print(f"| h11 (parse only) | {cpu_us(h11_parse, n // 5):.1f} | |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50000)
    uvloop.run(main(parser.parse_args().n))
