//! The Python class of the core worker: load a script, then drive requests step by step.

use super::cache_store::PyCacheStore;
use super::durable::PyDurableStore;
use super::errors::error;
use super::http::{PyRequest, PyResponse};
use super::jwt::PyJwtVerifier;
use super::kv::PyKvReplica;
use super::protocol::{steps_to_py, PyStep};
use crate::isolate::{compile, compile_graph, Limits};
use crate::protocol::{OpResult, Outcome};
use crate::worker::{LoadError, RouteAuth, Worker, WorkerConfig};
use pyo3::prelude::*;
use std::sync::Arc;

pub(crate) fn to_ns(now: f64) -> u64 {
    if now.is_finite() && now > 0.0 {
        (now * 1e9) as u64
    } else {
        0
    }
}

fn load_error(py: Python<'_>, e: LoadError) -> PyErr {
    let class = match e.outcome {
        Outcome::ExceededCpu => "CpuLimitExceeded",
        Outcome::ExceededMemory => "MemoryLimitExceeded",
        _ => "ScriptError",
    };
    error(py, class, e.message)
}

/// A worker version in the core: its compiled script and its isolate pool (sans-I/O).
#[pyclass(name = "CoreWorker", module = "edgert._core", frozen)]
pub struct PyCoreWorker {
    pub(crate) inner: Arc<Worker>,
}

#[pymethods]
impl PyCoreWorker {
    #[new]
    #[pyo3(signature = (source, *, name="worker.js", env_json="{}", bindings_json="[]", cpu_ms=50.0, startup_cpu_ms=400.0,
                        memory_mb=128.0, stack_kb=512, subrequests=10_000, min_isolates=1, max_isolates=64, seed=None, now=0.0, cache=None, auth=None, auth_forward=None, durable=None, kv=None, lazy=false, modules=None, d1=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        source: &str,
        name: &str,
        env_json: &str,
        bindings_json: &str,
        cpu_ms: f64,
        startup_cpu_ms: f64,
        memory_mb: f64,
        stack_kb: usize,
        subrequests: u32,
        min_isolates: usize,
        max_isolates: usize,
        seed: Option<u64>,
        now: f64,
        cache: Option<PyRef<'_, PyCacheStore>>,
        auth: Option<PyRef<'_, PyJwtVerifier>>,
        auth_forward: Option<Vec<(String, String)>>,
        durable: Option<PyRef<'_, PyDurableStore>>,
        kv: Option<PyRef<'_, PyKvReplica>>,
        lazy: bool,
        modules: Option<Vec<super::modules::PyModuleSpec>>,
        d1: Option<Vec<PyRef<'_, super::d1::PyD1Database>>>,
    ) -> PyResult<Self> {
        let positive = |x: f64| x.is_finite() && x > 0.0;
        let valid = positive(cpu_ms) && positive(startup_cpu_ms) && memory_mb.is_finite() && memory_mb >= 1.0;
        if !valid || stack_kb < 64 || max_isolates == 0 || subrequests == 0 {
            return Err(error(
                py,
                "ConfigError",
                "limits must be positive (memory_mb >= 1, stack_kb >= 64, subrequests >= 1, max_isolates >= 1)",
            ));
        }
        let config = WorkerConfig {
            limits: Limits {
                cpu_ms,
                startup_cpu_ms,
                memory_bytes: (memory_mb * 1024.0 * 1024.0) as usize,
                stack_bytes: stack_kb * 1024,
                subrequests,
            },
            env_json: env_json.to_owned(),
            bindings_json: bindings_json.to_owned(),
            min_isolates,
            max_isolates,
            seed,
            cache: cache.map(|c| c.inner.clone()),
            kv: kv.map(|k| k.inner.clone()),
            auth: auth.map(|v| {
                Arc::new(RouteAuth {
                    verifier: v.inner.clone(),
                    forward: auth_forward.unwrap_or_default(),
                })
            }),
            durable: durable.map(|d| d.inner.clone()),
            d1: std::sync::Arc::new(
                d1.unwrap_or_default()
                    .iter()
                    .map(|d| (d.id.clone(), d.inner.clone()))
                    .collect(),
            ),
        };
        let source = source.to_owned();
        let name = name.to_owned();
        let result = py.detach(move || -> Result<Worker, LoadError> {
            let script_error = |message: String| LoadError {
                outcome: Outcome::ScriptError,
                message,
            };
            let script = match modules {
                // A multi-file worker: `name` is its entry module (`source` is not used).
                Some(specs) => {
                    let sources = super::modules::module_sources(specs).map_err(script_error)?;
                    compile_graph(&name, sources).map_err(|e| script_error(e.message))?
                }
                None => compile(&name, &source).map_err(|e| script_error(e.message))?,
            };
            if lazy {
                Ok(Worker::unloaded(script, config))
            } else {
                Worker::new(script, config, to_ns(now))
            }
        });
        result
            .map(|inner| PyCoreWorker { inner: Arc::new(inner) })
            .map_err(|e| load_error(py, e))
    }

    /// "module" or "service-worker".
    #[getter]
    fn format(&self) -> &'static str {
        match self.inner.script().kind {
            crate::isolate::ScriptKind::Module => "module",
            crate::isolate::ScriptKind::ServiceWorker => "service-worker",
        }
    }

    #[getter]
    fn cpu_ms(&self) -> f64 {
        self.inner.config().limits.cpu_ms
    }

    /// Starts a request at host time `now` (seconds); returns the steps it produced.
    #[pyo3(signature = (request, now))]
    fn begin(&self, py: Python<'_>, request: &Bound<'_, PyRequest>, now: f64) -> PyResult<Vec<PyStep>> {
        let req = request.get();
        let steps = py.detach(|| self.inner.begin(&req.inner, req.cf_json.as_deref(), to_ns(now)));
        steps_to_py(py, steps)
    }

    /// `begin` without releasing the GIL while the request runs: the same steps, for a
    /// single-threaded host (the simulator's virtual-time driver), where a release only hands the
    /// GIL to another thread that wanted it (a cluster worker's event loop) and back, per request.
    #[pyo3(signature = (request, now))]
    fn begin_inline(&self, py: Python<'_>, request: &Bound<'_, PyRequest>, now: f64) -> PyResult<Vec<PyStep>> {
        let req = request.get();
        let steps = self.inner.begin(&req.inner, req.cf_json.as_deref(), to_ns(now));
        steps_to_py(py, steps)
    }

    /// Starts a non-HTTP event at host time `now`: `kind` "scheduled" with a JSON payload
    /// `{"cron": ..., "scheduledTime": ms}` runs the worker's `scheduled` handler.
    #[pyo3(signature = (kind, payload_json, now))]
    fn begin_event(&self, py: Python<'_>, kind: &str, payload_json: &str, now: f64) -> PyResult<Vec<PyStep>> {
        let steps = py.detach(|| self.inner.begin_event(kind, payload_json, to_ns(now)));
        steps_to_py(py, steps)
    }

    /// Completes a fetch operation with the response the host got.
    fn complete_fetch(
        &self,
        py: Python<'_>,
        op: u64,
        response: &Bound<'_, PyResponse>,
        now: f64,
    ) -> PyResult<Vec<PyStep>> {
        let r = response.get().inner.clone();
        let steps = py.detach(|| self.inner.complete(op, OpResult::Response(r), to_ns(now)));
        steps_to_py(py, steps)
    }

    /// Completes a timer operation (it fired).
    fn complete_timer(&self, py: Python<'_>, op: u64, now: f64) -> PyResult<Vec<PyStep>> {
        let steps = py.detach(|| self.inner.complete(op, OpResult::Fired, to_ns(now)));
        steps_to_py(py, steps)
    }

    /// Completes a binding operation with a JSON value (and optional bytes).
    #[pyo3(signature = (op, json, now, data=None))]
    fn complete_value(
        &self,
        py: Python<'_>,
        op: u64,
        json: String,
        now: f64,
        data: Option<Vec<u8>>,
    ) -> PyResult<Vec<PyStep>> {
        let steps = py.detach(|| {
            self.inner
                .complete(op, OpResult::Value { json, bytes: data }, to_ns(now))
        });
        steps_to_py(py, steps)
    }

    /// Fails an operation: the worker's promise rejects with `new <name>(message)`.
    fn complete_error(
        &self,
        py: Python<'_>,
        op: u64,
        name: String,
        message: String,
        now: f64,
    ) -> PyResult<Vec<PyStep>> {
        let steps = py.detach(|| self.inner.complete(op, OpResult::Error { name, message }, to_ns(now)));
        steps_to_py(py, steps)
    }

    /// Delivers a WebSocket event to the worker's end of `socket` at host time `now`: `kind`
    /// "message" (`data` a str or bytes), "close" (`code`, `reason`, `clean`) or "error"
    /// (`reason` the message). Returns the steps of the event's task (its first step first);
    /// a 410 response means the socket's isolate is gone.
    #[pyo3(signature = (socket, kind, data, now, code=1005, reason=String::new(), clean=true))]
    #[allow(clippy::too_many_arguments)]
    fn deliver_ws(
        &self,
        py: Python<'_>,
        socket: u64,
        kind: &str,
        data: Option<&Bound<'_, PyAny>>,
        now: f64,
        code: u16,
        reason: String,
        clean: bool,
    ) -> PyResult<Vec<PyStep>> {
        let event = ws_event(kind, data, code, reason, clean)?;
        let steps = py.detach(|| self.inner.deliver_ws(socket, event, to_ns(now)));
        steps_to_py(py, steps)
    }

    /// Ends a request that has not responded (its wall-clock limit passed).
    fn abort(&self, py: Python<'_>, task: u64, now: f64) -> PyResult<Vec<PyStep>> {
        let steps = py.detach(|| self.inner.abort(task, to_ns(now)));
        steps_to_py(py, steps)
    }

    /// Pool counters: isolates, inflight, created, discarded.
    fn pool_stats(&self) -> (usize, usize, u64, u64) {
        let s = self.inner.pool_stats();
        (s.isolates, s.inflight, s.created, s.discarded)
    }

    /// Bytes allocated by each live isolate's QuickJS heap.
    fn memory_bytes(&self, py: Python<'_>) -> Vec<u64> {
        py.detach(|| self.inner.memory_bytes())
    }

    /// Drops idle isolates beyond `keep` (freeing a runtime is CPU work: the GIL is released).
    fn trim(&self, py: Python<'_>, keep: usize) {
        py.detach(|| self.inner.trim(keep))
    }

    /// Prepares a spare isolate (runtime and Web APIs, no worker) for the next cold start, if
    /// there is none; the host calls it when idle. Returns whether one was made.
    fn prewarm(&self, py: Python<'_>, now: f64) -> bool {
        py.detach(|| self.inner.prewarm(to_ns(now)))
    }

    /// Whether a spare isolate is ready.
    #[getter]
    fn has_spare(&self) -> bool {
        self.inner.has_spare()
    }

    /// Whether a spare would serve the next request: none is ready, no isolate is idle and the
    /// pool may still grow (hosts check this before `prewarm`).
    #[getter]
    fn wants_spare(&self) -> bool {
        self.inner.wants_spare()
    }
}

/// A WebSocket event from its Python form (see `CoreWorker.deliver_ws`).
pub(super) fn ws_event(
    kind: &str,
    data: Option<&Bound<'_, PyAny>>,
    code: u16,
    reason: String,
    clean: bool,
) -> PyResult<crate::protocol::WsEvent> {
    use crate::protocol::WsEvent;
    use pyo3::types::{PyBytes, PyString};
    match kind {
        "message" => {
            let Some(data) = data else {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "a message needs data (str or bytes)",
                ));
            };
            if let Ok(text) = data.cast::<PyString>() {
                Ok(WsEvent::Text(text.to_str()?.to_owned()))
            } else if let Ok(bytes) = data.cast::<PyBytes>() {
                Ok(WsEvent::Binary(bytes.as_bytes().to_vec()))
            } else {
                Err(pyo3::exceptions::PyTypeError::new_err(
                    "message data must be str or bytes",
                ))
            }
        }
        "close" => Ok(WsEvent::Close { code, reason, clean }),
        "error" => Ok(WsEvent::Error(reason)),
        other => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "unknown WebSocket event kind {other:?} (message, close, error)"
        ))),
    }
}
