//! Python classes of the execution threads: `Executor` (the threads and their watchdog) and
//! `ExecutorChannel` (one event loop's way in and out: submit calls, take what finished).

use super::errors::error;
use super::http::{PyRequest, PyResponse};
use super::protocol::steps_to_py;
use super::worker::PyCoreWorker;
use crate::host::{Call, Channel, Executor};
use crate::protocol::OpResult;
use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Execution threads that run workers' JavaScript off the caller's thread, with a watchdog.
#[pyclass(name = "Executor", module = "edgert._core", frozen)]
pub struct PyExecutor {
    pub(crate) inner: Arc<Executor>,
    threads: usize,
}

#[pymethods]
impl PyExecutor {
    #[new]
    #[pyo3(signature = (threads=None, *, max_stuck=None))]
    fn new(py: Python<'_>, threads: Option<usize>, max_stuck: Option<usize>) -> PyResult<Self> {
        let threads = match threads {
            Some(0) => return Err(error(py, "ConfigError", "threads must be >= 1")),
            Some(n) => n,
            None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        };
        let max_stuck = max_stuck.unwrap_or((2 * threads).max(4));
        let inner = Executor::new(threads, max_stuck)
            .map_err(|e| error(py, "HostError", format!("cannot start execution threads: {e}")))?;
        Ok(PyExecutor {
            inner: Arc::new(inner),
            threads,
        })
    }

    /// Execution threads it was started with.
    #[getter]
    fn threads(&self) -> usize {
        self.threads
    }

    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Counters: threads, queued, running, submitted, completed, condemned, panics, replaced, stuck,
    /// demoted.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.stats();
        let d = PyDict::new(py);
        d.set_item("threads", s.threads)?;
        d.set_item("queued", s.queued)?;
        d.set_item("running", s.running)?;
        d.set_item("submitted", s.submitted)?;
        d.set_item("completed", s.completed)?;
        d.set_item("condemned", s.condemned)?;
        d.set_item("panics", s.panics)?;
        d.set_item("replaced", s.replaced)?;
        d.set_item("stuck", s.stuck)?;
        d.set_item("demoted", s.demoted)?;
        Ok(d)
    }

    /// Stops the threads once the queue is empty; never waits for a stuck call.
    fn close(&self) {
        self.inner.close()
    }
}

/// One event loop's channel to an `Executor`: calls go in with a callback; the loop watches
/// `fileno()` and calls `drain()`, which calls `callback(steps, condemned)` for every call
/// that finished. `condemned`: the watchdog answered the call (its isolate did not come back
/// within `wall_ms`) or it failed; the caller answers that call's own request.
#[pyclass(name = "ExecutorChannel", module = "edgert._core", frozen)]
pub struct PyExecutorChannel {
    executor: Arc<Executor>,
    channel: Arc<Channel>,
    callbacks: Mutex<HashMap<u64, Py<PyAny>>>,
    next: AtomicU64,
}

fn wall(wall_ms: f64) -> Duration {
    if wall_ms.is_finite() && wall_ms > 0.0 {
        Duration::from_secs_f64(wall_ms / 1000.0)
    } else {
        Duration::from_secs(30)
    }
}

impl PyExecutorChannel {
    fn submit(
        &self,
        py: Python<'_>,
        core: &PyCoreWorker,
        call: Call,
        wall_ms: f64,
        callback: Py<PyAny>,
    ) -> PyResult<()> {
        let token = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        self.callbacks.lock().insert(token, callback);
        let queued = self
            .executor
            .submit(token, core.inner.clone(), call, wall(wall_ms), self.channel.clone());
        if !queued {
            self.callbacks.lock().remove(&token);
            return Err(error(py, "HostError", "the executor is closed"));
        }
        Ok(())
    }
}

#[pymethods]
impl PyExecutorChannel {
    #[new]
    fn new(py: Python<'_>, executor: &PyExecutor) -> PyResult<Self> {
        let channel =
            Channel::new().map_err(|e| error(py, "HostError", format!("cannot make a wake-up socket: {e}")))?;
        Ok(PyExecutorChannel {
            executor: executor.inner.clone(),
            channel: Arc::new(channel),
            callbacks: Mutex::new(HashMap::new()),
            next: AtomicU64::new(0),
        })
    }

    /// The socket that becomes readable when calls have finished.
    fn fileno(&self) -> i32 {
        self.channel.fd()
    }

    /// Calls submitted whose callback has not run yet.
    #[getter]
    fn pending(&self) -> usize {
        self.callbacks.lock().len()
    }

    /// Runs the callbacks of every finished call; returns how many ran. An exception in a
    /// callback is reported as unraisable and does not stop the others.
    fn drain(&self, py: Python<'_>) -> PyResult<usize> {
        let done = self.channel.take();
        let n = done.len();
        for d in done {
            let Some(callback) = self.callbacks.lock().remove(&d.token) else {
                continue;
            };
            let steps = steps_to_py(py, d.steps)?;
            let callback = callback.bind(py);
            if let Err(e) = callback.call1((steps, d.condemned)) {
                e.write_unraisable(py, Some(callback));
            }
        }
        Ok(n)
    }

    /// `core.begin(request, now)` on an execution thread (`now` read when it starts).
    fn begin(
        &self,
        py: Python<'_>,
        core: &Bound<'_, PyCoreWorker>,
        request: &Bound<'_, PyRequest>,
        wall_ms: f64,
        callback: Py<PyAny>,
    ) -> PyResult<()> {
        let req = request.get();
        let call = Call::Begin {
            request: req.inner.clone(),
            cf_json: req.cf_json.as_deref().map(Arc::from),
        };
        self.submit(py, core.get(), call, wall_ms, callback)
    }

    /// `core.begin_event(kind, payload_json, now)` on an execution thread.
    fn begin_event(
        &self,
        py: Python<'_>,
        core: &Bound<'_, PyCoreWorker>,
        kind: String,
        payload_json: String,
        wall_ms: f64,
        callback: Py<PyAny>,
    ) -> PyResult<()> {
        self.submit(py, core.get(), Call::Event { kind, payload_json }, wall_ms, callback)
    }

    fn complete_fetch(
        &self,
        py: Python<'_>,
        core: &Bound<'_, PyCoreWorker>,
        op: u64,
        response: &Bound<'_, PyResponse>,
        wall_ms: f64,
        callback: Py<PyAny>,
    ) -> PyResult<()> {
        let result = OpResult::Response(response.get().inner.clone());
        self.submit(py, core.get(), Call::Complete { op, result }, wall_ms, callback)
    }

    fn complete_timer(
        &self,
        py: Python<'_>,
        core: &Bound<'_, PyCoreWorker>,
        op: u64,
        wall_ms: f64,
        callback: Py<PyAny>,
    ) -> PyResult<()> {
        self.submit(
            py,
            core.get(),
            Call::Complete {
                op,
                result: OpResult::Fired,
            },
            wall_ms,
            callback,
        )
    }

    #[pyo3(signature = (core, op, json, wall_ms, callback, data=None))]
    #[allow(clippy::too_many_arguments)]
    fn complete_value(
        &self,
        py: Python<'_>,
        core: &Bound<'_, PyCoreWorker>,
        op: u64,
        json: String,
        wall_ms: f64,
        callback: Py<PyAny>,
        data: Option<Vec<u8>>,
    ) -> PyResult<()> {
        let result = OpResult::Value { json, bytes: data };
        self.submit(py, core.get(), Call::Complete { op, result }, wall_ms, callback)
    }

    #[allow(clippy::too_many_arguments)]
    fn complete_error(
        &self,
        py: Python<'_>,
        core: &Bound<'_, PyCoreWorker>,
        op: u64,
        name: String,
        message: String,
        wall_ms: f64,
        callback: Py<PyAny>,
    ) -> PyResult<()> {
        let result = OpResult::Error { name, message };
        self.submit(py, core.get(), Call::Complete { op, result }, wall_ms, callback)
    }

    fn abort(
        &self,
        py: Python<'_>,
        core: &Bound<'_, PyCoreWorker>,
        task: u64,
        wall_ms: f64,
        callback: Py<PyAny>,
    ) -> PyResult<()> {
        self.submit(py, core.get(), Call::Abort { task }, wall_ms, callback)
    }

    /// `core.deliver_ws(socket, kind, data, now, code, reason, clean)` on an execution thread.
    #[pyo3(signature = (core, socket, kind, data, wall_ms, callback, code=1005, reason=String::new(), clean=true))]
    #[allow(clippy::too_many_arguments)]
    fn deliver_ws(
        &self,
        py: Python<'_>,
        core: &Bound<'_, PyCoreWorker>,
        socket: u64,
        kind: &str,
        data: Option<&Bound<'_, PyAny>>,
        wall_ms: f64,
        callback: Py<PyAny>,
        code: u16,
        reason: String,
        clean: bool,
    ) -> PyResult<()> {
        let event = super::worker::ws_event(kind, data, code, reason, clean)?;
        self.submit(py, core.get(), Call::Socket { socket, event }, wall_ms, callback)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyExecutor>()?;
    m.add_class::<PyExecutorChannel>()?;
    Ok(())
}
