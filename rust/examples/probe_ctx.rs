//! Profiling aid: the cost of a bare runtime + context, without the prelude.
#![allow(clippy::disallowed_methods)] // a measuring harness, not the core: it times itself

use rquickjs::{Context, Runtime};
fn main() {
    let n = 300u32;
    let t = std::time::Instant::now();
    for _ in 0..n {
        let rt = Runtime::new().unwrap();
        rt.set_memory_limit(128 << 20);
        let ctx = Context::full(&rt).unwrap();
        std::hint::black_box(&ctx);
    }
    println!("bare runtime+context: {:?} each", t.elapsed() / n);
}
