//! Python classes for the step protocol: `Operation` and `Step`.

use super::http::{PyRequest, PyResponse};
use super::stats::PyStats;
use crate::protocol::{OpKind, Operation, Step, WsAction};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// An operation the host must perform, then complete on the worker.
#[pyclass(name = "Operation", module = "edgert._core", frozen, get_all)]
pub struct PyOperation {
    pub id: u64,
    pub task: u64,
    /// "fetch", "timer", "binding" or "kv".
    pub kind: &'static str,
    /// The outbound request, for "fetch".
    pub request: Option<Py<PyRequest>>,
    /// Host time at which the timer fires, in seconds, for "timer".
    pub at: Option<f64>,
    /// For "binding": the binding's name, the method and its JSON-encoded arguments.
    pub binding: Option<String>,
    pub method: Option<String>,
    pub args: Option<String>,
    /// For "kv": the bytes of a `put` (`binding` is the namespace id, `method` get/put/delete/list).
    pub data: Option<Py<PyBytes>>,
    /// For "websocket": the socket id; `method` is "text", "binary" or "close"; `args` the
    /// text of a "text" message or a close's reason; `data` a "binary" message's bytes;
    /// `code` a close's code.
    pub socket: Option<u64>,
    pub code: Option<u16>,
}

#[pymethods]
impl PyOperation {
    fn __repr__(&self) -> String {
        format!("Operation(id={}, task={}, kind={:?})", self.id, self.task, self.kind)
    }
}

impl PyOperation {
    pub fn from_op(py: Python<'_>, op: Operation) -> PyResult<Self> {
        let mut out = PyOperation {
            id: op.id,
            task: op.task,
            kind: "fetch",
            request: None,
            at: None,
            binding: None,
            method: None,
            args: None,
            data: None,
            socket: None,
            code: None,
        };
        match op.kind {
            OpKind::Fetch(request) => {
                out.request = Some(Py::new(
                    py,
                    PyRequest {
                        inner: request,
                        cf_json: None,
                    },
                )?)
            }
            OpKind::Timer { at_ns } => {
                out.kind = "timer";
                out.at = Some(at_ns as f64 / 1e9);
            }
            OpKind::Binding { binding, method, args } => {
                out.kind = "binding";
                out.binding = Some(binding);
                out.method = Some(method);
                out.args = Some(args);
            }
            OpKind::Kv {
                namespace,
                method,
                args,
                value,
            } => {
                out.kind = "kv";
                out.binding = Some(namespace);
                out.method = Some(method.to_owned());
                out.args = Some(args);
                out.data = value.map(|v| PyBytes::new(py, v.as_bytes()).unbind());
            }
            OpKind::WebSocket { socket, action } => {
                out.kind = "websocket";
                out.socket = Some(socket);
                match action {
                    WsAction::Text(text) => {
                        out.method = Some("text".into());
                        out.args = Some(text);
                    }
                    WsAction::Binary(bytes) => {
                        out.method = Some("binary".into());
                        out.data = Some(PyBytes::new(py, &bytes).unbind());
                    }
                    WsAction::Attach { handle } => {
                        out.method = Some("attach".into());
                        out.args = Some(handle);
                    }
                    WsAction::Close { code, reason } => {
                        out.method = Some("close".into());
                        out.args = Some(reason);
                        out.code = Some(code);
                    }
                }
            }
        }
        Ok(out)
    }
}

/// What changed for one request (task) after the core ran.
#[pyclass(name = "Step", module = "edgert._core", frozen, get_all)]
pub struct PyStep {
    pub task: u64,
    /// The response, in the one step where it becomes available.
    pub response: Option<Py<PyResponse>>,
    pub ops: Vec<Py<PyOperation>>,
    /// True once the response was given and every `waitUntil` promise settled.
    pub done: bool,
    pub stats: Option<Py<PyStats>>,
}

#[pymethods]
impl PyStep {
    fn __repr__(&self) -> String {
        format!(
            "Step(task={}, response={}, ops={}, done={})",
            self.task,
            self.response.is_some(),
            self.ops.len(),
            self.done
        )
    }
}

pub fn steps_to_py(py: Python<'_>, steps: Vec<Step>) -> PyResult<Vec<PyStep>> {
    steps
        .into_iter()
        .map(|s| {
            let stats = s
                .stats
                .as_ref()
                .map(|st| Py::new(py, PyStats::from_stats(py, st)?))
                .transpose()?;
            let response = s
                .response
                .map(|r| {
                    Py::new(
                        py,
                        PyResponse {
                            inner: r,
                            stats: stats.as_ref().map(|x| x.clone_ref(py)),
                        },
                    )
                })
                .transpose()?;
            let ops = s
                .ops
                .into_iter()
                .map(|o| Py::new(py, PyOperation::from_op(py, o)?))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(PyStep {
                task: s.task,
                response,
                ops,
                done: s.done,
                stats,
            })
        })
        .collect()
}
