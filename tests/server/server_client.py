"""A tiny HTTP/1.1 client over asyncio streams for the server tests: raw bytes out, parsed
responses in (Content-Length, chunked, or read-to-close framing)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    raw_head: bytes = field(repr=False, default=b"")

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


async def read_reply(reader: asyncio.StreamReader, *, head_only: bool = False) -> Reply:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if head_only or status < 200 or status in (204, 304):
        return Reply(status, headers, b"", head)
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
        return Reply(status, headers, bytes(body), head)
    if "content-length" in headers:
        return Reply(
            status, headers, await reader.readexactly(int(headers["content-length"])), head
        )
    return Reply(status, headers, await reader.read(), head)


class Conn:
    """One client connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Conn:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def get(self, path: str, headers: str = "", method: str = "GET") -> Reply:
        await self.send(f"{method} {path} HTTP/1.1\r\nHost: test.example\r\n{headers}\r\n".encode())
        return await read_reply(self.reader, head_only=method == "HEAD")

    async def reply(self, *, head_only: bool = False) -> Reply:
        return await read_reply(self.reader, head_only=head_only)

    async def at_eof(self) -> bool:
        """Reads until the server closes; True if nothing but EOF came."""
        return await self.reader.read() == b""

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


async def request(port: int, path: str, headers: str = "", method: str = "GET") -> Reply:
    """One request on a fresh connection."""
    conn = await Conn.open(port)
    try:
        return await conn.get(path, headers, method)
    finally:
        await conn.close()
