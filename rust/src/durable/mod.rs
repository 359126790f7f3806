//! Durable Objects' engine side: object ids and the per-object storage that lives outside
//! any isolate (so it survives an isolate's replacement).

mod id;
mod store;
#[cfg(test)]
mod tests;

pub use id::{id_from_bytes, id_from_name, id_is_valid};
pub use store::{
    Change, DurableStore, ListOptions, StorageError, Store, MAX_BATCH_KEYS, MAX_KEY_BYTES, MAX_VALUE_BYTES,
};
