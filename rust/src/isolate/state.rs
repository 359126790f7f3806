//! The state an isolate shares with its native functions during a turn.
//!
//! Theory of operation: the host's thread holds the isolate exclusively for a turn. Before the
//! turn, Rust sets `now_ms` and `current_task`; native functions called by JavaScript read them,
//! append log lines and operations, park promise resolvers under fresh operation ids, and record
//! a task's settlement. After the turn Rust drains what was appended. The mutex is never held
//! while JavaScript runs, so native functions can always take it.

use super::kv_native::KvPending;
use crate::cache::{CacheOptions, SharedCache};
use crate::http::{Request, Response};
use crate::kv::SharedKv;
use crate::protocol::{KvReadStat, LogLevel, LogLine, OpId, Operation, Outcome, TaskId};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha12Rng;
use rquickjs::{Function, Persistent};
// hashbrown (foldhash): task and operation ids are the host's counters, not attacker input, and
// SipHash cost ~1.5k instructions per request over these maps.
use hashbrown::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Hands out operation ids unique across the isolates of one worker.
#[derive(Clone, Debug, Default)]
pub struct OpIds(Arc<AtomicU64>);

impl OpIds {
    pub fn next(&self) -> OpId {
        self.0.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// A JavaScript function kept across turns.
pub struct JsFn(Persistent<Function<'static>>);

// SAFETY: a `JsFn` is only created, restored and dropped by the thread that holds the isolate
// it belongs to (the isolate's mutex in the worker pool, or the rquickjs runtime lock inside
// `Context::with`); QuickJS runtimes may move between threads as long as one thread uses them
// at a time, which rquickjs's `parallel` feature also relies on.
unsafe impl Send for JsFn {}

impl JsFn {
    pub fn save<'js>(ctx: &rquickjs::Ctx<'js>, f: Function<'js>) -> Self {
        JsFn(Persistent::save(ctx, f))
    }

    pub fn restore<'js>(self, ctx: &rquickjs::Ctx<'js>) -> rquickjs::Result<Function<'js>> {
        self.0.restore(ctx)
    }
}

impl Clone for JsFn {
    fn clone(&self) -> Self {
        JsFn(self.0.clone())
    }
}

/// A promise waiting for the host.
pub struct Parked {
    pub task: TaskId,
    pub resolve: JsFn,
    pub reject: JsFn,
    /// What the JS side expects back: a Response for fetches, nothing for timers, a value for bindings.
    pub kind: ParkedKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParkedKind {
    Fetch,
    /// An outbound fetch through the cache: its completion is stored first (see `cache_ops`).
    CachedFetch,
    Timer,
    Binding,
    /// A KV call: its completion fills the PoP's replica first (see `kv_ops`).
    Kv,
}

/// What the cache needs when an outbound fetch through it completes.
#[derive(Clone, Debug)]
pub struct CacheOp {
    /// The worker's request, as looked up (the operation carries what the origin is sent).
    pub request: Request,
    pub options: CacheOptions,
    /// Host time the origin request was handed out (RFC 9111 4.2.3 `request_time`).
    pub sent_ns: u64,
    /// A stale-while-revalidate revalidation: nobody awaits it; the task waits for it like a
    /// `waitUntil`.
    pub background: bool,
}

/// How a task's response promise settled.
#[derive(Clone, Debug)]
pub enum Settled {
    Response(Response),
    Failed { outcome: Outcome, error: String },
}

/// Log bytes a request keeps (its lines' messages, each counted `LOG_LINE_BYTES` more): as
/// Workers records at most 256 KB of log events per invocation, and the host's memory is not
/// the worker's to fill (a `for (;;) console.log(bigString)` loop kept ~17 MB in 50 ms of CPU).
pub const LOG_BYTES_PER_TASK: usize = 256 << 10;
/// What a log line counts beyond its message (so that a flood of empty lines is bounded too).
const LOG_LINE_BYTES: usize = 32;

/// The per-request record inside an isolate.
#[derive(Debug, Default)]
pub struct TaskState {
    pub cpu_ns: u64,
    pub logs: Vec<LogLine>,
    /// What `logs` counts against `LOG_BYTES_PER_TASK`.
    pub log_bytes: usize,
    /// `fetch()` calls made, against `HostState::subrequest_limit`.
    pub subrequests: u32,
    pub settled: Option<Settled>,
    pub wait_until_pending: u32,
    pub wait_until_errors: Vec<String>,
    pub ops: u32,
    pub kv_reads: Vec<KvReadStat>,
    /// A WebSocket event's task: not done while operations it parked are outstanding (the
    /// handler's promise chains go on after it settled, as an object's do).
    pub linger: bool,
}

pub struct HostState {
    pub now_ms: f64,
    /// The same instant as `now_ms`, exactly (the cache's clock).
    pub now_ns: u64,
    pub current_task: TaskId,
    pub op_ids: OpIds,
    pub new_ops: Vec<Operation>,
    pub parked: HashMap<OpId, Parked>,
    pub tasks: HashMap<TaskId, TaskState>,
    pub rng: ChaCha12Rng,
    /// An out-of-memory error was seen: the isolate must be discarded after this turn.
    pub out_of_memory: bool,
    /// `caches` (the PoP's cache, or the worker's private one).
    pub caches: SharedCache,
    /// Outbound fetches go through `caches.default` (a PoP cache was given).
    pub fetch_through_cache: bool,
    /// Outbound fetches through the cache that are in flight, by operation id.
    pub cache_ops: HashMap<OpId, CacheOp>,
    /// The storage of the Durable Objects this isolate hosts (`None`: it hosts none).
    pub durable: Option<crate::durable::DurableStore>,
    /// The KV replica (the PoP's, or one private to the worker).
    pub kv: SharedKv,
    /// KV calls in flight, by operation id.
    pub kv_ops: HashMap<OpId, KvPending>,
    /// Namespace ids of the KV bindings, indexed by the handle `kvOpen` gave the prelude.
    pub kv_namespaces: Vec<Arc<str>>,
    /// The isolate's id (the high half of the ids of its WebSockets).
    pub isolate_id: u64,
    /// The last WebSocket id handed out (low half).
    pub socket_seq: u32,
    /// WebSockets whose other end the host holds and that are not closed yet: they keep the
    /// isolate in its pool (`Worker::trim` skips it).
    pub open_sockets: usize,
    /// D1 databases this isolate queries in place, by id (`d1Open` gives their index).
    pub d1: crate::d1::LocalDatabases,
    /// The isolate's CPU budget, for native work that runs long outside JavaScript (a D1
    /// query in place) to stop at the same deadline.
    pub cpu_budget: Option<super::cpu::CpuBudget>,
    /// `fetch()` calls a request may make (`Limits::subrequests`).
    pub subrequest_limit: u32,
}

impl HostState {
    pub fn new(op_ids: OpIds, seed: [u8; 32], now_ns: u64, caches: SharedCache, fetch_through_cache: bool) -> Self {
        HostState {
            now_ms: now_ns as f64 / 1e6,
            now_ns,
            current_task: 0,
            op_ids,
            new_ops: Vec::new(),
            parked: HashMap::new(),
            tasks: HashMap::new(),
            rng: ChaCha12Rng::from_seed(seed),
            out_of_memory: false,
            caches,
            fetch_through_cache,
            cache_ops: HashMap::new(),
            durable: None,
            kv: SharedKv::default(),
            kv_ops: HashMap::new(),
            kv_namespaces: Vec::new(),
            isolate_id: 0,
            socket_seq: 0,
            open_sockets: 0,
            d1: Default::default(),
            cpu_budget: None,
            subrequest_limit: u32::MAX,
        }
    }

    /// Records a log line of the current task, within its `LOG_BYTES_PER_TASK`: the line that
    /// reaches the limit is cut there and followed by one warning; later lines are dropped.
    pub fn log(&mut self, level: LogLevel, mut message: String) {
        let at_ms = self.now_ms;
        let Some(task) = self.tasks.get_mut(&self.current_task) else {
            return;
        };
        let left = LOG_BYTES_PER_TASK.saturating_sub(task.log_bytes);
        if left == 0 {
            return;
        }
        let cost = message.len().saturating_add(LOG_LINE_BYTES);
        if cost <= left {
            task.log_bytes += cost;
            task.logs.push(LogLine { level, message, at_ms });
            return;
        }
        let mut cut = left.saturating_sub(LOG_LINE_BYTES).min(message.len());
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        task.log_bytes = LOG_BYTES_PER_TASK;
        task.logs.push(LogLine { level, message, at_ms });
        task.logs.push(LogLine {
            level: LogLevel::Warn,
            message: format!(
                "[edgert] this request's logs reached {} KiB: the rest of this line and later lines are not recorded",
                LOG_BYTES_PER_TASK >> 10
            ),
            at_ms,
        });
    }

    pub fn fill_random(&mut self, buf: &mut [u8]) {
        self.rng.fill_bytes(buf);
    }

    pub fn random_f64(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}
