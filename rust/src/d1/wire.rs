//! The JSON form of a query and its answer, as the isolate hands a remote query to the host
//! and the host hands it to an instance (`edgert._core.D1Database.execute`).
//!
//! Request: `{"stmts": [{"sql", "params": [...]}]}` (one transaction, rows when `"rows"` is
//! not false) or `{"lines": ["...", ...]}` (`exec()`). Answer: `{"results": [{"columns",
//! "rows", "meta"}], "seq"}`, `{"count", "duration", "seq"}`, or `{"error", "seq"}`.

use super::database::{Database, StmtResult};
use super::error::D1Error;
use super::value::SqlValue;
use serde_json::{json, Value as Json};

/// A parsed request.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    Query {
        statements: Vec<(String, Vec<SqlValue>)>,
        rows: bool,
    },
    Exec {
        lines: Vec<String>,
    },
}

pub fn request_from_json(text: &str) -> Result<Request, D1Error> {
    let v: Json = serde_json::from_str(text).map_err(|e| D1Error::new(format!("bad D1 request: {e}")))?;
    if let Some(lines) = v.get("lines").and_then(Json::as_array) {
        let lines = lines
            .iter()
            .map(|l| l.as_str().unwrap_or_default().to_owned())
            .collect();
        return Ok(Request::Exec { lines });
    }
    let stmts = v
        .get("stmts")
        .and_then(Json::as_array)
        .ok_or_else(|| D1Error::new("bad D1 request: no stmts"))?;
    let mut statements = Vec::with_capacity(stmts.len());
    for s in stmts {
        let sql = s.get("sql").and_then(Json::as_str).unwrap_or_default().to_owned();
        let mut params = Vec::new();
        if let Some(ps) = s.get("params").and_then(Json::as_array) {
            for p in ps {
                params.push(SqlValue::from_json(p).map_err(|e| D1Error::new(format!("D1_TYPE_ERROR: {e}")))?);
            }
        }
        statements.push((sql, params));
    }
    let rows = v.get("rows").and_then(Json::as_bool).unwrap_or(true);
    Ok(Request::Query { statements, rows })
}

pub fn result_to_json(r: &StmtResult) -> Json {
    json!({
        "columns": r.columns,
        "rows": r.rows.iter().map(|row| row.iter().map(SqlValue::to_json).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "meta": {
            "duration": r.meta.duration_ms,
            "changes": r.meta.changes,
            "last_row_id": r.meta.last_row_id,
            "changed_db": r.meta.changed_db,
            "size_after": r.meta.size_after,
            "rows_read": r.meta.rows_read,
            "rows_written": r.meta.rows_written,
        },
    })
}

/// Executes a request on `db` and answers in JSON (errors included: they are the worker's).
pub fn response_to_json(db: &mut Database, request: &Request) -> String {
    let out = match request {
        Request::Query { statements, rows } => match db.query(statements, *rows) {
            Ok(results) => json!({ "results": results.iter().map(result_to_json).collect::<Vec<_>>() }),
            Err(e) => json!({ "error": e.message }),
        },
        Request::Exec { lines } => match db.exec(lines) {
            Ok((count, duration)) => json!({ "count": count, "duration": duration }),
            Err((line, e)) => json!({ "error": e.message, "line": line }),
        },
    };
    let mut out = out;
    out["seq"] = json!(db.seq());
    out.to_string()
}
