//! Python classes for execution statistics and captured console lines.

use crate::protocol::{LogLine, Stats};
use pyo3::prelude::*;

/// One `console.*` call of the worker.
#[pyclass(name = "LogLine", module = "edgert._core", frozen, get_all)]
pub struct PyLogLine {
    /// "debug", "log", "info", "warn" or "error".
    pub level: &'static str,
    pub message: String,
    /// Host time of the turn that logged it, seconds since the epoch.
    pub at: f64,
}

#[pymethods]
impl PyLogLine {
    fn __repr__(&self) -> String {
        format!("LogLine({:?}, {:?})", self.level, self.message)
    }
}

impl From<&LogLine> for PyLogLine {
    fn from(l: &LogLine) -> Self {
        PyLogLine {
            level: l.level.as_str(),
            message: l.message.clone(),
            at: l.at_ms / 1e3,
        }
    }
}

/// What a request cost, and what the worker said while serving it.
#[pyclass(name = "Stats", module = "edgert._core", get_all)]
pub struct PyStats {
    /// CPU time of the worker's JavaScript for this request, in milliseconds.
    pub cpu_ms: f64,
    /// Whether this request had to create its isolate.
    pub cold_start: bool,
    /// CPU time of the isolate's creation when `cold_start`, in milliseconds.
    pub startup_ms: f64,
    /// Whether that cold start took a spare isolate made by `prewarm` (then `startup_ms` counts
    /// only the worker's own evaluation).
    pub prewarmed: bool,
    pub isolate_id: u64,
    /// "ok", "exception", "invalidResponse", "exceededCpu", "exceededMemory", "neverSettled",
    /// "canceled", "isolateDiscarded" or "scriptError".
    pub outcome: &'static str,
    pub error: Option<String>,
    pub logs: Vec<Py<PyLogLine>>,
    /// Operations (fetches, timers, binding calls) this request handed to the host.
    pub ops: u32,
    /// Host time from the start of the request to its response, in milliseconds.
    #[pyo3(set)]
    pub wall_ms: f64,
    pub wait_until_errors: Vec<String>,
    /// KV reads: `(namespace, key, hit, version_ns, at)`, in order (`at` in seconds).
    pub kv_reads: Vec<(String, String, bool, u64, f64)>,
}

impl PyStats {
    pub fn from_stats(py: Python<'_>, s: &Stats) -> PyResult<Self> {
        let logs = s
            .logs
            .iter()
            .map(|l| Py::new(py, PyLogLine::from(l)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyStats {
            cpu_ms: s.cpu_ns as f64 / 1e6,
            cold_start: s.cold_start,
            startup_ms: s.startup_ns as f64 / 1e6,
            prewarmed: s.prewarmed,
            isolate_id: s.isolate_id,
            outcome: s.outcome.as_str(),
            error: s.error.clone(),
            logs,
            ops: s.ops,
            wall_ms: s.wall_ms,
            wait_until_errors: s.wait_until_errors.clone(),
            kv_reads: s
                .kv_reads
                .iter()
                .map(|r| {
                    (
                        r.namespace.to_string(),
                        r.key.clone(),
                        r.hit,
                        r.version_ns,
                        r.at_ns as f64 / 1e9,
                    )
                })
                .collect(),
        })
    }
}

#[pymethods]
impl PyStats {
    fn __repr__(&self) -> String {
        format!(
            "Stats(outcome={:?}, cpu_ms={:.3}, cold_start={}, startup_ms={:.3}, ops={}, logs={})",
            self.outcome,
            self.cpu_ms,
            self.cold_start,
            self.startup_ms,
            self.ops,
            self.logs.len()
        )
    }
}
