//! A SQLite value as D1 passes it: JavaScript numbers become INTEGER when integral (REAL
//! otherwise), strings TEXT, null NULL, an array of byte values a BLOB. Results come back the
//! same way: INTEGER and REAL as numbers, TEXT as strings, BLOB as an array of numbers.

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::ToSql;
use serde_json::Value as Json;

#[derive(Clone, Debug, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// The largest magnitude an f64 holds every integer below (2^53): beyond it a JavaScript
/// number is passed as REAL, as JSON would carry it.
const SAFE: f64 = 9_007_199_254_740_992.0;

impl SqlValue {
    /// A JavaScript number as D1 binds it.
    pub fn from_number(x: f64) -> SqlValue {
        if x.fract() == 0.0 && x.abs() <= SAFE {
            SqlValue::Integer(x as i64)
        } else {
            SqlValue::Real(x)
        }
    }

    pub fn from_ref(v: ValueRef<'_>) -> SqlValue {
        match v {
            ValueRef::Null => SqlValue::Null,
            ValueRef::Integer(i) => SqlValue::Integer(i),
            ValueRef::Real(f) => SqlValue::Real(f),
            ValueRef::Text(t) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
        }
    }

    /// From the wire (JSON): a number, string, null, boolean (1/0) or array of bytes.
    pub fn from_json(v: &Json) -> Result<SqlValue, String> {
        Ok(match v {
            Json::Null => SqlValue::Null,
            Json::Bool(b) => SqlValue::Integer(*b as i64),
            Json::Number(n) => match n.as_i64() {
                Some(i) => SqlValue::Integer(i),
                None => SqlValue::from_number(n.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(s) => SqlValue::Text(s.clone()),
            Json::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for b in a {
                    match b.as_u64() {
                        Some(x) if x < 256 => out.push(x as u8),
                        _ => return Err(format!("a BLOB is an array of byte values, got {b}")),
                    }
                }
                SqlValue::Blob(out)
            }
            Json::Object(_) => return Err("an object cannot be bound".into()),
        })
    }

    pub fn to_json(&self) -> Json {
        match self {
            SqlValue::Null => Json::Null,
            SqlValue::Integer(i) => Json::from(*i),
            SqlValue::Real(f) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
            SqlValue::Text(s) => Json::String(s.clone()),
            SqlValue::Blob(b) => Json::Array(b.iter().map(|x| Json::from(*x)).collect()),
        }
    }
}

impl ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            SqlValue::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            SqlValue::Integer(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            SqlValue::Real(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            SqlValue::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            SqlValue::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}
