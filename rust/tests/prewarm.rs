//! A spare isolate made by `Worker::prewarm` (runtime, context and prelude ready, no worker)
//! serves the next cold start, with the worker's limits, clock and bindings.

use _core::http::Request;
use _core::isolate::{compile, Limits};
use _core::protocol::{Outcome, Step};
use _core::worker::{Worker, WorkerConfig};

const SEC: u64 = 1_000_000_000;

fn worker(src: &str, config: WorkerConfig) -> Worker {
    Worker::new(compile("w.js", src).expect("compiles"), config, SEC).expect("loads")
}

fn one(steps: Vec<Step>) -> Step {
    assert_eq!(steps.len(), 1, "{steps:?}");
    steps.into_iter().next().unwrap()
}

fn no_warm_isolates() -> WorkerConfig {
    WorkerConfig {
        min_isolates: 0,
        env_json: r#"{"GREETING":"hi"}"#.into(),
        ..WorkerConfig::default()
    }
}

#[test]
fn the_next_cold_start_takes_the_spare() {
    let w = worker(
        "const loadedAt = Date.now(); let n = 0; export default { fetch(req, env) { n++; return new Response(`${env.GREETING} ${loadedAt} ${n}`) } }",
        no_warm_isolates(),
    );
    assert!(!w.has_spare());
    assert!(w.prewarm(5 * SEC));
    assert!(w.has_spare());
    assert!(!w.prewarm(6 * SEC), "one spare at a time");
    let step = one(w.begin(&Request::get("https://a.test/"), None, 7 * SEC));
    let stats = step.stats.expect("stats");
    assert!(stats.cold_start);
    assert!(stats.prewarmed, "the stats say the cold start took the spare");
    assert_eq!(stats.outcome, Outcome::Ok);
    assert!(!w.has_spare(), "the spare became the isolate");
    // The module was evaluated at the request's time, not the prewarm's, with the env.
    assert_eq!(step.response.expect("response").body.as_bytes(), b"hi 7000 1");
    // It is warm now and keeps its globals.
    let step = one(w.begin(&Request::get("https://a.test/"), None, 8 * SEC));
    assert!(!step.stats.as_ref().expect("stats").cold_start);
    assert!(!step.stats.as_ref().expect("stats").prewarmed);
    assert_eq!(step.response.expect("response").body.as_bytes(), b"hi 7000 2");
    assert_eq!(w.pool_stats().isolates, 1);
}

#[test]
fn a_spare_isolate_keeps_the_cpu_limit() {
    let w = worker(
        "export default { fetch(req) { if (req.url.endsWith('/loop')) for (;;) {} return new Response('ok') } }",
        WorkerConfig {
            limits: Limits {
                cpu_ms: 20.0,
                ..Limits::default()
            },
            ..no_warm_isolates()
        },
    );
    assert!(w.prewarm(2 * SEC));
    let step = one(w.begin(&Request::get("https://a.test/loop"), None, 3 * SEC));
    assert_eq!(step.stats.expect("stats").outcome, Outcome::ExceededCpu);
    assert_eq!(step.response.expect("response").status, 503);
    let step = one(w.begin(&Request::get("https://a.test/"), None, 4 * SEC));
    assert_eq!(step.response.expect("response").body.as_bytes(), b"ok");
}

#[test]
fn a_spare_isolate_keeps_the_memory_limit() {
    let w = worker(
        "export default { fetch(req) { if (req.url.endsWith('/bomb')) { const a = []; for (;;) a.push(new Array(1e5).fill(1)); } return new Response('ok') } }",
        WorkerConfig {
            limits: Limits {
                memory_bytes: 8 << 20,
                ..Limits::default()
            },
            ..no_warm_isolates()
        },
    );
    assert!(w.prewarm(2 * SEC));
    let step = one(w.begin(&Request::get("https://a.test/bomb"), None, 3 * SEC));
    let stats = step.stats.expect("stats");
    assert_eq!(stats.outcome, Outcome::ExceededMemory, "{:?}", stats.error);
    let step = one(w.begin(&Request::get("https://a.test/"), None, 4 * SEC));
    assert_eq!(step.response.expect("response").body.as_bytes(), b"ok");
}

#[test]
fn console_and_lazy_globals_work_in_a_spare() {
    let w = worker(
        "export default { fetch() { console.log('seen', { a: 1 }); return new Response(typeof URL + ' ' + new URL('/x', 'https://b.test').href) } }",
        no_warm_isolates(),
    );
    assert!(w.prewarm(2 * SEC));
    let step = one(w.begin(&Request::get("https://a.test/"), None, 3 * SEC));
    let stats = step.stats.expect("stats");
    assert_eq!(stats.logs.len(), 1);
    assert_eq!(stats.logs[0].message, "seen { a: 1 }");
    assert_eq!(
        step.response.expect("response").body.as_bytes(),
        b"function https://b.test/x"
    );
}

#[test]
fn an_unloaded_worker_runs_no_javascript_until_asked() {
    // Its module throws when evaluated: an unloaded worker never evaluates it on its own.
    let script = compile("w.js", "throw new Error('evaluated'); export default {}").expect("compiles");
    let w = Worker::unloaded(script, no_warm_isolates());
    assert_eq!(w.pool_stats().created, 0);
    assert!(w.wants_spare());
    assert!(w.prewarm(2 * SEC), "a spare holds only the runtime and the Web APIs");
    assert!(!w.wants_spare());
    assert_eq!(w.pool_stats().created, 0);
    let step = one(w.begin(&Request::get("https://a.test/"), None, 3 * SEC));
    let stats = step.stats.expect("stats");
    assert_eq!(stats.outcome, Outcome::ScriptError);
    assert!(
        stats.error.as_deref().unwrap_or("").contains("evaluated"),
        "{:?}",
        stats.error
    );
}

#[test]
fn a_pool_with_an_idle_isolate_wants_no_spare() {
    let w = worker(
        "export default { fetch() { return new Response('ok') } }",
        WorkerConfig::default(),
    );
    assert!(!w.wants_spare(), "the isolate made at load is idle");
    w.trim(0);
    assert!(w.wants_spare());
    let at_max = worker(
        "export default { fetch() { return new Response('ok') } }",
        WorkerConfig {
            max_isolates: 1,
            ..WorkerConfig::default()
        },
    );
    let step = one(at_max.begin(&Request::get("https://a.test/"), None, 2 * SEC));
    assert!(step.done);
    assert!(!at_max.wants_spare());
}
