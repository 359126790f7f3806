//! Python bindings for JWT verification: `edgert._core.JwtVerifier` (wrapped by `edgert.jwt`).
//!
//! Converts arguments, claims and errors at this one boundary. The host's clock is read in
//! Python and passed in as `now_s`. The GIL is released around the crypto of an uncached
//! verification; a cache hit runs with it held (it is a hash and a lookup).

use super::errors::error;
use crate::jwt::{Algorithm, Claims, ClaimsPolicy, JwtError, KeyError, KeySet, Lookup, Verifier, VerifierConfig};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use serde_json::Value;
use std::sync::Arc;

/// A JWT verifier with a fixed policy; see `edgert.jwt.Verifier` for the documented face.
#[pyclass(frozen, name = "JwtVerifier", module = "edgert._core")]
pub struct PyJwtVerifier {
    pub(crate) inner: Arc<Verifier>,
}

#[cold]
fn token_error(py: Python<'_>, e: JwtError) -> PyErr {
    let err = error(py, e.class_name(), e.to_string());
    let value = err.value(py);
    let _ = match &e {
        JwtError::UnknownKey { refresh_wanted } => value.setattr("refresh_wanted", *refresh_wanted),
        JwtError::MissingClaim(name) => value.setattr("claim", name.as_str()),
        _ => Ok(()),
    };
    err
}

#[cold]
fn config_error(py: Python<'_>, e: KeyError) -> PyErr {
    error(py, "ConfigError", e.0)
}

fn now_seconds(now_s: f64) -> PyResult<i64> {
    if now_s.is_finite() {
        Ok(now_s.floor() as i64)
    } else {
        Err(PyValueError::new_err("now must be a finite number of seconds"))
    }
}

/// Borrows a token given as `str` or ASCII `bytes`. A token longer than `max_bytes` is refused
/// before it is even encoded or validated as UTF-8.
fn token_str<'a>(py: Python<'_>, token: &'a Bound<'_, PyAny>, max_bytes: usize) -> PyResult<&'a str> {
    let too_large = || token_error(py, JwtError::Malformed("token exceeds max_token_bytes"));
    if let Ok(s) = token.cast::<PyString>() {
        // UTF-8 needs at least one byte per code point.
        if s.len()? > max_bytes {
            return Err(too_large());
        }
        return s.to_str();
    }
    if let Ok(b) = token.cast::<PyBytes>() {
        if b.as_bytes().len() > max_bytes {
            return Err(too_large());
        }
        return std::str::from_utf8(b.as_bytes())
            .map_err(|_| token_error(py, JwtError::Malformed("token is not ASCII")));
    }
    Err(pyo3::exceptions::PyTypeError::new_err("a token is str or bytes"))
}

/// Converts a JSON value to Python objects.
fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(PyString::new(py, k), to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// The claims as a new dict. For a claim set of scalars the dict is built once per (cached)
/// token and copied afterwards; nested values are rebuilt every time so that no caller can
/// change what another one sees.
fn claims_dict<'py>(py: Python<'py>, claims: &Claims) -> PyResult<Bound<'py, PyDict>> {
    if claims.flat {
        if let Some(template) = claims.host.get().and_then(|b| b.downcast_ref::<Py<PyDict>>()) {
            return template.bind(py).copy();
        }
        let dict = build_dict(py, claims)?;
        let copy = dict.copy()?;
        let _ = claims.host.set(Box::new(dict.unbind()));
        return Ok(copy);
    }
    build_dict(py, claims)
}

fn build_dict<'py>(py: Python<'py>, claims: &Claims) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in &claims.map {
        dict.set_item(PyString::new(py, k), to_py(py, v)?)?;
    }
    Ok(dict)
}

#[pymethods]
impl PyJwtVerifier {
    #[new]
    #[pyo3(signature = (
        keys, *, kind = "auto", algorithms, issuers = Vec::new(), audiences = Vec::new(),
        leeway_s = 0, required_claims = Vec::new(), max_token_bytes = 8192, cache_size = 4096,
        jwks_refresh_interval_s = 300
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        keys: &[u8],
        kind: &str,
        algorithms: Vec<String>,
        issuers: Vec<String>,
        audiences: Vec<String>,
        leeway_s: i64,
        required_claims: Vec<String>,
        max_token_bytes: usize,
        cache_size: usize,
        jwks_refresh_interval_s: i64,
    ) -> PyResult<Self> {
        let keys = match kind {
            "auto" => KeySet::from_bytes(keys),
            "json" => KeySet::from_json(keys),
            "secret" => KeySet::from_secret(keys),
            other => Err(KeyError(format!("unknown key kind {other:?}"))),
        }
        .map_err(|e| config_error(py, e))?;
        let mut algs = Vec::with_capacity(algorithms.len());
        for name in &algorithms {
            let alg = Algorithm::from_name(name)
                .ok_or_else(|| config_error(py, KeyError(format!("unsupported algorithm {name:?}"))))?;
            algs.push(alg);
        }
        if leeway_s < 0 || jwks_refresh_interval_s < 0 {
            return Err(config_error(py, KeyError("durations may not be negative".into())));
        }
        let mut config = VerifierConfig::new(algs);
        config.policy = ClaimsPolicy {
            issuers,
            audiences,
            leeway_s,
            required: required_claims,
        };
        config.max_token_bytes = max_token_bytes;
        config.cache_capacity = cache_size;
        config.jwks_refresh_interval_s = jwks_refresh_interval_s;
        let inner = Verifier::new(keys, config).map_err(|e| config_error(py, e))?;
        Ok(PyJwtVerifier { inner: Arc::new(inner) })
    }

    /// Verifies a JWT at `now_s` and returns its claims as a dict.
    fn verify<'py>(&self, py: Python<'py>, token: &Bound<'py, PyAny>, now_s: f64) -> PyResult<Bound<'py, PyDict>> {
        let token = token_str(py, token, self.inner.config().max_token_bytes)?;
        let now = now_seconds(now_s)?;
        let claims = match self.inner.lookup(token, now) {
            Ok(Lookup::Hit(claims)) => claims,
            Ok(Lookup::Miss) => {
                let inner = &self.inner;
                py.detach(|| inner.verify_uncached(token, now))
                    .map_err(|e| token_error(py, e))?
            }
            Err(e) => return Err(token_error(py, e)),
        };
        claims_dict(py, &claims)
    }

    /// Verifies a compact JWS's signature only; returns `(alg, payload bytes)`.
    fn verify_jws<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        now_s: f64,
    ) -> PyResult<(&'static str, Bound<'py, PyBytes>)> {
        let token = token_str(py, token, self.inner.config().max_token_bytes)?;
        let now = now_seconds(now_s)?;
        let inner = &self.inner;
        let jws = py
            .detach(|| inner.verify_jws(token, now))
            .map_err(|e| token_error(py, e))?;
        Ok((jws.alg.name(), PyBytes::new(py, &jws.payload)))
    }

    /// Checks a raw signature over `message` with `alg` (test vectors).
    fn verify_raw(&self, py: Python<'_>, alg: &str, message: &[u8], signature: &[u8]) -> PyResult<()> {
        let alg =
            Algorithm::from_name(alg).ok_or_else(|| token_error(py, JwtError::DisallowedAlgorithm(alg.to_string())))?;
        let inner = &self.inner;
        py.detach(|| inner.verify_raw(alg, message, signature))
            .map_err(|e| token_error(py, e))
    }

    /// Replaces the keys with a fetched JWKS (JSON bytes); returns the number of usable keys.
    fn update_jwks(&self, py: Python<'_>, jwks: &[u8], now_s: f64) -> PyResult<usize> {
        let now = now_seconds(now_s)?;
        self.inner.update_jwks(jwks, now).map_err(|e| config_error(py, e))
    }

    /// Number of tokens in the verified-token cache.
    #[getter]
    fn cached_tokens(&self) -> usize {
        self.inner.cached_tokens()
    }

    /// `(kid, kty, alg)` of each trusted key.
    #[getter]
    fn key_ids(&self) -> Vec<(Option<String>, &'static str, Option<&'static str>)> {
        self.inner
            .keys()
            .keys()
            .iter()
            .map(|k| {
                (
                    k.kid().map(str::to_string),
                    crate::jwt::kty_name(k.key_type()),
                    k.alg().map(Algorithm::name),
                )
            })
            .collect()
    }
}

/// Registers the JWT classes on the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyJwtVerifier>()
}
