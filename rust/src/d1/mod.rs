//! D1, Cloudflare's SQL database, on SQLite (rusqlite, bundled): one database instance (the
//! primary or a read replica) with D1's result shapes, meta, type mapping and error messages,
//! and the log of committed transactions that read replicas apply.
//!
//! Where an instance is, and how long a query takes to reach it, is the host's business (the
//! Python package `edgert.d1`): this module executes SQL and nothing else. The isolate runs
//! queries on an instance it was given (`CoreWorker(d1=...)`: a standalone worker's private
//! database, at distance zero) inside the native call; every other query is an operation.

mod database;
mod error;
mod shared;
mod value;
mod wire;

pub use database::{Commit, Database, Entry, Meta, StmtResult};
pub use error::D1Error;
pub use shared::{LocalDatabases, SharedDb};
pub use value::SqlValue;
pub use wire::{request_from_json, response_to_json, Request};

#[cfg(test)]
mod tests;
