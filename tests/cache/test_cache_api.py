"""The Workers Cache API: its rules through the Python binding, then from workers sharing a
PoP's `CacheStore` (`caches.default`, `caches.open`), and outbound `fetch` through the cache with
the `cf` options, in virtual time."""

from __future__ import annotations

import pytest

from edgert import Request, Response, VirtualTimeHost, Worker
from edgert._core import HttpCache
from edgert.cache import CacheStore
from edgert.errors import CachePutError

T0 = 1_700_000_000.0
URL = "https://example.com/api"
FRESH = [("cache-control", "max-age=60")]


@pytest.mark.parametrize(
    ("method", "status", "headers"),
    [
        ("POST", 200, FRESH),
        ("HEAD", 200, FRESH),
        ("GET", 206, FRESH),
        ("GET", 200, [*FRESH, ("vary", "*")]),
    ],
)
def test_put_rejects(method: str, status: int, headers: list[tuple[str, str]]) -> None:
    cache = HttpCache()
    with pytest.raises(CachePutError):
        cache.put(method, URL, [], status, headers, b"x", T0)
    with pytest.raises(TypeError):
        cache.put(method, URL, [], status, headers, b"x", T0)


def test_put_match_delete() -> None:
    cache = HttpCache()
    assert cache.put("GET", URL, [], 200, [*FRESH, ("etag", '"e"')], b"body", T0) is True
    found = cache.match("GET", URL, [], T0 + 5)
    assert found is not None
    assert (found.status, found.body, found.cache_status) == (200, b"body", "HIT")
    assert found.header("age") == "5"
    assert cache.match("GET", URL, [], T0 + 60) is None, "expired responses are not matched"
    assert cache.match("POST", URL, [], T0 + 1) is None
    assert cache.match("POST", URL, [], T0 + 1, ignore_method=True) is not None
    not_modified = cache.match("GET", URL, [("if-none-match", '"e"')], T0 + 1)
    assert not_modified is not None and not_modified.status == 304
    assert cache.delete("GET", URL) is True
    assert cache.delete("GET", URL) is False
    assert cache.match("GET", URL, [], T0 + 1) is None


def test_put_declines_set_cookie_and_no_store() -> None:
    cache = HttpCache()
    assert cache.put("GET", URL, [], 200, [*FRESH, ("set-cookie", "a=1")], b"x", T0) is False
    assert cache.put("GET", URL, [], 200, [("cache-control", "no-store")], b"x", T0) is False
    allowed = [("cache-control", "max-age=60, private=set-cookie"), ("set-cookie", "a=1")]
    assert cache.put("GET", URL, [], 200, allowed, b"x", T0) is True
    found = cache.match("GET", URL, [], T0 + 1)
    assert found is not None and found.header("set-cookie") is None


def test_put_with_cache_ttl_override() -> None:
    cache = HttpCache()
    no_store = [("cache-control", "no-store")]
    stored = cache.put("GET", URL, [], 200, no_store, b"x", T0, cf={"cacheTtl": 10})
    assert stored is True
    assert cache.match("GET", URL, [], T0 + 9, cf={"cacheTtl": 10}) is not None
    assert cache.match("GET", URL, [], T0 + 10) is None


# ---- the Cache API and cached outbound fetch from a worker (a PoP's shared CacheStore)


ORIGIN = "https://origin.test"


class Origin:
    """A fetch handler that counts what reaches it and answers with fixed headers."""

    def __init__(self, headers: list[tuple[str, str]] | None = None, status: int = 200) -> None:
        self.headers = headers or []
        self.status = status
        self.seen: list[Request] = []

    def __call__(self, request: Request) -> Response:
        self.seen.append(request)
        body = f"origin {len(self.seen)} {request.url}"
        return Response(body, status=self.status, headers=self.headers)


def run(worker: Worker, url: str, origin: Origin, at: float = T0) -> Response:
    """One request through `worker` at virtual time `at`, outbound fetches answered by `origin`."""
    host = VirtualTimeHost(start=at, fetch_handler=origin)
    return host.fetch(worker.core, Request(url))


# The Workers documentation's Cache API example: match, else fetch and `cache.put` in waitUntil.
CACHE_EXAMPLE = """
export default {
  async fetch(request, env, ctx) {
    const cacheKey = new Request(new URL(request.url).toString(), request);
    const cache = caches.default;
    let response = await cache.match(cacheKey);
    if (!response) {
      const upstream = await fetch('https://origin.test' + new URL(request.url).pathname);
      response = new Response(await upstream.text(), upstream);
      response.headers.append('Cache-Control', 's-maxage=10');
      ctx.waitUntil(cache.put(cacheKey, response.clone()));
      response.headers.set('x-served', 'origin');
    } else {
      response = new Response(response.body, response);
      response.headers.set('x-served', 'cache');
    }
    return response;
  }
}
"""


def test_documented_example_caches_with_put_in_wait_until() -> None:
    worker, origin = Worker(CACHE_EXAMPLE, cache=CacheStore()), Origin()
    first = run(worker, "https://edge.test/a", origin)
    assert (
        first.headers["x-served"] == "origin" and first.text() == "origin 1 https://origin.test/a"
    )
    second = run(worker, "https://edge.test/a", origin, at=T0 + 5)
    assert second.headers["x-served"] == "cache"
    assert second.text() == "origin 1 https://origin.test/a"
    assert second.headers["cf-cache-status"] == "HIT" and second.headers["age"] == "5"
    assert len(origin.seen) == 1, "the hit never reached the host"
    other = run(worker, "https://edge.test/b", origin, at=T0 + 5)
    assert other.headers["x-served"] == "origin"
    expired = run(worker, "https://edge.test/a", origin, at=T0 + 10)
    assert expired.headers["x-served"] == "origin" and len(origin.seen) == 3


def js_result(worker: Worker, at: float = T0) -> object:
    """Runs one request through `worker` (an `api_worker`) and returns its JSON answer."""
    return run(worker, "https://edge.test/", Origin(), at=at).json()


def api_worker(body: str, store: CacheStore) -> Worker:
    src = "export default { async fetch(request, env, ctx) {" + body + "} }"
    return Worker(src, cache=store)


def test_match_hits_and_misses_and_put_returns_undefined() -> None:
    store = CacheStore()
    w = api_worker(
        """
        const cache = caches.default;
        const before = await cache.match('https://x.test/k');
        const r = new Response('hello', { headers: { 'cache-control': 'max-age=60', 'x-a': '1' } });
        const put = await cache.put('https://x.test/k', r);
        const hit = await cache.match(new Request('https://x.test/k'));
        const post = await cache.match(new Request('https://x.test/k', { method: 'POST' }));
        const ignored = await cache.match(new Request('https://x.test/k', { method: 'POST' }), { ignoreMethod: true });
        return Response.json({
          before: before === undefined, put: put === undefined, used: r.bodyUsed,
          hit: [hit.status, await hit.text(), hit.headers.get('x-a'), hit.headers.get('cf-cache-status')],
          post: post === undefined, ignored: ignored !== undefined,
        });
        """,
        store,
    )
    assert js_result(w) == {
        "before": True,
        "put": True,
        "used": True,
        "hit": [200, "hello", "1", "HIT"],
        "post": True,
        "ignored": True,
    }
    assert store.metrics()["entries"] == 1


REJECTIONS = """
const cache = caches.default;
const attempt = async (req, res) => {
  try { await cache.put(req, res); return 'stored'; } catch (e) { return e.name + ': ' + e.message; }
};
const fresh = { 'cache-control': 'max-age=60' };
return Response.json([
  await attempt(new Request('https://x.test/p', { method: 'POST' }), new Response('x', { headers: fresh })),
  await attempt('https://x.test/r', new Response('x', { status: 206, headers: fresh })),
  await attempt('https://x.test/v', new Response('x', { headers: { ...fresh, vary: '*' } })),
  await attempt('https://x.test/ok', new Response('x', { headers: fresh })),
  await cache.match('https://x.test/p', { ignoreMethod: true }) === undefined,
]);
"""


def test_put_rejects_non_get_206_and_vary_star_with_type_error() -> None:
    store = CacheStore()
    out = js_result(api_worker(REJECTIONS, store))
    assert out == [
        "TypeError: Cannot cache response to non-GET request.",
        "TypeError: Cannot cache response with status 206 (Partial Content).",
        "TypeError: Cannot cache response with 'Vary: *' header.",
        "stored",
        True,
    ]
    assert store.metrics()["entries"] == 1


def test_put_honours_response_cache_control() -> None:
    store = CacheStore()
    w = api_worker(
        """
        const cache = caches.default;
        await cache.put('https://x.test/ns', new Response('x', { headers: { 'cache-control': 'no-store' } }));
        await cache.put('https://x.test/pv', new Response('x', { headers: { 'cache-control': 'private, max-age=60' } }));
        await cache.put('https://x.test/ok', new Response('x', { headers: { 'cache-control': 'max-age=5' } }));
        const m = async (u) => (await cache.match(u)) !== undefined;
        return Response.json([await m('https://x.test/ns'), await m('https://x.test/pv'), await m('https://x.test/ok')]);
        """,
        store,
    )
    assert js_result(w) == [False, False, True]
    probe = api_worker(
        "return Response.json(await caches.default.match('https://x.test/ok') !== undefined)", store
    )
    assert js_result(probe, at=T0 + 4) is True
    assert js_result(probe, at=T0 + 5) is False, "expired in virtual time"


def test_vary_selects_by_request_headers() -> None:
    w = api_worker(
        """
        const cache = caches.default;
        const req = (lang) => new Request('https://x.test/v', { headers: { 'accept-language': lang } });
        await cache.put(req('en'), new Response('english', { headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' } }));
        await cache.put(req('fr'), new Response('french', { headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' } }));
        const text = async (lang) => { const r = await cache.match(req(lang)); return r && await r.text(); };
        return Response.json([await text('en'), await text('fr'), await text('de') ?? null]);
        """,
        CacheStore(),
    )
    assert js_result(w) == ["english", "french", None]


def test_delete_and_named_caches() -> None:
    store = CacheStore()
    w = api_worker(
        """
        const fresh = () => new Response('v', { headers: { 'cache-control': 'max-age=60' } });
        const mine = await caches.open('mine');
        const again = await caches.open('mine');
        await mine.put('https://x.test/n', fresh());
        const inDefault = await caches.default.match('https://x.test/n');
        const inMine = await again.match('https://x.test/n');
        const postDelete = await mine.delete(new Request('https://x.test/n', { method: 'POST' }));
        const deleted = await mine.delete('https://x.test/n');
        const deletedAgain = await mine.delete('https://x.test/n');
        return Response.json([mine === again, inDefault === undefined, inMine !== undefined, postDelete, deleted, deletedAgain,
          await mine.match('https://x.test/n') === undefined, String(caches), String(mine)]);
        """,
        store,
    )
    assert js_result(w) == [
        True,
        True,
        True,
        False,
        True,
        False,
        True,
        "[object CacheStorage]",
        "[object Cache]",
    ]
    assert store.names() == ["mine"]


def test_workers_of_a_pop_share_the_store() -> None:
    store = CacheStore()
    writer = api_worker(
        """await caches.default.put('https://x.test/s', new Response('shared', { headers: { 'cache-control': 'max-age=60' } }));
        return new Response('ok');""",
        store,
    )
    reader = api_worker(
        "const r = await caches.default.match('https://x.test/s'); return new Response(r ? await r.text() : 'none');",
        store,
    )
    assert run(reader, "https://edge.test/", Origin()).text() == "none"
    run(writer, "https://edge.test/", Origin())
    assert run(reader, "https://edge.test/", Origin()).text() == "shared"
    private = api_worker(
        "const r = await caches.default.match('https://x.test/s'); return new Response(r ? 'found' : 'none');",
        CacheStore(),
    )
    assert run(private, "https://edge.test/", Origin()).text() == "none"


# ---- outbound fetch through the PoP's cache, and its `cf` options


def proxy(cf: str = "undefined") -> str:
    return (
        "export default { async fetch(request) {"
        "  const u = new URL(request.url);"
        f"  const r = await fetch('{ORIGIN}' + u.pathname, {{ cf: {cf} }});"
        "  return new Response(await r.text(), { status: r.status,"
        "    headers: { 'x-cache': r.headers.get('cf-cache-status') || '-', 'x-age': r.headers.get('age') || '-' } });"
        "} }"
    )


def test_fetch_within_ttl_does_not_reach_the_host() -> None:
    worker = Worker(proxy(), cache=CacheStore())
    origin = Origin([("cache-control", "max-age=60")])
    first = run(worker, "https://edge.test/a", origin)
    assert first.headers["x-cache"] == "MISS" and first.text() == "origin 1 https://origin.test/a"
    second = run(worker, "https://edge.test/a", origin, at=T0 + 30)
    assert (second.headers["x-cache"], second.headers["x-age"]) == ("HIT", "30")
    assert second.text() == "origin 1 https://origin.test/a"
    assert second.stats is not None and second.stats.ops == 0, "a hit is not an operation"
    assert len(origin.seen) == 1
    later = run(worker, "https://edge.test/a", origin, at=T0 + 61)
    assert (
        later.headers["x-cache"] == "EXPIRED" and later.text() == "origin 2 https://origin.test/a"
    )


def test_fetch_without_a_store_is_not_cached() -> None:
    worker = Worker(proxy())
    origin = Origin([("cache-control", "max-age=60")])
    run(worker, "https://edge.test/a", origin)
    again = run(worker, "https://edge.test/a", origin, at=T0 + 1)
    assert again.headers["x-cache"] == "-" and len(origin.seen) == 2


def test_cache_ttl_overrides_the_origin() -> None:
    worker = Worker(proxy("{ cacheTtl: 30 }"), cache=CacheStore())
    origin = Origin([("cache-control", "no-store")])
    run(worker, "https://edge.test/a", origin)
    hit = run(worker, "https://edge.test/a", origin, at=T0 + 29)
    assert hit.headers["x-cache"] == "HIT" and len(origin.seen) == 1
    run(worker, "https://edge.test/a", origin, at=T0 + 30)
    assert len(origin.seen) == 2, "the forced TTL ends in virtual time"
    negative = Worker(proxy("{ cacheTtl: -1 }"), cache=CacheStore())
    fresh_origin = Origin([("cache-control", "max-age=60")])
    run(negative, "https://edge.test/a", fresh_origin)
    run(negative, "https://edge.test/a", fresh_origin, at=T0 + 1)
    assert len(fresh_origin.seen) == 2, "a negative cacheTtl does not cache"


def test_cache_everything_uses_default_edge_ttl() -> None:
    origin = Origin()  # no freshness information at all
    plain = Worker(proxy(), cache=CacheStore())
    run(plain, "https://edge.test/a", origin)
    assert run(plain, "https://edge.test/a", origin, at=T0 + 1).headers["x-cache"] == "DYNAMIC"
    assert len(origin.seen) == 2
    origin = Origin()
    everything = Worker(proxy("{ cacheEverything: true }"), cache=CacheStore())
    run(everything, "https://edge.test/a", origin)
    assert run(everything, "https://edge.test/a", origin, at=T0 + 7199).headers["x-cache"] == "HIT"
    assert run(everything, "https://edge.test/a", origin, at=T0 + 7200).headers["x-cache"] != "HIT"
    assert len(origin.seen) == 2


def test_cache_key_replaces_the_url() -> None:
    worker = Worker(proxy("{ cacheKey: 'one-key', cacheTtl: 60 }"), cache=CacheStore())
    origin = Origin()
    run(worker, "https://edge.test/a", origin)
    other = run(worker, "https://edge.test/b", origin, at=T0 + 1)
    assert other.headers["x-cache"] == "HIT" and other.text() == "origin 1 https://origin.test/a"
    assert len(origin.seen) == 1


def test_cache_ttl_by_status() -> None:
    worker = Worker(proxy("{ cacheTtlByStatus: { '200-299': 10, '404': -1 } }"), cache=CacheStore())
    missing = Origin([("cache-control", "max-age=600")], status=404)
    run(worker, "https://edge.test/gone", missing)
    run(worker, "https://edge.test/gone", missing, at=T0 + 1)
    assert len(missing.seen) == 2, "404: -1 does not cache"
    ok = Origin()
    run(worker, "https://edge.test/ok", ok)
    assert run(worker, "https://edge.test/ok", ok, at=T0 + 9).headers["x-cache"] == "HIT"
    run(worker, "https://edge.test/ok", ok, at=T0 + 10)
    assert len(ok.seen) == 2


def test_invalid_cf_option_rejects_the_fetch() -> None:
    src = (
        "export default { async fetch() { try { await fetch('https://origin.test/', { cf: { cacheTtl: 'x' } }); return new Response('no') }"
        " catch (e) { return new Response(e.name + ': ' + e.message) } } }"
    )
    worker = Worker(src, cache=CacheStore())
    assert (
        run(worker, "https://edge.test/", Origin()).text()
        == "TypeError: cf.cacheTtl has the wrong type"
    )


def test_revalidation_sends_the_validator_and_stores_the_304() -> None:
    worker = Worker(proxy(), cache=CacheStore())
    calls: list[Request] = []

    def origin(request: Request) -> Response:
        calls.append(request)
        if request.headers.get("if-none-match") == '"v1"':
            return Response(
                None, status=304, headers=[("cache-control", "max-age=10"), ("etag", '"v1"')]
            )
        return Response("body v1", headers=[("cache-control", "max-age=10"), ("etag", '"v1"')])

    host = VirtualTimeHost(start=T0, fetch_handler=origin)
    host.fetch(worker.core, Request("https://edge.test/r"))
    host = VirtualTimeHost(start=T0 + 11, fetch_handler=origin)
    revalidated = host.fetch(worker.core, Request("https://edge.test/r"))
    assert calls[1].headers.get("if-none-match") == '"v1"'
    assert revalidated.headers["x-cache"] == "REVALIDATED" and revalidated.text() == "body v1"
    host = VirtualTimeHost(start=T0 + 15, fetch_handler=origin)
    assert host.fetch(worker.core, Request("https://edge.test/r")).headers["x-cache"] == "HIT"
    assert len(calls) == 2


def test_stale_while_revalidate_serves_at_once_and_updates_in_background() -> None:
    worker = Worker(proxy(), cache=CacheStore())
    origin = Origin([("cache-control", "max-age=10, stale-while-revalidate=60")])
    run(worker, "https://edge.test/s", origin)
    updating = run(worker, "https://edge.test/s", origin, at=T0 + 20)
    assert (
        updating.headers["x-cache"] == "UPDATING"
        and updating.text() == "origin 1 https://origin.test/s"
    )
    assert len(origin.seen) == 2, "the background revalidation reached the host"
    fresh = run(worker, "https://edge.test/s", origin, at=T0 + 21)
    assert fresh.headers["x-cache"] == "HIT" and fresh.text() == "origin 2 https://origin.test/s"


def test_fetch_and_cache_default_are_one_cache() -> None:
    store = CacheStore()
    seed = api_worker(
        """await caches.default.put('https://origin.test/p', new Response('put by a worker', { headers: { 'cache-control': 'max-age=60' } }));
        return new Response('ok');""",
        store,
    )
    run(seed, "https://edge.test/", Origin())
    worker, origin = Worker(proxy(), cache=store), Origin()
    served = run(worker, "https://edge.test/p", origin, at=T0 + 1)
    assert served.text() == "put by a worker" and served.headers["x-cache"] == "HIT"
    assert origin.seen == []


def test_stale_if_error_serves_the_stored_response_when_the_origin_fails() -> None:
    worker = Worker(proxy(), cache=CacheStore())
    origin = Origin([("cache-control", "max-age=1, stale-if-error=60")])
    run(worker, "https://edge.test/e", origin)
    failing = Origin(status=503)
    stale = run(worker, "https://edge.test/e", failing, at=T0 + 10)
    assert stale.headers["x-cache"] == "STALE" and stale.text() == "origin 1 https://origin.test/e"
    assert len(failing.seen) == 1, "the origin was tried"


def test_non_get_fetches_pass_through_as_dynamic() -> None:
    src = (
        "export default { async fetch() {"
        "  const r = await fetch('https://origin.test/form', { method: 'POST', body: 'a=1' });"
        "  return new Response(await r.text(), { headers: { 'x-cache': r.headers.get('cf-cache-status') } });"
        "} }"
    )
    worker = Worker(src, cache=CacheStore())
    origin = Origin([("cache-control", "max-age=60")])
    first = run(worker, "https://edge.test/", origin)
    second = run(worker, "https://edge.test/", origin, at=T0 + 1)
    assert (
        first.headers["x-cache"] == "DYNAMIC"
        and second.text() == "origin 2 https://origin.test/form"
    )
    assert origin.seen[0].method == "POST" and origin.seen[0].body == b"a=1"
