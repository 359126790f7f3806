"""CompressionStream / DecompressionStream (Compression Standard) and node:buffer's Buffer."""

from __future__ import annotations

import gzip
import zlib

import edgert

from .helpers import RecordingOrigin

COMPRESS = r"""
export default {
  async fetch(request) {
    const format = new URL(request.url).searchParams.get('format');
    if (request.method === 'POST') {
      // Decompress the request body.
      const plain = request.body.pipeThrough(new DecompressionStream(format));
      return new Response(await new Response(plain).text());
    }
    const text = 'edge '.repeat(200);
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream(format));
    return new Response(stream, { headers: { 'content-encoding': format } });
  },
};
"""


def test_compression_stream_formats_round_trip_with_python() -> None:
    w = edgert.Worker(COMPRESS)
    text = "edge " * 200
    gz = w.fetch("https://example.com/?format=gzip").body
    assert gz[:2] == b"\x1f\x8b" and gzip.decompress(gz).decode() == text
    assert zlib.decompress(w.fetch("https://example.com/?format=deflate").body).decode() == text
    raw = w.fetch("https://example.com/?format=deflate-raw").body
    assert zlib.decompress(raw, -15).decode() == text
    for fmt, data in [
        ("gzip", gzip.compress(b"hello gzip")),
        ("deflate", zlib.compress(b"hello deflate")),
    ]:
        r = w.fetch(f"https://example.com/?format={fmt}", method="POST", body=data)
        assert r.text() == f"hello {fmt}"


ERRORS = r"""
export default {
  async fetch() {
    const out = {};
    try { new CompressionStream('br'); } catch (e) { out.format = e.name; }
    try {
      await new Response(new Blob([new Uint8Array([1, 2, 3, 4])]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
      out.corrupt = 'no error';
    } catch (e) { out.corrupt = e.name; }
    out.tags = [String(new CompressionStream('gzip')), typeof new DecompressionStream('deflate').readable.getReader];
    out.ua = navigator.userAgent;
    const err = Response.error();
    out.error = [err.type, err.status];
    return Response.json(out);
  },
};
"""


def test_compression_errors_and_small_globals() -> None:
    out = edgert.Worker(ERRORS).fetch("https://example.com/").json()
    assert out == {
        "format": "TypeError",
        "corrupt": "TypeError",
        "tags": ["[object CompressionStream]", "function"],
        "ua": "Cloudflare-Workers",
        "error": ["error", 0],
    }


def test_decompress_an_origin_response() -> None:
    src = r"""
export default {
  async fetch(request) {
    const r = await fetch('https://origin.example/data.gz');
    const text = await new Response(r.body.pipeThrough(new DecompressionStream('gzip'))).text();
    return new Response(text.toUpperCase());
  },
};
"""
    origin = RecordingOrigin(lambda r: edgert.Response(gzip.compress(b"archived log")))
    net = edgert.Network(
        pops="demo",
        origin=edgert.Origin(handler=origin, region="IAD"),
        workers={"w": edgert.Worker(src)},
        seed=1,
    )
    assert net.fetch_sync("https://site.example/", client="Paris").text() == "ARCHIVED LOG"


BUFFER = r"""
import { Buffer } from 'node:buffer';
import * as nodeBuffer from 'buffer';
export default {
  async fetch() {
    const b = Buffer.from('héllo wörld');
    return Response.json({
      isUint8: b instanceof Uint8Array,
      same: nodeBuffer.Buffer === Buffer,
      length: b.length,
      base64: b.toString('base64'),
      base64url: Buffer.from([251, 255, 191]).toString('base64url'),
      hex: Buffer.from('0aff', 'hex').toString('hex'),
      fromBase64: Buffer.from('aGk/Pz8=', 'base64').toString(),
      lenient: Buffer.from('aGk_Pz8', 'base64').toString(),
      latin1: Buffer.from('caf\u00e9', 'latin1').length,
      utf16: Buffer.from('hi', 'utf16le').toJSON(),
      concat: Buffer.concat([Buffer.from('a'), Buffer.from('bc')]).toString(),
      alloc: Buffer.alloc(5, 'ab').toString(),
      byteLength: Buffer.byteLength('€'),
      slice: Buffer.from('abcdef').slice(1, 3).toString(),
      equals: Buffer.from('x').equals(Buffer.from('x')),
      isBuffer: [Buffer.isBuffer(b), Buffer.isBuffer(new Uint8Array(1))],
      fromArrayBuffer: Buffer.from(new Uint8Array([104, 105]).buffer).toString(),
    });
  },
};
"""


def test_node_buffer() -> None:
    out = edgert.Worker(BUFFER).fetch("https://example.com/").json()
    assert out == {
        "isUint8": True,
        "same": True,
        "length": len("héllo wörld".encode()),
        "base64": "aMOpbGxvIHfDtnJsZA==",
        "base64url": "-_-_",
        "hex": "0aff",
        "fromBase64": "hi???",
        "lenient": "hi???",
        "latin1": 4,
        "utf16": {"type": "Buffer", "data": [104, 0, 105, 0]},
        "concat": "abc",
        "alloc": "ababa",
        "byteLength": 3,
        "slice": "bc",
        "equals": True,
        "isBuffer": [True, False],
        "fromArrayBuffer": "hi",
    }


def test_decompression_streams_output_per_chunk() -> None:
    # Output appears as chunks arrive, before the writable side closes (not buffered whole).
    data = ("lorem ipsum dolor sit amet " * 4000).encode()
    packed = gzip.compress(data)
    src = """export default { async fetch(request) {
      const packed = new Uint8Array(await request.arrayBuffer());
      const ds = new DecompressionStream('gzip');
      const writer = ds.writable.getWriter();
      const reader = ds.readable.getReader();
      const first = reader.read();
      writer.write(packed.subarray(0, packed.length >> 1));
      const { value } = await first;
      writer.write(packed.subarray(packed.length >> 1));
      writer.close();
      let total = value.length;
      for (;;) { const r = await reader.read(); if (r.done) break; total += r.value.length; }
      return Response.json({ firstBeforeClose: value.length, total });
    } }"""
    r = edgert.Worker(src).fetch(edgert.Request("https://a.test/", method="POST", body=packed))
    assert r.status == 200, r.stats.error
    out = r.json()
    assert 0 < out["firstBeforeClose"] < len(data) and out["total"] == len(data)


BOMB = r"""
export default {
  async fetch(request) {
    // A decompression bomb in the request body, decompressed as one chunk.
    const input = new Uint8Array(await request.arrayBuffer());
    const ds = new DecompressionStream('gzip');
    const writer = ds.writable.getWriter();
    writer.write(input);
    writer.close();
    const out = await new Response(ds.readable).arrayBuffer();
    return new Response(String(out.byteLength));
  },
};
"""


def _zeros_gzip(mib: int) -> bytes:
    """`mib` MiB of zeros, gzip-compressed (~1 KiB a MiB)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    return b"".join([c.compress(zeros) for _ in range(mib)] + [c.flush()])


def test_a_decompression_bomb_ends_at_the_cpu_limit_and_within_the_heap() -> None:
    # 256 MiB from ~256 KiB. The output grows outside the isolate's heap, so it is charged to
    # the CPU budget and checked against the heap as it grows: inflating it all took ~0.25 s
    # at a 50 ms limit (and host memory of the whole output, however large).
    bomb = _zeros_gzip(256)
    post = edgert.Request("https://bomb.test/", method="POST", body=bomb)
    r = edgert.Worker(BOMB, cpu_ms=50).fetch(post)
    assert (r.status, r.stats.outcome) == (503, "exceededCpu")
    assert r.stats.cpu_ms < 150
    # With time to spare, a heap of 32 MiB cannot hold the output: over the memory limit,
    # the isolate replaced, and the worker still serves.
    worker = edgert.Worker(BOMB, cpu_ms=30_000, memory_mb=32, max_isolates=1)
    r = worker.fetch(post)
    assert (r.status, r.stats.outcome) == (503, "exceededMemory")
    small = edgert.Request("https://bomb.test/", method="POST", body=gzip.compress(b"x" * 1000))
    assert worker.fetch(small).text() == "1000"
