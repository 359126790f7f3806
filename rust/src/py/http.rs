//! Python classes for HTTP values: `Request`, `Response`, `Headers`.

use super::errors::error;
use super::stats::PyStats;
use crate::http::{Body, Headers, Request, Response};
use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use std::sync::Arc;

/// Reads headers from a mapping, an iterable of pairs, or a `Headers`.
pub fn headers_from_py(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Headers> {
    let Some(obj) = obj else { return Ok(Headers::new()) };
    if obj.is_none() {
        return Ok(Headers::new());
    }
    if let Ok(h) = obj.cast::<PyHeaders>() {
        return Ok(h.get().inner.as_ref().clone());
    }
    let py = obj.py();
    let mut headers = Headers::new();
    let mut add = |name: Bound<'_, PyAny>, value: Bound<'_, PyAny>| -> PyResult<()> {
        let name: String = name.extract()?;
        let value: String = value.extract()?;
        headers
            .append(&name, &value)
            .map_err(|e| error(py, "RequestError", e.to_string()))
    };
    if let Ok(d) = obj.cast::<PyDict>() {
        for (k, v) in d.iter() {
            add(k, v)?;
        }
    } else {
        for item in obj.try_iter()? {
            let item = item?;
            let pair = item.cast::<PyTuple>().cloned().or_else(|_| {
                item.cast::<PyList>()
                    .map(|l| l.to_tuple())
                    .map_err(|_| PyTypeError::new_err("headers must be a mapping or (name, value) pairs"))
            })?;
            if pair.len() != 2 {
                return Err(PyTypeError::new_err("each header must be a (name, value) pair"));
            }
            add(pair.get_item(0)?, pair.get_item(1)?)?;
        }
    }
    Ok(headers)
}

pub fn body_from_py(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Body> {
    let Some(obj) = obj else { return Ok(Body::none()) };
    if obj.is_none() {
        return Ok(Body::none());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Body::from(b.as_bytes()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Body::from(s.to_str()?));
    }
    if let Ok(v) = obj.extract::<Vec<u8>>() {
        return Ok(Body::from(v));
    }
    Err(PyTypeError::new_err("body must be bytes, str or None"))
}

/// HTTP header fields: ordered, case-insensitive, repeatable (`Set-Cookie`).
#[pyclass(name = "Headers", module = "edgert._core", frozen, sequence)]
pub struct PyHeaders {
    pub inner: Arc<Headers>,
}

#[pymethods]
impl PyHeaders {
    #[new]
    #[pyo3(signature = (init=None))]
    fn new(init: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        Ok(PyHeaders {
            inner: Arc::new(headers_from_py(init)?),
        })
    }

    /// All values of `name` joined by ", "; `KeyError` when absent.
    fn __getitem__(&self, name: &str) -> PyResult<String> {
        self.inner
            .get_combined(name)
            .ok_or_else(|| PyKeyError::new_err(name.to_owned()))
    }

    #[pyo3(signature = (name, default=None))]
    fn get(&self, name: &str, default: Option<String>) -> Option<String> {
        self.inner.get_combined(name).or(default)
    }

    fn get_all(&self, name: &str) -> Vec<String> {
        self.inner.get_all(name).map(str::to_owned).collect()
    }

    fn items(&self) -> Vec<(String, String)> {
        self.inner.iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect()
    }

    fn keys(&self) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for (n, _) in self.inner.iter() {
            if !seen.iter().any(|s| s == n) {
                seen.push(n.to_owned());
            }
        }
        seen
    }

    fn __contains__(&self, name: &str) -> bool {
        self.inner.contains(name)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let keys = slf.keys();
        Ok(PyList::new(py, keys)?.as_any().try_iter()?.into_any().unbind())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<PyHeaders>() {
            Ok(o) => *o.get().inner == *self.inner,
            Err(_) => false,
        }
    }

    fn __repr__(&self) -> String {
        format!("Headers({:?})", self.items())
    }
}

/// An HTTP request to hand to a worker.
#[pyclass(name = "Request", module = "edgert._core", frozen)]
pub struct PyRequest {
    pub inner: Request,
    pub cf_json: Option<String>,
}

#[pymethods]
impl PyRequest {
    #[new]
    #[pyo3(signature = (url, *, method="GET", headers=None, body=None, cf=None))]
    fn new(
        py: Python<'_>,
        url: &str,
        method: &str,
        headers: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        cf: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let parsed =
            ada_url::Url::parse(url, None).map_err(|_| error(py, "RequestError", format!("invalid URL {url:?}")))?;
        if !crate::http::is_valid_method(method) {
            return Err(error(py, "RequestError", format!("invalid method {method:?}")));
        }
        let body = body_from_py(body)?;
        let method = crate::http::normalize_method(method);
        if (method == "GET" || method == "HEAD") && !body.is_none() {
            return Err(error(
                py,
                "RequestError",
                format!("a {method} request cannot have a body"),
            ));
        }
        let cf_json = match cf {
            None => None,
            Some(c) if c.is_none() => None,
            Some(c) => {
                if let Ok(s) = c.cast::<PyString>() {
                    Some(s.to_str()?.to_owned())
                } else {
                    let json = PyModule::import(py, "json")?;
                    Some(json.call_method1("dumps", (c,))?.extract::<String>()?)
                }
            }
        };
        Ok(PyRequest {
            inner: Request {
                method,
                url: parsed.href().to_owned(),
                headers: headers_from_py(headers)?,
                body,
            },
            cf_json,
        })
    }

    #[getter]
    fn method(&self) -> &str {
        &self.inner.method
    }

    #[getter]
    fn url(&self) -> &str {
        &self.inner.url
    }

    #[getter]
    fn headers(&self) -> PyHeaders {
        PyHeaders {
            inner: Arc::new(self.inner.headers.clone()),
        }
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        (!self.inner.body.is_none()).then(|| PyBytes::new(py, self.inner.body.as_bytes()))
    }

    #[getter]
    fn cf<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.cf_json {
            None => Ok(None),
            Some(s) => Ok(Some(PyModule::import(py, "json")?.call_method1("loads", (s,))?)),
        }
    }

    fn __repr__(&self) -> String {
        format!("<Request {} {}>", self.inner.method, self.inner.url)
    }
}

/// An HTTP response: from a worker (with `stats`), or built by a host for a fetch operation.
#[pyclass(name = "Response", module = "edgert._core", frozen)]
pub struct PyResponse {
    pub inner: Response,
    pub stats: Option<Py<PyStats>>,
}

#[pymethods]
impl PyResponse {
    #[new]
    #[pyo3(signature = (body=None, *, status=200, headers=None, status_text=""))]
    fn new(
        body: Option<&Bound<'_, PyAny>>,
        status: u16,
        headers: Option<&Bound<'_, PyAny>>,
        status_text: &str,
    ) -> PyResult<Self> {
        Ok(PyResponse {
            inner: Response {
                status,
                status_text: status_text.to_owned(),
                headers: headers_from_py(headers)?,
                body: body_from_py(body)?,
            },
            stats: None,
        })
    }

    #[getter]
    fn status(&self) -> u16 {
        self.inner.status
    }

    #[getter]
    fn status_text(&self) -> &str {
        &self.inner.status_text
    }

    #[getter]
    fn ok(&self) -> bool {
        (200..300).contains(&self.inner.status)
    }

    #[getter]
    fn headers(&self) -> PyHeaders {
        PyHeaders {
            inner: Arc::new(self.inner.headers.clone()),
        }
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.body.as_bytes())
    }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    fn text(&self) -> String {
        String::from_utf8_lossy(self.inner.body.as_bytes()).into_owned()
    }

    fn json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyModule::import(py, "json")?.call_method1("loads", (PyBytes::new(py, self.inner.body.as_bytes()),))
    }

    /// Execution statistics when a worker produced this response, else `None`.
    #[getter]
    fn stats(&self, py: Python<'_>) -> Option<Py<PyStats>> {
        self.stats.as_ref().map(|s| s.clone_ref(py))
    }

    fn __repr__(&self) -> String {
        format!("<Response {} {} bytes>", self.inner.status, self.inner.body.len())
    }
}
