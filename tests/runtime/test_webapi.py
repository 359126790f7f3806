"""Web APIs inside the isolate, with Workers' semantics where they differ from browsers."""

from __future__ import annotations

import json
from typing import Any

from edgert import Request, Worker


def run(body: str, **options: Any) -> Any:
    """Runs `body` (an async function body returning a JSON-able value) in a worker."""
    src = f"export default {{ async fetch(request, env, ctx) {{ const out = await (async () => {{ {body} }})(); return Response.json(out); }} }}"
    r = Worker(src, **options).fetch(Request("https://example.com/p?q=1", headers={"X-A": "1"}))
    assert r.status == 200, r.stats.error
    return r.json()


def test_headers_case_insensitive_sorted_and_set_cookie_apart() -> None:
    out = run(
        """
        const h = new Headers([['B', '2'], ['a', ' 1 '], ['Set-Cookie', 'x=1'], ['set-cookie', 'y=2'], ['b', '3']]);
        let bad = null;
        try { h.append('bad name', 'x') } catch (e) { bad = e.name }
        return { entries: [...h], b: h.get('B'), cookies: h.getSetCookie(), has: h.has('A'), bad };
        """
    )
    assert out["entries"] == [
        ["a", "1"],
        ["b", "2, 3"],
        ["set-cookie", "x=1"],
        ["set-cookie", "y=2"],
    ]
    assert out["b"] == "2, 3" and out["cookies"] == ["x=1", "y=2"] and out["has"] is True
    assert out["bad"] == "TypeError"


def test_incoming_request_headers_are_immutable_and_readable() -> None:
    out = run(
        """
        let err = null;
        try { request.headers.set('x', 'y') } catch (e) { err = e.message }
        return { a: request.headers.get('x-a'), err, method: request.method, url: request.url };
        """
    )
    assert out == {
        "a": "1",
        "err": "Can't modify immutable headers.",
        "method": "GET",
        "url": "https://example.com/p?q=1",
    }


def test_response_constructors_and_body_mixins() -> None:
    out = run(
        """
        const r = Response.json({ a: 1 }, { status: 201 });
        const c = r.clone();
        const red = Response.redirect('https://x.test/a', 301);
        let range = null, nullBody = null, used = null;
        try { new Response('x', { status: 99 }) } catch (e) { range = e.name }
        try { new Response('x', { status: 204 }) } catch (e) { nullBody = e.name }
        const t = await r.text();
        try { await r.text() } catch (e) { used = e.name }
        const buf = new Uint8Array(await new Response('héllo').arrayBuffer());
        const streamed = await new Response(new ReadableStream({ start(ctl) { ctl.enqueue(new TextEncoder().encode('ab')); ctl.enqueue(new TextEncoder().encode('cd')); ctl.close(); } })).text();
        return { status: r.status, ok: r.ok, ct: c.headers.get('content-type'), t, j: await c.json(),
                 redirect: [red.status, red.headers.get('location')], range, nullBody, used, len: buf.length, streamed };
        """
    )
    assert out["status"] == 201 and out["ok"] is True and out["ct"] == "application/json"
    assert out["t"] == '{"a":1}' and out["j"] == {"a": 1}
    assert out["redirect"] == [301, "https://x.test/a"]
    assert (
        out["range"] == "RangeError"
        and out["nullBody"] == "TypeError"
        and out["used"] == "TypeError"
    )
    assert out["len"] == 6 and out["streamed"] == "abcd"


def test_request_rules() -> None:
    out = run(
        """
        let getBody = null, badUrl = null;
        try { new Request('https://a.test', { method: 'GET', body: 'x' }) } catch (e) { getBody = e.name }
        try { new Request('not a url') } catch (e) { badUrl = e.name }
        const r = new Request('https://a.test/x', { method: 'post', body: 'hi', headers: { 'x-y': 'z' } });
        const r2 = new Request(r, { headers: { a: 'b' } });
        return { getBody, badUrl, method: r.method, text: await r2.text(), used: r.bodyUsed, h: r2.headers.get('a') };
        """
    )
    assert out == {
        "getBody": "TypeError",
        "badUrl": "TypeError",
        "method": "POST",
        "text": "hi",
        # Fetch Standard: the input Request's body moved into r2, so r is disturbed.
        "used": True,
        "h": "b",
    }


def test_url_search_params_and_url_link() -> None:
    out = run(
        """
        const u = new URL('https://a.test/p?b=2&a=1&a=3');
        u.searchParams.append('c', 'x y');
        u.searchParams.sort();
        const p = new URLSearchParams({ k: 'v&w' });
        return { href: u.href, all: u.searchParams.getAll('a'), p: p.toString(), size: u.searchParams.size };
        """
    )
    assert out == {
        "href": "https://a.test/p?a=1&a=3&b=2&c=x+y",
        "all": ["1", "3"],
        "p": "k=v%26w",
        "size": 4,
    }


def test_text_encoding_and_base64() -> None:
    out = run(
        """
        const bytes = new TextEncoder().encode('€\\ud800');
        let fatal = null;
        try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])) } catch (e) { fatal = e.name }
        const d = new TextDecoder();
        const streamed = d.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + d.decode(new Uint8Array([0xac]));
        return { bytes: [...bytes], fatal, streamed, b: btoa('hi'), a: atob(' aGk= ') };
        """
    )
    assert out["bytes"] == [0xE2, 0x82, 0xAC, 0xEF, 0xBF, 0xBD]
    assert out["fatal"] == "TypeError" and out["streamed"] == "€"
    assert out["b"] == "aGk=" and out["a"] == "hi"


def test_structured_clone() -> None:
    out = run(
        """
        const a = { d: new Date(5), m: new Map([[1, { x: 1 }]]), s: new Set([1]), u: new Uint8Array([1, 2]) };
        a.self = a;
        const c = structuredClone(a);
        let fn = null;
        try { structuredClone(() => 1) } catch (e) { fn = e.name }
        return { same: c === a, cyc: c.self === c, d: c.d.getTime(), m: c.m.get(1).x, s: c.s.has(1), u: [...c.u], fn };
        """
    )
    assert out == {
        "same": False,
        "cyc": True,
        "d": 5,
        "m": 1,
        "s": True,
        "u": [1, 2],
        "fn": "DataCloneError",
    }


def test_crypto_random_is_seeded_by_the_host() -> None:
    body = "return { r: Math.random(), u: crypto.randomUUID(), v: [...crypto.getRandomValues(new Uint8Array(4))] };"
    a = run(body, seed=7)
    b = run(body, seed=7)
    c = run(body, seed=8)
    assert a == b and a != c
    assert a["u"][14] == "4" and a["u"][19] in "89ab"


def test_date_comes_from_the_host_clock_and_stands_still() -> None:
    from edgert import VirtualTimeHost

    w = Worker(
        "export default { fetch() { const a = Date.now(); for (let i = 0; i < 1e5; i++); "
        "return Response.json([a, Date.now(), new Date().getTime(), performance.now() >= 0]) } }"
    )
    host = VirtualTimeHost(start=1_000_000.0)
    r = host.fetch(w.core, Request("https://a.test/"))
    assert r.json() == [1_000_000_000, 1_000_000_000, 1_000_000_000, True]


def test_console_is_captured_with_levels() -> None:
    w = Worker(
        "export default { fetch() { console.log('a', 1, {b: [2]}); console.warn('w %d', 5); console.error(new Error('e')); return new Response('') } }"
    )
    logs = [
        (line.level, line.message.splitlines()[0]) for line in w.fetch("https://a.test/").stats.logs
    ]
    assert logs == [("log", "a 1 { b: [ 2 ] }"), ("warn", "w 5"), ("error", "Error: e")]


def test_env_vars_and_json_vars() -> None:
    out = run(
        "return { s: env.S, j: env.J, frozen: Object.isFrozen(env) };",
        vars={"S": "x", "J": {"a": [1]}},
    )
    assert out == {"s": "x", "j": {"a": [1]}, "frozen": True}


def test_service_worker_format() -> None:
    w = Worker(
        "addEventListener('fetch', (event) => { event.respondWith(new Response('sw ' + new URL(event.request.url).pathname)) })"
    )
    assert w.format == "service-worker"
    assert w.fetch("https://a.test/x").text() == "sw /x"


def test_globals_persist_across_requests_in_an_isolate() -> None:
    w = Worker(
        "let n = 0; export default { fetch() { n++; return new Response(String(n)) } }",
        max_isolates=1,
    )
    assert [w.fetch("https://a.test/").text() for _ in range(3)] == ["1", "2", "3"]


def test_cf_object_reaches_the_worker() -> None:
    w = Worker("export default { fetch(r) { return Response.json(r.cf) } }")
    r = w.fetch(Request("https://a.test/", cf={"colo": "NRT", "country": "JP"}))
    assert json.loads(r.text()) == {"colo": "NRT", "country": "JP"}
