//! `edgert._core.KvReplica`: one PoP's KV replica, shared by the cores of that PoP
//! (`CoreWorker(..., kv=replica)`), readable from Python (what the PoP holds), plus the KV
//! limits for Python callers (`kv_check_put`, `kv_check_list_limit`).

use super::errors::error;
use crate::kv::{limits, KvError, ReplicaConfig, SharedKv};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

fn to_ns(now: f64) -> u64 {
    if now.is_finite() && now > 0.0 {
        (now * 1e9) as u64
    } else {
        0
    }
}

fn limit_error(py: Python<'_>, e: KvError) -> PyErr {
    error(py, "KvLimitError", e.message)
}

/// One entry a replica holds: `(key, value or None, metadata JSON or None, expiration or None,
/// version_ns, filled_at, cached_until)` (times in seconds).
type PyEntry<'py> = (
    String,
    Option<Bound<'py, PyBytes>>,
    Option<String>,
    Option<u64>,
    u64,
    f64,
    f64,
);

/// A PoP's cache of KV namespaces (the read path of KV bindings).
#[pyclass(module = "edgert._core", name = "KvReplica", frozen)]
pub struct PyKvReplica {
    pub(super) inner: SharedKv,
}

#[pymethods]
impl PyKvReplica {
    #[new]
    #[pyo3(signature = (*, default_cache_ttl_s = limits::DEFAULT_CACHE_TTL_S, min_cache_ttl_s = limits::MIN_CACHE_TTL_S, max_bytes = 64 * 1024 * 1024))]
    fn new(py: Python<'_>, default_cache_ttl_s: u64, min_cache_ttl_s: u64, max_bytes: usize) -> PyResult<Self> {
        if default_cache_ttl_s < min_cache_ttl_s || max_bytes == 0 {
            return Err(error(
                py,
                "ConfigError",
                "default_cache_ttl_s must be >= min_cache_ttl_s, and max_bytes positive",
            ));
        }
        Ok(PyKvReplica {
            inner: SharedKv::new(ReplicaConfig {
                default_cache_ttl_s,
                min_cache_ttl_s,
                max_bytes,
            }),
        })
    }

    #[getter]
    fn default_cache_ttl_s(&self) -> u64 {
        self.inner.lock().config().default_cache_ttl_s
    }

    #[getter]
    fn min_cache_ttl_s(&self) -> u64 {
        self.inner.lock().config().min_cache_ttl_s
    }

    /// What the replica holds of `namespace` that is still served at `now`, sorted by key.
    fn entries<'py>(&self, py: Python<'py>, namespace: &str, now: f64) -> Vec<PyEntry<'py>> {
        let entries = self.inner.lock().entries(namespace, to_ns(now));
        entries
            .into_iter()
            .map(|(key, c)| {
                let (value, metadata, expiration) = match &c.value {
                    Some(v) => (
                        Some(PyBytes::new(py, &v.bytes)),
                        v.metadata.as_deref().map(str::to_owned),
                        v.expiration_s,
                    ),
                    None => (None, None, None),
                };
                (
                    key,
                    value,
                    metadata,
                    expiration,
                    c.version_ns,
                    c.filled_ns as f64 / 1e9,
                    c.until_ns as f64 / 1e9,
                )
            })
            .collect()
    }

    /// Namespaces with at least one cached entry.
    fn namespaces(&self) -> Vec<String> {
        self.inner.lock().namespaces()
    }

    /// Forgets one key, or a whole namespace; returns the number of entries removed.
    #[pyo3(signature = (namespace, key = None))]
    fn purge(&self, namespace: &str, key: Option<&str>) -> u64 {
        self.inner.lock().purge(namespace, key)
    }

    /// Counters: hits, negative_hits, misses, fills, writes, evictions, entries, bytes.
    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let m = self.inner.lock().metrics();
        let d = PyDict::new(py);
        d.set_item("hits", m.hits)?;
        d.set_item("negative_hits", m.negative_hits)?;
        d.set_item("misses", m.misses)?;
        d.set_item("fills", m.fills)?;
        d.set_item("writes", m.writes)?;
        d.set_item("evictions", m.evictions)?;
        d.set_item("entries", m.entries)?;
        d.set_item("bytes", m.bytes)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let m = self.inner.lock().metrics();
        format!("KvReplica(entries={}, bytes={})", m.entries, m.bytes)
    }
}

/// Checks a put against the KV limits; returns its absolute expiration (or None).
#[pyfunction]
#[pyo3(signature = (key, value_len, metadata_json, expiration, expiration_ttl, now))]
fn kv_check_put(
    py: Python<'_>,
    key: &str,
    value_len: usize,
    metadata_json: Option<&str>,
    expiration: Option<f64>,
    expiration_ttl: Option<f64>,
    now: f64,
) -> PyResult<Option<u64>> {
    limits::check_key("PUT", key).map_err(|e| limit_error(py, e))?;
    limits::check_value(value_len).map_err(|e| limit_error(py, e))?;
    if let Some(m) = metadata_json {
        limits::check_metadata(m).map_err(|e| limit_error(py, e))?;
    }
    limits::expiration(now, expiration, expiration_ttl).map_err(|e| limit_error(py, e))
}

/// Checks a key for `op` ("GET", "DELETE"...).
#[pyfunction]
fn kv_check_key(py: Python<'_>, op: &str, key: &str) -> PyResult<()> {
    limits::check_key(op, key).map_err(|e| limit_error(py, e))
}

/// Checks a list limit; returns it (1000 when None).
#[pyfunction]
#[pyo3(signature = (limit = None))]
fn kv_check_list_limit(py: Python<'_>, limit: Option<f64>) -> PyResult<u32> {
    limits::list_limit(limit).map_err(|e| limit_error(py, e))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyKvReplica>()?;
    m.add_function(wrap_pyfunction!(kv_check_put, m)?)?;
    m.add_function(wrap_pyfunction!(kv_check_key, m)?)?;
    m.add_function(wrap_pyfunction!(kv_check_list_limit, m)?)?;
    Ok(())
}
