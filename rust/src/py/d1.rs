//! `edgert._core.D1Database`: one D1 instance (primary or read replica) for the host: it runs
//! remote queries (`execute`, the wire form), ships and applies the replication log
//! (`take_commits`, `apply`), and is handed to a standalone worker's cores to query in place.

use super::errors::error;
use crate::d1::{request_from_json, response_to_json, Commit, Database, Entry, SharedDb, SqlValue};
use pyo3::prelude::*;
use serde_json::{json, Value as Json};

#[pyclass(module = "edgert._core", name = "D1Database", frozen)]
pub struct PyD1Database {
    pub(super) id: String,
    pub(super) inner: SharedDb,
}

fn commit_to_json(c: &Commit) -> String {
    json!({
        "seq": c.seq,
        "entries": c.entries.iter().map(|e| json!({
            "sql": e.sql,
            "params": e.params.iter().map(SqlValue::to_json).collect::<Vec<_>>(),
            "script": e.script,
        })).collect::<Vec<_>>(),
    })
    .to_string()
}

fn commit_from_json(text: &str) -> Result<Commit, String> {
    let v: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let seq = v.get("seq").and_then(Json::as_u64).ok_or("no seq")?;
    let mut entries = Vec::new();
    for e in v.get("entries").and_then(Json::as_array).ok_or("no entries")? {
        let params = e
            .get("params")
            .and_then(Json::as_array)
            .map(|ps| ps.iter().map(SqlValue::from_json).collect::<Result<Vec<_>, _>>())
            .transpose()?
            .unwrap_or_default();
        entries.push(Entry {
            sql: e.get("sql").and_then(Json::as_str).unwrap_or_default().to_owned(),
            params,
            script: e.get("script").and_then(Json::as_bool).unwrap_or(false),
        });
    }
    Ok(Commit { seq, entries })
}

#[pymethods]
impl PyD1Database {
    /// `path`: the SQLite file (None: in memory); `primary`: False for a read replica.
    #[new]
    #[pyo3(signature = (id, *, path=None, primary=true))]
    fn new(py: Python<'_>, id: String, path: Option<String>, primary: bool) -> PyResult<Self> {
        let db = Database::open(path.as_deref(), primary).map_err(|e| error(py, "ConfigError", e.message))?;
        Ok(PyD1Database {
            id,
            inner: SharedDb::new(db),
        })
    }

    #[getter]
    fn id(&self) -> &str {
        &self.id
    }

    /// Commits applied (the instance's bookmark position).
    #[getter]
    fn seq(&self) -> u64 {
        self.inner.lock().seq()
    }

    #[getter]
    fn primary(&self) -> bool {
        self.inner.lock().is_primary()
    }

    #[getter]
    fn size_bytes(&self) -> u64 {
        self.inner.lock().size_bytes()
    }

    /// Runs a request in the wire form (`{"stmts": [...]}` or `{"lines": [...]}`) and answers
    /// in JSON; SQL errors are in the answer (`"error"`), a malformed request raises.
    fn execute(&self, py: Python<'_>, request: &str) -> PyResult<String> {
        let request = request_from_json(request).map_err(|e| error(py, "HostError", e.message))?;
        let inner = self.inner.clone();
        Ok(py.detach(move || response_to_json(&mut inner.lock(), &request)))
    }

    /// Whether `sql` only reads (prepared here, not run). A statement that does not prepare
    /// counts as a write (the primary then reports its error).
    fn readonly(&self, sql: &str) -> bool {
        self.inner.lock().readonly(sql).unwrap_or(false)
    }

    /// Replaces this instance's content with a copy of `source` (how a replica starts).
    fn copy_from(&self, py: Python<'_>, source: PyRef<'_, PyD1Database>) -> PyResult<()> {
        if std::sync::Arc::ptr_eq(&self.inner.0, &source.inner.0) {
            return Err(error(py, "HostError", "a database cannot copy itself"));
        }
        let src = source.inner.lock();
        self.inner
            .lock()
            .copy_from(&src)
            .map_err(|e| error(py, "HostError", e.message))
    }

    /// Queue commits for `take_commits` (a primary with replicas).
    fn keep_log(&self, keep: bool) {
        self.inner.lock().set_keep_log(keep);
    }

    /// The commits made since the last call, as JSON texts, oldest first.
    fn take_commits(&self) -> Vec<(u64, String)> {
        self.inner
            .lock()
            .take_commits()
            .iter()
            .map(|c| (c.seq, commit_to_json(c)))
            .collect()
    }

    /// Applies one commit (JSON from `take_commits`); it must be the next in order.
    fn apply(&self, py: Python<'_>, commit: &str) -> PyResult<()> {
        let commit = commit_from_json(commit).map_err(|e| error(py, "HostError", format!("bad commit: {e}")))?;
        self.inner
            .lock()
            .apply(&commit)
            .map_err(|e| error(py, "HostError", e.message))
    }

    fn __repr__(&self) -> String {
        let db = self.inner.lock();
        format!(
            "<D1Database {:?} seq={} primary={}>",
            self.id,
            db.seq(),
            db.is_primary()
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyD1Database>()?;
    Ok(())
}
