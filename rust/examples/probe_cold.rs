//! Profiling aid: creates isolates repeatedly (`perf record` this). With `MODE=prepare` it only
//! prepares them (runtime, context, prelude: what a prewarmed spare holds) and drops them.
#![allow(clippy::disallowed_methods)] // a measuring harness, not the core: it times itself

use _core::isolate::{compile, Isolate, IsolateSpec, Limits, OpIds, Prewarmed};
fn main() {
    let src = std::env::args()
        .nth(1)
        .unwrap_or("export default { fetch() { return new Response('ok') } }".into());
    let script = compile("a.js", &src).unwrap();
    let limits = Limits {
        startup_cpu_ms: 1e9,
        cpu_ms: 1e9,
        ..Limits::default()
    };
    let n: u64 = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let prepare_only = std::env::var("MODE").is_ok_and(|m| m == "prepare");
    let t = std::time::Instant::now();
    for i in 0..n {
        let spec = IsolateSpec {
            id: i,
            script: &script,
            env_json: "{}",
            bindings_json: "[]",
            limits: &limits,
            op_ids: OpIds::default(),
            seed: [0; 32],
            now_ns: 1,
            caches: _core::cache::SharedCache::new(Default::default()),
            fetch_through_cache: false,
            durable: None,
            kv: Default::default(),
            d1: Default::default(),
        };
        if prepare_only {
            std::hint::black_box(Prewarmed::new(&spec).unwrap());
            continue;
        }
        let iso = Isolate::new(spec).unwrap();
        std::hint::black_box(iso.startup_ns);
    }
    println!("isolate: {:?} each", t.elapsed() / n as u32);
}

#[allow(dead_code)]
fn bare() {}
