//! D1's errors, worded as D1 words them: `D1_ERROR: <SQLite's message>: SQLITE_<CODE>`.

use rusqlite::ffi;

/// An error a query fails with; `message` is the whole text the worker's `Error` carries.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct D1Error {
    pub message: String,
}

impl D1Error {
    pub fn new(message: impl Into<String>) -> D1Error {
        D1Error {
            message: message.into(),
        }
    }

    /// `D1_ERROR: <detail>`.
    pub fn d1(detail: impl std::fmt::Display) -> D1Error {
        D1Error::new(format!("D1_ERROR: {detail}"))
    }
}

/// The name of SQLite's primary result code (`SQLITE_CONSTRAINT`...).
fn code_name(code: i32) -> &'static str {
    match code & 0xff {
        ffi::SQLITE_INTERNAL => "SQLITE_INTERNAL",
        ffi::SQLITE_PERM => "SQLITE_PERM",
        ffi::SQLITE_ABORT => "SQLITE_ABORT",
        ffi::SQLITE_BUSY => "SQLITE_BUSY",
        ffi::SQLITE_LOCKED => "SQLITE_LOCKED",
        ffi::SQLITE_NOMEM => "SQLITE_NOMEM",
        ffi::SQLITE_READONLY => "SQLITE_READONLY",
        ffi::SQLITE_INTERRUPT => "SQLITE_INTERRUPT",
        ffi::SQLITE_IOERR => "SQLITE_IOERR",
        ffi::SQLITE_CORRUPT => "SQLITE_CORRUPT",
        ffi::SQLITE_FULL => "SQLITE_FULL",
        ffi::SQLITE_CANTOPEN => "SQLITE_CANTOPEN",
        ffi::SQLITE_TOOBIG => "SQLITE_TOOBIG",
        ffi::SQLITE_CONSTRAINT => "SQLITE_CONSTRAINT",
        ffi::SQLITE_MISMATCH => "SQLITE_MISMATCH",
        ffi::SQLITE_RANGE => "SQLITE_RANGE",
        ffi::SQLITE_AUTH => "SQLITE_AUTH",
        _ => "SQLITE_ERROR",
    }
}

impl From<rusqlite::Error> for D1Error {
    fn from(e: rusqlite::Error) -> D1Error {
        match e {
            rusqlite::Error::SqliteFailure(err, msg) => {
                let text = msg.unwrap_or_else(|| err.to_string());
                D1Error::d1(format!("{text}: {}", code_name(err.extended_code)))
            }
            rusqlite::Error::SqlInputError { error, msg, offset, .. } => {
                D1Error::d1(format!("{msg} at offset {offset}: {}", code_name(error.extended_code)))
            }
            rusqlite::Error::InvalidParameterCount(..) => {
                D1Error::d1("Wrong number of parameter bindings for SQL query.")
            }
            rusqlite::Error::MultipleStatement => {
                D1Error::d1("A prepared statement holds one SQL statement; use exec() or batch() for several.")
            }
            other => D1Error::d1(other),
        }
    }
}
