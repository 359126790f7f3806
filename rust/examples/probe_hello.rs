#![allow(clippy::disallowed_methods)] // a measuring harness, not the core: it times itself

use _core::http::Request;
use _core::isolate::compile;
use _core::worker::{Worker, WorkerConfig};
fn main() {
    let src = std::env::args()
        .nth(1)
        .unwrap_or("export default { fetch() { return new Response('ok') } }".into());
    let limits = _core::isolate::Limits {
        startup_cpu_ms: 1e9,
        cpu_ms: 1e9,
        ..Default::default()
    };
    let w = Worker::new(
        compile("a.js", &src).unwrap(),
        WorkerConfig {
            limits,
            ..WorkerConfig::default()
        },
        0,
    )
    .unwrap();
    let req = Request::get("https://example.com/a?b=1");
    for _ in 0..500 {
        w.begin(&req, None, 1);
    }
    let n: u32 = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(w.begin(&req, None, 1));
    }
    println!("begin: {:?}/req", t.elapsed() / n);
}
