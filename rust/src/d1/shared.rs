//! A database instance shared between the host (which ships it the replication log and runs
//! remote queries on it) and the isolates that query it in place.

use super::database::Database;
use parking_lot::Mutex;
use std::sync::Arc;

/// One instance, cheap to clone; the lock is held for one query or one applied commit, never
/// while JavaScript runs.
#[derive(Clone)]
pub struct SharedDb(pub(crate) Arc<Mutex<Database>>);

impl SharedDb {
    pub fn new(db: Database) -> SharedDb {
        SharedDb(Arc::new(Mutex::new(db)))
    }

    pub fn lock(&self) -> parking_lot::MutexGuard<'_, Database> {
        self.0.lock()
    }
}

impl std::fmt::Debug for SharedDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedDb")
    }
}

/// The instances a worker's isolates query in place, by database id.
pub type LocalDatabases = Arc<Vec<(String, SharedDb)>>;
