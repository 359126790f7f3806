"""DOM events, AbortSignal, Blob, console and structuredClone in a worker: what the WPT files
cannot check in the harness (a real clock, runtime-dispatched events, the service-worker
format, exceptions out of listeners)."""

from __future__ import annotations

from typing import Any

from edgert import Request, Worker


def run(body: str) -> Any:
    """Runs `body` (an async function body returning a JSON-able value) in a worker."""
    src = f"export default {{ async fetch(request, env, ctx) {{ return Response.json(await (async () => {{ {body} }})()); }} }}"
    r = Worker(src).fetch(Request("https://example.com/"))
    assert r.status == 200, r.stats.error
    return r.json()


def test_runtime_dispatched_fetch_event_is_trusted_with_a_positive_time_stamp() -> None:
    src = """
    addEventListener('fetch', (e) => {
      e.respondWith(Response.json({
        trusted: e.isTrusted, stamp: e.timeStamp > 0, phase: e.eventPhase,
        target: e.target !== null, made: new Event('x').isTrusted,
      }));
    });
    """
    r = Worker(src).fetch(Request("https://example.com/"))
    assert r.status == 200, r.stats.error
    assert r.json() == {"trusted": True, "stamp": True, "phase": 2, "target": True, "made": False}


def test_listener_exception_propagates_and_resets_the_event() -> None:
    out = run(
        """
        const t = new EventTarget();
        const ev = new Event('x', { cancelable: true });
        let calls = 0;
        t.addEventListener('x', () => { calls++; throw new RangeError('boom'); });
        let caught = null;
        try { t.dispatchEvent(ev); } catch (e) { caught = e.name; }
        const after = { phase: ev.eventPhase, current: ev.currentTarget, path: ev.composedPath().length, target: ev.target === t };
        try { t.dispatchEvent(ev); } catch (e) { caught += '+' + e.name; }
        return { caught, calls, after };
        """
    )
    assert out == {
        "caught": "RangeError+RangeError",
        "calls": 2,
        "after": {"phase": 0, "current": None, "path": 0, "target": True},
    }


def test_abort_signal_timeout_and_any_follow_the_real_clock() -> None:
    out = run(
        """
        const t = AbortSignal.timeout(5);
        const any = AbortSignal.any([new AbortController().signal, t]);
        const order = [];
        t.addEventListener('abort', () => order.push('timeout'));
        any.onabort = (e) => order.push(e.target === any ? 'any' : 'wrong target');
        await new Promise((resolve) => any.addEventListener('abort', resolve));
        let range = null;
        try { AbortSignal.timeout(-1); } catch (e) { range = e.name; }
        return { order, reason: any.reason.name, same: any.reason === t.reason, range };
        """
    )
    assert out == {
        "order": ["timeout", "any"],
        "reason": "TimeoutError",
        "same": True,
        "range": "TypeError",
    }


def test_event_handler_attribute_keeps_its_place_and_null_removes_it() -> None:
    out = run(
        """
        const c = new AbortController();
        const seen = [];
        c.signal.onabort = () => seen.push('first handler');
        c.signal.addEventListener('abort', () => seen.push('listener'));
        c.signal.onabort = () => seen.push('handler');
        const d = new AbortController();
        d.signal.onabort = () => seen.push('removed');
        d.signal.onabort = null;
        c.abort(); d.abort();
        return { seen, handler: d.signal.onabort };
        """
    )
    assert out == {"seen": ["handler", "listener"], "handler": None}


def test_custom_event_is_a_global_before_events_load() -> None:
    out = run(
        """
        const before = Object.getOwnPropertyNames(globalThis).includes('CustomEvent');
        const e = new CustomEvent('x', { detail: { a: 1 } });
        return { before, detail: e.detail, isEvent: e instanceof Event, tag: String(e) };
        """
    )
    assert out == {
        "before": True,
        "detail": {"a": 1},
        "isEvent": True,
        "tag": "[object CustomEvent]",
    }


def test_structured_clone_transfers_and_copies_blobs_and_errors() -> None:
    out: dict[str, Any] = run(
        """
        const buf = new Uint8Array([1, 2, 3]).buffer;
        const view = new Uint8Array(buf, 1);
        const copy = structuredClone({ view }, { transfer: [buf] });
        let twice = null;
        try { structuredClone(buf, { transfer: [buf] }); } catch (e) { twice = e.name; }
        const blob = structuredClone(new File(['hi'], 'a.txt', { type: 'Text/Plain', lastModified: 7 }));
        const err = structuredClone(new TypeError());
        return {
          detached: buf.byteLength, copied: [...copy.view], twice,
          blob: [blob.constructor.name, blob.name, blob.type, blob.lastModified, await blob.text()],
          err: [err.constructor.name, Object.hasOwn(err, 'message')],
        };
        """
    )
    assert out == {
        "detached": 0,
        "copied": [2, 3],
        "twice": "DataCloneError",
        "blob": ["File", "a.txt", "text/plain", 7, "hi"],
        "err": ["TypeError", False],
    }


def test_blob_stream_is_a_byte_stream_and_slice_counts_from_the_end() -> None:
    out = run(
        """
        const b = new Blob(['abc', new Uint8Array([100, 101])], { endings: 'native' });
        const reader = b.stream().getReader({ mode: 'byob' });
        const { value } = await reader.read(new Uint8Array(2));
        const nl = await new Blob(['a\\r\\nb\\rc'], { endings: 'native' }).text();
        let bad = null;
        try { new Blob([], { endings: 'dos' }); } catch (e) { bad = e.name; }
        return { first: [...value], tail: await b.slice(-2).text(), nl, bad };
        """
    )
    assert out == {"first": [97, 98], "tail": "de", "nl": "a\nb\nc", "bad": "TypeError"}


def test_console_is_a_namespace_with_label_conversion() -> None:
    src = """
    export default { fetch() {
      console.count({ toString() { return 'k'; } });
      console.count('k');
      console.countReset('k');
      console.count('k');
      return Response.json({ tag: Object.prototype.toString.call(console), proto: Object.getOwnPropertyNames(Object.getPrototypeOf(console)).length });
    } };
    """
    r = Worker(src).fetch(Request("https://example.com/"))
    assert r.status == 200, r.stats.error
    assert r.json() == {"tag": "[object console]", "proto": 0}
    assert [(line.level, line.message) for line in r.stats.logs] == [
        ("info", "k: 1"),
        ("info", "k: 2"),
        ("info", "k: 1"),
    ]
