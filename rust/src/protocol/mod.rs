//! The step protocol between the sans-I/O core and its hosts.
//!
//! A host starts a request with `begin(request, now)` and gets *steps* back: a response (maybe
//! with background work still pending) and *operations* the host must perform (an outbound
//! fetch, a timer, a binding call). It completes each operation with `complete(op, result, now)`,
//! which yields further steps, until the task is done.

mod operation;
mod stats;
mod step;
mod websocket;

pub use operation::{OpId, OpKind, OpResult, Operation, TaskId};
pub use stats::{KvReadStat, LogLevel, LogLine, Outcome, Stats};
pub use step::Step;
pub use websocket::{socket_isolate, WsAction, WsEvent, MAX_WS_MESSAGE_BYTES};
