//! How a worker version is configured.

use super::route_auth::RouteAuth;
use crate::cache::SharedCache;
use crate::isolate::Limits;
use crate::kv::SharedKv;
use std::sync::Arc;

#[derive(Clone)]
pub struct WorkerConfig {
    pub limits: Limits,
    /// `env` as JSON text: vars (strings or JSON values) and secrets.
    pub env_json: String,
    /// Non-value bindings as JSON: `[{"name": ..., "type": ...}]`.
    pub bindings_json: String,
    /// Isolates kept warm (created at load; at least one is always created to validate).
    pub min_isolates: usize,
    /// The most isolates this worker may have at once; past it, requests share isolates.
    pub max_isolates: usize,
    /// Seeds `Math.random` and `crypto.getRandomValues`; `None` draws the seed from the OS.
    pub seed: Option<u64>,
    /// The PoP's cache, shared by the workers of the PoP: `caches.default` / `caches.open(name)`,
    /// and the cache outbound `fetch` goes through. `None`: outbound fetches are not cached and
    /// `caches` is private to this worker.
    pub cache: Option<SharedCache>,
    /// Route auth: a JWT verifier that every request must pass before the worker runs.
    pub auth: Option<Arc<RouteAuth>>,
    /// The storage of the Durable Objects this worker's isolates host (an object host's core).
    pub durable: Option<crate::durable::DurableStore>,
    /// The PoP's KV replica, shared by the workers of the PoP (`None`: a private one).
    pub kv: Option<SharedKv>,
    /// D1 databases its isolates query in place, by id (a standalone worker's own).
    pub d1: crate::d1::LocalDatabases,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            limits: Limits::default(),
            env_json: "{}".into(),
            bindings_json: "[]".into(),
            min_isolates: 1,
            max_isolates: 64,
            seed: None,
            cache: None,
            auth: None,
            durable: None,
            kv: None,
            d1: Default::default(),
        }
    }
}
