//! The Python binding layer: converts types and errors at one boundary.

mod bots;
mod cache;
mod cache_store;
mod d1;
mod durable;
mod errors;
mod executor;
mod front;
mod http;
mod jwt;
mod kv;
mod modules;
mod protocol;
mod ratelimit;
mod server;
mod sim;
mod stats;
mod worker;

use pyo3::prelude::*;

/// The native module `edgert._core`.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<http::PyHeaders>()?;
    m.add_class::<http::PyRequest>()?;
    m.add_class::<http::PyResponse>()?;
    m.add_class::<stats::PyStats>()?;
    m.add_class::<stats::PyLogLine>()?;
    m.add_class::<protocol::PyOperation>()?;
    m.add_class::<protocol::PyStep>()?;
    m.add_class::<worker::PyCoreWorker>()?;
    jwt::register(m)?;
    bots::register(m)?;
    cache::register(m)?;
    cache_store::register(m)?;
    durable::register(m)?;
    front::register(m)?;
    executor::register(m)?;
    kv::register(m)?;
    ratelimit::register(m)?;
    d1::register(m)?;
    modules::register(m)?;
    server::register(m)?;
    sim::register(m)?;
    Ok(())
}
