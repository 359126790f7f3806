//! `edgert._core.HttpCache` and friends: the per-PoP HTTP cache for Python hosts, tests and
//! benchmarks. Times are float seconds since the epoch (converted to integer nanoseconds here);
//! headers are lists of `(name, value)` pairs; per-request options are Workers' `cf` mapping
//! (`cacheTtl`, `cacheTtlByStatus`, `cacheEverything`, `cacheKey`).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyMapping, PyString, PyTuple};

use super::errors::error;
use super::http::PyResponse;
use crate::cache::{
    CacheConfig, CacheOptions, CacheStatus, Completion, Hit, HttpCache, Lookup, Metrics, PutError, StatusTtl,
};
use crate::http::{Body, Headers, Request, Response};

fn to_ns(py: Python<'_>, seconds: f64) -> PyResult<u64> {
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(error(
            py,
            "HostError",
            format!("time must be a finite, non-negative number of seconds, got {seconds}"),
        ));
    }
    Ok((seconds * 1e9) as u64)
}

fn append_pair(py: Python<'_>, headers: &mut Headers, item: &Bound<'_, PyAny>) -> PyResult<()> {
    let bad = || error(py, "RequestError", "headers must be (name, value) pairs of strings");
    let pair = item.cast::<PyTuple>().map_err(|_| bad())?;
    if pair.len() != 2 {
        return Err(bad());
    }
    let name = pair.get_borrowed_item(0)?;
    let value = pair.get_borrowed_item(1)?;
    let name = name.cast::<PyString>().map_err(|_| bad())?;
    let value = value.cast::<PyString>().map_err(|_| bad())?;
    let (name, value) = (name.to_str()?, value.to_str()?);
    headers
        .append(name, value)
        .map_err(|e| error(py, "RequestError", e.to_string()))
}

/// Headers from a list of `(name, value)` pairs (the fast path), a dict, or any iterable of pairs.
fn to_headers(py: Python<'_>, pairs: Option<&Bound<'_, PyAny>>) -> PyResult<Headers> {
    let Some(pairs) = pairs else {
        return Ok(Headers::new());
    };
    if pairs.is_none() {
        return Ok(Headers::new());
    }
    if let Ok(list) = pairs.cast::<PyList>() {
        let mut headers = Headers::with_capacity(list.len());
        for item in list.iter() {
            append_pair(py, &mut headers, &item)?;
        }
        return Ok(headers);
    }
    let mut headers = Headers::new();
    if let Ok(dict) = pairs.cast::<PyDict>() {
        for (name, value) in dict.iter() {
            append_pair(py, &mut headers, PyTuple::new(py, [name, value])?.as_any())?;
        }
        return Ok(headers);
    }
    let iter = if let Ok(mapping) = pairs.cast::<PyMapping>() {
        mapping.items()?.into_any().try_iter()?
    } else {
        pairs.try_iter()?
    };
    for item in iter {
        append_pair(py, &mut headers, &item?)?;
    }
    Ok(headers)
}

fn header_list<'py, 'a>(
    py: Python<'py>,
    fields: impl Iterator<Item = (&'a str, &'a str)>,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for (name, value) in fields {
        list.append(PyTuple::new(py, [name, value])?)?;
    }
    Ok(list)
}

fn status_range(py: Python<'_>, key: &str) -> PyResult<(u16, u16)> {
    crate::cache::status_range(key).ok_or_else(|| {
        error(
            py,
            "ConfigError",
            format!("cacheTtlByStatus: bad status or range {key:?}"),
        )
    })
}

/// Reads Workers' `cf` options.
fn to_options(py: Python<'_>, cf: Option<&Bound<'_, PyAny>>) -> PyResult<CacheOptions> {
    let mut options = CacheOptions::default();
    let Some(cf) = cf else { return Ok(options) };
    if cf.is_none() {
        return Ok(options);
    }
    let cf = cf
        .cast::<PyMapping>()
        .map_err(|_| error(py, "ConfigError", "cf options must be a mapping"))?;
    let get = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        match cf.get_item(name) {
            Ok(v) if !v.is_none() => Ok(Some(v)),
            Ok(_) => Ok(None),
            Err(e) if e.is_instance_of::<pyo3::exceptions::PyKeyError>(py) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let config_err = |what: &str| error(py, "ConfigError", format!("cf.{what} has the wrong type"));
    if let Some(key) = get("cacheKey")? {
        options.cache_key = Some(key.extract().map_err(|_| config_err("cacheKey"))?);
    }
    if let Some(ttl) = get("cacheTtl")? {
        let ttl: f64 = ttl.extract().map_err(|_| config_err("cacheTtl"))?;
        options.cache_ttl_s = Some(ttl as i64);
    }
    if let Some(everything) = get("cacheEverything")? {
        options.cache_everything = everything.is_truthy()?;
    }
    if let Some(by_status) = get("cacheTtlByStatus")? {
        let map = by_status
            .cast::<PyMapping>()
            .map_err(|_| config_err("cacheTtlByStatus"))?;
        for item in map.items()?.iter() {
            let (key, ttl): (Bound<'_, PyAny>, f64) = item.extract().map_err(|_| config_err("cacheTtlByStatus"))?;
            let key: String = key.str()?.to_string();
            let (from, to) = status_range(py, &key)?;
            options.cache_ttl_by_status.push(StatusTtl {
                from,
                to,
                ttl_s: ttl as i64,
            });
        }
    }
    Ok(options)
}

fn make_request(py: Python<'_>, method: &str, url: &str, headers: Option<&Bound<'_, PyAny>>) -> PyResult<Request> {
    Ok(Request {
        method: method.to_ascii_uppercase(),
        url: url.to_owned(),
        headers: to_headers(py, headers)?,
        body: Body::none(),
    })
}

/// What a `CachedResponse` holds: a built response, or a stored response served as it is (its
/// fields are turned into Python objects only when asked for).
enum Held {
    Built(Response),
    Stored(Hit),
}

/// A response the cache produced (from storage or from the origin's answer).
#[pyclass(module = "edgert._core", name = "CachedResponse", frozen)]
pub struct PyCachedResponse {
    held: Held,
    cache_status: CacheStatus,
}

impl PyCachedResponse {
    fn built(response: Response, cache_status: CacheStatus) -> Self {
        PyCachedResponse {
            held: Held::Built(response),
            cache_status,
        }
    }
}

#[pymethods]
impl PyCachedResponse {
    #[getter]
    fn status(&self) -> u16 {
        match &self.held {
            Held::Built(r) => r.status,
            Held::Stored(hit) => hit.stored().status(),
        }
    }

    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        match &self.held {
            Held::Built(r) => header_list(py, r.headers.iter()),
            Held::Stored(hit) => {
                let list = header_list(py, hit.served_fields())?;
                list.append(PyTuple::new(py, ["age", &hit.age_s().to_string()])?)?;
                list.append(PyTuple::new(py, [CacheStatus::HEADER, self.cache_status.as_str()])?)?;
                Ok(list)
            }
        }
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        let body = match &self.held {
            Held::Built(r) => &r.body,
            Held::Stored(hit) => hit.stored().body(),
        };
        (!body.is_none()).then(|| PyBytes::new(py, body.as_bytes()))
    }

    #[getter]
    fn cache_status(&self) -> &'static str {
        self.cache_status.as_str()
    }

    /// This response as an `edgert.Response` (with its `Age` and `cf-cache-status`).
    fn to_response(&self) -> PyResponse {
        let inner = match &self.held {
            Held::Built(r) => r.clone(),
            Held::Stored(hit) => {
                // Stored fields were validated when stored, and the two added are well-formed:
                // no append below can fail, so its result carries nothing to report.
                let mut headers = Headers::new();
                for (name, value) in hit.served_fields() {
                    let _ = headers.append(name, value);
                }
                let _ = headers.append("age", &hit.age_s().to_string());
                let _ = headers.append(CacheStatus::HEADER, self.cache_status.as_str());
                let stored = hit.stored();
                Response::new(stored.status(), headers, stored.body().clone())
            }
        };
        PyResponse { inner, stats: None }
    }

    /// The first value of header `name` (case-insensitive), or None.
    fn header(&self, name: &str) -> Option<String> {
        match &self.held {
            Held::Built(r) => r.headers.get(name).map(str::to_owned),
            Held::Stored(hit) => {
                if name.eq_ignore_ascii_case("age") {
                    Some(hit.age_s().to_string())
                } else if name.eq_ignore_ascii_case(CacheStatus::HEADER) {
                    Some(self.cache_status.as_str().to_owned())
                } else {
                    hit.served_fields()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.to_owned())
                }
            }
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "CachedResponse(status={}, cache_status={:?})",
            self.status(),
            self.cache_status.as_str()
        )
    }
}

/// A request the host must send to the origin.
#[pyclass(module = "edgert._core", name = "OriginRequest", frozen)]
pub struct PyOriginRequest {
    request: Request,
}

#[pymethods]
impl PyOriginRequest {
    #[getter]
    fn method(&self) -> &str {
        &self.request.method
    }

    #[getter]
    fn url(&self) -> &str {
        &self.request.url
    }

    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        header_list(py, self.request.headers.iter())
    }

    fn header(&self, name: &str) -> Option<String> {
        self.request.headers.get(name).map(str::to_owned)
    }

    fn __repr__(&self) -> String {
        format!("OriginRequest({} {})", self.request.method, self.request.url)
    }
}

/// The outcome of `HttpCache.lookup`: `kind` is one of "hit", "stale" (serve now, revalidate in
/// the background), "revalidate", "miss", "bypass", "unavailable" (only-if-cached: answer 504).
#[pyclass(module = "edgert._core", name = "LookupResult", frozen)]
pub struct PyLookupResult {
    request: Request,
    lookup: Lookup,
}

fn kind_of(lookup: &Lookup) -> &'static str {
    match lookup {
        Lookup::Hit(_) => "hit",
        Lookup::Stale { .. } => "stale",
        Lookup::Revalidate { .. } => "revalidate",
        Lookup::Miss { .. } => "miss",
        Lookup::Bypass { .. } => "bypass",
        Lookup::Unavailable { .. } => "unavailable",
    }
}

impl PyLookupResult {
    fn hit(&self) -> Option<&Hit> {
        match &self.lookup {
            Lookup::Hit(hit) | Lookup::Stale { hit, .. } => Some(hit),
            _ => None,
        }
    }
}

#[pymethods]
impl PyLookupResult {
    #[getter]
    fn kind(&self) -> &'static str {
        kind_of(&self.lookup)
    }

    /// The cf-cache-status this outcome has unless the origin's answer changes it.
    #[getter]
    fn cache_status(&self) -> &'static str {
        self.lookup.status().as_str()
    }

    /// Age in seconds of the stored response served ("hit" and "stale").
    #[getter]
    fn age(&self) -> Option<u64> {
        self.hit().map(Hit::age_s)
    }

    /// The response to send now ("hit", "stale", "unavailable"), else None.
    #[getter]
    fn response(&self) -> Option<PyCachedResponse> {
        match &self.lookup {
            Lookup::Unavailable { response } => Some(PyCachedResponse::built(response.clone(), CacheStatus::Miss)),
            _ => self.hit().map(|hit| {
                if hit.serves_as_is(&self.request) {
                    PyCachedResponse {
                        held: Held::Stored(hit.clone()),
                        cache_status: hit.status(),
                    }
                } else {
                    PyCachedResponse::built(hit.response(&self.request), hit.status())
                }
            }),
        }
    }

    /// The status of the stored response served, without building the response.
    #[getter]
    fn status(&self) -> Option<u16> {
        self.hit().map(|h| h.stored().status())
    }

    /// The request to send to the origin ("stale": in the background), else None.
    #[getter]
    fn origin_request(&self) -> Option<PyOriginRequest> {
        self.lookup
            .origin_request()
            .map(|r| PyOriginRequest { request: r.clone() })
    }

    fn __repr__(&self) -> String {
        format!(
            "LookupResult(kind={:?}, cache_status={:?})",
            self.kind(),
            self.cache_status()
        )
    }
}

pub(super) fn metrics_dict<'py>(py: Python<'py>, m: &Metrics) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in [
        ("lookups", m.lookups),
        ("hits", m.hits),
        ("misses", m.misses),
        ("expired", m.expired),
        ("stale", m.stale),
        ("updating", m.updating),
        ("revalidations", m.revalidations),
        ("bypass", m.bypass),
        ("dynamic", m.dynamic),
        ("stores", m.stores),
        ("evictions", m.evictions),
        ("purged", m.purged),
        ("invalidations", m.invalidations),
        ("bytes", m.bytes),
        ("max_bytes", m.max_bytes),
        ("entries", m.entries),
        ("keys", m.keys),
    ] {
        d.set_item(k, v)?;
    }
    Ok(d)
}

/// A shared HTTP cache (RFC 9111, RFC 5861, RFC 9213) with a byte budget.
/// What the origin answered, as a host hands it to `store`.
pub(super) struct OriginAnswer<'a, 'py> {
    pub status: u16,
    pub headers: Option<&'a Bound<'py, PyAny>>,
    pub body: Option<&'a [u8]>,
}

/// `lookup` on any cache (an `HttpCache` of its own or a PoP store's default cache).
pub(super) fn lookup_in(
    cache: &mut HttpCache,
    py: Python<'_>,
    method: &str,
    url: &str,
    headers: Option<&Bound<'_, PyAny>>,
    now: f64,
    cf: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyLookupResult> {
    let request = make_request(py, method, url, headers)?;
    let options = to_options(py, cf)?;
    let lookup = cache.lookup(&request, &options, to_ns(py, now)?);
    Ok(PyLookupResult { request, lookup })
}

/// `store` on any cache: the response to serve, or an `OriginRequest` to send instead.
#[allow(clippy::too_many_arguments)]
pub(super) fn store_in(
    cache: &mut HttpCache,
    py: Python<'_>,
    method: &str,
    url: &str,
    headers: Option<&Bound<'_, PyAny>>,
    answer: OriginAnswer<'_, '_>,
    request_time: f64,
    response_time: f64,
    cf: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let request = make_request(py, method, url, headers)?;
    let response = Response::new(
        answer.status,
        to_headers(py, answer.headers)?,
        answer.body.map_or_else(Body::none, Body::from),
    );
    let options = to_options(py, cf)?;
    let completion = cache.store(
        &request,
        response,
        &options,
        to_ns(py, request_time)?,
        to_ns(py, response_time)?,
    );
    match completion {
        Completion::Serve(served) => {
            Ok(Py::new(py, PyCachedResponse::built(served.response, served.status))?.into_any())
        }
        Completion::Refetch(request) => Ok(Py::new(py, PyOriginRequest { request })?.into_any()),
    }
}

/// `fetch_failed` on any cache: a stale response `stale-if-error` allows, or None.
pub(super) fn fetch_failed_in(
    cache: &mut HttpCache,
    py: Python<'_>,
    method: &str,
    url: &str,
    headers: Option<&Bound<'_, PyAny>>,
    now: f64,
    cf: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<PyCachedResponse>> {
    let request = make_request(py, method, url, headers)?;
    let options = to_options(py, cf)?;
    Ok(cache
        .fetch_failed(&request, &options, to_ns(py, now)?)
        .map(|s| PyCachedResponse::built(s.response, s.status)))
}

#[pyclass(module = "edgert._core", name = "HttpCache")]
pub struct PyHttpCache {
    cache: HttpCache,
}

#[allow(clippy::too_many_arguments)]
#[pymethods]
impl PyHttpCache {
    #[new]
    #[pyo3(signature = (max_bytes = 64 * 1024 * 1024, *, estimated_entries = 4096, targeted_fields = None,
                        heuristic_fraction = 0.1, heuristic_max_s = 86_400, max_variants = 16, max_entry_bytes = None,
                        stale_if_unreachable_s = 86_400))]
    fn new(
        py: Python<'_>,
        max_bytes: u64,
        estimated_entries: usize,
        targeted_fields: Option<Vec<String>>,
        heuristic_fraction: f64,
        heuristic_max_s: u64,
        max_variants: usize,
        max_entry_bytes: Option<u64>,
        stale_if_unreachable_s: u64,
    ) -> PyResult<Self> {
        if max_bytes == 0 || !(0.0..=1.0).contains(&heuristic_fraction) || max_variants == 0 {
            return Err(error(
                py,
                "ConfigError",
                "max_bytes and max_variants must be positive, heuristic_fraction in [0, 1]",
            ));
        }
        let mut config = CacheConfig {
            max_bytes,
            estimated_entries,
            heuristic_fraction,
            heuristic_max_s,
            max_variants,
            max_entry_bytes,
            stale_if_unreachable_s,
            ..Default::default()
        };
        if let Some(fields) = targeted_fields {
            config.targeted_fields = fields.into_iter().map(|f| f.to_ascii_lowercase()).collect();
        }
        Ok(PyHttpCache {
            cache: HttpCache::new(config),
        })
    }

    /// Decides how to answer a request at `now` (seconds since the epoch).
    #[pyo3(signature = (method, url, headers = None, now = 0.0, *, cf = None))]
    fn lookup(
        &mut self,
        py: Python<'_>,
        method: &str,
        url: &str,
        headers: Option<&Bound<'_, PyAny>>,
        now: f64,
        cf: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyLookupResult> {
        lookup_in(&mut self.cache, py, method, url, headers, now, cf)
    }

    /// Consumes the origin's answer to the request a lookup returned. Returns the response to
    /// serve, or an `OriginRequest` to send instead (a 304 that matched nothing stored).
    #[pyo3(signature = (method, url, headers, status, response_headers, body, request_time, response_time, *, cf = None))]
    fn store(
        &mut self,
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
        store_in(
            &mut self.cache,
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

    /// The origin could not be reached: a stale response `stale-if-error` allows, or None.
    #[pyo3(signature = (method, url, headers = None, now = 0.0, *, cf = None))]
    fn fetch_failed(
        &mut self,
        py: Python<'_>,
        method: &str,
        url: &str,
        headers: Option<&Bound<'_, PyAny>>,
        now: f64,
        cf: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<PyCachedResponse>> {
        fetch_failed_in(&mut self.cache, py, method, url, headers, now, cf)
    }

    /// Cache API `put`: raises `CachePutError` (a TypeError) for non-GET, 206 or `Vary: *`;
    /// returns whether the response was stored.
    #[pyo3(signature = (method, url, headers, status, response_headers, body, now, *, cf = None))]
    fn put(
        &mut self,
        py: Python<'_>,
        method: &str,
        url: &str,
        headers: Option<&Bound<'_, PyAny>>,
        status: u16,
        response_headers: Option<&Bound<'_, PyAny>>,
        body: Option<&[u8]>,
        now: f64,
        cf: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let request = make_request(py, method, url, headers)?;
        let response = Response::new(
            status,
            to_headers(py, response_headers)?,
            body.map_or_else(Body::none, Body::from),
        );
        let options = to_options(py, cf)?;
        self.cache
            .put_with(&request, response, &options, to_ns(py, now)?)
            .map_err(|e: PutError| error(py, "CachePutError", e.to_string()))
    }

    /// Cache API `match`: a fresh stored response or None; never contacts the origin.
    #[pyo3(name = "match", signature = (method, url, headers = None, now = 0.0, *, ignore_method = false, cf = None))]
    fn match_(
        &mut self,
        py: Python<'_>,
        method: &str,
        url: &str,
        headers: Option<&Bound<'_, PyAny>>,
        now: f64,
        ignore_method: bool,
        cf: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<PyCachedResponse>> {
        let request = make_request(py, method, url, headers)?;
        let options = to_options(py, cf)?;
        Ok(self
            .cache
            .match_with(&request, &options, ignore_method, to_ns(py, now)?)
            .map(|response| PyCachedResponse::built(response, CacheStatus::Hit)))
    }

    /// Cache API `delete`: removes every variant stored for the request; True if any.
    #[pyo3(signature = (method, url, *, ignore_method = false, cf = None))]
    fn delete(
        &mut self,
        py: Python<'_>,
        method: &str,
        url: &str,
        ignore_method: bool,
        cf: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let request = make_request(py, method, url, None)?;
        let options = to_options(py, cf)?;
        Ok(self.cache.delete_with(&request, &options, ignore_method))
    }

    fn purge_url(&mut self, url: &str) -> u64 {
        self.cache.purge_url(url)
    }

    fn purge_prefix(&mut self, prefix: &str) -> u64 {
        self.cache.purge_prefix(prefix)
    }

    fn purge_tags(&mut self, tags: Vec<String>) -> u64 {
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        self.cache.purge_tags(&tags)
    }

    fn purge_all(&mut self) -> u64 {
        self.cache.purge_all()
    }

    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        metrics_dict(py, &self.cache.metrics())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyHttpCache>()?;
    m.add_class::<PyLookupResult>()?;
    m.add_class::<PyCachedResponse>()?;
    m.add_class::<PyOriginRequest>()?;
    Ok(())
}
