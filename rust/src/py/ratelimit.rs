//! `edgert._core.RateLimitCounters`: one PoP's rate-limiting counters, shared by the cores of
//! that PoP through the binding's `store` id (see `crate::ratelimit`).

use super::errors::error;
use crate::ratelimit::{Mode, SharedCounters};
use pyo3::prelude::*;

fn to_ns(now: f64) -> u64 {
    if now.is_finite() && now > 0.0 {
        (now * 1e9) as u64
    } else {
        0
    }
}

/// A PoP's rate-limiting counters.
#[pyclass(module = "edgert._core", name = "RateLimitCounters", frozen)]
pub struct PyRateLimitCounters {
    inner: SharedCounters,
}

#[pymethods]
impl PyRateLimitCounters {
    #[new]
    #[pyo3(signature = (*, mode = "sliding"))]
    fn new(py: Python<'_>, mode: &str) -> PyResult<Self> {
        let mode = match mode {
            "sliding" => Mode::Sliding,
            "fixed" => Mode::Fixed,
            other => {
                return Err(error(
                    py,
                    "ConfigError",
                    format!("rate limit mode must be \"sliding\" or \"fixed\", not {other:?}"),
                ))
            }
        };
        Ok(PyRateLimitCounters {
            inner: SharedCounters::new(mode),
        })
    }

    /// The id bindings name this table by.
    #[getter]
    fn id(&self) -> u64 {
        self.inner.id
    }

    #[getter]
    fn mode(&self) -> &'static str {
        match self.inner.lock().mode {
            Mode::Sliding => "sliding",
            Mode::Fixed => "fixed",
        }
    }

    /// Counts one call of `key` in `namespace` at host time `now` (seconds), as `limit()` does.
    fn hit(&self, namespace: &str, key: &str, limit: u32, period: u32, now: f64) -> bool {
        self.inner.lock().hit(namespace, key, limit, period, to_ns(now))
    }

    /// `(allowed, refused, keys)`: calls let through and refused so far, keys counted now.
    fn metrics(&self) -> (u64, u64, usize) {
        let c = self.inner.lock();
        (c.allowed, c.refused, c.len())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRateLimitCounters>()
}
