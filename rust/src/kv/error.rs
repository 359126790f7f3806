//! A KV call the worker made wrongly (a limit, a bad argument): thrown as a JavaScript error.

/// What a KV call is rejected with: the JavaScript class and the message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{class}: {message}")]
pub struct KvError {
    /// `"TypeError"` for arguments of the wrong type, `"Error"` for limits (as Workers does).
    pub class: &'static str,
    pub message: String,
}

impl KvError {
    #[cold]
    pub fn type_error(message: impl Into<String>) -> KvError {
        KvError {
            class: "TypeError",
            message: message.into(),
        }
    }

    /// A failure reported as `KV <OP> failed: <status> <reason>`, Workers' wording.
    #[cold]
    pub fn failed(op: &str, status: u16, reason: impl std::fmt::Display) -> KvError {
        KvError {
            class: "Error",
            message: format!("KV {op} failed: {status} {reason}"),
        }
    }
}
