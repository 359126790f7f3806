//! Workers KV, the PoP side: each PoP's replica of the namespaces its workers read (the read
//! path of a KV binding), and the limits every KV call is checked against.
//!
//! The central store (where writes go, and misses are answered from) is the host's: see the
//! Python package `edgert.kv`. A read served by the replica never leaves the core.

mod error;
pub mod limits;
mod replica;
mod shared;
mod value;

pub use error::KvError;
pub use replica::{Cached, Lookup, Replica, ReplicaConfig, ReplicaMetrics};
pub use shared::SharedKv;
pub use value::KvValue;

#[cfg(test)]
mod tests;
