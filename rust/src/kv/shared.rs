//! A replica shared by the cores of one PoP (each worker's isolates read through it).

use super::replica::{Replica, ReplicaConfig};
use parking_lot::Mutex;
use std::sync::Arc;

/// One PoP's KV replica, cheap to clone; the lock is held only for a lookup or an update, never
/// while JavaScript runs.
#[derive(Clone, Default)]
pub struct SharedKv(Arc<Mutex<Replica>>);

impl SharedKv {
    pub fn new(config: ReplicaConfig) -> SharedKv {
        SharedKv(Arc::new(Mutex::new(Replica::new(config))))
    }

    pub fn lock(&self) -> parking_lot::MutexGuard<'_, Replica> {
        self.0.lock()
    }
}

impl std::fmt::Debug for SharedKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedKv")
    }
}
