"""``JSON.stringify``: the isolate's fast path for plain data (rust/src/isolate/json_stringify.rs)
writes what ECMAScript specifies, and every case it leaves to the engine (replacers, indentation,
``toJSON``, getters, class instances, cycles, BigInt) behaves as specified."""

from __future__ import annotations

import json
from typing import Any

from edgert import Request, Worker


def run(body: str, cpu_ms: float = 50.0) -> Any:
    """Runs ``body`` (a function body) and returns what it returns, sent as JSON text made by
    the host (so that the isolate's own ``JSON.stringify`` is what is tested, not the transport)."""
    src = (
        "export default { async fetch(request, env, ctx) { const out = (() => { "
        + body
        + " })(); return new Response(String(out.join('\\u0000'))); } }"
    )
    r = Worker(src, cpu_ms=cpu_ms).fetch(Request("https://example.com/"))
    assert r.status == 200, r.stats.error
    return r.text().split("\u0000")


def test_plain_data() -> None:
    out = run(
        r"""
        const o = { user: 'u-1', n: 1, f: 1.5, neg: -0, big: 1e21, small: 1e-7, nan: NaN, inf: -Infinity,
          t: true, nul: null, und: undefined, sym: Symbol('s'), nested: { a: [1, 'x', null, undefined, { b: [] }] },
          2: 'two', 1: 'one', 'quo"te': 'a\\b\n\t\u0001\u001f\u007f', uni: 'é€😀', lone: '\ud800x\udfff' };
        return [JSON.stringify(o), JSON.stringify([]), JSON.stringify({}), JSON.stringify('s'),
          JSON.stringify(42), JSON.stringify(undefined) === undefined, JSON.stringify(null),
          JSON.stringify([undefined, () => 1, Symbol()]), JSON.stringify({ a: 1 }, null),
          JSON.stringify(Object.assign(Object.create(null), { a: 1 }))];
        """
    )
    assert out[0] == (
        '{"1":"one","2":"two","user":"u-1","n":1,"f":1.5,"neg":0,"big":1e+21,"small":1e-7,'
        '"nan":null,"inf":null,"t":true,"nul":null,"nested":{"a":[1,"x",null,null,{"b":[]}]},'
        '"quo\\"te":"a\\\\b\\n\\t\\u0001\\u001f\x7f","uni":"é€😀","lone":"\\ud800x\\udfff"}'
    )
    assert json.loads(out[0])["nested"] == {"a": [1, "x", None, None, {"b": []}]}
    assert out[1:5] == ["[]", "{}", '"s"', "42"]
    assert out[5] == "true"
    assert out[6] == "null"
    assert out[7] == "[null,null,null]"
    assert out[8] == '{"a":1}'
    assert out[9] == '{"a":1}'


def test_cases_left_to_the_engine() -> None:
    out = run(
        r"""
        const calls = [];
        const getter = { get a() { calls.push('get'); return 1; }, b: 2 };
        class P { constructor() { this.x = 1; } }
        const cyclic = { a: 1 }; cyclic.self = cyclic;
        let cycle = null, bigint = null;
        try { JSON.stringify(cyclic); } catch (e) { cycle = e.name; }
        try { JSON.stringify({ n: 1n }); } catch (e) { bigint = e.name; }
        const deep = []; let d = deep; for (let i = 0; i < 100; i++) { const n = []; d.push(n); d = n; }
        const sparse = [1, , 3];
        Array.prototype[1] = 'proto';
        const holey = JSON.stringify(sparse);
        delete Array.prototype[1];
        Object.prototype.toJSON = function () { return 'patched'; };
        const patched = JSON.stringify({ a: 1 });
        delete Object.prototype.toJSON;
        return [
          JSON.stringify({ a: 1, b: [1, 2] }, null, 2),
          JSON.stringify({ a: 1, b: 2 }, ['b']),
          JSON.stringify({ a: 1, b: 2 }, (k, v) => (k === 'a' ? undefined : v)),
          JSON.stringify({ d: new Date(0), o: { toJSON() { return 'custom'; } } }),
          JSON.stringify(getter), calls.join(','),
          JSON.stringify(new P()), JSON.stringify(new Map([[1, 2]])), JSON.stringify([new Number(3), new String('s'), new Boolean(false)]),
          cycle, bigint, JSON.stringify(deep).length, holey, patched,
          JSON.stringify(new Proxy({ a: 1 }, {})), JSON.stringify(Object.defineProperty({}, 'h', { value: 1, enumerable: false })),
          JSON.stringify.name, JSON.stringify.length,
        ];
        """
    )
    assert out[0] == '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}'
    assert out[1] == '{"b":2}'
    assert out[2] == '{"b":2}'
    assert out[3] == '{"d":"1970-01-01T00:00:00.000Z","o":"custom"}'
    assert out[4] == '{"a":1,"b":2}'
    assert out[5] == "get"
    assert out[6] == '{"x":1}'
    assert out[7] == "{}"
    assert out[8] == '[3,"s",false]'
    assert out[9] == "TypeError"
    assert out[10] == "TypeError"
    assert out[11] == "202"
    assert out[12] == '[1,"proto",3]'
    assert out[13] == '"patched"'
    assert out[14] == '{"a":1}'
    assert out[15] == "{}"
    assert out[16:] == ["stringify", "3"]


def test_large_values_are_left_to_the_engine_and_still_right() -> None:
    out = run(
        r"""
        const big = 'x'.repeat(9 << 20);
        const s = JSON.stringify({ big, n: 1 });
        const ctl = JSON.stringify('\u0001'.repeat(2 << 20));
        const re = ('-' + 'a'.repeat(9 << 20) + '-').replace(/-/g, '+');
        return [s.length, s.slice(-8), ctl.length, ctl.slice(0, 8), re.length, re[0] + re[re.length - 1]];
        """,
        cpu_ms=5000,
    )
    assert out == [
        str((9 << 20) + 16),
        '","n":1}',
        str(6 * (2 << 20) + 2),
        '"\\u0001\\',
        str((9 << 20) + 2),
        "++",
    ]
