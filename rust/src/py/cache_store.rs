//! `edgert._core.CacheStore`: one PoP's cache as the workers of that PoP share it
//! (`CoreWorker(..., cache=store)`): `caches.default`, `caches.open(name)` and the cache outbound
//! `fetch` goes through. Python sees its metrics and can purge it.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::cache::{
    fetch_failed_in, lookup_in, metrics_dict, store_in, OriginAnswer, PyCachedResponse, PyLookupResult,
};
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

    /// `HttpCache.lookup` on this PoP's default cache (what a PoP does for a request it passes
    /// through to the origin).
    #[pyo3(signature = (method, url, headers = None, now = 0.0, *, cf = None))]
    fn lookup(
        &self,
        py: Python<'_>,
        method: &str,
        url: &str,
        headers: Option<&Bound<'_, PyAny>>,
        now: f64,
        cf: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyLookupResult> {
        lookup_in(self.inner.lock().default_cache(), py, method, url, headers, now, cf)
    }

    /// `HttpCache.store` on this PoP's default cache.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (method, url, headers, status, response_headers, body, request_time, response_time, *, cf = None))]
    fn store(
        &self,
        py: Python<'_>,
        method: &str,
        url: &str,
        headers: Option<&Bound<'_, PyAny>>,
        status: u16,
        response_headers: Option<&Bound<'_, PyAny>>,
        body: Option<&[u8]>,
        request_time: f64,
        response_time: f64,
        cf: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let answer = OriginAnswer {
            status,
            headers: response_headers,
            body,
        };
        let mut storage = self.inner.lock();
        store_in(
            storage.default_cache(),
            py,
            method,
            url,
            headers,
            answer,
            request_time,
            response_time,
            cf,
        )
    }

    /// `HttpCache.fetch_failed` on this PoP's default cache.
    #[pyo3(signature = (method, url, headers = None, now = 0.0, *, cf = None))]
    fn fetch_failed(
        &self,
        py: Python<'_>,
        method: &str,
        url: &str,
        headers: Option<&Bound<'_, PyAny>>,
        now: f64,
        cf: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<PyCachedResponse>> {
        fetch_failed_in(self.inner.lock().default_cache(), py, method, url, headers, now, cf)
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
