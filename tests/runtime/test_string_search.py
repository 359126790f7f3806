"""``String.prototype`` ``indexOf``, ``lastIndexOf``, ``includes``, ``split``, ``replace`` and
``replaceAll``: the isolate's linear-time versions (rust/src/isolate/string_search.rs) give what
ECMAScript specifies, in its order of coercions and lookups, for ASCII, Latin-1 and UTF-16 text
with lone surrogates, and a naive transcription of the specification's algorithms (run in the same
isolate, character by character) agrees with them on thousands of random cases."""

from __future__ import annotations

from typing import Any

from edgert import Request, Worker


def run(body: str, **options: Any) -> Any:
    src = (
        "export default { async fetch(request, env, ctx) { const out = (() => { "
        + body
        + " })(); return Response.json(out); } }"
    )
    r = Worker(src, **options).fetch(Request("https://example.com/"))
    assert r.status == 200, r.stats.error
    return r.json()


def test_search_results_and_position_clamping() -> None:
    out = run(
        r"""
        const s = 'abcabc';
        return [
          s.indexOf('c'), s.indexOf('c', 3), s.indexOf('c', -5), s.indexOf('c', Infinity), s.indexOf('c', NaN),
          s.indexOf('c', 2.9), s.indexOf(''), s.indexOf('', 4), s.indexOf('', 99), s.indexOf('abcabcd'),
          s.lastIndexOf('b'), s.lastIndexOf('b', 3), s.lastIndexOf('b', 0), s.lastIndexOf('a', -Infinity),
          s.lastIndexOf('b', NaN), s.lastIndexOf('b', undefined), s.lastIndexOf(''), s.lastIndexOf('', 2),
          s.lastIndexOf('abcabcd'), s.lastIndexOf('bc', 4.5),
          s.includes('ca'), s.includes('ca', 3), s.includes(''), s.includes('', 99), s.includes('x'),
          'undefined'.indexOf(), 'null'.includes(null), '12'.indexOf(2), 'a,b'.indexOf(['b']),
        ];
        """
    )
    assert out == [
        2, 5, 2, -1, 2,
        2, 0, 4, 6, -1,
        4, 1, -1, 0,
        4, 4, 6, 2,
        -1, 4,
        True, False, True, True, False,
        0, True, 1, 2,
    ]  # fmt: skip


def test_code_units_latin1_and_lone_surrogates() -> None:
    out = run(
        r"""
        const smile = '\u{1F600}';             // '\uD83D\uDE00'
        return [
          ('x' + smile + 'y').indexOf('\uDE00'), ('x' + smile).lastIndexOf('\uD83D'), smile.includes('\uDE00'),
          ('é' + smile + 'é').lastIndexOf('é'), 'ééé'.indexOf('é', 1), 'aĀbĀ'.lastIndexOf('Ā'),
          smile.split('\uD83D'), ('a' + smile + 'b').split(smile), 'xéxĀx'.split('x'),
          (smile + smile).replaceAll('\uDE00', '-'), 'é-é'.replace('-', 'Ā'), 'aaé'.replaceAll('a', '\uD800'),
          ('\uD800' + 'a').indexOf('a'), 'a\uDFFFb'.split('\uDFFF'),
        ];
        """
    )
    smile = "\U0001f600"
    assert out == [
        2, 1, True,
        3, 1, 3,
        ["", "\ude00"], ["a", "b"], ["", "é", "Ā", ""],
        "\ud83d-\ud83d-", "éĀé", "\ud800\ud800é",
        1, ["a", "b"],
    ]  # fmt: skip
    assert smile  # the surrogates above are the halves of this character


def test_split() -> None:
    out = run(
        r"""
        return [
          'a,b,,c'.split(','), 'a,b,c'.split(',', 2), 'a,b,c'.split(',', 0), 'a,b,c'.split(',', -1),
          'a,b,c'.split(',', 2 ** 32 + 1), 'abc'.split(''), 'abc'.split('', 2), 'abc'.split(), 'abc'.split(undefined, 0),
          ''.split(','), ''.split(''), 'abc'.split('abc'), 'abcabc'.split('bc'), 'a1b1c'.split(1),
          'aaa'.split('aa'), 'x--y--'.split('--'),
        ];
        """
    )
    assert out == [
        ["a", "b", "", "c"], ["a", "b"], [], ["a", "b", "c"],
        ["a"], ["a", "b", "c"], ["a", "b"], ["abc"], [],
        [""], [], ["", ""], ["a", "a", ""], ["a", "b", "c"],
        ["", "a"], ["x", "y", ""],
    ]  # fmt: skip


def test_replacement_templates() -> None:
    out = run(
        r"""
        const s = 'aXbXc';
        return [
          s.replace('X', '[$&]'), s.replace('X', '$$'), s.replace('X', '[$`]'), s.replace('X', "[$']"),
          s.replaceAll('X', '[$`|$&|$\']'), s.replace('X', '$0$1$10$<n>$'), s.replace('X', '$'),
          s.replace('X', '$$&'), s.replaceAll('X', ''), s.replace('Y', '!'), s.replaceAll('Y', '!'),
          'aaaa'.replaceAll('aa', 'b'), 'aaa'.replaceAll('aa', 'b'), s.replace('X', 5), s.replace('X'),
          'abc'.replace('', '-'), 'abc'.replaceAll('', '-'), ''.replaceAll('', '$&!'),
        ];
        """
    )
    assert out == [
        "a[X]bXc", "a$bXc", "a[a]bXc", "a[bXc]bXc",
        "a[a|X|bXc]b[aXb|X|c]c", "a$0$1$10$<n>$bXc", "a$bXc",
        "a$&bXc", "abc", "aXbXc", "aXbXc",
        "bb", "ba", "a5bXc", "aundefinedbXc",
        "-abc", "-a-b-c-", "!",
    ]  # fmt: skip


def test_replacement_functions_get_match_position_and_string() -> None:
    out = run(
        r"""
        const calls = [];
        const r = 'é-x-'.replaceAll('-', (m, p, str, ...rest) => { calls.push([m, p, str, rest.length]); return p; });
        const one = 'a-b-'.replace('-', () => ({ toString() { return '!' } }));
        return { r, calls, one };
        """
    )
    assert out == {"r": "é1x3", "calls": [["-", 1, "é-x-", 0], ["-", 3, "é-x-", 0]], "one": "a!b-"}


def test_coercion_order_and_errors() -> None:
    out = run(
        r"""
        const log = [];
        const o = (name, v) => ({ toString() { log.push(name); return v }, valueOf() { log.push(name + '#'); return v } });
        const t = (f) => { try { return f() } catch (e) { return e.constructor.name } };
        const res = {};
        res.indexOf = String.prototype.indexOf.call(o('this', 'abc'), o('search', 'c'), o('pos', 1)); res.log1 = log.splice(0);
        res.lastIndexOf = 'abcb'.lastIndexOf(o('search', 'b'), o('pos', NaN)); res.log2 = log.splice(0);
        res.split = String.prototype.split.call(o('this', 'a-b-c'), o('sep', '-'), o('lim', 2)); res.log3 = log.splice(0);
        res.replace = String.prototype.replace.call(o('this', 'a-b'), o('search', '-'), o('rep', '+')); res.log4 = log.splice(0);
        res.errors = [
          t(() => String.prototype.indexOf.call(undefined, 'a')), t(() => String.prototype.split.call(null, ',')),
          t(() => String.prototype.replaceAll.call(null, 'a', 'b')),
          t(() => 'abc'.indexOf('a', Symbol())), t(() => 'abc'.indexOf('a', 1n)), t(() => 'abc'.indexOf(Symbol())),
          t(() => 'abc'.includes(/b/)), t(() => 'abc'.replaceAll(/b/, 'x')), t(() => 'abc'.split('b', 1n)),
          t(() => 'abc'.indexOf(o('boom', null) && { toString() { throw new SyntaxError('x') } })),
        ];
        // IsRegExp reads Symbol.match: false makes a regexp a plain string pattern for includes.
        const re = /b/; re[Symbol.match] = false;
        res.notRegExp = '/b/'.includes(re);
        const fake = { [Symbol.match]: true, flags: 'y', [Symbol.replace]() { return 'called' } };
        res.fakeNoG = t(() => 'abc'.replaceAll(fake, 'x'));
        fake.flags = 'gy'; res.fakeG = 'abc'.replaceAll(fake, 'x');
        fake.flags = undefined; res.fakeFlagsUndefined = t(() => 'abc'.replaceAll(fake, 'x'));
        return res;
        """
    )
    assert out["indexOf"] == 2 and out["log1"] == ["this", "search", "pos#"]
    assert out["lastIndexOf"] == 3 and out["log2"] == ["search", "pos#"]
    assert out["split"] == ["a", "b"] and out["log3"] == ["this", "lim#", "sep"]
    assert out["replace"] == "a+b" and out["log4"] == ["this", "search", "rep"]
    assert out["errors"] == [
        "TypeError", "TypeError", "TypeError",
        "TypeError", "TypeError", "TypeError",
        "TypeError", "TypeError", "TypeError",
        "SyntaxError",
    ]  # fmt: skip
    assert out["notRegExp"] is True
    assert out["fakeNoG"] == "TypeError" and out["fakeG"] == "called"
    assert out["fakeFlagsUndefined"] == "TypeError"


def test_symbol_methods_of_object_patterns_are_looked_up_and_called() -> None:
    out = run(
        r"""
        const seen = [];
        const splitter = { [Symbol.split](s, lim) { seen.push(['split', this === splitter, s, lim]); return 'S' } };
        const replacer = { [Symbol.replace](s, r) { seen.push(['replace', s, r]); return 'R' } };
        const strObj = { toString() { return '-' } };   // no Symbol.replace: used as a string
        const nullish = { [Symbol.split]: null, toString() { return ',' } };
        return {
          a: 'x'.split(splitter, 7), b: 'y'.replace(replacer, 'z'), c: 'w'.replaceAll(replacer, 'v'),
          d: 'a-b-c'.replaceAll(strObj, '+'), e: 'a,b'.split(nullish), f: 'a-b'.split(/-/), g: 'a-b'.replace(/-/g, '+'),
          h: (() => { try { return 'a'.split({ [Symbol.split]: 5 }) } catch (e) { return e.constructor.name } })(),
          seen,
        };
        """
    )
    assert out == {
        "a": "S", "b": "R", "c": "R",
        "d": "a+b+c", "e": ["a", "b"], "f": ["a", "b"], "g": "a+b",
        "h": "TypeError",
        "seen": [["split", True, "x", 7], ["replace", "y", "z"], ["replace", "w", "v"]],
    }  # fmt: skip


def test_patched_prototypes_are_honoured() -> None:
    # A worker's own String.prototype methods replace the fast ones; a patched Symbol.replace
    # on RegExp.prototype is what string.replace(regexp) calls.
    out = run(
        r"""
        const saved = String.prototype.indexOf;
        String.prototype.indexOf = function () { return 'patched' };
        const a = 'abc'.indexOf('b');
        String.prototype.indexOf = saved;
        const savedReplace = RegExp.prototype[Symbol.replace];
        RegExp.prototype[Symbol.replace] = function () { return 'patched-re' };
        const b = 'abc'.replace(/b/, 'x');
        RegExp.prototype[Symbol.replace] = savedReplace;
        Object.prototype[Symbol.split] = function () { return 'never for a primitive' };
        const c = 'a,b'.split(',');
        delete Object.prototype[Symbol.split];
        return { a, b, c, back: 'abc'.indexOf('b') };
        """
    )
    assert out == {"a": "patched", "b": "patched-re", "c": ["a", "b"], "back": 1}


def test_methods_look_like_the_builtins() -> None:
    out = run(
        r"""
        const names = ['indexOf', 'lastIndexOf', 'includes', 'split', 'replace', 'replaceAll'];
        return names.map((n) => {
          const f = String.prototype[n];
          const d = Object.getOwnPropertyDescriptor(String.prototype, n);
          return [f.name, f.length, d.enumerable, d.writable, d.configurable, /\[native code\]/.test(String(f))];
        });
        """
    )
    lengths = {
        "indexOf": 1,
        "lastIndexOf": 1,
        "includes": 1,
        "split": 2,
        "replace": 2,
        "replaceAll": 2,
    }
    assert out == [[n, length, False, True, True, True] for n, length in lengths.items()]


def test_results_too_long_for_a_string_or_the_heap() -> None:
    w = Worker(
        """export default { async fetch(request) {
          const p = new URL(request.url).pathname;
          if (p === '/range') {
            try { 'a'.repeat(1e5).replaceAll('a', '$`'); return new Response('built') }
            catch (e) { return new Response(e.constructor.name + ': ' + e.message) }
          }
          if (p === '/heap') return new Response(String('a'.repeat(2e4).replaceAll('a', '$`').length));
          return new Response('fine');
        } }""",
        memory_mb=32,
    )
    r = w.fetch("https://example.com/range")
    assert r.status == 200 and r.text() == "RangeError: invalid string length"
    r = w.fetch("https://example.com/heap")
    assert r.status == 503 and r.stats.outcome == "exceededMemory"
    assert w.fetch("https://example.com/ok").text() == "fine"


def test_large_inputs_that_were_quadratic() -> None:
    out = run(
        r"""
        const hay = 'a'.repeat(3e6), needle = 'a'.repeat(5000) + 'b';
        const wide = '\u0100'.repeat(1e6) + needle + '\u0100';
        return [
          hay.indexOf(needle), hay.lastIndexOf(needle), hay.includes(needle), hay.split(needle).length,
          hay.replace(needle, 'x').length, hay.replaceAll(needle, 'x').length,
          (hay + needle).indexOf(needle), wide.indexOf(needle), wide.lastIndexOf(needle), wide.split(needle)[1],
        ];
        """,
        cpu_ms=1000,
    )
    assert out == [
        -1,
        -1,
        False,
        1,
        3_000_000,
        3_000_000,
        3_000_000,
        1_000_000,
        1_000_000,
        "\u0100",
    ]


REFERENCE = r"""
// The specification's algorithms, transcribed naively (code unit by code unit).
const at = (S, q, i) => { for (let k = 0; k < q.length; k++) if (S.charCodeAt(i + k) !== q.charCodeAt(k)) return false; return true; };
const clamp = (x, lo, hi) => Math.min(Math.max(x, lo), hi);
const toInt = (v) => { const n = Number(v); return Number.isNaN(n) ? 0 : Math.trunc(n); };
// StringIndexOf (6.1.4.1): no clamping; -1 past the end.
const strIndexOf = (S, q, from) => { for (let i = from; i + q.length <= S.length; i++) if (at(S, q, i)) return i; return -1; };
const refIndexOf = (S, q, pos) => strIndexOf(S, q, clamp(toInt(pos), 0, S.length));
const refLastIndexOf = (S, q, pos) => { const n = Number(pos); const p = Number.isNaN(n) ? Infinity : Math.trunc(n);
  if (q.length > S.length) return -1; const start = clamp(p, 0, S.length - q.length);
  for (let i = start; i >= 0; i--) if (at(S, q, i)) return i; return -1; };
const refSplit = (S, R, lim) => { const A = []; lim = lim === undefined ? 2 ** 32 - 1 : lim >>> 0;
  if (lim === 0) return A; if (R.length === 0) return [...Array(Math.min(S.length, lim)).keys()].map((k) => S[k]);
  if (S.length === 0) return [S];
  let p = 0, q = strIndexOf(S, R, 0);
  while (q !== -1) { A.push(S.slice(p, q)); if (A.length === lim) return A; p = q + R.length; q = strIndexOf(S, R, p); }
  A.push(S.slice(p)); return A; };
const refSubst = (matched, str, position, rep) => { let out = '';
  for (let i = 0; i < rep.length; i++) { const c = rep[i], d = rep[i + 1];
    if (c === '$' && d === '$') { out += '$'; i++; } else if (c === '$' && d === '&') { out += matched; i++; }
    else if (c === '$' && d === '`') { out += str.slice(0, position); i++; }
    else if (c === '$' && d === "'") { out += str.slice(Math.min(position + matched.length, str.length)); i++; }
    else out += c; }
  return out; };
const refReplaceAll = (S, q, rep, all) => { const adv = Math.max(1, q.length); const pos = [];
  let p = strIndexOf(S, q, 0); while (p !== -1) { pos.push(p); if (!all) break; p = strIndexOf(S, q, p + adv); }
  let end = 0, out = '';
  for (const p of pos) { out += S.slice(end, p) + (typeof rep === 'function' ? String(rep(q, p, S)) : refSubst(q, S, p, rep)); end = p + q.length; }
  return pos.length ? out + S.slice(end) : S; };
"""


def test_agrees_with_a_transcription_of_the_specification() -> None:
    out = run(
        REFERENCE
        + r"""
        let seed = 12345;
        const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor(seed / 65536) % n; };
        const alphabet = ['a', 'b', 'é', '\uD83D', '\uDE00', '\uD800', 'Ā', '$'];
        const str = (max) => { let s = ''; const n = rand(max); for (let i = 0; i < n; i++) s += alphabet[rand(alphabet.length)]; return s; };
        const templates = ['x', '$&', '[$`]', "$'", '$$', '$1', '', '$'];
        const mismatches = [];
        for (let k = 0; k < 3000; k++) {
          const S = str(14), q = str(4), pos = rand(20) - 4, tpl = templates[rand(templates.length)];
          const lim = rand(3) === 0 ? undefined : rand(5);
          const fn = (m, p) => '<' + p + '>';
          const cases = [
            ['indexOf', S.indexOf(q, pos), refIndexOf(S, q, pos)],
            ['indexOf0', S.indexOf(q), refIndexOf(S, q, 0)],
            ['lastIndexOf', S.lastIndexOf(q, pos), refLastIndexOf(S, q, pos)],
            ['lastIndexOfEnd', S.lastIndexOf(q), refLastIndexOf(S, q, undefined)],
            ['includes', S.includes(q, pos), refIndexOf(S, q, pos) !== -1],
            ['split', JSON.stringify(S.split(q, lim)), JSON.stringify(refSplit(S, q, lim))],
            ['replace', S.replace(q, tpl), refReplaceAll(S, q, tpl, false)],
            ['replaceAll', S.replaceAll(q, tpl), refReplaceAll(S, q, tpl, true)],
            ['replaceAllFn', S.replaceAll(q, fn), refReplaceAll(S, q, fn, true)],
          ];
          for (const [name, got, want] of cases)
            if (got !== want) mismatches.push({ name, S: escape(S), q: escape(q), pos, lim, tpl, got, want });
        }
        return mismatches.slice(0, 5);
        """,
        cpu_ms=20_000,
    )
    assert out == []
