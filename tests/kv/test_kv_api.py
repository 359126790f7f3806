"""The KVNamespace API in a standalone worker (a private store at distance zero): every form
of get/getWithMetadata/put/delete/list, and the limits as errors the worker can catch."""

from __future__ import annotations

import json

import pytest

from edgert import Worker
from edgert.errors import ConfigError, KvLimitError


def run(body: str, seed: dict[str, object] | None = None) -> object:
    """Runs ``body`` (the inside of an async function with ``env``) and returns its JSON."""
    source = (
        "export default { async fetch(request, env) {\n"
        "  try { const out = await (async () => {" + body + "})();\n"
        "    return Response.json({ out }); }\n"
        "  catch (e) { return Response.json({ error: `${e.name}: ${e.message}` }); }\n"
        "} };"
    )
    worker = Worker(source, kv={"KV": "ns"})
    if seed:
        worker.kv("ns").seed(seed)
    try:
        response = worker.fetch("https://example.com/")
        assert response.status == 200, response.text()
        return response.json()
    finally:
        worker.close()


def test_get_types() -> None:
    seed = {"t": "héllo", "j": {"a": [1, 2]}, "b": b"\x00\x01\xff"}
    assert run("return env.KV.get('t');", seed) == {"out": "héllo"}
    assert run("return env.KV.get('t', 'text');", seed) == {"out": "héllo"}
    assert run("return env.KV.get('j', 'json');", seed) == {"out": {"a": [1, 2]}}
    assert run("return env.KV.get('j', { type: 'json' });", seed) == {"out": {"a": [1, 2]}}
    body = "const b = await env.KV.get('b', 'arrayBuffer'); return [b instanceof ArrayBuffer, [...new Uint8Array(b)]];"
    assert run(body, seed) == {"out": [True, [0, 1, 255]]}
    body = (
        "const s = await env.KV.get('t', { type: 'stream', cacheTtl: 120 });"
        "return [s instanceof ReadableStream, await new Response(s).text()];"
    )
    assert run(body, seed) == {"out": [True, "héllo"]}
    assert run(
        "return [await env.KV.get('nope'), await env.KV.get('nope', 'json'), await env.KV.get('nope', 'stream')];"
    ) == {"out": [None, None, None]}
    # A hit resolves as a promise too; the second read of a key is a hit.
    assert run(
        "const a = env.KV.get('t'); await a; return [a instanceof Promise, await env.KV.get('t')];",
        seed,
    ) == {"out": [True, "héllo"]}


def test_get_errors() -> None:
    assert run("return env.KV.get('t', 'xml');") == {
        "error": 'TypeError: Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".'
    }
    assert run("return env.KV.get('x'.repeat(513));") == {
        "error": "Error: KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."
    }
    assert run("return env.KV.get('j', 'json');", {"j": "{not json"})["error"].startswith(
        "SyntaxError"
    )  # type: ignore[index]
    assert run("return env.KV.get('', 'text');")["error"].startswith("Error: KV GET failed: 400")  # type: ignore[index]


def test_get_with_metadata() -> None:
    body = (
        "await env.KV.put('k', 'v', { metadata: { someMetadataKey: 'someMetadataValue' } });"
        "const a = await env.KV.getWithMetadata('k');"
        "const b = await env.KV.getWithMetadata('k', { type: 'json', cacheTtl: 60 }).catch(e => e.name);"
        "const c = await env.KV.getWithMetadata('none');"
        "await env.KV.put('plain', '1');"
        "const d = await env.KV.getWithMetadata('plain', 'json');"
        "return [a, b, c, d];"
    )
    assert run(body) == {
        "out": [
            {
                "value": "v",
                "metadata": {"someMetadataKey": "someMetadataValue"},
                "cacheStatus": None,
            },
            "SyntaxError",
            {"value": None, "metadata": None, "cacheStatus": None},
            {"value": 1, "metadata": None, "cacheStatus": None},
        ]
    }


def test_put_value_kinds() -> None:
    body = (
        "await env.KV.put('s', 'text');"
        "await env.KV.put('ab', new Uint8Array([1, 2, 3]).buffer);"
        "await env.KV.put('ta', new Uint16Array([258]));"
        "await env.KV.put('dv', new DataView(new Uint8Array([9, 8, 7]).buffer, 1, 2));"
        "await env.KV.put('rs', new Response('streamed body').body);"
        "const bytes = async (k) => [...new Uint8Array(await env.KV.get(k, 'arrayBuffer'))];"
        "return [await env.KV.get('s'), await bytes('ab'), await bytes('ta'), await bytes('dv'), await env.KV.get('rs'),"
        " await env.KV.put('n', 42).catch(e => `${e.name}: ${e.message}`)];"
    )
    assert run(body) == {
        "out": [
            "text",
            [1, 2, 3],
            [2, 1],
            [8, 7],
            "streamed body",
            "TypeError: KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.",
        ]
    }


def test_put_limits() -> None:
    def error(call: str) -> str:
        out = run(f"await {call}; return 'ok';")
        return out.get("error", "ok")  # type: ignore[union-attr]

    assert error("env.KV.put('x'.repeat(512), 'v')") == "ok"
    assert error("env.KV.put('é'.repeat(300), 'v')") == (
        "Error: KV PUT failed: 414 UTF-8 encoded length of 600 exceeds key length limit of 512."
    )
    assert error("env.KV.put('k', new Uint8Array(25 * 1024 * 1024 + 1))") == (
        "Error: KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400."
    )
    assert error("env.KV.put('k', 'v', { metadata: 'x'.repeat(1030) })") == (
        "Error: KV PUT failed: 413 Metadata length of 1032 exceeds limit of 1024."
    )
    assert error("env.KV.put('k', 'v', { expirationTtl: 30 })") == (
        "Error: KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60."
    )
    assert error("env.KV.put('k', 'v', { expiration: Date.now() / 1000 + 10 })").startswith(
        "Error: KV PUT failed: 400 Invalid expiration of "
    )
    assert (
        error("env.KV.put('k', 'v', { expiration: Math.floor(Date.now() / 1000) + 120 })") == "ok"
    )
    assert error("env.KV.put('k', 'v', { expirationTtl: 'soon' })").startswith(
        "TypeError: expirationTtl"
    )
    assert error("env.KV.put('k', 'a'); await env.KV.put('k', 'b')") == (
        "Error: KV PUT failed: 429 Too Many Requests"
    )
    assert error("env.KV.delete('x'.repeat(600))").startswith("Error: KV DELETE failed: 414")


def test_delete() -> None:
    body = "const before = await env.KV.get('k'); await env.KV.delete('k'); return [before, await env.KV.get('k'), await env.KV.delete('never')];"
    assert run(body, {"k": "v"}) == {"out": ["v", None, None]}


def test_list_pagination_with_cursor() -> None:
    seed = {f"user:{i:02d}": str(i) for i in range(25)} | {"other": "x"}
    body = (
        "const pages = []; let cursor;"
        "do { const r = await env.KV.list({ prefix: 'user:', limit: 10, cursor });"
        "  pages.push([r.keys.map(k => k.name), r.list_complete, typeof r.cursor]); cursor = r.cursor;"
        "} while (cursor);"
        "const all = await env.KV.list();"
        "return [pages, all.keys.length, all.list_complete, 'cursor' in all];"
    )
    out = run(body, seed)["out"]  # type: ignore[index]
    pages, total, complete, has_cursor = out
    assert [len(p[0]) for p in pages] == [10, 10, 5]
    assert [p[1] for p in pages] == [False, False, True]
    assert [p[2] for p in pages] == ["string", "string", "undefined"]
    assert [name for p in pages for name in p[0]] == [f"user:{i:02d}" for i in range(25)]
    assert (total, complete, has_cursor) == (26, True, False)


def test_list_entries_and_limits() -> None:
    body = (
        "await env.KV.put('a', '1', { metadata: { n: 1 }, expirationTtl: 3600 });"
        "await env.KV.put('b', '2');"
        "const r = await env.KV.list();"
        "const e = [];"
        "for (const limit of [0, 1001, 2.5]) e.push(await env.KV.list({ limit }).catch(x => x.message));"
        "return [r.keys.map(k => [k.name, typeof k.expiration, k.metadata]), r.list_complete, r.cacheStatus, e];"
    )
    out = run(body)["out"]  # type: ignore[index]
    assert out[0] == [["a", "number", {"n": 1}], ["b", "undefined", None]]
    assert out[1] is True and out[2] is None
    assert all(m.startswith("KV LIST failed: 400 Invalid key_count_limit") for m in out[3])


def test_kv_namespace_is_not_constructible_and_only_bound_names_exist() -> None:
    body = (
        "let ctor; try { new env.KV.constructor(); } catch (e) { ctor = e.message; }"
        "return [ctor, String(env.KV), Object.keys(env), env.OTHER === undefined];"
    )
    assert run(body) == {"out": ["Illegal constructor", "[object KVNamespace]", ["KV"], True]}


def test_python_handle_limits_and_seed_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    worker = Worker("export default { fetch: () => new Response('') }", kv={"KV": "ns"})
    ns = worker.kv("ns")
    with pytest.raises(KvLimitError, match="414"):
        ns.put("k" * 513, "v")
    with pytest.raises(KvLimitError, match="expiration_ttl"):
        ns.put("k", "v", expiration_ttl=5)
    path = tmp_path / "bulk.json"
    path.write_text(
        json.dumps(
            [
                {"key": "a", "value": "1", "metadata": {"m": True}},
                {"key": "b", "value": "AAE=", "base64": True},
            ]
        )
    )
    assert ns.seed(path) == 2
    assert ns.get_with_metadata("a") == ("1", {"m": True})
    assert ns.get("b", "bytes") == b"\x00\x01"
    assert ns.list(limit=1)["keys"] == [{"name": "a", "metadata": {"m": True}}]
    with pytest.raises(ConfigError):
        ns.seed(tmp_path / "missing.json")
    with pytest.raises(ConfigError):
        Worker("export default { fetch: () => new Response('') }").kv("ns")
    with pytest.raises(ConfigError):
        Worker("export default { fetch: () => new Response('') }", kv={"KV": ""})


def test_bulk_get() -> None:
    seed = {"a": "1", "b": '{"x": 2}'}
    body = (
        "const m = await env.KV.get(['a', 'b', 'none']);"
        "const j = await env.KV.get(['b'], 'json');"
        "const w = await env.KV.getWithMetadata(['a'], { type: 'text' });"
        "const errors = [];"
        "for (const call of [() => env.KV.get(['a'], 'arrayBuffer'), () => env.KV.get([]),"
        "  () => env.KV.get(Array.from({ length: 101 }, (_, i) => `k${i}`))])"
        "  errors.push(await call().then(() => 'ok', (e) => e.name));"
        "return [m instanceof Map, [...m], [...j], [...w], errors];"
    )
    assert run(body, seed) == {
        "out": [
            True,
            [["a", "1"], ["b", '{"x": 2}'], ["none", None]],
            [["b", {"x": 2}]],
            [["a", {"value": "1", "metadata": None}]],
            ["TypeError", "TypeError", "Error"],
        ]
    }


def test_service_worker_scripts_see_bindings_as_globals() -> None:
    source = """
addEventListener('fetch', (event) => {
  event.respondWith((async () => {
    await MY_KV.put('k', 'from a service worker');
    return new Response(await MY_KV.get('k'));
  })());
});
"""
    worker = Worker(source, kv={"MY_KV": "ns"})
    try:
        assert worker.fetch("https://example.com/").text() == "from a service worker"
    finally:
        worker.close()


def test_the_kv_module_loads_only_when_a_binding_is_used() -> None:
    source = """
export default { async fetch(request, env) {
  const before = typeof KVNamespace;
  if (new URL(request.url).pathname === '/use') await env.KV.get('k');
  return new Response(`${before} ${typeof KVNamespace}`);
} };
"""
    worker = Worker(source, kv={"KV": "ns"}, max_isolates=1)
    try:
        assert worker.fetch("https://example.com/").text() == "undefined undefined"
        assert worker.fetch("https://example.com/use").text() == "undefined function"
    finally:
        worker.close()
