//! What a native front runs with: the server's limits and the client-location field's name.

use std::time::Duration;

/// Limits per request, connection and server (see `edgert.server.ServerLimits`).
#[derive(Clone, Debug)]
pub struct FrontConfig {
    /// The request line and header section; more gets 431.
    pub max_header_bytes: usize,
    /// One request body; more (declared or received) gets 413.
    pub max_body_bytes: u64,
    /// From a request's first byte until its header section is complete; slower gets 408.
    pub header_timeout: Duration,
    /// A keep-alive connection with no request in progress is closed after this long.
    pub idle_timeout: Duration,
    /// The longest pause between two pieces of a request body; longer gets 408.
    pub body_timeout: Duration,
    /// Request-body bytes buffered across the server at once; past it, 503.
    pub max_buffered_body_bytes: u64,
    /// Connections open at once; one more is answered 503 and closed.
    pub max_connections: usize,
    /// Lower-case name of the client-location field (taken out of the request).
    pub client_header: String,
    /// `host:port` for requests without a `Host` field (HTTP/1.0).
    pub default_host: String,
    /// A WebSocket with no frame either way for this long is closed (1001).
    pub ws_idle_timeout: Duration,
    /// Bytes of messages a WebSocket may have waiting to be written; more closes it (1011).
    pub ws_max_buffered_bytes: usize,
}

impl FrontConfig {
    /// How often a connection checks its deadlines.
    pub fn tick(&self) -> Duration {
        let quarter = |d: Duration| d / 4;
        Duration::from_secs(1)
            .min(quarter(self.header_timeout))
            .min(quarter(self.idle_timeout))
            .max(Duration::from_millis(5))
    }
}
