//! The execution threads and their watchdog, without Python: calls run off the caller's
//! thread, a turn that does not come back in time is answered at once, its isolate condemned
//! and its thread replaced, and other workers keep being served.

// A host-side test: it waits for threads on the monotonic clock (never asserts on it).
#![allow(clippy::disallowed_methods)]

use _core::host::{Call, Channel, Done, Executor};
use _core::http::Request;
use _core::isolate::{compile, Limits};
use _core::protocol::{OpKind, Outcome};
use _core::worker::{Worker, WorkerConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SEC: u64 = 1_000_000_000;

fn worker(src: &str, cpu_ms: f64, max_isolates: usize) -> Arc<Worker> {
    let config = WorkerConfig {
        limits: Limits {
            cpu_ms,
            ..Limits::default()
        },
        max_isolates,
        ..WorkerConfig::default()
    };
    Arc::new(Worker::new(compile("w.js", src).expect("compiles"), config, SEC).expect("loads"))
}

/// Waits for `n` records (a guard against a hang, not a timing assertion).
fn wait_for(channel: &Channel, n: usize) -> Vec<Done> {
    let give_up = Instant::now() + Duration::from_secs(20);
    let mut out = Vec::new();
    while out.len() < n {
        out.extend(channel.take());
        assert!(Instant::now() < give_up, "only {} of {n} calls came back", out.len());
        std::thread::sleep(Duration::from_millis(1));
    }
    out
}

fn begin(path: &str) -> Call {
    Call::Begin {
        request: Request::get(format!("https://a.test{path}")),
        cf_json: None,
    }
}

const SPIN: &str = "export default { async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === '/spin') for (;;) {}
    if (path === '/wait') { const r = await fetch('https://origin.test/'); return new Response('waited') }
    return new Response('ok ' + path) } }";

#[test]
fn calls_run_on_execution_threads_and_come_back_on_the_channel() {
    let exec = Executor::new(2, 4).expect("threads");
    let channel = Arc::new(Channel::new().expect("socket"));
    let w = worker(SPIN, 50.0, 4);
    for i in 0..20u64 {
        assert!(exec.submit(
            i,
            w.clone(),
            begin(&format!("/{i}")),
            Duration::from_secs(10),
            channel.clone()
        ));
    }
    let mut done = wait_for(&channel, 20);
    done.sort_by_key(|d| d.token);
    for (i, d) in done.iter().enumerate() {
        assert_eq!(d.token, i as u64);
        assert!(!d.condemned);
        let response = d.steps[0].response.as_ref().expect("response");
        assert_eq!(response.body.as_bytes(), format!("ok /{i}").as_bytes());
    }
    let stats = exec.stats();
    assert_eq!((stats.submitted, stats.completed, stats.condemned), (20, 20, 0));
    exec.close();
    assert!(!exec.submit(99, w, begin("/late"), Duration::from_secs(1), channel));
}

#[test]
fn a_stuck_turn_is_answered_its_isolate_condemned_and_its_thread_replaced() {
    let exec = Executor::new(1, 4).expect("threads");
    let channel = Arc::new(Channel::new().expect("socket"));
    // A CPU limit far above the wall limit: only the watchdog can end the turn in time.
    let spinner = worker(SPIN, 400.0, 1);
    let other = worker(SPIN, 50.0, 1);
    assert!(exec.submit(
        1,
        spinner.clone(),
        begin("/spin"),
        Duration::from_millis(40),
        channel.clone()
    ));
    assert!(exec.submit(2, other.clone(), begin("/hi"), Duration::from_secs(10), channel.clone()));
    let done = wait_for(&channel, 2);
    let stuck = done.iter().find(|d| d.token == 1).expect("the stuck call is answered");
    assert!(stuck.condemned);
    let served = done.iter().find(|d| d.token == 2).expect("the other worker is served");
    assert!(!served.condemned);
    assert_eq!(served.steps[0].response.as_ref().unwrap().body.as_bytes(), b"ok /hi");
    let stats = exec.stats();
    assert_eq!((stats.condemned, stats.replaced, stats.threads), (1, 1, 1));
    // The abandoned thread runs on in the idle scheduling class (no privilege needed to lower).
    #[cfg(target_os = "linux")]
    assert_eq!(stats.demoted, 1);
    // The condemned isolate left its pool; the next request gets a fresh one.
    let pool = spinner.pool_stats();
    assert_eq!((pool.isolates, pool.discarded), (0, 1));
    assert!(exec.submit(
        3,
        spinner.clone(),
        begin("/after"),
        Duration::from_secs(10),
        channel.clone()
    ));
    let after = wait_for(&channel, 1);
    assert_eq!(
        after[0].steps[0].response.as_ref().unwrap().body.as_bytes(),
        b"ok /after"
    );
    assert_eq!(spinner.pool_stats().created, 2);
}

#[test]
fn other_tasks_of_a_condemned_isolate_are_answered_with_503() {
    let exec = Executor::new(2, 4).expect("threads");
    let channel = Arc::new(Channel::new().expect("socket"));
    let w = worker(SPIN, 400.0, 1); // one isolate: both requests share it
    assert!(exec.submit(1, w.clone(), begin("/wait"), Duration::from_secs(10), channel.clone()));
    let first = wait_for(&channel, 1);
    let waiting = &first[0].steps[0];
    assert!(waiting.response.is_none() && matches!(waiting.ops[0].kind, OpKind::Fetch(_)));
    let waiting_task = waiting.task;
    assert!(exec.submit(2, w.clone(), begin("/spin"), Duration::from_millis(40), channel.clone()));
    let done = wait_for(&channel, 1);
    assert!(done[0].condemned);
    let answered = done[0]
        .steps
        .iter()
        .find(|s| s.task == waiting_task)
        .expect("the waiting task is answered");
    assert!(answered.done);
    assert_eq!(answered.response.as_ref().unwrap().status, 503);
    assert_eq!(answered.stats.as_ref().unwrap().outcome, Outcome::IsolateDiscarded);
}
