"""The runtime's own per-request paths made cheaper in issue 18 (branch corefloor) give what
the general paths and the standards give: the response read back by ``settle`` (headers from
``Headers``' list, a string body with lone surrogates as UTF-8 of U+FFFD, a Uint8Array body),
a plain-record ``HeadersInit`` converted natively (``recordList``: names lower-cased, values
normalised, an invalid pair still a TypeError), ``Response.statusText`` kept outside the
instance's fields, ``Headers`` iteration cached outside them, ``URL`` without ``arguments``
(``new URL()`` a TypeError, ``searchParams`` linked), and ``passThroughOnException``."""

from __future__ import annotations

from typing import Any

from edgert import Request, Response, VirtualTimeHost, Worker

RECORDS = r"""
export default {
  async fetch() {
    const pairs = (h) => [...h];
    const name = (f) => { try { f(); return 'ok'; } catch (e) { return e.constructor.name; } };
    const out = {};
    out.record = pairs(new Headers({ 'X-B': '  two\t', 'x-a': 'one', 'X-A': 'again' }));
    out.latin1 = new Headers({ 'x-l': 'caf\u00e9' }).get('x-l');
    out.badName = name(() => new Headers({ 'a b': 'x' }));
    out.badValue = name(() => new Headers({ 'x-c': 'a\nb' }));
    out.wide = name(() => new Headers({ 'x-w': '\u0100' }));
    out.empty = pairs(new Headers({}));
    out.sequence = pairs(new Headers([['X-S', ' s ']]));
    // Iteration is cached until the next change.
    const h = new Headers({ b: '2', a: '1' });
    out.iter1 = pairs(h);
    h.append('c', '3');
    out.iter2 = pairs(h);
    h.delete('a');
    out.iter3 = pairs(h);
    h.set('b', '9');
    out.iter4 = pairs(h);
    const r = new Response('x', { status: 201, statusText: 'Made', headers: { 'X-R': '1' } });
    out.response = [r.status, r.statusText, pairs(r.headers), r.clone().statusText];
    out.defaultText = new Response('x').statusText;
    out.responseInit = new Response('x', r).statusText;
    return Response.json(out);
  },
};
"""

URLS = r"""
export default {
  async fetch() {
    const name = (f) => { try { f(); return 'ok'; } catch (e) { return e.constructor.name; } };
    const u = new URL('https://a.test/p?x=1');
    u.searchParams.append('y', '2');
    const href1 = u.href;
    u.search = '?z=3';
    const params = [...u.searchParams];
    u.href = 'https://b.test/q?k=v';
    return Response.json({
      href1, params, href2: u.href, linked: u.searchParams.get('k'),
      same: u.searchParams === u.searchParams,
      none: name(() => new URL()),
      undef: name(() => new URL(undefined)),
      relative: new URL(undefined, 'https://c.test/').href,
      badSet: name(() => { u.href = 'nope'; }),
      length: URL.length,
      badThis: name(() => Object.getOwnPropertyDescriptor(URL.prototype, 'searchParams').get.call({})),
      badSetter: name(() => Object.getOwnPropertyDescriptor(URL.prototype, 'hash').set.call({}, '#x')),
    });
  },
};
"""

SETTLE = r"""
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === '/lone') return new Response('a\ud800b', { headers: { 'X-One': '1', 'x-two': ' 2 ' } });
    if (path === '/bytes') return new Response(new Uint8Array([0, 1, 255]), { status: 202, statusText: 'Fine' });
    if (path === '/stream') return new Response(new Response('streamed').body, { headers: [['x-s', 's']] });
    return new Response(null, { status: 204 });
  },
};
"""

PASS_THROUGH = r"""
export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === '/pass') ctx.passThroughOnException();
    throw new Error('boom');
  },
};
"""


def _json(source: str) -> Any:
    response = Worker(source, cpu_ms=5_000).fetch("https://floor.test/")
    assert response.status == 200, response.stats.error
    return response.json()


def test_a_plain_record_becomes_the_list_append_would_build() -> None:
    out = _json(RECORDS)
    assert out["record"] == [["x-a", "one, again"], ["x-b", "two"]]
    assert out["latin1"] == "caf\u00e9"
    assert out["badName"] == "TypeError"
    assert out["badValue"] == "TypeError"
    assert out["wide"] == "TypeError"
    assert out["empty"] == []
    assert out["sequence"] == [["x-s", "s"]]


def test_headers_iteration_follows_each_change() -> None:
    out = _json(RECORDS)
    assert out["iter1"] == [["a", "1"], ["b", "2"]]
    assert out["iter2"] == [["a", "1"], ["b", "2"], ["c", "3"]]
    assert out["iter3"] == [["b", "2"], ["c", "3"]]
    assert out["iter4"] == [["b", "9"], ["c", "3"]]


def test_status_text_is_kept() -> None:
    out = _json(RECORDS)
    assert out["response"] == [
        201,
        "Made",
        [["content-type", "text/plain;charset=UTF-8"], ["x-r", "1"]],
        "Made",
    ]
    assert out["defaultText"] == ""
    assert out["responseInit"] == "Made"


def test_url_without_arguments_object() -> None:
    out = _json(URLS)
    assert out["href1"] == "https://a.test/p?x=1&y=2"
    assert out["params"] == [["z", "3"]]
    assert out["href2"] == "https://b.test/q?k=v"
    assert out["linked"] == "v"
    assert out["same"] is True
    assert out["none"] == "TypeError"
    assert out["undef"] == "TypeError"
    assert out["relative"] == "https://c.test/undefined"
    assert out["badSet"] == "TypeError"
    assert out["length"] == 1
    assert out["badThis"] == "TypeError"
    assert out["badSetter"] == "TypeError"


def test_settle_reads_headers_and_bodies() -> None:
    w = Worker(SETTLE, cpu_ms=5_000)
    lone = w.fetch("https://floor.test/lone")
    assert lone.status == 200
    assert lone.body == "a\ufffdb".encode()
    assert lone.headers.get("x-one") == "1"
    assert lone.headers.get("x-two") == "2"
    assert lone.headers.get("content-type") == "text/plain;charset=UTF-8"
    raw = w.fetch("https://floor.test/bytes")
    assert (raw.status, raw.body) == (202, b"\x00\x01\xff")
    streamed = w.fetch("https://floor.test/stream")
    assert (streamed.status, streamed.body, streamed.headers.get("x-s")) == (200, b"streamed", "s")
    empty = w.fetch("https://floor.test/empty")
    assert (empty.status, empty.body) == (204, b"")


def test_pass_through_on_exception_is_per_request() -> None:
    w = Worker(PASS_THROUGH, cpu_ms=5_000)
    host = VirtualTimeHost(fetch_handler=lambda req: Response(f"origin saw {req.url}"))
    passed = host.fetch(w.core, Request("https://floor.test/pass"))
    assert (passed.status, passed.text()) == (200, "origin saw https://floor.test/pass")
    failed = host.fetch(w.core, Request("https://floor.test/fail"))
    assert failed.status == 500
