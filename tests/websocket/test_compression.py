"""``permessage-deflate`` (RFC 7692) on the native front: negotiated with a client that offers
it (the ``websockets`` client does by default, as browsers do), messages compressed both ways
and round-tripping; a client that offers nothing, or only what the front declines, still works
uncompressed; a small compressed frame that inflates past the message limit closes with 1009."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from edgert.server import EdgeServer

from .test_protocol import closes, url

websockets = pytest.importorskip("websockets")
deflate = pytest.importorskip("websockets.extensions.permessage_deflate")


def agreed(ws: Any) -> str:
    return str(ws.response.headers.get("Sec-WebSocket-Extensions", ""))


def record_compressed(ws: Any) -> list[bool]:
    """RSV1 of each data frame the client inflates (True: the server compressed it)."""
    ext = ws.protocol.extensions[0]
    seen: list[bool] = []
    decode = ext.decode

    def spy(frame: Any, *, max_size: int | None = None) -> Any:
        if frame.opcode in (websockets.frames.Opcode.TEXT, websockets.frames.Opcode.BINARY):
            seen.append(bool(frame.rsv1))
        return decode(frame, max_size=max_size)

    ext.decode = spy
    return seen


async def test_default_client_negotiates_and_messages_round_trip(server: EdgeServer) -> None:
    async with websockets.connect(url(server)) as ws:
        # websockets offers "permessage-deflate; client_max_window_bits", as browsers do.
        assert agreed(ws) == "permessage-deflate; server_no_context_takeover"
        assert [type(e).__name__ for e in ws.protocol.extensions] == ["PerMessageDeflate"]
        compressed = record_compressed(ws)
        text = "a compressible line of chat text\n" * 300
        for _ in range(3):  # several messages: the server's window is reset between them
            await ws.send(text)
            assert await ws.recv() == "echo:" + text
        blob = bytes(range(256)) * 256
        await ws.send(blob)
        assert await ws.recv() == blob
        await ws.send(iter(["frag", "men", "ted" * 100]))  # a compressed fragmented message
        assert await ws.recv() == "echo:fragmented" + "ted" * 99
        await ws.send("a")  # under the threshold: sent uncompressed, still fine
        assert await ws.recv() == "echo:a"
        assert compressed == [True, True, True, True, True, False]


async def test_client_without_compression_still_works(server: EdgeServer) -> None:
    async with websockets.connect(url(server), compression=None) as ws:
        assert agreed(ws) == "" and ws.protocol.extensions == []
        await ws.send("hello" * 100)
        assert await ws.recv() == "echo:" + "hello" * 100


async def test_window_bits_and_client_no_context_takeover(server: EdgeServer) -> None:
    offer = deflate.ClientPerMessageDeflateFactory(
        server_max_window_bits=9, client_max_window_bits=10, client_no_context_takeover=True
    )
    async with websockets.connect(url(server), extensions=[offer], compression=None) as ws:
        answer = agreed(ws)
        assert "server_max_window_bits=9" in answer and "client_max_window_bits=10" in answer
        assert "client_no_context_takeover" in answer
        for i in range(5):
            message = f"message {i} " + "with repeated words " * 200
            await ws.send(message)
            assert await ws.recv() == "echo:" + message


async def test_declined_offer_falls_back_to_uncompressed(server: EdgeServer) -> None:
    # A 256-byte server window cannot be honoured with zlib: the front declines the offer.
    offer = deflate.ClientPerMessageDeflateFactory(server_max_window_bits=8)
    async with websockets.connect(url(server), extensions=[offer], compression=None) as ws:
        assert agreed(ws) == "" and ws.protocol.extensions == []
        await ws.send("plain")
        assert await ws.recv() == "echo:plain"


async def test_a_small_frame_that_inflates_past_the_limit_closes_with_1009(
    server: EdgeServer,
) -> None:
    async with websockets.connect(url(server), max_size=None) as ws:
        with pytest.raises(websockets.ConnectionClosedError):
            await ws.send(b"\x00" * (2 << 20))  # about 2 KiB on the wire
            await asyncio.wait_for(ws.recv(), 5)  # a hang fails here
        assert ws.close_code == 1009
    seen = await closes(server, 1)
    assert seen[0][0] == 1009 and seen[0][2] is False
