//! Outbound fetch through a PoP's shared cache and the Cache API, driven through the step
//! protocol without Python (virtual time is the `now_ns` argument).

use _core::cache::{CacheConfig, SharedCache};
use _core::http::{Body, Headers, Request, Response};
use _core::isolate::compile;
use _core::protocol::{OpKind, OpResult, Step};
use _core::worker::{Worker, WorkerConfig};

const SEC: u64 = 1_000_000_000;
const T0: u64 = 1_700_000_000 * SEC;

const PROXY: &str = "export default { async fetch(request) {
  const r = await fetch('https://origin.test' + new URL(request.url).pathname);
  return new Response(await r.text(), { headers: { 'x-cache': r.headers.get('cf-cache-status') || '-' } });
} }";

fn worker(src: &str, cache: &SharedCache) -> Worker {
    let config = WorkerConfig {
        cache: Some(cache.clone()),
        ..WorkerConfig::default()
    };
    Worker::new(compile("w.js", src).expect("compiles"), config, T0).expect("loads")
}

fn one(steps: Vec<Step>) -> Step {
    assert_eq!(steps.len(), 1, "{steps:?}");
    steps.into_iter().next().unwrap()
}

fn origin_response(body: &str, cache_control: &str) -> Response {
    let mut headers = Headers::new();
    headers.append("cache-control", cache_control).unwrap();
    Response::new(200, headers, Body::from_bytes(body.as_bytes().to_vec()))
}

#[test]
fn a_fresh_hit_answers_without_an_operation() {
    let cache = SharedCache::new(CacheConfig::default());
    let w = worker(PROXY, &cache);
    let step = one(w.begin(&Request::get("https://edge.test/a"), None, T0));
    let op = step.ops.into_iter().next().expect("the miss is an operation");
    let OpKind::Fetch(req) = &op.kind else { panic!("{op:?}") };
    assert_eq!(req.url, "https://origin.test/a");
    let step = one(w.complete(
        op.id,
        OpResult::Response(origin_response("one", "max-age=60")),
        T0 + SEC,
    ));
    let response = step.response.expect("response");
    assert_eq!(response.headers.get("x-cache"), Some("MISS"));

    let step = one(w.begin(&Request::get("https://edge.test/a"), None, T0 + 30 * SEC));
    assert!(step.ops.is_empty() && step.done, "{step:?}");
    let response = step.response.expect("served from the cache");
    assert_eq!(response.body.as_bytes(), b"one");
    assert_eq!(response.headers.get("x-cache"), Some("HIT"));

    let step = one(w.begin(&Request::get("https://edge.test/a"), None, T0 + 62 * SEC));
    assert_eq!(step.ops.len(), 1, "expired in virtual time");
}

#[test]
fn a_second_worker_of_the_pop_hits_what_the_first_stored() {
    let cache = SharedCache::new(CacheConfig::default());
    let writer = worker(
        "export default { async fetch() { await caches.default.put('https://x.test/k', new Response('v', { headers: { 'cache-control': 'max-age=60' } })); return new Response('ok') } }",
        &cache,
    );
    let reader = worker(
        "export default { async fetch() { const r = await caches.default.match('https://x.test/k'); return new Response(r ? await r.text() : 'none') } }",
        &cache,
    );
    let body = |step: Step| step.response.expect("response").body.as_bytes().to_vec();
    assert_eq!(
        body(one(reader.begin(&Request::get("https://e.test/"), None, T0))),
        b"none"
    );
    assert!(one(writer.begin(&Request::get("https://e.test/"), None, T0)).done);
    assert_eq!(
        body(one(reader.begin(&Request::get("https://e.test/"), None, T0 + SEC))),
        b"v"
    );
    assert_eq!(cache.lock().default_cache().metrics().entries, 1);
}

#[test]
fn a_304_that_validates_nothing_stored_becomes_a_new_operation() {
    let cache = SharedCache::new(CacheConfig::default());
    let w = worker(PROXY, &cache);
    let mut first = origin_response("v1", "max-age=1");
    first.headers.append("etag", "\"v1\"").unwrap();
    let op = one(w.begin(&Request::get("https://edge.test/r"), None, T0))
        .ops
        .remove(0);
    assert!(one(w.complete(op.id, OpResult::Response(first), T0)).done);

    let step = one(w.begin(&Request::get("https://edge.test/r"), None, T0 + 5 * SEC));
    let op = step.ops.into_iter().next().expect("a revalidation");
    let OpKind::Fetch(req) = &op.kind else { panic!("{op:?}") };
    assert_eq!(req.headers.get("if-none-match"), Some("\"v1\""));
    cache.lock().default_cache().purge_all();
    let not_modified = Response::new(304, Headers::new(), Body::none());
    let step = one(w.complete(op.id, OpResult::Response(not_modified), T0 + 6 * SEC));
    assert!(step.response.is_none() && !step.done, "{step:?}");
    let op = step.ops.into_iter().next().expect("the unconditional refetch");
    let OpKind::Fetch(req) = &op.kind else { panic!("{op:?}") };
    assert_eq!(req.headers.get("if-none-match"), None);
    let step = one(w.complete(
        op.id,
        OpResult::Response(origin_response("v2", "max-age=60")),
        T0 + 7 * SEC,
    ));
    let response = step.response.expect("response");
    assert_eq!(response.body.as_bytes(), b"v2");
    assert!(step.done);
}
