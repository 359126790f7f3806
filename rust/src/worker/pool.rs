//! The worker and its pool of isolates.
//!
//! Theory of operation. A worker owns the compiled script and a pool of isolates created from
//! it. `begin` picks an isolate that is not running a turn, preferring one with no request in
//! flight; when every isolate is busy and the pool is below `max_isolates`, it creates one (a
//! cold start, reported in the stats); at the maximum, requests share isolates, as they do on
//! Workers. Every operation and task is recorded with the isolate it belongs to, so that
//! `complete` and `abort` go to the right one. An isolate that breaks (CPU, memory, uncatchable
//! error) is removed after the turn that broke it; the next request gets a fresh isolate.
//! Each isolate has its own lock, so several host threads can run different isolates at once.
//!
//! A host that runs turns on its own threads may watch them (`TurnWatch`): the pool writes the
//! id of the isolate a thread is running into that thread's watch for the length of the turn.
//! When a turn does not come back in time (a builtin that never polls the interrupt handler),
//! the host `condemn`s that isolate: it leaves the pool at once (no request is ever given to it
//! again), its other tasks are answered by the host, and it is freed when the stuck turn returns.

use super::config::WorkerConfig;
use super::route_auth::AuthDecision;
use crate::cache::{CacheConfig, SharedCache};
use crate::http::Request;
use crate::http::Response;
use crate::isolate::{Isolate, IsolateSpec, OpIds, Prewarmed, Script, StartupError};
use crate::kv::SharedKv;
use crate::protocol::{socket_isolate, OpId, OpResult, Outcome, Stats, Step, TaskId, WsEvent};
use parking_lot::Mutex;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Which isolate a host thread is running a turn of (0: none). See the module docs.
#[derive(Debug, Default)]
pub struct TurnWatch {
    isolate: AtomicU64,
}

impl TurnWatch {
    /// The id of the isolate whose turn the watched thread is running, if any.
    pub fn isolate(&self) -> Option<u64> {
        match self.isolate.load(Ordering::Acquire) {
            0 => None,
            id => Some(id),
        }
    }
}

thread_local! {
    static TURN_WATCH: RefCell<Option<Arc<TurnWatch>>> = const { RefCell::new(None) };
}

/// Makes the pool report the turns this thread runs to `watch` (or stop, with `None`).
pub fn watch_turns(watch: Option<Arc<TurnWatch>>) {
    TURN_WATCH.with(|w| *w.borrow_mut() = watch);
}

fn note_turn(isolate: u64) {
    TURN_WATCH.with(|w| {
        if let Some(watch) = &*w.borrow() {
            watch.isolate.store(isolate, Ordering::Release);
        }
    });
}

/// The script could not be loaded into an isolate: the isolate's own startup error (its
/// outcome and message), under the name the worker's callers know.
pub type LoadError = StartupError;

struct Slot {
    id: u64,
    isolate: Arc<Mutex<Isolate>>,
    inflight: usize,
    busy: bool,
    /// Open WebSockets the host holds the other end of: the isolate is not trimmed.
    sockets: usize,
}

#[derive(Default)]
struct Registry {
    slots: Vec<Slot>,
    op_owner: HashMap<OpId, u64>,
    task_owner: HashMap<TaskId, u64>,
    created: u64,
    discarded: u64,
}

pub struct Worker {
    script: Arc<Script>,
    config: WorkerConfig,
    op_ids: OpIds,
    registry: Mutex<Registry>,
    next_task: AtomicU64,
    next_isolate: AtomicU64,
    seed_counter: AtomicU64,
    /// `caches` of this worker's isolates: the PoP's cache, or a private one.
    caches: SharedCache,
    /// The KV replica its isolates read through: the PoP's, or a private one.
    kv: SharedKv,
    /// An isolate with the prelude ready, made by `prewarm` for the next cold start.
    spare: Mutex<Option<Prewarmed>>,
}

/// Pool counters, for the host and the benchmarks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PoolStats {
    pub isolates: usize,
    pub inflight: usize,
    pub created: u64,
    pub discarded: u64,
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Worker {
    /// Loads `script`: creates `min_isolates` (at least one, to validate the script).
    pub fn new(script: Script, config: WorkerConfig, now_ns: u64) -> Result<Worker, LoadError> {
        let worker = Worker::unloaded(script, config);
        let first = worker.create_isolate(now_ns)?;
        let mut reg = worker.registry.lock();
        reg.slots.push(Slot {
            id: first.id,
            isolate: Arc::new(Mutex::new(first)),
            inflight: 0,
            busy: false,
            sockets: 0,
        });
        drop(reg);
        for _ in 1..worker.config.min_isolates {
            let iso = worker.create_isolate(now_ns)?;
            worker.registry.lock().slots.push(Slot {
                id: iso.id,
                isolate: Arc::new(Mutex::new(iso)),
                inflight: 0,
                busy: false,
                sockets: 0,
            });
        }
        if worker.config.min_isolates == 0 {
            worker.registry.lock().slots.clear();
        }
        Ok(worker)
    }

    /// A worker whose pool starts empty: no isolate is created and none of the worker's
    /// JavaScript runs until a request (or `prewarm`, which runs none of it either). For a
    /// host that already loaded the same script elsewhere (another PoP's core of one worker
    /// version), so a failing script is reported there, not here.
    pub fn unloaded(script: Script, config: WorkerConfig) -> Worker {
        let caches = config
            .cache
            .clone()
            .unwrap_or_else(|| SharedCache::new(CacheConfig::default()));
        let kv = config.kv.clone().unwrap_or_default();
        Worker {
            caches,
            kv,
            script: Arc::new(script),
            config,
            op_ids: OpIds::default(),
            registry: Mutex::new(Registry::default()),
            next_task: AtomicU64::new(0),
            next_isolate: AtomicU64::new(0),
            seed_counter: AtomicU64::new(0),
            spare: Mutex::new(None),
        }
    }

    pub fn config(&self) -> &WorkerConfig {
        &self.config
    }

    pub fn script(&self) -> &Script {
        &self.script
    }

    fn seed(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        match self.config.seed {
            Some(seed) => {
                let n = self.seed_counter.fetch_add(1, Ordering::Relaxed);
                for (i, chunk) in out.chunks_mut(8).enumerate() {
                    chunk.copy_from_slice(
                        &splitmix(seed ^ splitmix(n.wrapping_mul(4).wrapping_add(i as u64))).to_le_bytes(),
                    );
                }
            }
            None => {
                if getrandom::fill(&mut out).is_err() {
                    // No OS entropy: fall back to a per-isolate counter rather than failing.
                    let n = self.seed_counter.fetch_add(1, Ordering::Relaxed);
                    out[..8].copy_from_slice(&splitmix(n).to_le_bytes());
                }
            }
        }
        out
    }

    fn spec(&self, now_ns: u64) -> IsolateSpec<'_> {
        IsolateSpec {
            id: self.next_isolate.fetch_add(1, Ordering::Relaxed) + 1,
            script: &self.script,
            env_json: &self.config.env_json,
            bindings_json: &self.config.bindings_json,
            limits: &self.config.limits,
            op_ids: self.op_ids.clone(),
            seed: self.seed(),
            now_ns,
            caches: self.caches.clone(),
            fetch_through_cache: self.config.cache.is_some(),
            durable: self.config.durable.clone(),
            kv: self.kv.clone(),
            d1: self.config.d1.clone(),
        }
    }

    /// A new isolate: from the spare `prewarm` made when there is one, else from scratch.
    fn create_isolate(&self, now_ns: u64) -> Result<Isolate, StartupError> {
        let spare = self.spare.lock().take();
        let iso = match spare {
            Some(p) => p.load(&self.script, &self.config.env_json, &self.config.bindings_json, now_ns),
            None => Isolate::new(self.spec(now_ns)),
        };
        if iso.is_ok() {
            self.registry.lock().created += 1;
        }
        iso
    }

    /// Prepares a spare isolate (runtime, context and prelude, no worker) if there is none, so
    /// that the next cold start only evaluates the worker. The host calls this when it is idle
    /// or waiting (e.g. during a TLS handshake); the core never does it on its own. Returns
    /// whether a spare was made.
    pub fn prewarm(&self, now_ns: u64) -> bool {
        if self.spare.lock().is_some() {
            return false;
        }
        match Prewarmed::new(&self.spec(now_ns)) {
            Ok(p) => {
                let mut spare = self.spare.lock();
                let made = spare.is_none();
                spare.get_or_insert(p);
                made
            }
            Err(_) => false,
        }
    }

    /// Whether a spare isolate is ready.
    pub fn has_spare(&self) -> bool {
        self.spare.lock().is_some()
    }

    /// Whether the next request would pay a cold start that a spare would shorten: no spare is
    /// ready, no isolate is idle, and the pool may still grow. Hosts ask this before `prewarm`
    /// so that a pool with a warm isolate waiting is not given a spare it does not need.
    pub fn wants_spare(&self) -> bool {
        if self.spare.lock().is_some() {
            return false;
        }
        let reg = self.registry.lock();
        let idle = reg.slots.iter().any(|s| !s.busy && s.inflight == 0);
        !idle && reg.slots.len() < self.config.max_isolates.max(1)
    }

    pub fn pool_stats(&self) -> PoolStats {
        let reg = self.registry.lock();
        PoolStats {
            isolates: reg.slots.len(),
            inflight: reg.slots.iter().map(|s| s.inflight).sum(),
            created: reg.created,
            discarded: reg.discarded,
        }
    }

    /// Drops idle isolates beyond `keep`.
    pub fn trim(&self, keep: usize) {
        let mut reg = self.registry.lock();
        let mut idle_seen = 0;
        reg.slots.retain(|s| {
            if s.inflight > 0 || s.busy || s.sockets > 0 {
                return true;
            }
            idle_seen += 1;
            idle_seen <= keep
        });
    }

    /// Picks (or creates) the isolate for a new task and marks it busy.
    fn acquire(&self, now_ns: u64) -> Result<(u64, Arc<Mutex<Isolate>>, bool), StartupError> {
        {
            let mut reg = self.registry.lock();
            let idle = reg.slots.iter().position(|s| !s.busy && s.inflight == 0);
            let chosen = match idle {
                Some(i) => Some(i),
                None if reg.slots.len() >= self.config.max_isolates.max(1) => {
                    (0..reg.slots.len()).min_by_key(|&i| (reg.slots[i].busy, reg.slots[i].inflight))
                }
                None => None,
            };
            if let Some(i) = chosen {
                let slot = &mut reg.slots[i];
                slot.busy = true;
                slot.inflight += 1;
                return Ok((slot.id, slot.isolate.clone(), false));
            }
        }
        let iso = self.create_isolate(now_ns)?;
        let id = iso.id;
        let arc = Arc::new(Mutex::new(iso));
        self.registry.lock().slots.push(Slot {
            id,
            isolate: arc.clone(),
            inflight: 1,
            busy: true,
            sockets: 0,
        });
        Ok((id, arc, true))
    }

    fn lookup(&self, isolate: u64) -> Option<Arc<Mutex<Isolate>>> {
        let mut reg = self.registry.lock();
        let slot = reg.slots.iter_mut().find(|s| s.id == isolate)?;
        slot.busy = true;
        Some(slot.isolate.clone())
    }

    /// Books the steps of a turn: new operations and tasks, finished tasks, a broken isolate.
    fn release(&self, isolate: u64, iso: &Isolate, steps: &[Step]) {
        note_turn(0);
        let mut reg = self.registry.lock();
        if !reg.slots.iter().any(|s| s.id == isolate) {
            // Condemned during the turn: nothing of it is booked, its steps are dropped.
            return;
        }
        let mut finished = 0;
        for step in steps {
            for op in &step.ops {
                reg.op_owner.insert(op.id, isolate);
            }
            if step.done {
                reg.task_owner.remove(&step.task);
                finished += 1;
            } else {
                reg.task_owner.insert(step.task, isolate);
            }
        }
        let broken = iso.is_broken();
        if let Some(pos) = reg.slots.iter().position(|s| s.id == isolate) {
            let slot = &mut reg.slots[pos];
            slot.busy = false;
            slot.inflight = iso.inflight();
            slot.sockets = iso.open_sockets();
            let _ = finished;
            if broken {
                reg.slots.remove(pos);
                reg.discarded += 1;
            }
        }
        if broken {
            reg.op_owner.retain(|_, owner| *owner != isolate);
            reg.task_owner.retain(|_, owner| *owner != isolate);
        }
    }

    /// Starts a request at host time `now_ns`.
    pub fn begin(&self, request: &Request, cf_json: Option<&str>, now_ns: u64) -> Vec<Step> {
        let task = self.next_task.fetch_add(1, Ordering::Relaxed) + 1;
        let (request, claims_json) = match &self.config.auth {
            None => (std::borrow::Cow::Borrowed(request), None),
            Some(auth) => match auth.check(request, now_ns) {
                AuthDecision::Denied(response) => return vec![unauthorized(task, response)],
                AuthDecision::Allowed { request, claims_json } => (std::borrow::Cow::Owned(request), Some(claims_json)),
            },
        };
        self.start_task(task, now_ns, |iso, cold| {
            iso.begin(task, &request, cf_json, claims_json.as_deref(), now_ns, cold)
        })
    }

    /// Starts a non-HTTP event (a cron trigger: `kind` "scheduled") at host time `now_ns`. No
    /// route auth: events come from the host, not from clients.
    pub fn begin_event(&self, kind: &str, payload_json: &str, now_ns: u64) -> Vec<Step> {
        let task = self.next_task.fetch_add(1, Ordering::Relaxed) + 1;
        self.start_task(task, now_ns, |iso, cold| {
            iso.begin_event(task, kind, payload_json, now_ns, cold)
        })
    }

    /// Runs `start` (a request's or an event's first turn) on an isolate the pool hands out,
    /// then gives the isolate back. The begun task's step comes first: hosts learn the task id
    /// from it. A task that produced nothing yet (it waits on a promise another task will
    /// settle, e.g. an event queued behind a Durable Object's blockConcurrencyWhile) still gets
    /// an empty step.
    fn start_task(&self, task: TaskId, now_ns: u64, start: impl FnOnce(&mut Isolate, bool) -> Vec<Step>) -> Vec<Step> {
        let (isolate_id, isolate, cold) = match self.acquire(now_ns) {
            Ok(x) => x,
            Err(e) => return vec![startup_failure(task, e)],
        };
        note_turn(isolate_id);
        let mut iso = isolate.lock();
        let mut steps = start(&mut iso, cold);
        self.release(isolate_id, &iso, &steps);
        task_step_first(&mut steps, task);
        steps
    }

    /// Delivers a WebSocket event to the worker's end of `socket` (see `Isolate::deliver_ws`),
    /// on the isolate that made the socket. When that isolate is gone (discarded, condemned)
    /// the step answers 410 at once: the host then closes its end (1011).
    pub fn deliver_ws(&self, socket: u64, event: WsEvent, now_ns: u64) -> Vec<Step> {
        let task = self.next_task.fetch_add(1, Ordering::Relaxed) + 1;
        let isolate_id = socket_isolate(socket);
        let Some(isolate) = self.lookup(isolate_id) else {
            return vec![Step {
                task,
                response: Some(Response::text(410, "the WebSocket's isolate is gone")),
                ops: Vec::new(),
                done: true,
                stats: Some(Stats::without_turn(Outcome::IsolateDiscarded, None)),
            }];
        };
        note_turn(isolate_id);
        let mut iso = isolate.lock();
        let mut steps = iso.deliver_ws(task, socket, event, now_ns);
        self.release(isolate_id, &iso, &steps);
        task_step_first(&mut steps, task);
        steps
    }

    /// Hands back an operation's result. Unknown ids (canceled timers, tasks of a discarded
    /// isolate) yield no steps.
    pub fn complete(&self, op: OpId, result: OpResult, now_ns: u64) -> Vec<Step> {
        let owner = self.registry.lock().op_owner.remove(&op);
        let Some(isolate_id) = owner else { return Vec::new() };
        let Some(isolate) = self.lookup(isolate_id) else {
            return Vec::new();
        };
        note_turn(isolate_id);
        let mut iso = isolate.lock();
        let steps = iso.complete(op, result, now_ns);
        self.release(isolate_id, &iso, &steps);
        steps
    }

    /// Ends a task that has not responded (the host's wall-clock limit passed).
    pub fn abort(&self, task: TaskId, now_ns: u64) -> Vec<Step> {
        let owner = self.registry.lock().task_owner.get(&task).copied();
        let Some(isolate_id) = owner else { return Vec::new() };
        let Some(isolate) = self.lookup(isolate_id) else {
            return Vec::new();
        };
        note_turn(isolate_id);
        let mut iso = isolate.lock();
        let steps = iso.abort(task, now_ns);
        self.release(isolate_id, &iso, &steps);
        steps
    }

    /// Takes `isolate` out of the pool at once (a host's watchdog found its turn stuck): no
    /// request is given to it again, the results of its turns are dropped, and it is freed when
    /// the turn that holds it returns. Returns the tasks it had in flight (the host answers
    /// them); empty when it was already gone.
    pub fn condemn(&self, isolate: u64) -> Vec<TaskId> {
        let mut reg = self.registry.lock();
        let Some(pos) = reg.slots.iter().position(|s| s.id == isolate) else {
            return Vec::new();
        };
        reg.slots.remove(pos);
        reg.discarded += 1;
        reg.op_owner.retain(|_, owner| *owner != isolate);
        let mut tasks: Vec<TaskId> = reg
            .task_owner
            .iter()
            .filter(|(_, owner)| **owner == isolate)
            .map(|(task, _)| *task)
            .collect();
        reg.task_owner.retain(|_, owner| *owner != isolate);
        tasks.sort_unstable();
        tasks
    }

    /// Bytes allocated by each live isolate (walks every heap: for diagnostics).
    pub fn memory_bytes(&self) -> Vec<u64> {
        let isolates: Vec<_> = self.registry.lock().slots.iter().map(|s| s.isolate.clone()).collect();
        isolates.iter().map(|i| i.lock().memory_bytes()).collect()
    }
}

/// The step of a request that route auth refused: no isolate, no JavaScript.
fn unauthorized(task: TaskId, response: Response) -> Step {
    Step {
        task,
        response: Some(response),
        ops: Vec::new(),
        done: true,
        stats: Some(Stats::without_turn(Outcome::Unauthorized, None)),
    }
}

/// Puts `task`'s step first (hosts learn a new task's id from it); a task that produced nothing
/// yet (it waits on a promise another task will settle) gets an empty step there.
fn task_step_first(steps: &mut Vec<Step>, task: TaskId) {
    match steps.iter().position(|s| s.task == task) {
        Some(pos) => steps[..=pos].rotate_right(1),
        None => steps.insert(
            0,
            Step {
                task,
                response: None,
                ops: Vec::new(),
                done: false,
                stats: None,
            },
        ),
    }
}

fn startup_failure(task: TaskId, e: StartupError) -> Step {
    let (status, body) = e.outcome.error_response().unwrap_or((500, "Error"));
    Step {
        task,
        response: Some(Response::text(status, body)),
        ops: Vec::new(),
        done: true,
        stats: Some(Stats {
            cold_start: true,
            ..Stats::without_turn(e.outcome, Some(e.message))
        }),
    }
}
