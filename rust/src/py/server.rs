//! Bindings of the edge server's wire format (`crate::server`): request heads straight from
//! the socket's bytes into a core `Request`, chunked bodies, and responses back to bytes.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::errors::error;
use super::http::{PyRequest, PyResponse};
use crate::http::{Body, Headers, Request};
use crate::server::{decode_chunked, encode_response, parse_head, Parsed, Refusal, RequestHead};

fn refusal(py: Python<'_>, r: Refusal) -> PyErr {
    let err = error(py, "HttpRefusal", r.message);
    if let Err(e) = err.value(py).setattr("status", r.status) {
        return e;
    }
    err
}

/// A parsed request head (see `parse_request_head`). Its header fields move into the one
/// `Request` that `request()` makes (no copy on the server's hot path).
#[pyclass(name = "RequestHead", module = "edgert._core", frozen)]
pub struct PyRequestHead {
    head: RequestHead,
    headers: parking_lot::Mutex<Option<Headers>>,
    url: String,
}

#[pymethods]
impl PyRequestHead {
    #[getter]
    fn method(&self) -> &str {
        &self.head.method
    }
    #[getter]
    fn target(&self) -> &str {
        &self.head.target
    }
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }
    #[getter]
    fn http10(&self) -> bool {
        self.head.minor == 0
    }
    #[getter]
    fn keep_alive(&self) -> bool {
        self.head.keep_alive
    }
    #[getter]
    fn size(&self) -> usize {
        self.head.size
    }
    #[getter]
    fn content_length(&self) -> Option<u64> {
        self.head.content_length
    }
    #[getter]
    fn chunked(&self) -> bool {
        self.head.chunked
    }
    #[getter]
    fn expect_continue(&self) -> bool {
        self.head.expect_continue
    }
    #[getter]
    fn client_location(&self) -> Option<&str> {
        self.head.client_location.as_deref()
    }

    /// The core `Request` of this head with `body` (dropped for GET and HEAD, which carry none
    /// in the Fetch standard) and `cf` (JSON text of `request.cf`). Once per head: the header
    /// fields move into the request.
    #[pyo3(signature = (body=None, cf=None))]
    fn request(&self, py: Python<'_>, body: Option<&[u8]>, cf: Option<String>) -> PyResult<PyRequest> {
        let method = crate::http::normalize_method(&self.head.method);
        if !crate::http::is_valid_method(&method) {
            return Err(refusal(
                py,
                Refusal {
                    status: 400,
                    message: format!("bad method {method:?}"),
                },
            ));
        }
        let body = match body {
            Some(b) if method != "GET" && method != "HEAD" => Body::from(b),
            _ => Body::none(),
        };
        let Some(headers) = self.headers.lock().take() else {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "RequestHead.request() was already called: the head's fields moved into that request",
            ));
        };
        Ok(PyRequest {
            inner: Request {
                method,
                url: self.url.clone(),
                headers,
                body,
            },
            cf_json: cf,
        })
    }
}

/// Parses the request head at `data[offset:]`: `None` when more bytes are needed; raises
/// `HttpRefusal` (with `.status`) for a request the server must refuse. `default_host` stands
/// in for a missing `Host` (HTTP/1.0).
#[pyfunction]
#[pyo3(signature = (data, offset, max_header_bytes, client_header, default_host))]
fn parse_request_head(
    py: Python<'_>,
    data: &[u8],
    offset: usize,
    max_header_bytes: usize,
    client_header: &str,
    default_host: &str,
) -> PyResult<Option<PyRequestHead>> {
    let buf = data.get(offset..).unwrap_or(&[]);
    let mut head = match parse_head(buf, max_header_bytes, client_header) {
        Ok(Parsed::Partial) => return Ok(None),
        Ok(Parsed::Complete(head)) => head,
        Err(r) => return Err(refusal(py, r)),
    };
    let host = head.host.as_deref().unwrap_or(default_host);
    let raw = if head.target.starts_with('/') {
        format!("http://{host}{}", head.target)
    } else if head.target == "*" {
        format!("http://{host}/")
    } else {
        head.target.clone()
    };
    let url = match ada_url::Url::parse(&raw, None) {
        Ok(u) if matches!(u.protocol(), "http:" | "https:") => u.href().to_owned(),
        _ => {
            let message = format!("bad request target {:?}", head.target);
            return Err(refusal(py, Refusal { status: 400, message }));
        }
    };
    let headers = parking_lot::Mutex::new(Some(std::mem::take(&mut head.headers)));
    Ok(Some(PyRequestHead { head, headers, url }))
}

/// Decodes the chunked body bytes at `data[offset:]` (see `crate::server::decode_chunked`):
/// returns `(done, consumed, data, pending)`; raises `HttpRefusal` (400 malformed, 413 too
/// large).
#[pyfunction]
fn decode_request_chunks<'py>(
    py: Python<'py>,
    data: &[u8],
    offset: usize,
    pending: u64,
    room: usize,
) -> PyResult<(bool, usize, Bound<'py, PyBytes>, u64)> {
    let buf = data.get(offset..).unwrap_or(&[]);
    match decode_chunked(buf, pending, room) {
        Ok(c) => Ok((c.done, c.consumed, PyBytes::new(py, &c.data), c.pending)),
        Err(r) => Err(refusal(py, r)),
    }
}

/// The response as HTTP/1.1 bytes (see `crate::server::encode_response`).
#[pyfunction]
#[pyo3(signature = (response, date, head_only, keep_alive, http10))]
fn encode_http_response<'py>(
    py: Python<'py>,
    response: &PyResponse,
    date: &str,
    head_only: bool,
    keep_alive: bool,
    http10: bool,
) -> Bound<'py, PyBytes> {
    let wire = encode_response(&response.inner, date, head_only, keep_alive, http10);
    PyBytes::new(py, &wire)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRequestHead>()?;
    m.add_function(wrap_pyfunction!(parse_request_head, m)?)?;
    m.add_function(wrap_pyfunction!(decode_request_chunks, m)?)?;
    m.add_function(wrap_pyfunction!(encode_http_response, m)?)?;
    Ok(())
}
