"""Cloudflare Workers' byte transform streams, `IdentityTransformStream` and
`FixedLengthStream` (workerd's documented behaviour; not in the Streams Standard): bytes in,
the same bytes out of a byte stream, a writer that waits for its reader, and a fixed length
enforced on both sides."""

from __future__ import annotations

from typing import Any

from edgert import Worker


def run(body: str) -> Any:
    """Runs `body` (an async function body returning a JSON-able value) in a worker."""
    src = (
        "export default { async fetch(request, env, ctx) {"
        f" return Response.json(await (async () => {{ {body} }})()); }} }}"
    )
    r = Worker(src).fetch("https://example.com/")
    assert r.status == 200, r.stats.error
    return r.json()


def serve(body: str) -> tuple[int, bytes]:
    """Runs `body` as a fetch handler; the response's status and bytes."""
    src = f"export default {{ async fetch(request, env, ctx) {{ {body} }} }}"
    r = Worker(src).fetch("https://example.com/")
    return r.status, r.body


def test_a_response_streams_what_a_waituntil_writes_through_it() -> None:
    status, body = serve(
        """
        const { readable, writable } = new IdentityTransformStream();
        const writer = writable.getWriter();
        ctx.waitUntil((async () => {
          await writer.write(new TextEncoder().encode('hello '));
          await writer.write(new Uint8Array([119, 111, 114, 108, 100]).buffer);
          await writer.write(new DataView(new Uint8Array([0, 33, 0]).buffer, 1, 1));
          await writer.close();
        })());
        return new Response(readable);
        """
    )
    assert (status, body) == (200, b"hello world!")


def test_it_is_a_transform_stream_with_a_byob_readable_side() -> None:
    out = run(
        """
        const t = new IdentityTransformStream();
        const w = t.writable.getWriter(), r = t.readable.getReader({ mode: 'byob' });
        const written = w.write(new Uint8Array([1, 2, 3, 4, 5]));
        const a = await r.read(new Uint8Array(2)), b = await r.read(new Uint8Array(10));
        await written;
        w.close();
        const end = await r.read(new Uint8Array(1));
        return {
          transform: t instanceof TransformStream,
          tag: Object.prototype.toString.call(new FixedLengthStream(0)),
          fixed: new FixedLengthStream(1) instanceof IdentityTransformStream,
          reads: [Array.from(a.value), Array.from(b.value)], done: end.done,
        };
        """
    )
    assert out == {
        "transform": True,
        "tag": "[object FixedLengthStream]",
        "fixed": True,
        "reads": [[1, 2], [3, 4, 5]],
        "done": True,
    }


def test_a_write_waits_for_the_reader() -> None:
    out = run(
        """
        const t = new IdentityTransformStream();
        const w = t.writable.getWriter();
        let wrote = false;
        w.write(new Uint8Array([7])).then(() => { wrote = true; });
        for (let i = 0; i < 10; i++) await Promise.resolve();
        const before = wrote;
        const got = await t.readable.getReader().read();
        for (let i = 0; i < 10; i++) await Promise.resolve();
        return { before, after: wrote, got: Array.from(got.value) };
        """
    )
    assert out == {"before": False, "after": True, "got": [7]}


def test_the_writable_side_takes_bytes_only() -> None:
    out = run(
        """
        const t = new IdentityTransformStream();
        const w = t.writable.getWriter();
        const results = [];
        for (const p of [w.write('text'), t.readable.getReader().read()]) {
          try { await p; results.push('ok'); } catch (e) { results.push(e.name); }
        }
        return results;
        """
    )
    assert out == ["TypeError", "TypeError"]


def test_cancelling_the_readable_side_errors_the_writable_side() -> None:
    out = run(
        """
        const t = new IdentityTransformStream();
        const w = t.writable.getWriter();
        await t.readable.cancel('gone');
        try { await w.write(new Uint8Array(1)); return 'wrote'; } catch (e) { return String(e); }
        """
    )
    assert out == "gone"


def test_a_fixed_length_stream_passes_exactly_its_length() -> None:
    status, body = serve(
        """
        const t = new FixedLengthStream(3n);
        const w = t.writable.getWriter();
        ctx.waitUntil((async () => {
          await w.write(new Uint8Array([65, 66]));
          await w.write(new Uint8Array([67]));
          await w.close();
        })());
        return new Response(t.readable);
        """
    )
    assert (status, body) == (200, b"ABC")


def test_a_fixed_length_stream_rejects_too_many_and_too_few_bytes() -> None:
    out = run(
        """
        const outcome = async (bytes) => {
          const t = new FixedLengthStream(3);
          const w = t.writable.getWriter(), r = t.readable.getReader();
          const writes = w.write(new Uint8Array(bytes)).then(() => w.close());
          const results = [];
          for (const p of [writes, r.read().then(() => r.read())]) {
            try { await p; results.push('ok'); } catch (e) { results.push(e.message); }
          }
          return results;
        };
        return { many: await outcome(4), few: await outcome(2), exact: await outcome(3) };
        """
    )
    many = "Attempt to write too many bytes through a FixedLengthStream."
    few = "FixedLengthStream did not see all expected bytes before close()."
    assert out == {"many": [many, many], "few": [few, few], "exact": ["ok", "ok"]}


def test_a_fixed_length_must_be_a_safe_non_negative_integer() -> None:
    out = run(
        """
        const names = [];
        for (const args of [[-1], [1.5], [2 ** 53], ['x'], []]) {
          try { new FixedLengthStream(...args); names.push('made'); } catch (e) { names.push(e.name); }
        }
        return names;
        """
    )
    assert out == ["TypeError"] * 5
