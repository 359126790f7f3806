//! WebSockets in the step protocol: what a worker does on a socket (`WsAction`, carried by an
//! `OpKind::WebSocket` operation) and what the host delivers into it (`WsEvent`).
//!
//! A socket the host holds the other end of gets its id from the isolate that owns the
//! worker's end: the isolate's id in the high 32 bits, a counter in the low 32 bits, so the
//! pool finds the isolate of an event without a table. Ids are below 2^53 while isolate ids
//! are below 2^21, so JavaScript numbers hold them exactly.

/// The largest message a socket carries either way (Workers' limit: 1 MiB).
pub const MAX_WS_MESSAGE_BYTES: usize = 1 << 20;

/// What the worker did on its end of a socket.
#[derive(Clone, Debug, PartialEq)]
pub enum WsAction {
    /// `send(string)`.
    Text(String),
    /// `send(ArrayBuffer | view)`.
    Binary(Vec<u8>),
    /// `close(code, reason)`: the worker starts (or answers) the closing handshake.
    Close { code: u16, reason: String },
    /// `accept()` of a socket the host handed the worker (an outgoing `fetch()`'s, or one a
    /// Durable Object returned): the host links its end `handle` to this socket id.
    Attach { handle: String },
}

/// What the host delivers to the worker's end of a socket.
#[derive(Clone, Debug, PartialEq)]
pub enum WsEvent {
    Text(String),
    Binary(Vec<u8>),
    /// The other end closed (`clean`: with a closing handshake; 1006 without one).
    Close {
        code: u16,
        reason: String,
        clean: bool,
    },
    /// The connection failed (the `error` event; a `close` follows).
    Error(String),
}

/// The isolate a socket id belongs to.
pub fn socket_isolate(socket: u64) -> u64 {
    socket >> 32
}
