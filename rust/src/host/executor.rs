//! Execution threads for the core's calls, and the watchdog that keeps them honest.
//!
//! Theory of operation. A host submits *calls* (`begin` a request or event, `complete` an
//! operation, `abort` a task) with a token, the worker they are for, a wall limit and the
//! `Channel` to answer on. Execution threads take calls from one FIFO queue (work-conserving:
//! a call never waits behind a busy or stuck thread while another is free) and run them with
//! the host's clock read when the call starts. Isolates belong to their worker's pool, not to a
//! thread; a turn holds its isolate's lock, so any thread may run any idle isolate (rquickjs'
//! `parallel` feature resets the engine's stack top per thread).
//!
//! The pool reports which isolate each thread is running (`worker::TurnWatch`). The watchdog
//! wakes every few milliseconds; a call still running past its deadline is *answered at once*:
//! its isolate is condemned (taken out of its pool; its other tasks are answered too, with a
//! 503), the `Done` goes to the submitter with `condemned` set, and the thread is abandoned:
//! it is no longer counted, a replacement starts, and when the stuck call finally returns, the
//! thread drops its result, frees the isolate and exits. Replacements are capped by the number
//! of threads stuck at once (`max_stuck`); past it the pool runs short until one returns.
//! An abandoned thread is *demoted* (Linux: `SCHED_IDLE`): it runs on only when no other thread
//! of the machine wants the CPU, so a call the CPU limit cannot end (a builtin that never polls
//! the interrupt handler) takes no core from other calls while it finishes.
//! A panic in a call (a bug) is contained the same way: the isolate is condemned and the
//! request answered, the thread lives on.

use super::channel::{Done, Reply};
use crate::http::{Request, Response};
use crate::protocol::{OpId, OpResult, Outcome, Stats, Step, TaskId};
use crate::worker::{watch_turns, TurnWatch, Worker};
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How often the watchdog looks at the running calls.
const TICK: Duration = Duration::from_millis(2);
/// Execution threads run JavaScript with QuickJS's own stack limit well inside this.
const THREAD_STACK_BYTES: usize = 8 << 20;

/// A call into a worker's core.
#[derive(Debug)]
pub enum Call {
    /// `cf_json` is shared: a native front passes its placement's JSON without a copy.
    Begin {
        request: Request,
        cf_json: Option<Arc<str>>,
    },
    Event {
        kind: String,
        payload_json: String,
    },
    Complete {
        op: OpId,
        result: OpResult,
    },
    Abort {
        task: TaskId,
    },
    /// A WebSocket event for the worker's end of `socket`.
    Socket {
        socket: u64,
        event: crate::protocol::WsEvent,
    },
}

struct Job {
    token: u64,
    worker: Arc<Worker>,
    call: Call,
    wall: Duration,
    reply: Arc<dyn Reply>,
}

struct Running {
    token: u64,
    worker: Arc<Worker>,
    reply: Arc<dyn Reply>,
    deadline: Instant,
    wall: Duration,
}

/// One execution thread as the watchdog sees it.
struct Lane {
    running: Mutex<Option<Running>>,
    watch: Arc<TurnWatch>,
    abandoned: AtomicBool,
    /// The thread's kernel id (0 until it has started; Linux only), for `demote`.
    tid: AtomicI32,
}

#[derive(Default)]
struct Counters {
    submitted: AtomicU64,
    completed: AtomicU64,
    condemned: AtomicU64,
    panics: AtomicU64,
    replaced: AtomicU64,
    stuck: AtomicUsize,
    demoted: AtomicU64,
}

struct Shared {
    jobs: Mutex<VecDeque<Job>>,
    ready: Condvar,
    lanes: Mutex<Vec<Arc<Lane>>>,
    shutdown: AtomicBool,
    dog: Mutex<()>,
    dog_wake: Condvar,
    max_stuck: usize,
    next_lane: AtomicUsize,
    counters: Counters,
}

/// Counters of an executor, for stats and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutorStats {
    /// Execution threads serving the queue now.
    pub threads: usize,
    /// Calls waiting for a thread.
    pub queued: usize,
    /// Calls running now.
    pub running: usize,
    pub submitted: u64,
    pub completed: u64,
    /// Calls the watchdog answered (their isolate condemned, their thread abandoned).
    pub condemned: u64,
    /// Calls that panicked (a bug in the core; contained).
    pub panics: u64,
    /// Threads started to replace abandoned ones.
    pub replaced: u64,
    /// Abandoned threads still stuck in their call.
    pub stuck: usize,
    /// Abandoned threads demoted to the idle scheduling class (see the module documentation).
    pub demoted: u64,
}

pub struct Executor {
    shared: Arc<Shared>,
}

impl Executor {
    /// Starts `threads` execution threads (at least one) and the watchdog. At most `max_stuck`
    /// abandoned threads are replaced while they are still stuck.
    pub fn new(threads: usize, max_stuck: usize) -> std::io::Result<Executor> {
        let shared = Arc::new(Shared {
            jobs: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
            lanes: Mutex::new(Vec::new()),
            shutdown: AtomicBool::new(false),
            dog: Mutex::new(()),
            dog_wake: Condvar::new(),
            max_stuck,
            next_lane: AtomicUsize::new(0),
            counters: Counters::default(),
        });
        for _ in 0..threads.max(1) {
            spawn_lane(&shared)?;
        }
        let dog = shared.clone();
        std::thread::Builder::new()
            .name("edgert-watchdog".into())
            .spawn(move || watchdog(dog))?;
        Ok(Executor { shared })
    }

    /// Queues `call` for `worker`; its `Done` (with `token`) goes to `reply`. `wall`: how long
    /// the call may run before the watchdog answers it.
    /// Returns false (and queues nothing) once the executor is closed.
    pub fn submit(&self, token: u64, worker: Arc<Worker>, call: Call, wall: Duration, reply: Arc<dyn Reply>) -> bool {
        let shared = &self.shared;
        if shared.shutdown.load(Ordering::SeqCst) {
            return false;
        }
        shared.counters.submitted.fetch_add(1, Ordering::Relaxed);
        shared.jobs.lock().push_back(Job {
            token,
            worker,
            call,
            wall,
            reply,
        });
        shared.ready.notify_one();
        true
    }

    pub fn stats(&self) -> ExecutorStats {
        let s = &self.shared;
        let lanes = s.lanes.lock();
        let running = lanes.iter().filter(|l| l.running.lock().is_some()).count();
        let c = &s.counters;
        ExecutorStats {
            threads: lanes.len(),
            queued: s.jobs.lock().len(),
            running,
            submitted: c.submitted.load(Ordering::Relaxed),
            completed: c.completed.load(Ordering::Relaxed),
            condemned: c.condemned.load(Ordering::Relaxed),
            panics: c.panics.load(Ordering::Relaxed),
            replaced: c.replaced.load(Ordering::Relaxed),
            stuck: c.stuck.load(Ordering::Relaxed),
            demoted: c.demoted.load(Ordering::Relaxed),
        }
    }

    /// Stops the threads once the queue is empty, and the watchdog; never waits for a stuck
    /// call (nor for the threads). Calls submitted after `close` are refused.
    pub fn close(&self) {
        let s = &self.shared;
        s.shutdown.store(true, Ordering::SeqCst);
        s.ready.notify_all();
        let _guard = s.dog.lock();
        s.dog_wake.notify_all();
    }

    pub fn is_closed(&self) -> bool {
        self.shared.shutdown.load(Ordering::SeqCst)
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        self.close();
    }
}

fn spawn_lane(shared: &Arc<Shared>) -> std::io::Result<()> {
    let lane = Arc::new(Lane {
        running: Mutex::new(None),
        watch: Arc::new(TurnWatch::default()),
        abandoned: AtomicBool::new(false),
        tid: AtomicI32::new(0),
    });
    shared.lanes.lock().push(lane.clone());
    let n = shared.next_lane.fetch_add(1, Ordering::Relaxed);
    let (s, mine) = (shared.clone(), lane.clone());
    let spawned = std::thread::Builder::new()
        .name(format!("edgert-exec-{n}"))
        .stack_size(THREAD_STACK_BYTES)
        .spawn(move || run_lane(s, mine));
    if let Err(e) = spawned {
        shared.lanes.lock().retain(|l| !Arc::ptr_eq(l, &lane));
        return Err(e);
    }
    Ok(())
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

fn run_call(worker: &Worker, call: Call) -> Vec<Step> {
    let now = now_ns();
    match call {
        Call::Begin { request, cf_json } => worker.begin(&request, cf_json.as_deref(), now),
        Call::Event { kind, payload_json } => worker.begin_event(&kind, &payload_json, now),
        Call::Complete { op, result } => worker.complete(op, result, now),
        Call::Abort { task } => worker.abort(task, now),
        Call::Socket { socket, event } => worker.deliver_ws(socket, event, now),
    }
}

fn run_lane(shared: Arc<Shared>, lane: Arc<Lane>) {
    watch_turns(Some(lane.watch.clone()));
    lane.tid.store(thread_id(), Ordering::Relaxed);
    loop {
        let job = {
            let mut q = shared.jobs.lock();
            loop {
                if let Some(job) = q.pop_front() {
                    break job;
                }
                if shared.shutdown.load(Ordering::Relaxed) {
                    return;
                }
                shared.ready.wait(&mut q);
            }
        };
        let Job {
            token,
            worker,
            call,
            wall,
            reply,
        } = job;
        *lane.running.lock() = Some(Running {
            token,
            worker: worker.clone(),
            reply: reply.clone(),
            deadline: Instant::now() + wall,
            wall,
        });
        let result = catch_unwind(AssertUnwindSafe(|| run_call(&worker, call)));
        let mine = lane.running.lock().take();
        if mine.is_none() {
            // The watchdog answered this call and replaced this thread: drop the result (the
            // condemned isolate is freed with it) and leave.
            drop(result);
            shared.counters.stuck.fetch_sub(1, Ordering::Relaxed);
            return;
        }
        match result {
            Ok(steps) => {
                shared.counters.completed.fetch_add(1, Ordering::Relaxed);
                reply.deliver(Done {
                    token,
                    steps,
                    condemned: false,
                });
            }
            Err(_) => {
                shared.counters.panics.fetch_add(1, Ordering::Relaxed);
                let steps = condemn_turn(&lane, &worker, "the runtime failed while running it (a bug)");
                reply.deliver(Done {
                    token,
                    steps,
                    condemned: true,
                });
            }
        }
    }
}

/// Condemns the isolate `lane` is running (if known); returns the 503 steps of its other tasks.
fn condemn_turn(lane: &Lane, worker: &Worker, why: &str) -> Vec<Step> {
    let Some(isolate) = lane.watch.isolate() else {
        return Vec::new();
    };
    worker
        .condemn(isolate)
        .into_iter()
        .map(|task| discarded_step(task, isolate, why))
        .collect()
}

/// The final step of a task whose isolate was condemned under it.
fn discarded_step(task: TaskId, isolate: u64, why: &str) -> Step {
    let (status, body) = Outcome::IsolateDiscarded
        .error_response()
        .unwrap_or((503, "Error 1102"));
    Step {
        task,
        response: Some(Response::text(status, body)),
        ops: Vec::new(),
        done: true,
        stats: Some(Stats {
            isolate_id: isolate,
            ..Stats::without_turn(
                Outcome::IsolateDiscarded,
                Some(format!("the isolate was condemned: {why}")),
            )
        }),
    }
}

fn watchdog(shared: Arc<Shared>) {
    loop {
        {
            let mut guard = shared.dog.lock();
            if shared.shutdown.load(Ordering::SeqCst) {
                return;
            }
            shared.dog_wake.wait_for(&mut guard, TICK);
        }
        let now = Instant::now();
        let lanes: Vec<Arc<Lane>> = shared.lanes.lock().clone();
        for lane in lanes {
            let late = {
                let mut running = lane.running.lock();
                match &*running {
                    // Demoted while the lock is held: the thread cannot have taken its call back
                    // and exited (its id cannot have been reused by another thread).
                    Some(r) if now >= r.deadline => {
                        let demoted = demote(lane.tid.load(Ordering::Relaxed));
                        running.take().map(|run| (run, demoted))
                    }
                    _ => None,
                }
            };
            let Some((run, demoted)) = late else { continue };
            if demoted {
                shared.counters.demoted.fetch_add(1, Ordering::Relaxed);
            }
            lane.abandoned.store(true, Ordering::Relaxed);
            shared.lanes.lock().retain(|l| !Arc::ptr_eq(l, &lane));
            let stuck = shared.counters.stuck.fetch_add(1, Ordering::Relaxed) + 1;
            shared.counters.condemned.fetch_add(1, Ordering::Relaxed);
            let why = format!(
                "a turn did not return within its wall limit of {} ms",
                run.wall.as_millis()
            );
            let steps = condemn_turn(&lane, &run.worker, &why);
            // The replacement first, then the answer: whoever reads the 503 and sends again finds
            // the new thread there and counted (`stats().replaced`).
            if stuck <= shared.max_stuck && !shared.shutdown.load(Ordering::SeqCst) && spawn_lane(&shared).is_ok() {
                shared.counters.replaced.fetch_add(1, Ordering::Relaxed);
            }
            run.reply.deliver(Done {
                token: run.token,
                steps,
                condemned: true,
            });
        }
    }
}

/// The calling thread's kernel id (Linux), 0 elsewhere.
fn thread_id() -> i32 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `gettid` takes no arguments and cannot fail.
        unsafe { libc::gettid() }
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

/// Moves thread `tid` of this process to the idle scheduling class (`SCHED_IDLE`), or failing
/// that to the lowest priority (nice 19): lowering needs no privilege. Whether it was done.
fn demote(tid: i32) -> bool {
    #[cfg(target_os = "linux")]
    {
        if tid <= 0 {
            return false;
        }
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `param` is a valid `sched_param` for the call's duration; `tid` names a
        // live thread of this process (the watchdog calls this holding the lane's `running`
        // lock with the call still there, which the thread must take back before it can
        // exit), and changing a thread's policy affects nothing but its scheduling.
        if unsafe { libc::sched_setscheduler(tid, libc::SCHED_IDLE, &param) } == 0 {
            return true;
        }
        // SAFETY: as above; `setpriority` on a thread id sets that thread's nice value.
        unsafe { libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 19) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = tid;
        false
    }
}
