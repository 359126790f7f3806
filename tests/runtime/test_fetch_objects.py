"""Fetch Standard object rules with absolute URLs (the WPT request files use relative ones,
which throw on Workers), MIME types, and the Encoding Standard's TextDecoder/TextEncoder."""

from __future__ import annotations

import json
from typing import Any

from edgert import Request, Worker


def run(body: str) -> Any:
    src = (
        "export default { async fetch(request) { const out = await (async () => { "
        + body
        + " })(); return Response.json(out); } }"
    )
    r = Worker(src).fetch(Request("https://example.com/", headers={"X-A": "1"}))
    assert r.status == 200, r.stats.error
    return r.json()


def errors(checks: str) -> Any:
    """``checks``: statements calling ``expect(name, fn)`` where fn throws on failure."""
    return run(
        "const failed = {}; const expect = async (n, f) => { try { await f(); } catch (e) { failed[n] = String(e); } };"
        + checks
        + " return failed;"
    )


def test_request_construction_rules() -> None:
    failed = errors(
        """
        const throwsType = (f) => { try { f(); } catch (e) { if (e instanceof TypeError) return; throw e; } throw new Error('no TypeError'); };
        await expect('credentials', () => throwsType(() => new Request('https://u:p@x.test/')));
        await expect('bad mode', () => throwsType(() => new Request('https://x.test/', { mode: 'BAD' })));
        await expect('navigate', () => throwsType(() => new Request('https://x.test/', { mode: 'navigate' })));
        await expect('window', () => throwsType(() => new Request('https://x.test/', { window: {} })));
        await expect('forbidden method', () => throwsType(() => new Request('https://x.test/', { method: 'TRACE' })));
        await expect('get body', () => throwsType(() => new Request('https://x.test/', { body: 'x' })));
        await expect('attrs', () => {
          const r = new Request('https://x.test/', { mode: 'same-origin', cache: 'no-store', referrer: '', credentials: 'omit', method: 'patch' }); // Workers upper-cases every method (upper_case_all_http_methods)
          if (r.cache !== 'no-store' || r.method !== 'PATCH') throw new Error(JSON.stringify([r.cache, r.method]));
          // As on Workers, mode, credentials and referrer are not attributes.
          if (r.mode !== undefined || r.credentials !== undefined || r.referrer !== undefined) throw new Error('attributes');
          if (new Request('https://x.test/').cache !== 'default') throw new Error('defaults');
        });
        await expect('body moves', async () => {
          const a = new Request('https://x.test/', { method: 'POST', body: 'hi' });
          const b = new Request(a);
          if (!a.bodyUsed || b.bodyUsed) throw new Error('bodyUsed ' + a.bodyUsed + b.bodyUsed);
          if (await b.text() !== 'hi') throw new Error('text');
          throwsType(() => new Request(a));
          new Request(a, { body: 'other' });
        });
        await expect('null body not used', async () => {
          const r = new Request('https://x.test/');
          await r.text(); await r.arrayBuffer();
          if (r.bodyUsed) throw new Error('bodyUsed');
        });
        await expect('clone keeps guard', () => {
          throwsType(() => request.clone().headers.set('a', 'b'));
          new Request(request).headers.set('a', 'b');
        });
        """
    )
    assert failed == {}


def test_response_construction_rules() -> None:
    failed = errors(
        """
        const throws = (T, f) => { try { f(); } catch (e) { if (e instanceof T) return; throw e; } throw new Error('no ' + T.name); };
        await expect('status range', () => throws(RangeError, () => new Response('', { status: 600 })));
        await expect('status modulo', () => { if (new Response('', { status: 65736 }).status !== 200) throw new Error('modulo'); });
        await expect('statusText', () => throws(TypeError, () => new Response('', { statusText: 'a\\nb' })));
        await expect('null body status', () => throws(TypeError, () => new Response('x', { status: 204 })));
        await expect('json', async () => {
          const r = Response.json({ a: 1 }, { status: 201, headers: { 'content-type': 'text/foo' } });
          if (r.status !== 201 || r.headers.get('content-type') !== 'text/foo') throw new Error('init');
          throws(TypeError, () => Response.json(Symbol()));
          throws(TypeError, () => Response.json({}, { status: 204 }));
        });
        await expect('redirect', () => {
          const r = Response.redirect('https://x.test/a b', 307);
          if (r.headers.get('location') !== 'https://x.test/a%20b' || r.status !== 307) throw new Error('location');
          throws(TypeError, () => r.headers.set('x', 'y'));
          throws(RangeError, () => Response.redirect('https://x.test/', 200));
        });
        await expect('error', () => {
          const r = Response.error();
          if (r.type !== 'error' || r.status !== 0 || r.clone().type !== 'error') throw new Error('error');
          throws(TypeError, () => r.clone().headers.set('x', 'y'));
        });
        await expect('null body not used', async () => {
          const r = new Response(null);
          await r.text(); await r.blob();
          if (r.bodyUsed) throw new Error('bodyUsed');
        });
        """
    )
    assert failed == {}


def test_headers_rules() -> None:
    failed = errors(
        """
        const throwsType = (f) => { try { f(); } catch (e) { if (e instanceof TypeError) return; throw e; } throw new Error('no TypeError'); };
        await expect('null', () => throwsType(() => new Headers(null)));
        await expect('byte string value', () => throwsType(() => new Headers({ a: '\\u0100' })));
        await expect('symbol key', () => throwsType(() => new Headers({ [Symbol()]: 'x' })));
        await expect('live iteration', () => {
          const h = new Headers([['a', '1'], ['b', '2'], ['c', '3']]);
          const seen = [];
          for (const [k] of h) { seen.push(k); if (k === 'a') h.delete('b'); if (k === 'c') h.append('d', '4'); }
          if (seen.join() !== 'a,c,d') throw new Error(seen.join());
        });
        await expect('iterator prototype', () => {
          const it = new Headers().keys();
          if (Object.prototype.toString.call(it) !== '[object Headers Iterator]') throw new Error(String(it));
          if (Object.getPrototypeOf(Object.getPrototypeOf(it)) !== Object.getPrototypeOf(Object.getPrototypeOf([].keys()))) throw new Error('proto');
        });
        await expect('workers allows set-cookie and cookie', () => {
          const r = new Response('');
          r.headers.append('Set-Cookie', 'a=b');
          const q = new Request('https://x.test/', { headers: { cookie: 'c=d', host: 'h' } });
          if (r.headers.getSetCookie().length !== 1 || q.headers.get('cookie') !== 'c=d') throw new Error('filtered');
        });
        """
    )
    assert failed == {}


def test_mime_types_of_blob_bodies() -> None:
    out = run(
        """
        const t = async (ct) => (await new Response('x', { headers: { 'content-type': ct } }).blob()).type;
        return [
          await t('TEXT/HTML;CHARSET=GBK'),
          await t('text/html;charset=gbk('),
          await t('text/plain;charset=utf-8, text/plain'),
          await t('text/html, */*'),
          await t('nonsense'),
          new Blob([], { type: 'TEXT/HTML;CHARSET=GBK' }).type,
        ];
        """
    )
    assert out == [
        "text/html;charset=GBK",
        'text/html;charset="gbk("',
        "text/plain;charset=utf-8",
        "text/html",
        "",
        "text/html;charset=gbk",
    ]


def test_text_decoder_every_encoding_streaming_and_labels() -> None:
    out = run(
        """
        const d16 = new TextDecoder('utf-16le');
        const streamed = d16.decode(new Uint8Array([0x3D]), { stream: true }) + d16.decode(new Uint8Array([0xD8, 0x00, 0xDC]), { stream: true }) + d16.decode();
        const u8 = new TextDecoder();
        const tail = u8.decode(new Uint8Array([0x61, 0xF0, 0x9F]), { stream: true }) + u8.decode();
        let vt = null, repl = null, fatal = null;
        try { new TextDecoder('\\vutf-8'); } catch (e) { vt = e.name; }
        try { new TextDecoder('iso-2022-kr'); } catch (e) { repl = e.name; }
        try { new TextDecoder('shift_jis', { fatal: true }).decode(new Uint8Array([0x82])); } catch (e) { fatal = e.name; }
        const into = new Uint8Array(4);
        const r = new TextEncoder().encodeInto('a\\u20ACb', into);
        return {
          labels: [new TextDecoder(' latin1\\n').encoding, new TextDecoder('sjis').encoding, new TextDecoder('UTF-16').encoding],
          sjis: new TextDecoder('shift_jis').decode(new Uint8Array([0x82, 0xA0])),
          koi8: new TextDecoder('koi8-r').decode(new Uint8Array([0xC1])),
          be_bom: new TextDecoder('utf-16be').decode(new Uint8Array([0xFE, 0xFF, 0, 0x41])),
          be_keep: new TextDecoder('utf-16be', { ignoreBOM: true }).decode(new Uint8Array([0xFE, 0xFF, 0, 0x41])),
          streamed, tail, vt, repl, fatal, into: [r.read, r.written, [...into]],
        };
        """
    )
    assert out == {
        "labels": ["windows-1252", "shift_jis", "utf-16le"],
        "sjis": "\u3042",
        "koi8": "\u0430",
        "be_bom": "A",
        "be_keep": "\ufeffA",
        "streamed": "\U0001f400",
        "tail": "a\ufffd",
        "vt": "RangeError",
        "repl": "RangeError",
        "fatal": "TypeError",
        "into": [2, 4, [0x61, 0xE2, 0x82, 0xAC]],
    }


RELATIVE_URLS = """
export default { async fetch() {
  const outcome = (f) => { try { return f(); } catch (e) { return `${e.name}`; } };
  return Response.json({
    location: typeof location, selfLocation: 'location' in self,
    request: outcome(() => new Request('/x?y#z').url),
    empty: outcome(() => new Request('').url),
    redirect: outcome(() => Response.redirect('../r', 301).headers.get('location')),
    fetch: await fetch('/x').then(() => 'fetched', (e) => e.name),
    absolute: new Request('https://other.test/a').url,
  });
} };
"""


def run_core(src: str, bindings: list[dict[str, str]]) -> tuple[Any, list[str]]:
    """Runs ``src`` in a core with these bindings: the handler's JSON response and the URLs
    of the fetches it made (each fails as a network error: no test reaches the network)."""
    from edgert._core import CoreWorker

    core = CoreWorker(src, bindings_json=json.dumps(bindings), seed=1, now=0.0)
    steps = core.begin(Request("https://worker.test/base/page"), 0.0)
    sent: list[str] = []
    for _ in range(20):
        for step in steps:
            if step.response is not None:
                assert step.response.status == 200, step.response.text()
                return json.loads(step.response.text()), sent
        op = next(op for step in steps for op in step.ops)
        assert op.request is not None
        sent.append(op.request.url)
        steps = core.complete_error(op.id, "TypeError", "no network in this test", 0.0)
    raise AssertionError("no response")


def test_a_deployed_worker_has_no_api_base_url() -> None:
    """As on Workers: no `location` global, and a relative URL in Request, fetch and
    Response.redirect is a TypeError (the incoming request's URL is no base)."""
    assert run_core(RELATIVE_URLS, []) == (
        {
            "location": "undefined",
            "selfLocation": False,
            "request": "TypeError",
            "empty": "TypeError",
            "redirect": "TypeError",
            "fetch": "TypeError",
            "absolute": "https://other.test/a",
        },
        [],
    )


def test_an_embedder_gives_the_api_base_url() -> None:
    """`edgert:api-base-url` (the WPT harness's worker global): relative URLs resolve against
    it as the Fetch Standard says, and still no `location` global appears."""
    got = run_core(
        RELATIVE_URLS, [{"type": "edgert:api-base-url", "url": "https://wpt.test/dir/w.js"}]
    )
    assert got == (
        {
            "location": "undefined",
            "selfLocation": False,
            "request": "https://wpt.test/x?y#z",
            "empty": "https://wpt.test/dir/w.js",
            "redirect": "https://wpt.test/r",
            "fetch": "TypeError",  # sent to the resolved URL; the network failed
            "absolute": "https://other.test/a",
        },
        ["https://wpt.test/x"],
    )
