"""Streams (WHATWG Streams Standard) inside the isolate: the behaviours workers rely on and the
defects the WPT run found. The suites themselves run through the WPT harness; these are fast
checks of the runtime's own integration (bodies, text streams, lazy loading)."""

from __future__ import annotations

from typing import Any

from edgert import Request, Worker


def run(body: str, **options: Any) -> Any:
    """Runs `body` (an async function body returning a JSON-able value) in a worker."""
    src = f"export default {{ async fetch(request, env, ctx) {{ const out = await (async () => {{ {body} }})(); return Response.json(out); }} }}"
    r = Worker(src, **options).fetch(Request("https://example.com/", method="POST", body=b"posted"))
    assert r.status == 200, r.stats.error
    return r.json()


def test_a_pull_that_enqueues_nothing_is_not_called_again_in_a_loop() -> None:
    # The defect: pull() was re-run in an endless microtask loop until the CPU limit.
    out = run(
        """
        let pulls = 0;
        const rs = new ReadableStream({ pull() { pulls++; } });
        const reader = rs.getReader();
        const read = reader.read();
        for (let i = 0; i < 10; i++) await Promise.resolve();
        const before = pulls;
        reader.releaseLock();
        let released = null;
        try { await read } catch (e) { released = e.name }
        return { before, released };
        """
    )
    assert out == {"before": 1, "released": "TypeError"}


def test_queuing_strategies_set_desired_size_and_backpressure() -> None:
    out = run(
        """
        let controller;
        const rs = new ReadableStream({ start(c) { controller = c; } }, new CountQueuingStrategy({ highWaterMark: 3 }));
        const sizes = [controller.desiredSize];
        controller.enqueue('a'); controller.enqueue('b');
        sizes.push(controller.desiredSize);
        const bytes = new ByteLengthQueuingStrategy({ highWaterMark: 16 });
        const ws = new WritableStream({ write() { return new Promise(() => {}); } }, bytes);
        const writer = ws.getWriter();
        await writer.ready;
        writer.write(new Uint8Array(10)); writer.write(new Uint8Array(10));
        return { sizes, writerDesired: writer.desiredSize, strategy: [bytes.highWaterMark, bytes.size(new Uint8Array(5))] };
        """
    )
    assert out == {"sizes": [3, 1], "writerDesired": -4, "strategy": [16, 5]}


def test_byob_reader_fills_the_callers_buffer_from_a_byte_source() -> None:
    out = run(
        """
        const rs = new ReadableStream({
          type: 'bytes',
          pull(c) { const v = c.byobRequest.view; v[0] = 7; v[1] = 8; c.byobRequest.respond(2); },
        });
        const reader = rs.getReader({ mode: 'byob' });
        const buf = new Uint8Array(4);
        const { value, done } = await reader.read(buf);
        return { value: [...value], done, detached: buf.byteLength, ctor: value.constructor.name };
        """
    )
    assert out == {"value": [7, 8], "done": False, "detached": 0, "ctor": "Uint8Array"}


def test_tee_async_iteration_and_from() -> None:
    out = run(
        """
        const [a, b] = ReadableStream.from(['x', 'y', 'z']).tee();
        const seen = [];
        for await (const chunk of a) seen.push(chunk);
        const it = b.values({ preventCancel: true });
        const first = await it.next();
        await it.return();
        return { seen, first: first.value, locked: b.locked };
        """
    )
    assert out == {"seen": ["x", "y", "z"], "first": "x", "locked": False}


def test_pipe_to_honours_prevent_close_and_propagates_errors() -> None:
    out = run(
        """
        const written = [];
        let closed = false;
        const ws = new WritableStream({ write(c) { written.push(c); }, close() { closed = true; } });
        await ReadableStream.from([1, 2]).pipeTo(ws, { preventClose: true });
        const failing = new ReadableStream({ start(c) { c.error(new RangeError('source broke')); } });
        let aborted = null;
        const ws2 = new WritableStream({ abort(r) { aborted = r.message; } });
        let piped = null;
        try { await failing.pipeTo(ws2); } catch (e) { piped = e.name; }
        const upper = ReadableStream.from(['a', 'b']).pipeThrough(new TransformStream({ transform(c, ctl) { ctl.enqueue(c.toUpperCase()); } }));
        const out = [];
        for await (const c of upper) out.push(c);
        return { written, closed, locked: ws.locked, aborted, piped, out };
        """
    )
    assert out == {
        "written": [1, 2],
        "closed": False,
        "locked": False,
        "aborted": "source broke",
        "piped": "RangeError",
        "out": ["A", "B"],
    }


def test_text_streams_decode_split_characters_and_encode_surrogate_pairs() -> None:
    out = run(
        """
        const bytes = new TextEncoder().encode('h\u00e9llo \U0001f600');
        const decoded = [];
        const ts = new TextDecoderStream();
        const w = ts.writable.getWriter();
        for (const b of bytes) w.write(new Uint8Array([b]));
        w.close();
        for await (const s of ts.readable) decoded.push(s);
        const enc = new TextEncoderStream();
        const ew = enc.writable.getWriter();
        ew.write('\\ud83d'); ew.write('\\ude00'); ew.close();
        const encoded = [];
        for await (const chunk of enc.readable) encoded.push(...chunk);
        return { text: decoded.join(''), encoded, encoding: ts.encoding };
        """
    )
    assert out == {
        "text": "h\u00e9llo \U0001f600",
        "encoded": [240, 159, 152, 128],
        "encoding": "utf-8",
    }


def test_bodies_are_byte_streams_and_reading_them_uses_them() -> None:
    out = run(
        """
        const body = request.body;
        const reader = body.getReader({ mode: 'byob' });
        const { value } = await reader.read(new Uint8Array(16));
        reader.releaseLock();
        const r = new Response('abc');
        const text = await r.text();
        const fromStream = new Response(ReadableStream.from([new Uint8Array([104, 105])]));
        const used = [fromStream.bodyUsed];
        const t2 = await fromStream.text();
        used.push(fromStream.bodyUsed);
        let bad = null;
        try { await new Response(ReadableStream.from(['not bytes'])).text(); } catch (e) { bad = e.name; }
        let locked = null;
        const lockedBody = new Response('x');
        lockedBody.body.getReader();
        try { await lockedBody.text(); } catch (e) { locked = e.name; }
        return { first: new TextDecoder().decode(value), used: [request.bodyUsed, ...used], text, t2, bad, locked };
        """
    )
    assert out == {
        "first": "posted",
        "used": [True, False, True],
        "text": "abc",
        "t2": "hi",
        "bad": "TypeError",
        "locked": "TypeError",
    }


def test_streams_load_lazily() -> None:
    # A worker that never touches a stream does not load the module; its globals are accessors.
    w = Worker(
        """
        export default { fetch() {
          const d = Object.getOwnPropertyDescriptor(globalThis, 'ReadableStreamBYOBReader');
          const before = typeof d.get;
          const text = typeof TextDecoderStream;
          const after = 'value' in Object.getOwnPropertyDescriptor(globalThis, 'CountQueuingStrategy');
          return Response.json([before, text, after]);
        } }
        """
    )
    assert w.fetch(Request("https://a.test/")).json() == ["function", "function", True]
