//! The Python face of Durable Objects' storage: the `DurableStore` a worker's object hosts
//! share, which the host seeds from disk, inspects, and drains of changes to persist them.

use crate::durable::{self, DurableStore, ListOptions};
use pyo3::prelude::*;

/// One net change of an object: (namespace, id, cleared, puts, deletes, alarm_changed, alarm_ms).
type PyChange = (
    String,
    String,
    bool,
    Vec<(String, String)>,
    Vec<String>,
    bool,
    Option<f64>,
);

/// The storage of every Durable Object of one worker (values in their serialized form).
#[pyclass(name = "DurableStore", module = "edgert._core", frozen)]
pub struct PyDurableStore {
    pub inner: DurableStore,
}

#[pymethods]
impl PyDurableStore {
    #[new]
    fn new() -> Self {
        PyDurableStore {
            inner: DurableStore::new(),
        }
    }

    /// Seeds an object (from disk): not reported by `take_changes`.
    #[pyo3(signature = (namespace, id, entries, alarm_ms=None))]
    fn load(&self, namespace: &str, id: &str, entries: Vec<(String, String)>, alarm_ms: Option<f64>) {
        self.inner.lock().load(namespace, id, entries, alarm_ms)
    }

    /// The serialized value of `key`, or None.
    fn get(&self, namespace: &str, id: &str, key: &str) -> Option<String> {
        self.inner.lock().get(namespace, id, key)
    }

    /// Writes a serialized value (reported by `take_changes`).
    fn put(&self, py: Python<'_>, namespace: &str, id: &str, key: String, value: String) -> PyResult<()> {
        self.inner
            .lock()
            .put_many(namespace, id, vec![(key, value)])
            .map_err(|e| super::errors::error(py, "ConfigError", e.to_string()))
    }

    /// Every entry of an object, in key order.
    fn entries(&self, namespace: &str, id: &str) -> Vec<(String, String)> {
        self.inner.lock().list(namespace, id, &ListOptions::default())
    }

    /// The object's alarm (ms since the epoch), or None.
    fn alarm(&self, namespace: &str, id: &str) -> Option<f64> {
        self.inner.lock().alarm(namespace, id)
    }

    /// Sets or (None) deletes an object's alarm.
    #[pyo3(signature = (namespace, id, at_ms))]
    fn set_alarm(&self, namespace: &str, id: &str, at_ms: Option<f64>) {
        self.inner.lock().set_alarm(namespace, id, at_ms)
    }

    fn has_changes(&self) -> bool {
        self.inner.lock().has_changes()
    }

    /// The net changes since the last call.
    fn take_changes(&self) -> Vec<PyChange> {
        self.inner
            .lock()
            .take_changes()
            .into_iter()
            .map(|c| {
                let (changed, alarm) = match c.alarm {
                    Some(a) => (true, a),
                    None => (false, None),
                };
                (c.namespace, c.id, c.cleared, c.puts, c.deletes, changed, alarm)
            })
            .collect()
    }

    /// Ids of the objects of `namespace` holding data or an alarm, sorted.
    fn ids(&self, namespace: &str) -> Vec<String> {
        self.inner.lock().ids(namespace)
    }
}

/// The id `idFromName(name)` gives in `namespace` (64 hex digits).
#[pyfunction]
fn durable_id_from_name(namespace: &str, name: &str) -> String {
    durable::id_from_name(namespace, name)
}

/// Whether `id` is an id of `namespace`.
#[pyfunction]
fn durable_id_is_valid(namespace: &str, id: &str) -> bool {
    durable::id_is_valid(namespace, id)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDurableStore>()?;
    m.add_function(wrap_pyfunction!(durable_id_from_name, m)?)?;
    m.add_function(wrap_pyfunction!(durable_id_is_valid, m)?)?;
    Ok(())
}
