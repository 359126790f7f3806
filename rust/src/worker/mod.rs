//! A worker version: its compiled script, its configuration and its pool of isolates.

mod config;
mod pool;

pub use config::WorkerConfig;
pub use pool::{LoadError, Worker};
