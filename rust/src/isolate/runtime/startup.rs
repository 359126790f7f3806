//! Creating an isolate: a runtime with its memory, stack and CPU limits, a context without
//! `eval`, the Web API prelude, then the worker's bytecode evaluated once under the startup CPU
//! limit (`Isolate::new`); or the same in two steps, the prelude ahead of need (`Prewarmed`).
//! A failure at any step is a `StartupError` with the outcome the host reports.

use super::*;

/// Why an isolate could not be created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartupError {
    pub outcome: Outcome,
    pub message: String,
}

impl std::fmt::Display for StartupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Isolate {
    pub fn new(spec: IsolateSpec<'_>) -> Result<Isolate, StartupError> {
        let start = thread_cpu_ns();
        let mut isolate = Isolate::prepare(&spec)?;
        isolate.load_script(spec.script, spec.env_json, spec.bindings_json, spec.now_ns)?;
        isolate.startup_ns = thread_cpu_ns().saturating_sub(start);
        Ok(isolate)
    }

    /// A runtime and context with the limits set and the Web API prelude evaluated: everything
    /// but the worker (`spec.script`, `env_json` and `bindings_json` are read by `load_script`).
    fn prepare(spec: &IsolateSpec<'_>) -> Result<Isolate, StartupError> {
        let fail = |message: String| StartupError {
            outcome: Outcome::ScriptError,
            message,
        };
        // The memory limit is the allocator's (`heap.rs`), not `JS_SetMemoryLimit`'s, so that
        // every refusal is recorded.
        let heap = Heap::new(spec.limits.memory_bytes);
        let budget = CpuBudget::new();
        budget.set_heap_bytes(spec.limits.memory_bytes);
        let runtime = Runtime::new_with_alloc(heap.allocator(budget.clone()))
            .map_err(|e| fail(format!("cannot create isolate: {e}")))?;
        runtime.set_max_stack_size(spec.limits.stack_bytes);
        // QuickJS starts its cycle collector once the heap passes 256 KB, which a worker of a
        // few KB crosses while it loads: one full collection (~250k instructions) per cold
        // start that finds nothing to free. Start at 1 MiB instead; after each collection
        // QuickJS sets the next threshold to 1.5x the live heap, as before.
        runtime.set_gc_threshold(GC_THRESHOLD_BYTES.min(spec.limits.memory_bytes));
        let b = budget.clone();
        runtime.set_interrupt_handler(Some(Box::new(move || b.should_interrupt())));
        let context =
            Context::custom::<WorkerIntrinsics>(&runtime).map_err(|e| fail(format!("cannot create context: {e}")))?;
        context
            .with(|ctx| {
                // SAFETY: the context is live (we are inside `with`) and has not run any code yet.
                unsafe { qjs::JS_AddIntrinsicAToB(ctx.as_raw().as_ptr()) };
                crate::isolate::regexp_replace::install(&ctx)?;
                crate::isolate::string_search::install(&ctx)?;
                crate::isolate::charged_builtins::install(&ctx)?;
                crate::isolate::json_stringify::install(&ctx)
            })
            .map_err(|e| fail(format!("cannot create context: {e}")))?;
        let state: Shared = Arc::new(Mutex::new(HostState::new(
            spec.op_ids.clone(),
            spec.seed,
            spec.now_ns,
            spec.caches.clone(),
            spec.fetch_through_cache,
        )));
        state.lock().durable = spec.durable.clone();
        state.lock().isolate_id = spec.id;
        runtime.set_loader(crate::isolate::modules::Builtins, crate::isolate::modules::Builtins);
        state.lock().kv = spec.kv.clone();
        state.lock().d1 = spec.d1.clone();
        state.lock().cpu_budget = Some(budget.clone());
        state.lock().subrequest_limit = spec.limits.subrequests;
        let tracker_state = state.clone();
        runtime.set_host_promise_rejection_tracker(Some(Box::new(move |ctx, _promise, reason, handled| {
            if !handled {
                let text = describe(&ctx, &reason);
                let mut st = tracker_state.lock();
                if is_out_of_memory(&text) {
                    st.out_of_memory = true;
                }
                st.log(
                    crate::protocol::LogLevel::Error,
                    format!("Uncaught (in promise) {text}"),
                );
            }
        })));

        let mut isolate = Isolate {
            id: spec.id,
            state,
            budget,
            heap,
            limits: spec.limits.clone(),
            dispatch: None,
            make_response: None,
            entry: None,
            broken: None,
            meta: HashMap::new(),
            startup_ns: 0,
            prewarmed: false,
            requests: 0,
            context,
            runtime,
        };
        isolate.budget.arm(spec.limits.startup_cpu_ns());
        let loaded = isolate.load_prelude();
        isolate.startup_outcome(loaded)?;
        Ok(isolate)
    }

    /// Evaluates the worker in a prepared isolate (under the startup CPU limit).
    fn load_script(
        &mut self,
        script: &Script,
        env_json: &str,
        bindings_json: &str,
        now_ns: u64,
    ) -> Result<(), StartupError> {
        {
            let mut st = self.state.lock();
            st.now_ms = ns_to_ms(now_ns);
            st.now_ns = now_ns;
        }
        self.budget.arm(self.limits.startup_cpu_ns());
        let loaded = self.load(script, env_json, bindings_json);
        self.startup_outcome(loaded)
    }

    /// Disarms the startup budget and turns what a startup phase did into its error, if any.
    fn startup_outcome(&mut self, loaded: Result<(), String>) -> Result<(), StartupError> {
        // One last look at the clock: a builtin may have run past the deadline between two
        // polls of the interrupt handler.
        let tripped = self.budget.should_interrupt();
        self.budget.disarm();
        if tripped {
            return Err(StartupError {
                outcome: Outcome::ExceededCpu,
                message: format!(
                    "Error: Script startup exceeded CPU time limit ({} ms)",
                    self.limits.startup_cpu_ms
                ),
            });
        }
        if self.heap.refused() || self.state.lock().out_of_memory {
            return Err(StartupError {
                outcome: Outcome::ExceededMemory,
                message: "Script startup exceeded memory limit".into(),
            });
        }
        loaded.map_err(|message| {
            let outcome = if is_out_of_memory(&message) {
                Outcome::ExceededMemory
            } else {
                Outcome::ScriptError
            };
            StartupError { outcome, message }
        })
    }

    /// Evaluates the prelude and keeps its entry points (`init`, `setExports`, `makeResponse`).
    fn load_prelude(&mut self) -> Result<(), String> {
        let state = self.state.clone();
        let (init, set_exports, make_response, workers) =
            self.context.with(|ctx| -> Result<(JsFn, JsFn, JsFn, JsFn), String> {
                let caught = |e: rquickjs::Error| -> String {
                    match e {
                        rquickjs::Error::Exception => describe(&ctx, &ctx.catch()),
                        other => other.to_string(),
                    }
                };
                let native = native::install(&ctx, &state).map_err(caught)?;
                let setup: Function = prelude::evaluate(&ctx).map_err(caught)?;
                let api: Object = setup.call((native,)).map_err(caught)?;
                let get = |name: &str| -> Result<JsFn, String> {
                    let f: Function = api.get(name).map_err(caught)?;
                    Ok(JsFn::save(&ctx, f))
                };
                Ok((
                    get("init")?,
                    get("setExports")?,
                    get("makeResponse")?,
                    get("cloudflareWorkers")?,
                ))
            })?;
        self.entry = Some((init, set_exports, workers));
        self.make_response = Some(make_response);
        Ok(())
    }

    /// Evaluates the worker and keeps the prelude's dispatch entry point.
    fn load(&mut self, script: &Script, env_json: &str, bindings_json: &str) -> Result<(), String> {
        let Some((init, set_exports, workers)) = self.entry.take() else {
            return Err("the isolate already holds a worker".into());
        };
        if let Some(set) = &script.modules {
            // A multi-file worker: its imports resolve within its module set.
            let loader = crate::isolate::module_set::GraphLoader(set.clone());
            self.runtime
                .set_loader(loader, crate::isolate::module_set::GraphLoader(set.clone()));
        }
        let dispatch = self.context.with(|ctx| -> Result<JsFn, String> {
            let caught = |e: rquickjs::Error| -> String {
                match e {
                    rquickjs::Error::Exception => describe(&ctx, &ctx.catch()),
                    other => other.to_string(),
                }
            };
            let handler: Value = match script.kind {
                ScriptKind::Module => {
                    // SAFETY: the bytecode was produced by `script::compile` in this process from
                    // the same QuickJS build, so it is well-formed for JS_ReadObject.
                    let module = unsafe { Module::load(ctx.clone(), &script.bytecode) }.map_err(caught)?;
                    // `import ... from "cloudflare:workers"` reads this while the module evaluates.
                    let builtins = workers.restore(&ctx).map_err(caught)?;
                    ctx.globals()
                        .set(crate::isolate::modules::HIDDEN_GLOBAL, builtins)
                        .map_err(caught)?;
                    let evaluated = module.eval();
                    while ctx.execute_pending_job() {}
                    ctx.globals()
                        .remove(crate::isolate::modules::HIDDEN_GLOBAL)
                        .map_err(caught)?;
                    let (module, promise) = evaluated.map_err(caught)?;
                    if let Some(Err(e)) = promise.result::<Value>() {
                        return Err(caught(e));
                    }
                    let ns = module.namespace().map_err(caught)?;
                    let default: Value = ns.get("default").map_err(caught)?;
                    let init_exports = set_exports.restore(&ctx).map_err(caught)?;
                    init_exports.call::<_, ()>((ns,)).map_err(caught)?;
                    default
                }
                ScriptKind::ServiceWorker => {
                    drop(set_exports);
                    drop(workers);
                    prelude::eval_global_bytecode(&ctx, &script.bytecode).map_err(caught)?;
                    while ctx.execute_pending_job() {}
                    Value::new_undefined(ctx.clone())
                }
            };
            let env = ctx.json_parse(env_json).map_err(caught)?;
            let bindings = ctx.json_parse(bindings_json).map_err(caught)?;
            let init = init.restore(&ctx).map_err(caught)?;
            let dispatch: Function = init.call((handler, env, bindings)).map_err(caught)?;
            Ok(JsFn::save(&ctx, dispatch))
        })?;
        self.dispatch = Some(dispatch);
        Ok(())
    }
}

/// An isolate prepared before a request needs it: runtime, context, limits and the Web API
/// prelude, but no worker yet. A pool keeps one when its host calls `prewarm` while idle (as
/// Workers starts an isolate during the TLS handshake), so a cold start then pays only for the
/// worker's own evaluation.
pub struct Prewarmed(Isolate);

impl Prewarmed {
    /// Prepares an isolate from `spec`; its script, env and bindings are not read.
    pub fn new(spec: &IsolateSpec<'_>) -> Result<Prewarmed, StartupError> {
        Isolate::prepare(spec).map(Prewarmed)
    }

    /// Evaluates the worker in it. The isolate's `startup_ns` counts this step only.
    pub fn load(
        self,
        script: &Script,
        env_json: &str,
        bindings_json: &str,
        now_ns: u64,
    ) -> Result<Isolate, StartupError> {
        let start = thread_cpu_ns();
        let mut isolate = self.0;
        isolate.load_script(script, env_json, bindings_json, now_ns)?;
        isolate.startup_ns = thread_cpu_ns().saturating_sub(start);
        isolate.prewarmed = true;
        Ok(isolate)
    }
}
