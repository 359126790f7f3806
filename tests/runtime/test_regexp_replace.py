"""``RegExp.prototype[Symbol.replace]``: the isolate's fast path for global literal patterns
(rust/src/isolate/regexp_replace.rs) gives what ECMAScript specifies, and every case it does not
take (flags, patterns, replacements, patched prototypes, subclasses) still behaves as the
specification says."""

from __future__ import annotations

from typing import Any

from edgert import Request, Worker


def run(body: str) -> Any:
    src = (
        "export default { async fetch(request, env, ctx) { const out = (() => { "
        + body
        + " })(); return Response.json(out); } }"
    )
    r = Worker(src).fetch(Request("https://example.com/"))
    assert r.status == 200, r.stats.error
    return r.json()


def test_literal_global_patterns() -> None:
    out = run(
        r"""
        const re = /-/g;
        re.lastIndex = 3;
        const a = 'a-b-c--'.replace(re, '+');
        return { a, last: re.lastIndex,
          b64: 'ab-_cd_-'.replace(/-/g, '+').replace(/_/g, '/'),
          multi: 'aaaa'.replace(/aa/g, 'b'), odd: 'aaa'.replace(/aa/g, 'b'),
          escaped: 'a.b/c.d'.replace(/\.b\//g, '!'), none: 'xyz'.replace(/-/g, '+'),
          empty: '--'.replace(/-/g, ''), gu: 'a-b'.replace(/-/gu, '+'), gms: 'a-b'.replace(/-/gms, '+'),
          all: 'a-b-c'.replaceAll(/-/g, '='), str: 'a-b-c'.replace('-', '=') };
        """
    )
    assert out == {
        "a": "a+b+c++",
        "last": 0,
        "b64": "ab+/cd/+",
        "multi": "bb",
        "odd": "ba",
        "escaped": "a!c.d",
        "none": "xyz",
        "empty": "",
        "gu": "a+b",
        "gms": "a+b",
        "all": "a=b=c",
        "str": "a=b-c",
    }


def test_cases_the_fast_path_leaves_to_the_engine() -> None:
    out = run(
        r"""
        const sticky = /-/gy; const s = 'a-b'.replace(sticky, '+');
        return {
          notGlobal: 'a-b-c'.replace(/-/, '+'),
          ignoreCase: 'A-a'.replace(/a/gi, 'x'),
          sticky: s, stickyLast: sticky.lastIndex,
          dollar: 'a-b'.replace(/-/g, '[$&$$]'),
          fn: 'a-b-c'.replace(/-/g, (m, i) => String(i)),
          classes: 'a1b22'.replace(/\d+/g, '#'),
          unicode: 'é-ü-'.replace(/-/g, '+'),
          surrogate: 'a\ud800-'.replace(/-/g, '+').length,
          nonAsciiPattern: 'aéb'.replace(/é/g, 'e'),
          objectArg: 'a-b'.replace(/-/g, { toString() { return '*'; } }),
        };
        """
    )
    assert out == {
        "notGlobal": "a+b-c",
        "ignoreCase": "x-x",
        "sticky": "a-b",
        "stickyLast": 0,
        "dollar": "a[-$]b",
        "fn": "a1b3c",
        "classes": "a#b#",
        "unicode": "é+ü+",
        "surrogate": 3,
        "nonAsciiPattern": "aeb",
        "objectArg": "a*b",
    }


def test_user_code_that_the_algorithm_runs_still_runs() -> None:
    out = run(
        r"""
        const calls = [];
        // An own exec on the instance is called, as RegExpExec specifies.
        const re = /-/g;
        re.exec = function (s) { calls.push('exec'); return RegExp.prototype.exec.call(this, s); };
        const own = 'a-b'.replace(re, '+');
        // A patched flags getter on the prototype is read.
        const desc = Object.getOwnPropertyDescriptor(RegExp.prototype, 'flags');
        Object.defineProperty(RegExp.prototype, 'flags', { configurable: true, get() { calls.push('flags'); return desc.get.call(this); } });
        const patched = 'a-b'.replace(/-/g, '+');
        Object.defineProperty(RegExp.prototype, 'flags', desc);
        // A subclass's exec runs.
        class R extends RegExp { exec(s) { calls.push('sub'); return super.exec(s); } }
        const sub = 'a-b'.replace(new R('-', 'g'), '+');
        // A read-only lastIndex: Set(rx, "lastIndex", 0, true) throws.
        const frozen = /-/g; Object.defineProperty(frozen, 'lastIndex', { writable: false, value: 0 });
        let threw = null;
        try { 'a-b'.replace(frozen, '+'); } catch (e) { threw = e.name; }
        const f = RegExp.prototype[Symbol.replace];
        const d = Object.getOwnPropertyDescriptor(RegExp.prototype, Symbol.replace);
        let notObject = null;
        try { f.call('x', 'a', 'b'); } catch (e) { notObject = e.name; }
        return { own, patched, sub, calls, threw, name: f.name, length: f.length,
          attrs: [d.writable, d.enumerable, d.configurable], notObject,
          after: 'a-b'.replace(/-/g, '+') };
        """
    )
    assert out["own"] == out["patched"] == out["sub"] == out["after"] == "a+b"
    assert out["calls"].count("exec") == 2  # one match, then the failing call
    assert "flags" in out["calls"]
    assert out["calls"].count("sub") == 2
    assert out["threw"] == "TypeError"
    assert out["name"] == "[Symbol.replace]"
    assert out["length"] == 2
    assert out["attrs"] == [True, False, True]
    assert out["notObject"] == "TypeError"
