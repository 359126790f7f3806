//! `edgert._core.CacheStore`: one PoP's cache as the workers of that PoP share it
//! (`CoreWorker(..., cache=store)`): `caches.default`, `caches.open(name)` and the cache outbound
//! `fetch` goes through. Python sees its metrics and can purge it.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::cache::metrics_dict;
use super::errors::error;
use crate::cache::{CacheConfig, HttpCache, SharedCache};

/// A per-PoP `CacheStorage` shared by the workers given it.
#[pyclass(module = "edgert._core", name = "CacheStore", frozen)]
pub struct PyCacheStore {
    pub(super) inner: SharedCache,
}

fn with_cache<T>(store: &SharedCache, name: Option<&str>, f: impl FnOnce(&mut HttpCache) -> T) -> T {
    let mut storage = store.lock();
    match name {
        Some(name) => f(storage.open(name)),
        None => f(storage.default_cache()),
    }
}

#[pymethods]
impl PyCacheStore {
    /// `max_bytes` is the byte budget of `caches.default` and of each named cache.
    #[new]
    #[pyo3(signature = (max_bytes = 64 * 1024 * 1024, *, max_entry_bytes = None))]
    fn new(py: Python<'_>, max_bytes: u64, max_entry_bytes: Option<u64>) -> PyResult<Self> {
        if max_bytes == 0 {
            return Err(error(py, "ConfigError", "max_bytes must be positive"));
        }
        let config = CacheConfig {
            max_bytes,
            max_entry_bytes,
            ..Default::default()
        };
        Ok(PyCacheStore {
            inner: SharedCache::new(config),
        })
    }

    /// Counters of `caches.default` (or of the named cache).
    #[pyo3(signature = (name = None))]
    fn metrics<'py>(&self, py: Python<'py>, name: Option<&str>) -> PyResult<Bound<'py, PyDict>> {
        let m = with_cache(&self.inner, name, |c| c.metrics());
        metrics_dict(py, &m)
    }

    /// Names of the caches opened with `caches.open(name)`, sorted.
    fn names(&self) -> Vec<String> {
        self.inner.lock().names()
    }

    /// Removes what is stored for `url` (or a cache key); returns the number of responses removed.
    #[pyo3(signature = (url, name = None))]
    fn purge_url(&self, url: &str, name: Option<&str>) -> u64 {
        with_cache(&self.inner, name, |c| c.purge_url(url))
    }

    /// Removes everything under a URL prefix.
    #[pyo3(signature = (prefix, name = None))]
    fn purge_prefix(&self, prefix: &str, name: Option<&str>) -> u64 {
        with_cache(&self.inner, name, |c| c.purge_prefix(prefix))
    }

    /// Removes every stored response of the default (or the named) cache.
    #[pyo3(signature = (name = None))]
    fn purge_all(&self, name: Option<&str>) -> u64 {
        with_cache(&self.inner, name, |c| c.purge_all())
    }

    fn __repr__(&self) -> String {
        let m = self.inner.lock().default_cache().metrics();
        format!("CacheStore(entries={}, bytes={})", m.entries, m.bytes)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCacheStore>()
}
