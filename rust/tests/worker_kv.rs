//! KV bindings driven through the step protocol without Python: a hit in the PoP's replica is
//! answered with no operation, a miss is a `Kv` operation whose answer fills the replica, a
//! write is visible at once in its PoP and not in another until the cached copy expires.

use _core::http::Request;
use _core::isolate::compile;
use _core::kv::{ReplicaConfig, SharedKv};
use _core::protocol::{OpKind, OpResult, Operation, Step};
use _core::worker::{Worker, WorkerConfig};

const SEC: u64 = 1_000_000_000;
const T0: u64 = 1_700_000_000 * SEC;

const APP: &str = "export default { async fetch(request, env) {
  const u = new URL(request.url);
  if (u.pathname === '/put') { await env.KV.put('k', u.searchParams.get('v')); return new Response('ok'); }
  try { return new Response(String(await env.KV.get('k'))); } catch (e) { return new Response(e.message, { status: 500 }); }
} }";

fn worker(kv: &SharedKv) -> Worker {
    let config = WorkerConfig {
        kv: Some(kv.clone()),
        bindings_json: r#"[{"name": "KV", "type": "kv", "namespace": "ns"}]"#.into(),
        ..WorkerConfig::default()
    };
    Worker::new(compile("w.js", APP).expect("compiles"), config, T0).expect("loads")
}

fn one(steps: Vec<Step>) -> Step {
    assert_eq!(steps.len(), 1, "{steps:?}");
    steps.into_iter().next().unwrap()
}

fn kv_op(step: &Step) -> (&Operation, &'static str, &str) {
    let op = step.ops.first().expect("an operation");
    let OpKind::Kv {
        namespace,
        method,
        args,
        ..
    } = &op.kind
    else {
        panic!("{op:?}")
    };
    assert_eq!(namespace, "ns");
    (op, method, args)
}

fn body(step: &Step) -> String {
    String::from_utf8(step.response.as_ref().expect("response").body.as_bytes().to_vec()).unwrap()
}

fn value(json: &str, bytes: Option<&str>) -> OpResult {
    OpResult::Value {
        json: json.into(),
        bytes: bytes.map(|b| b.as_bytes().to_vec()),
    }
}

#[test]
fn hits_need_no_operation_and_misses_fill_the_replica() {
    let kv = SharedKv::new(ReplicaConfig::default());
    let w = worker(&kv);
    let step = one(w.begin(&Request::get("https://a.test/"), None, T0));
    let (op, method, args) = kv_op(&step);
    assert_eq!(method, "get");
    assert_eq!(args, r#"{"cacheTtl":60,"key":"k"}"#);
    let step = one(w.complete(op.id, value(r#"{"found":true,"version":5}"#, Some("v0")), T0 + SEC));
    assert_eq!(body(&step), "v0");
    let reads = &step.stats.as_ref().unwrap().kv_reads;
    assert_eq!((reads.len(), reads[0].hit, reads[0].version_ns), (1, false, 5));

    // Cached for 60 s from the fill: a hit, no operation.
    let step = one(w.begin(&Request::get("https://a.test/"), None, T0 + 60 * SEC));
    assert!(step.ops.is_empty() && step.done);
    assert_eq!(body(&step), "v0");
    assert!(step.stats.as_ref().unwrap().kv_reads[0].hit);
    // Then a miss again.
    let step = one(w.begin(&Request::get("https://a.test/"), None, T0 + 61 * SEC));
    assert_eq!(kv_op(&step).1, "get");
}

#[test]
fn negative_answers_are_cached() {
    let kv = SharedKv::default();
    let w = worker(&kv);
    let step = one(w.begin(&Request::get("https://a.test/"), None, T0));
    let step = one(w.complete(kv_op(&step).0.id, value(r#"{"found":false,"version":0}"#, None), T0));
    assert_eq!(body(&step), "null");
    let step = one(w.begin(&Request::get("https://a.test/"), None, T0 + 10 * SEC));
    assert!(step.ops.is_empty());
    assert_eq!(body(&step), "null");
    assert_eq!(kv.lock().metrics().negative_hits, 1);
}

#[test]
fn a_write_is_visible_at_once_in_its_pop_only() {
    let (here, there) = (SharedKv::default(), SharedKv::default());
    let (w_here, w_there) = (worker(&here), worker(&there));
    // `there` caches v0.
    let step = one(w_there.begin(&Request::get("https://a.test/"), None, T0));
    one(w_there.complete(
        kv_op(&step).0.id,
        value(r#"{"found":true,"version":1}"#, Some("v0")),
        T0,
    ));
    // `here` writes v1: a put operation carrying the bytes.
    let step = one(w_here.begin(&Request::get("https://a.test/put?v=v1"), None, T0 + SEC));
    let op = step.ops.first().unwrap();
    let OpKind::Kv {
        method, value: data, ..
    } = &op.kind
    else {
        panic!()
    };
    assert_eq!((*method, data.as_ref().unwrap().as_bytes()), ("put", &b"v1"[..]));
    one(w_here.complete(op.id, value(r#"{"version":7}"#, None), T0 + SEC));
    let step = one(w_here.begin(&Request::get("https://a.test/"), None, T0 + 2 * SEC));
    assert!(step.ops.is_empty());
    assert_eq!(body(&step), "v1");
    let step = one(w_there.begin(&Request::get("https://a.test/"), None, T0 + 2 * SEC));
    assert!(step.ops.is_empty());
    assert_eq!(body(&step), "v0");
}

#[test]
fn a_refused_write_rejects_and_changes_nothing() {
    let kv = SharedKv::default();
    let w = worker(&kv);
    let step = one(w.begin(&Request::get("https://a.test/put?v=x"), None, T0));
    let step = one(w.complete(
        kv_op(&step).0.id,
        OpResult::Error {
            name: "Error".into(),
            message: "KV PUT failed: 429 Too Many Requests".into(),
        },
        T0,
    ));
    assert_eq!(step.response.unwrap().status, 500);
    assert!(kv.lock().entries("ns", T0).is_empty());
}
