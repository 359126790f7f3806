"""Fetch Standard object rules with absolute URLs (the WPT request files use relative ones,
which throw on Workers), MIME types, and the Encoding Standard's TextDecoder/TextEncoder."""

from __future__ import annotations

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
