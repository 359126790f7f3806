//! The worker pool driven through the step protocol, without Python: a virtual clock is just
//! the `now_ns` argument.

use _core::http::{Body, Headers, Request, Response};
use _core::isolate::{compile, Limits};
use _core::protocol::{OpKind, OpResult, Outcome, Step};
use _core::worker::{Worker, WorkerConfig};

const SEC: u64 = 1_000_000_000;

fn worker(src: &str, config: WorkerConfig) -> Worker {
    Worker::new(compile("w.js", src).expect("compiles"), config, SEC).expect("loads")
}

fn one(steps: Vec<Step>) -> Step {
    assert_eq!(steps.len(), 1, "{steps:?}");
    steps.into_iter().next().unwrap()
}

#[test]
fn hello_responds_in_one_step_with_stats() {
    let w = worker(
        "export default { fetch() { return new Response('ok', { headers: { 'x-a': 'b' } }) } }",
        WorkerConfig::default(),
    );
    let step = one(w.begin(&Request::get("https://a.test/"), None, 2 * SEC));
    let response = step.response.expect("response");
    assert_eq!(response.status, 200);
    assert_eq!(response.body.as_bytes(), b"ok");
    assert_eq!(response.headers.get("x-a"), Some("b"));
    assert!(step.done && step.ops.is_empty());
    let stats = step.stats.expect("stats");
    assert_eq!(stats.outcome, Outcome::Ok);
    assert!(stats.cpu_ns > 0);
}

#[test]
fn outbound_fetch_is_an_operation_the_host_completes() {
    let w = worker(
        "export default { async fetch() { const r = await fetch('https://origin.test/x', { headers: { 'x-k': 'v' } }); return new Response('got ' + await r.text(), { status: r.status }) } }",
        WorkerConfig::default(),
    );
    let step = one(w.begin(&Request::get("https://a.test/"), None, 2 * SEC));
    assert!(step.response.is_none() && !step.done);
    let op = step.ops.into_iter().next().expect("a fetch operation");
    let OpKind::Fetch(req) = &op.kind else { panic!("{op:?}") };
    assert_eq!(req.url, "https://origin.test/x");
    assert_eq!(req.headers.get("x-k"), Some("v"));
    let reply = Response::new(201, Headers::new(), Body::from("body"));
    let step = one(w.complete(op.id, OpResult::Response(reply), 3 * SEC));
    let response = step.response.expect("response");
    assert_eq!((response.status, response.body.as_bytes()), (201, &b"got body"[..]));
    assert_eq!(step.stats.unwrap().wall_ms, 1000.0);
    assert!(
        w.complete(op.id, OpResult::Fired, 4 * SEC).is_empty(),
        "a completed id is unknown afterwards"
    );
}

#[test]
fn cpu_limit_breaks_and_replaces_the_isolate() {
    let config = WorkerConfig {
        limits: Limits {
            cpu_ms: 10.0,
            ..Limits::default()
        },
        ..WorkerConfig::default()
    };
    let w = worker(
        "export default { fetch(r) { if (r.url.endsWith('/spin')) for (;;) {} return new Response('ok') } }",
        config,
    );
    let step = one(w.begin(&Request::get("https://a.test/spin"), None, SEC));
    assert_eq!(step.response.unwrap().status, 503);
    assert_eq!(step.stats.unwrap().outcome, Outcome::ExceededCpu);
    let created = w.pool_stats().created;
    let step = one(w.begin(&Request::get("https://a.test/ok"), None, SEC));
    assert_eq!(step.response.unwrap().status, 200);
    assert_eq!(w.pool_stats().created, created + 1);
    assert_eq!(w.pool_stats().discarded, 1);
}

#[test]
fn abort_ends_a_pending_task_and_a_lonely_promise_never_settles() {
    let w = worker(
        "export default { async fetch(r) { if (r.url.endsWith('/t')) await new Promise(ok => setTimeout(ok, 60000)); else await new Promise(() => {}); return new Response('late') } }",
        WorkerConfig::default(),
    );
    let step = one(w.begin(&Request::get("https://a.test/t"), None, SEC));
    assert!(matches!(step.ops[0].kind, OpKind::Timer { at_ns } if at_ns == SEC + 60 * SEC));
    let step = one(w.abort(step.task, 2 * SEC));
    assert_eq!(step.response.unwrap().status, 504);
    assert_eq!(step.stats.unwrap().outcome, Outcome::Canceled);
    let step = one(w.begin(&Request::get("https://a.test/n"), None, SEC));
    assert_eq!(step.stats.unwrap().outcome, Outcome::NeverSettled);
}

#[test]
fn wait_until_keeps_the_task_open_after_the_response() {
    let w = worker(
        "export default { fetch(r, env, ctx) { ctx.waitUntil(new Promise(ok => setTimeout(ok, 5))); return new Response('now') } }",
        WorkerConfig::default(),
    );
    let step = one(w.begin(&Request::get("https://a.test/"), None, SEC));
    assert!(step.response.is_some() && !step.done);
    let timer = step.ops[0].id;
    let step = one(w.complete(timer, OpResult::Fired, SEC + 5_000_000));
    assert!(step.done && step.response.is_none());
}

#[test]
fn seeded_randomness_is_reproducible() {
    let src = "export default { fetch() { return new Response(String(Math.random())) } }";
    let run = |seed| {
        let w = worker(
            src,
            WorkerConfig {
                seed: Some(seed),
                ..WorkerConfig::default()
            },
        );
        one(w.begin(&Request::get("https://a.test/"), None, SEC))
            .response
            .unwrap()
            .body
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}
