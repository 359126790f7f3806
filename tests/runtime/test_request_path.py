"""The incoming request as the isolate builds it lazily: headers searched in the host's text,
``request.cf`` parsed on first read, URL components shared between instances."""

from __future__ import annotations

from typing import Any

from edgert import Request, Worker


def run(body: str, request: Request) -> Any:
    """Runs ``body`` (an async function body with ``request``) and returns its JSON value."""
    src = (
        "export default { async fetch(request, env, ctx) { const out = await (async () => { "
        + body
        + " })(); return Response.json(out); } }"
    )
    r = Worker(src).fetch(request)
    assert r.status == 200, r.stats.error
    return r.json()


HEADERS = [
    ("Accept", "text/html"),
    ("X-Multi", "a"),
    ("Authorization", "Bearer t:o:k"),
    ("x-multi", "b"),
    ("Set-Cookie", "s=1"),
    ("X-Empty", ""),
    ("set-cookie", "t=2"),
]


def test_incoming_headers_read_from_the_host_text() -> None:
    out = run(
        """
        const h = request.headers;
        const before = { multi: h.get('X-MULTI'), auth: h.get('authorization'), empty: h.get('x-empty'),
          missing: h.get('x-multi-'), prefix: h.get('x'), has: h.has('Accept'), hasNot: h.has('accep') };
        let threw = null;
        try { h.set('x-new', '1') } catch (e) { threw = e.name }
        const copy = new Headers(h);
        copy.append('x-new', '1');
        return { before, threw, entries: [...h], cookies: h.getSetCookie(), copy: copy.get('x-new'),
          same: request.headers === h, again: h.get('x-multi') };
        """,
        Request("https://example.com/", headers=HEADERS),
    )
    assert out["before"] == {
        "multi": "a, b",
        "auth": "Bearer t:o:k",
        "empty": "",
        "missing": None,
        "prefix": None,
        "has": True,
        "hasNot": False,
    }
    assert out["threw"] == "TypeError"
    assert out["entries"] == [
        ["accept", "text/html"],
        ["authorization", "Bearer t:o:k"],
        ["set-cookie", "s=1"],
        ["set-cookie", "t=2"],
        ["x-empty", ""],
        ["x-multi", "a, b"],
    ]
    assert out["cookies"] == ["s=1", "t=2"]
    assert out["copy"] == "1" and out["same"] is True and out["again"] == "a, b"


def test_a_request_without_headers() -> None:
    out = run(
        "return { n: [...request.headers].length, a: request.headers.get('a') };",
        Request("https://example.com/"),
    )
    assert out == {"n": 0, "a": None}


def test_cf_is_parsed_once_and_is_the_workers_own_object() -> None:
    cf = {"colo": "NRT", "country": "JP", "asn": 2516}
    out = run(
        """
        const a = request.cf;
        a.colo = 'changed';
        const clone = request.clone();
        return { same: request.cf === a, colo: request.cf.colo, cloneColo: clone.cf.colo,
          country: a.country, asn: a.asn };
        """,
        Request("https://example.com/", cf=cf),
    )
    assert out == {
        "same": True,
        "colo": "changed",
        "cloneColo": "changed",
        "country": "JP",
        "asn": 2516,
    }
    assert run("return request.cf === undefined;", Request("https://example.com/")) is True


def test_urls_of_one_input_stay_independent() -> None:
    out = run(
        """
        const a = new URL(request.url), b = new URL(request.url);
        a.pathname = '/x';
        a.searchParams.set('q', '2');
        const c = new URL(request.url);
        return [a.href, b.href, c.href, new URL('/y', request.url).href];
        """,
        Request("https://example.com/p?q=1"),
    )
    assert out == [
        "https://example.com/x?q=2",
        "https://example.com/p?q=1",
        "https://example.com/p?q=1",
        "https://example.com/y",
    ]


def test_response_defaults_without_init() -> None:
    src = "export default { fetch() { return new Response('ok') } }"
    r = Worker(src).fetch(Request("https://example.com/"))
    assert (r.status, r.status_text, r.text()) == (200, "", "ok")
    assert r.headers.get("content-type") == "text/plain;charset=UTF-8"
