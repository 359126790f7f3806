#![allow(clippy::disallowed_methods)] // a measuring harness, not the core: it times itself

//! One warm request through `Worker::begin`, repeated: the standard worker's routes with the
//! headers a browser or `wrk` sends and the `request.cf` a server fills in. Counted by
//! callgrind in `benches/request_instructions.sh`.
//!
//!   probe_request WORKER.js [PATH] [TOKEN_FILE]     (N=5000 requests)

use _core::http::{Headers, Request};
use _core::isolate::compile;
use _core::worker::{Worker, WorkerConfig};

/// What `edgert serve` puts in `request.cf` (see `edgert.geo.request_cf`).
const CF: &str = r#"{"colo": "IAD", "country": "US", "city": "Ashburn", "continent": "NA", "latitude": "39.04372", "longitude": "-77.48749", "timezone": "America/New_York", "region": "Virginia", "regionCode": "VA", "postalCode": "20147", "metroCode": "511", "asn": 14618, "asOrganization": "Amazon.com, Inc.", "httpProtocol": "HTTP/1.1", "tlsVersion": "", "clientTcpRtt": 3}"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let src = std::fs::read_to_string(&args[1]).expect("worker source");
    let path = args.get(2).cloned().unwrap_or_else(|| "/hello".into());
    let token = args
        .get(3)
        .map(|f| std::fs::read_to_string(f).expect("token file").trim().to_owned());
    let limits = _core::isolate::Limits {
        startup_cpu_ms: 1e9,
        cpu_ms: 1e9,
        ..Default::default()
    };
    let w = Worker::new(
        compile("worker.js", &src).unwrap(),
        WorkerConfig {
            limits,
            ..WorkerConfig::default()
        },
        0,
    )
    .unwrap();
    let mut headers = Headers::new();
    let mut add = |n: &str, v: &str| headers.append(n, v).unwrap();
    add("host", "127.0.0.1:8090");
    add(
        "user-agent",
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    );
    add(
        "accept",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    );
    add("accept-language", "en-US,en;q=0.5");
    add("accept-encoding", "gzip, deflate, br");
    add("connection", "keep-alive");
    add("x-country", "DE");
    if let Some(t) = &token {
        add("authorization", &format!("Bearer {t}"));
    }
    add("cf-connecting-ip", "203.0.113.7");
    add("x-forwarded-proto", "http");
    let req = Request {
        method: "GET".into(),
        url: format!("http://127.0.0.1:8090{path}"),
        headers,
        body: _core::http::Body::none(),
    };
    // Within the tokens' lifetime (`exp` is checked against the host clock).
    let now_ns = 1_795_000_000_000_000_000u64;
    let check = w.begin(&req, Some(CF), now_ns);
    let r = check[0].response.as_ref().expect("a response without subrequests");
    eprintln!("{} {}", r.status, String::from_utf8_lossy(r.body.as_bytes()));
    for _ in 0..500 {
        w.begin(&req, Some(CF), now_ns);
    }
    let n: u32 = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(w.begin(&req, Some(CF), now_ns));
    }
    println!("begin: {:?}/req", t.elapsed() / n);
}
