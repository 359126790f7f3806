//! The native HTTP/1.1 front of the edge server: a **host**, not part of the sans-I/O core.
//!
//! Unlike the rest of the crate, this module opens sockets, runs its own I/O thread and reads
//! clocks (deadlines, the access log's wall time). It accepts connections, parses requests with
//! hyper's HTTP/1.1 server, enforces the server's limits, builds the core [`Request`] of every
//! complete request, and hands it to the control plane (Python) through an [`Inbox`]: a queue
//! and one file descriptor that is readable while work is queued. The control plane answers
//! each request once with a core [`Response`]; hyper encodes and writes it.
//!
//! - [`FrontConfig`]: the limits and names a front runs with;
//! - [`Inbox`] and [`Pending`]: what crosses to the control plane; [`Outbox`]: the responses
//!   coming back, in batches;
//! - [`Front`]: the listening socket and its I/O thread (`start`, `close`, `abort`);
//! - `watch`: the per-connection byte watcher that times and sizes request heads;
//! - `exchange`: one request on its connection (checks, body, hand-over, response);
//! - `client_ip`: `CF-Connecting-IP` and its kin from the connection's peer;
//! - `conn`: one connection's task (hyper, deadlines, refusals, graceful shutdown);
//! - `websocket`: a worker's 101 answered with the RFC 6455 handshake, then the connection's
//!   frames (yawc, with `permessage-deflate` when negotiated) to and from the control plane ([`WsHub`]);
//! - [`Dispatch`]: requests to a worker begun on execution threads and answered from the I/O
//!   thread, without Python, once the control plane has taught the front their way.
//!
//! [`Request`]: crate::http::Request
//! [`Response`]: crate::http::Response

// A host reads clocks (deadlines, the access log's times): the core's rule against it (see
// clippy.toml) does not apply here.
#![allow(clippy::disallowed_methods)]

mod client_ip;
mod config;
mod conn;
mod deflate;
mod dispatch;
mod exchange;
mod inbox;
mod outbox;
mod refusal;
mod server;
mod watch;
mod websocket;

pub use config::FrontConfig;
pub use dispatch::{Adopted, AnswerRecord, Core, Dispatch, Placed, RouteRule};
pub use inbox::{Inbox, Pending};
pub use outbox::Outbox;
pub use server::Front;
pub use websocket::{WsCommand, WsHub, WsReport};
