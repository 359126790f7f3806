//! Raising the Python exception hierarchy (defined in `edgert/errors.py`) from Rust.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// Builds an instance of `edgert.errors.<name>` with `message`.
#[allow(dead_code)]
pub fn error(py: Python<'_>, name: &str, message: impl Into<String>) -> PyErr {
    let message = message.into();
    let module = ERRORS.get_or_try_init(py, || {
        PyModule::import(py, "edgert.errors").map(Bound::unbind)
    });
    match module.and_then(|m| m.bind(py).getattr(name)) {
        Ok(class) => match class.call1((message.clone(),)) {
            Ok(instance) => PyErr::from_value(instance),
            Err(err) => err,
        },
        Err(err) => err,
    }
}
