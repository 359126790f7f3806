//! Operations: what a worker asks the outside world to do, as plain data.

use super::websocket::WsAction;
use crate::http::{Body, Request, Response};

/// Identifies one in-flight request (a task) within a worker.
pub type TaskId = u64;
/// Identifies one operation within a worker; unique across its isolates.
pub type OpId = u64;

/// What the host is asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum OpKind {
    /// An outbound `fetch()`: to the origin or the Internet.
    Fetch(Request),
    /// Wake the worker at host time `at_ns` (a `setTimeout`/`setInterval` expiry).
    Timer { at_ns: u64 },
    /// A call on a binding of `env` (KV namespace, Durable Object namespace, cache...):
    /// `args` is JSON text; the host answers with `OpResult::Value` (JSON text) or `Error`.
    Binding {
        binding: String,
        method: String,
        args: String,
    },
    /// A Workers KV call the PoP's replica cannot answer: a read that missed (`get`), or a
    /// `put`, `delete` or `list` (these always go to the central store). `namespace` is the
    /// namespace id, `args` JSON (`key`, `cacheTtl`, `expiration`, `metadata`, `prefix`...),
    /// `value` the bytes of a `put`. Answered with `OpResult::Value` or `Error`.
    Kv {
        namespace: String,
        method: &'static str,
        args: String,
        value: Option<Body>,
    },
    /// Something a worker did on a WebSocket whose other end the host holds (a client of
    /// the server, an origin, a simulated client): `socket` is the id the core gave it
    /// (see `protocol::websocket`). Never completed: nothing in JavaScript waits for it.
    WebSocket { socket: u64, action: WsAction },
}

/// One operation handed to the host.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub id: OpId,
    pub task: TaskId,
    pub kind: OpKind,
}

/// What the host hands back when it completes an operation.
#[derive(Clone, Debug, PartialEq)]
pub enum OpResult {
    /// The response to a `Fetch`.
    Response(Response),
    /// A `Timer` fired.
    Fired,
    /// The JSON-encoded result of a `Binding` call; `bytes` carries a binary payload when the
    /// result is an ArrayBuffer.
    Value { json: String, bytes: Option<Vec<u8>> },
    /// The operation failed; `name` is the JS error class to reject with (`TypeError`, ...).
    Error { name: String, message: String },
}
