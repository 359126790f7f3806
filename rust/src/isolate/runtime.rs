//! One isolate: a QuickJS runtime and context with the worker evaluated in it.
//!
//! Theory of operation. An isolate is created from a compiled `Script`: a fresh runtime with
//! the memory, stack and CPU limits set, a context without `eval`, the Web API prelude, then the
//! worker's bytecode evaluated once (under the startup CPU limit). Its globals persist across
//! requests. Work happens in *turns*: starting a task (a request), or completing one of the
//! operations the JavaScript parked. A turn sets the host's `now`, arms the CPU budget of the
//! task on whose behalf it runs, calls into JavaScript and drains the job queue. After the turn
//! the isolate reports, per task, new operations, a response once it settled, and when all
//! `waitUntil` work is over. A turn that trips the CPU budget, runs out of memory or hits an
//! uncatchable error *breaks* the isolate: every task on it is answered with an error and the
//! pool discards it.

use super::cpu::{thread_cpu_ns, CpuBudget};
use super::errors::{describe, is_out_of_memory};
use super::heap::Heap;
use super::limits::Limits;
use super::native::{self, Shared};
use super::prelude;
use super::script::{Script, ScriptKind};
use super::state::JsFn;
use super::state::{HostState, OpIds, Parked, ParkedKind, Settled, TaskState};
use crate::cache::{Completion, SharedCache};
use crate::http::{Headers, Request, Response};
use crate::kv::SharedKv;
use crate::protocol::{OpId, OpKind, OpResult, Operation, Outcome, Stats, Step, TaskId};
use parking_lot::Mutex;
use rquickjs::context::intrinsic;
use rquickjs::function::Constructor;
use rquickjs::{qjs, Context, Ctx, Function, Module, Object, Runtime, TypedArray, Value};
// hashbrown (foldhash): task and operation ids are the host's counters, not attacker input, and
// SipHash cost ~1.5k instructions per request over these maps.
use hashbrown::HashMap;
use std::sync::Arc;

// Creating an isolate: the runtime, its limits, the prelude, the worker (and prewarmed ones).
mod startup;
// WebSocket events delivered to the worker's sockets (`Isolate::deliver_ws`).
mod websocket_delivery;

pub use startup::{Prewarmed, StartupError};

/// What a new isolate is given.
pub struct IsolateSpec<'a> {
    pub id: u64,
    pub script: &'a Script,
    /// The `env` object as JSON text: vars, JSON vars and secrets.
    pub env_json: &'a str,
    /// Bindings that are not plain values, as JSON: `[{"name": "KV", "type": "kv"}, ...]`.
    pub bindings_json: &'a str,
    pub limits: &'a Limits,
    pub op_ids: OpIds,
    pub seed: [u8; 32],
    pub now_ns: u64,
    /// `caches`: the PoP's shared cache, or one private to the worker.
    pub caches: SharedCache,
    /// Outbound fetches go through `caches.default` (true when `caches` is the PoP's).
    pub fetch_through_cache: bool,
    /// The storage of the Durable Objects this isolate hosts, if it hosts any.
    pub durable: Option<crate::durable::DurableStore>,
    /// The KV replica `env` KV bindings read through (the PoP's, or the worker's own).
    pub kv: SharedKv,
    /// D1 databases queried in place (see `d1_native`).
    pub d1: crate::d1::LocalDatabases,
}

/// The intrinsics of a worker context: everything but `eval`/`new Function` (Workers forbids
/// code generation from strings) and QuickJS's own `performance` (it reads the wall clock).
/// `atob`/`btoa` are added by hand: rquickjs does not list them.
type WorkerIntrinsics = (
    intrinsic::Date,
    intrinsic::RegExpCompiler,
    intrinsic::RegExp,
    intrinsic::Json,
    intrinsic::Proxy,
    intrinsic::MapSet,
    intrinsic::TypedArrays,
    intrinsic::Promise,
    intrinsic::WeakRef,
    intrinsic::DOMException,
);

/// Heap size that starts the first cycle collection of an isolate.
const GC_THRESHOLD_BYTES: usize = 1 << 20;

pub struct Isolate {
    pub id: u64,
    state: Shared,
    budget: CpuBudget,
    /// The isolate's heap: whether its allocator refused an allocation for the memory limit.
    heap: Heap,
    limits: Limits,
    dispatch: Option<JsFn>,
    make_response: Option<JsFn>,
    /// The prelude's `init` and `setExports`, until a worker is loaded.
    entry: Option<(JsFn, JsFn, JsFn)>,
    broken: Option<(Outcome, String)>,
    /// Per task: whether its response was handed out, and its start time and cold-start cost.
    meta: HashMap<TaskId, TaskMeta>,
    pub startup_ns: u64,
    /// Whether it was made from a spare (`Prewarmed`): its `startup_ns` is the worker's part only.
    pub prewarmed: bool,
    pub requests: u64,
    // Declared last: dropped after every value above that points into it.
    context: Context,
    runtime: Runtime,
}

#[derive(Clone, Copy, Debug)]
struct TaskMeta {
    started_ms: f64,
    cold_start: bool,
    delivered: bool,
}

fn ns_to_ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

/// A header list as one string, `\nname:value\nname:value...`: one JavaScript string per
/// request instead of two per field. Names are tokens (no `:`) and values hold no LF, so the
/// prelude's `Headers` can answer `get`/`has` by searching for `\nname:` without building its
/// list (see `headers.js`).
fn joined_headers(h: &Headers) -> String {
    let mut out = String::with_capacity(h.iter().map(|(n, v)| n.len() + v.len() + 2).sum());
    for (n, v) in h.iter() {
        out.push('\n');
        out.push_str(n);
        out.push(':');
        out.push_str(v);
    }
    out
}

fn flat_headers(h: &Headers) -> Vec<String> {
    let mut out = Vec::with_capacity(h.len() * 2);
    for (n, v) in h.iter() {
        out.push(n.to_owned());
        out.push(v.to_owned());
    }
    out
}

impl Isolate {
    pub fn is_broken(&self) -> bool {
        self.broken.is_some()
    }

    pub fn inflight(&self) -> usize {
        self.meta.len()
    }

    /// Bytes QuickJS has allocated for this isolate (walks the heap: not for the hot path).
    pub fn memory_bytes(&self) -> u64 {
        self.runtime.memory_usage().malloc_size as u64
    }

    /// Registers a new task (a request or an event) and returns `now_ns` in milliseconds.
    fn open_task(&mut self, task: TaskId, now_ns: u64, cold_start: bool) -> f64 {
        let now_ms = ns_to_ms(now_ns);
        self.requests += 1;
        self.meta.insert(
            task,
            TaskMeta {
                started_ms: now_ms,
                cold_start,
                delivered: false,
            },
        );
        self.state.lock().tasks.insert(task, TaskState::default());
        now_ms
    }

    /// Starts a request. `cf_json` becomes `request.cf` (parsed when the worker first reads it).
    pub fn begin(
        &mut self,
        task: TaskId,
        request: &Request,
        cf_json: Option<&str>,
        claims_json: Option<&str>,
        now_ns: u64,
        cold_start: bool,
    ) -> Vec<Step> {
        let now_ms = self.open_task(task, now_ns, cold_start);
        let dispatch = self.dispatch.clone();
        self.turn(task, now_ns, move |ctx| {
            let dispatch = dispatch
                .expect("dispatch is set once the isolate is loaded")
                .restore(ctx)?;
            let body: Value = if request.body.is_none() {
                Value::new_null(ctx.clone())
            } else {
                TypedArray::<u8>::new_copy(ctx.clone(), request.body.as_bytes())?.into_value()
            };
            // `request.cf` and `request.jwt` stay JSON text until a worker reads them.
            dispatch.call::<_, ()>((
                task as f64,
                request.method.as_str(),
                request.url.as_str(),
                joined_headers(&request.headers),
                body,
                cf_json,
                claims_json,
            ))
        });
        self.collect(now_ms)
    }

    /// Starts a non-HTTP event (`kind` "scheduled": a cron trigger) with its JSON payload; the
    /// worker's handler settles the task with an empty 200 response (or fails it like a request).
    pub fn begin_event(
        &mut self,
        task: TaskId,
        kind: &str,
        payload_json: &str,
        now_ns: u64,
        cold_start: bool,
    ) -> Vec<Step> {
        let now_ms = self.open_task(task, now_ns, cold_start);
        let dispatch = self.dispatch.clone();
        self.turn(task, now_ns, move |ctx| {
            let dispatch = dispatch
                .expect("dispatch is set once the isolate is loaded")
                .restore(ctx)?;
            // `method` null marks an event: (task, null, kind, payload).
            dispatch.call::<_, ()>((task as f64, Value::new_null(ctx.clone()), kind, payload_json))
        });
        self.collect(now_ms)
    }

    /// Hands back the result of an operation. Unknown or canceled ids are ignored.
    pub fn complete(&mut self, op: OpId, result: OpResult, now_ns: u64) -> Vec<Step> {
        let now_ms = ns_to_ms(now_ns);
        let Some(parked) = self.state.lock().parked.remove(&op) else {
            return Vec::new();
        };
        if parked.kind == ParkedKind::Kv {
            let settle = super::kv_native::complete(&self.state, op, result, now_ns);
            self.turn(parked.task, now_ns, move |ctx| {
                super::kv_native::settle(ctx, parked, settle)
            });
            return self.collect(now_ms);
        }
        let (parked, result) = if parked.kind == ParkedKind::CachedFetch {
            match self.through_cache(op, parked, result, now_ns) {
                Some(pair) => pair,
                None => return self.collect(now_ms),
            }
        } else {
            (parked, result)
        };
        let make_response = self.make_response.clone();
        self.turn(parked.task, now_ns, move |ctx| {
            let resolve = parked.resolve.restore(ctx)?;
            let reject = parked.reject.restore(ctx)?;
            match (parked.kind, result) {
                (_, OpResult::Error { name, message }) => {
                    let ctor: Constructor = ctx
                        .globals()
                        .get(if name.is_empty() { "Error" } else { name.as_str() })
                        .or_else(|_| ctx.globals().get("Error"))?;
                    let err: Value = ctor.construct((message,))?;
                    reject.call::<_, ()>((err,))
                }
                (ParkedKind::Fetch | ParkedKind::CachedFetch, OpResult::Response(r)) => {
                    let make = make_response.expect("set once loaded").restore(ctx)?;
                    let body = TypedArray::<u8>::new_copy(ctx.clone(), r.body.as_bytes())?;
                    let value: Value = make.call((r.status, r.status_text.as_str(), flat_headers(&r.headers), body))?;
                    resolve.call::<_, ()>((value,))
                }
                (ParkedKind::Timer, _) => resolve.call::<_, ()>(()),
                (ParkedKind::Binding, OpResult::Value { json, bytes }) => {
                    let value = ctx.json_parse(json)?;
                    match bytes {
                        Some(b) => {
                            let arr = TypedArray::<u8>::new(ctx.clone(), b)?;
                            resolve.call::<_, ()>((value, arr))
                        }
                        None => resolve.call::<_, ()>((value,)),
                    }
                }
                (_, other) => {
                    let err = rquickjs::Exception::from_message(
                        ctx.clone(),
                        &format!("host completed the operation with an unexpected result: {other:?}"),
                    )?;
                    reject.call::<_, ()>((err,))
                }
            }
        });
        self.collect(now_ms)
    }

    /// Hands the origin's answer to an outbound fetch through the cache to `HttpCache::store`
    /// (or, when the origin could not be reached, `fetch_failed`). Returns what the worker's
    /// promise settles with, or `None` when nothing in JavaScript waits: a background
    /// revalidation finished, or a 304 that validated nothing stored became a new operation.
    fn through_cache(&mut self, op: OpId, parked: Parked, result: OpResult, now_ns: u64) -> Option<(Parked, OpResult)> {
        let (pending, caches) = {
            let mut st = self.state.lock();
            (st.cache_ops.remove(&op), st.caches.clone())
        };
        let Some(pending) = pending else {
            return Some((parked, result));
        };
        let completion = match result {
            OpResult::Response(response) => Ok(caches.lock().default_cache().store(
                &pending.request,
                response,
                &pending.options,
                pending.sent_ns,
                now_ns,
            )),
            other => {
                let stale = caches
                    .lock()
                    .default_cache()
                    .fetch_failed(&pending.request, &pending.options, now_ns);
                stale.map(Completion::Serve).ok_or(other)
            }
        };
        let mut st = self.state.lock();
        let settle = match completion {
            Ok(Completion::Refetch(request)) => {
                let id = st.op_ids.next();
                let task = parked.task;
                st.parked.insert(id, parked);
                st.cache_ops.insert(
                    id,
                    super::state::CacheOp {
                        sent_ns: now_ns,
                        ..pending
                    },
                );
                st.new_ops.push(Operation {
                    id,
                    task,
                    kind: OpKind::Fetch(request),
                });
                if let Some(t) = st.tasks.get_mut(&task) {
                    t.ops += 1;
                }
                return None;
            }
            Ok(Completion::Serve(served)) => OpResult::Response(served.response),
            Err(error) => error,
        };
        if pending.background {
            if let Some(t) = st.tasks.get_mut(&parked.task) {
                t.wait_until_pending = t.wait_until_pending.saturating_sub(1);
            }
            return None;
        }
        Some((parked, settle))
    }

    /// Ends a task that has not responded: it gets a `Canceled` error response.
    pub fn abort(&mut self, task: TaskId, now_ns: u64) -> Vec<Step> {
        let now_ms = ns_to_ms(now_ns);
        {
            let mut st = self.state.lock();
            st.parked.retain(|_, p| p.task != task);
            let HostState {
                parked,
                cache_ops,
                kv_ops,
                ..
            } = &mut *st;
            cache_ops.retain(|id, _| parked.contains_key(id));
            kv_ops.retain(|id, _| parked.contains_key(id));
            if let Some(t) = st.tasks.get_mut(&task) {
                t.settled.get_or_insert(Settled::Failed {
                    outcome: Outcome::Canceled,
                    error: "the host ended the request before the worker responded".into(),
                });
                t.wait_until_pending = 0;
            }
        }
        self.collect(now_ms)
    }

    /// Runs one turn of JavaScript on behalf of `task`.
    fn turn<F>(&mut self, task: TaskId, now_ns: u64, f: F)
    where
        F: for<'js> FnOnce(&Ctx<'js>) -> rquickjs::Result<()>,
    {
        let used_before = {
            let mut st = self.state.lock();
            st.now_ms = ns_to_ms(now_ns);
            st.now_ns = now_ns;
            st.current_task = task;
            st.tasks.get(&task).map(|t| t.cpu_ns).unwrap_or(0)
        };
        let budget_ns = self.limits.cpu_ns().saturating_sub(used_before);
        let budget = self.budget.clone();
        let start = thread_cpu_ns();
        budget.arm_from(start, budget_ns);
        let error = self.context.with(|ctx| {
            let error = match f(&ctx) {
                Ok(()) => None,
                Err(rquickjs::Error::Exception) => Some(describe(&ctx, &ctx.catch())),
                Err(other) => Some(other.to_string()),
            };
            while !budget.tripped() && ctx.execute_pending_job() {}
            error
        });
        // One last look at the clock: a builtin that runs long without polling the interrupt
        // handler (see `docs/architecture.md`, "Containment") still ends its turn past the
        // deadline, and the turn is then over its limit whatever it produced.
        budget.should_interrupt();
        budget.disarm();
        let used = thread_cpu_ns().saturating_sub(start);
        let mut st = self.state.lock();
        if let Some(t) = st.tasks.get_mut(&task) {
            t.cpu_ns = t.cpu_ns.saturating_add(used);
        }
        if budget.tripped() {
            self.broken = Some((
                Outcome::ExceededCpu,
                format!("Worker exceeded CPU time limit ({} ms)", self.limits.cpu_ms),
            ));
        } else if self.heap.refused() || st.out_of_memory || error.as_deref().is_some_and(is_out_of_memory) {
            self.broken = Some((
                Outcome::ExceededMemory,
                format!("Worker exceeded memory limit ({} bytes)", self.limits.memory_bytes),
            ));
        } else if let Some(error) = error {
            // The prelude's own calls do not throw; an exception escaping them means a broken
            // isolate (an uncatchable error, or the stack exhausted inside the prelude).
            self.broken = Some((Outcome::Exception, error));
        }
        if let Some((_, reason)) = &self.broken {
            st.parked.clear();
            st.cache_ops.clear();
            st.kv_ops.clear();
            let current = st.current_task;
            let reason = reason.clone();
            let outcome = self.broken.as_ref().map(|b| b.0).unwrap_or(Outcome::Exception);
            for (id, t) in st.tasks.iter_mut() {
                let (o, e) = if *id == current {
                    (outcome, reason.clone())
                } else {
                    (
                        Outcome::IsolateDiscarded,
                        format!("another request broke the isolate: {reason}"),
                    )
                };
                // Over a limit, a response the culprit produced in this very turn is not
                // delivered: on Workers the isolate would have been stopped before it.
                let over_limit = matches!(o, Outcome::ExceededCpu | Outcome::ExceededMemory);
                let delivered = self.meta.get(id).is_some_and(|m| m.delivered);
                if *id == current && over_limit && !delivered {
                    t.settled = Some(Settled::Failed { outcome: o, error: e });
                } else {
                    t.settled.get_or_insert(Settled::Failed { outcome: o, error: e });
                }
                if t.wait_until_pending > 0 {
                    t.wait_until_errors.push(format!("canceled: {reason}"));
                    t.wait_until_pending = 0;
                }
            }
        }
    }

    /// Turns what the last turn changed into steps, one per affected task.
    fn collect(&mut self, now_ms: f64) -> Vec<Step> {
        let (iso_id, startup_ns, prewarmed) = (self.id, self.startup_ns, self.prewarmed);
        let mut st = self.state.lock();
        let mut ops = std::mem::take(&mut st.new_ops);
        let nothing_pending = st.parked.is_empty();
        let mut steps = Vec::new();
        let mut ids: Vec<TaskId> = st.tasks.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            let Some(meta) = self.meta.get_mut(&id) else { continue };
            let t = st.tasks.get_mut(&id).expect("listed above");
            if nothing_pending && t.settled.is_none() {
                t.settled = Some(Settled::Failed {
                    outcome: Outcome::NeverSettled,
                    error: "The script will never generate a response: its promise is still pending and no operation is outstanding".into(),
                });
            }
            if nothing_pending && t.wait_until_pending > 0 {
                t.wait_until_errors.push("a waitUntil promise never settled".into());
                t.wait_until_pending = 0;
            }
            let task_ops: Vec<_> = if ops.iter().any(|o| o.task == id) {
                let (mine, rest): (Vec<_>, Vec<_>) = ops.into_iter().partition(|o| o.task == id);
                ops = rest;
                mine
            } else {
                Vec::new()
            };
            let mut response = None;
            let mut stats = None;
            if !meta.delivered {
                if let Some(settled) = &mut t.settled {
                    meta.delivered = true;
                    let (resp, outcome, error) = match settled {
                        // Moved out, not cloned: once delivered, only the presence of a settled
                        // outcome matters (a later settle() or fail() changes nothing).
                        Settled::Response(r) => (
                            std::mem::replace(
                                r,
                                Response {
                                    status: r.status,
                                    status_text: String::new(),
                                    headers: Headers::new(),
                                    body: crate::http::Body::none(),
                                },
                            ),
                            Outcome::Ok,
                            None,
                        ),
                        Settled::Failed { outcome, error } => {
                            let (status, body) = outcome.error_response().unwrap_or((500, "Error"));
                            (Response::text(status, body), *outcome, Some(error.clone()))
                        }
                    };
                    response = Some(resp);
                    stats = Some(task_stats(
                        iso_id, startup_ns, prewarmed, meta, t, outcome, error, now_ms,
                    ));
                }
            }
            let lingering = t.linger && st.parked.values().any(|p| p.task == id);
            let t = st.tasks.get_mut(&id).expect("listed above");
            let done = meta.delivered && t.wait_until_pending == 0 && !lingering;
            if done && stats.is_none() {
                stats = Some(task_stats(
                    iso_id,
                    startup_ns,
                    prewarmed,
                    meta,
                    t,
                    Outcome::Ok,
                    None,
                    now_ms,
                ));
            }
            if response.is_some() || done || !task_ops.is_empty() {
                steps.push(Step {
                    task: id,
                    response,
                    ops: task_ops,
                    done,
                    stats,
                });
            }
            if done {
                st.tasks.remove(&id);
                self.meta.remove(&id);
            }
        }
        steps
    }
}

#[allow(clippy::too_many_arguments)]
fn task_stats(
    isolate_id: u64,
    startup_ns: u64,
    prewarmed: bool,
    meta: &TaskMeta,
    t: &TaskState,
    outcome: Outcome,
    error: Option<String>,
    now_ms: f64,
) -> Stats {
    Stats {
        cpu_ns: t.cpu_ns,
        cold_start: meta.cold_start,
        startup_ns: if meta.cold_start { startup_ns } else { 0 },
        prewarmed: meta.cold_start && prewarmed,
        isolate_id,
        outcome,
        error,
        logs: t.logs.clone(),
        ops: t.ops,
        wall_ms: (now_ms - meta.started_ms).max(0.0),
        wait_until_errors: t.wait_until_errors.clone(),
        kv_reads: t.kv_reads.clone(),
    }
}

impl Drop for Isolate {
    fn drop(&mut self) {
        // Values that point into the runtime must go before it does.
        self.state.lock().parked.clear();
        self.dispatch = None;
        self.make_response = None;
        self.entry = None;
        self.runtime.set_interrupt_handler(None);
        self.runtime.set_host_promise_rejection_tracker(None);
    }
}
