//! The Python binding layer: converts types and errors at one boundary.

mod cache;
mod errors;

use pyo3::prelude::*;

/// The native module `edgert._core`.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    cache::register(m)?;
    Ok(())
}
