//! A worker version: its compiled script, its configuration and its pool of isolates.

mod config;
mod pool;
mod route_auth;

pub use config::WorkerConfig;
pub use pool::{watch_turns, LoadError, TurnWatch, Worker};
pub use route_auth::{AuthDecision, RouteAuth};
