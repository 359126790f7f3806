"""A raw origin for the origin client's tests: an asyncio socket server on 127.0.0.1 that answers
each path with exactly the bytes a case gives (framing mistakes included), and records what it
received. A tiny raw client reads what the edge sends back."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
from dataclasses import dataclass, field

GZIPPED = gzip.compress(b"hello, compressed world\n" * 4, mtime=0)

#: path -> the exact response bytes the origin writes (``GET_CASES`` for a GET where a HEAD's
#: answer differs).
CASES: dict[str, bytes] = {
    "/gzip": (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
        b"Cache-Control: public, max-age=60\r\nVary: Accept-Encoding\r\n"
        b"Content-Length: " + str(len(GZIPPED)).encode() + b"\r\n\r\n" + GZIPPED
    ),
    "/private": (
        b"HTTP/1.1 200 OK\r\nConnection: x-private, Keep-Alive\r\nKeep-Alive: timeout=5\r\n"
        b"X-Private: secret\r\nX-Public: shown\r\nCache-Control: public, max-age=60\r\n"
        b"Content-Length: 2\r\n\r\nok"
    ),
    # A HEAD's answer: the GET's Content-Length, no body (RFC 9110 9.3.2).
    "/head": b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Head: yes\r\nContent-Length: 50\r\n\r\n",
    "/overrun": (
        b"HTTP/1.1 200 OK\r\nCache-Control: public, max-age=60\r\nContent-Length: 5\r\n\r\n"
        b"helloHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\npoisoned"
    ),
    "/plain": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nplain",
    "/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    "/redirect": b"HTTP/1.1 302 Found\r\nLocation: /plain\r\nContent-Length: 0\r\n\r\n",
    # Answered, then the origin closes the connection without having said so.
    "/then-close": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbye",
}
CLOSE_AFTER = {"/then-close"}

GET_CASES: dict[str, bytes] = {
    "/head": (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Head: yes\r\n"
        b"Cache-Control: public, max-age=60\r\nContent-Length: 50\r\n\r\n" + b"h" * 50
    ),
}


@dataclass
class Seen:
    method: str
    target: str
    headers: dict[str, str]
    connection: int


@dataclass
class RawOrigin:
    """The server; ``seen``: every request head received, ``connections``: how many were
    accepted."""

    server: asyncio.Server | None = None
    seen: list[Seen] = field(default_factory=list)
    connections: int = 0

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> RawOrigin:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def close(self) -> None:
        assert self.server is not None
        self.server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.server.wait_closed(), 2.0)

    def methods(self, path: str) -> list[str]:
        return [s.method for s in self.seen if s.target.split("?")[0] == path]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                line, *lines = head.split("\r\n")
                method, target, _ = line.split(" ", 2)
                headers = {}
                for item in lines:
                    if item:
                        name, _, value = item.partition(":")
                        headers[name.strip().lower()] = value.strip()
                if "content-length" in headers:
                    await reader.readexactly(int(headers["content-length"]))
                self.seen.append(Seen(method, target, headers, number))
                path = target.split("?")[0]
                writer.write(CASES[path] if method == "HEAD" else GET_CASES.get(path, CASES[path]))
                await writer.drain()
                if path in CLOSE_AFTER:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


async def exchange(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    method: str,
    path: str,
    extra: str = "",
) -> Reply:
    """One request on an open connection to the edge; the edge frames with Content-Length."""
    writer.write(f"{method} {path} HTTP/1.1\r\nHost: app.example\r\n{extra}\r\n".encode())
    head = (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)).decode("latin-1")
    line, *lines = head.split("\r\n")
    status = int(line.split(" ", 2)[1])
    headers = []
    for item in lines:
        if item:
            name, _, value = item.partition(":")
            headers.append((name.strip(), value.strip()))
    reply = Reply(status, headers, b"")
    length = int(reply.header("content-length") or 0)
    if method != "HEAD" and status not in (204, 304) and length:
        reply.body = await asyncio.wait_for(reader.readexactly(length), 10)
    return reply
