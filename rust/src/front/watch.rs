//! The bytes of one connection on their way to hyper: when each request head begins, how big it
//! grows, whether its version is one we speak, and when the connection was last active.
//!
//! Theory of operation (one connection's phase, advanced by reads and by its requests):
//!
//! ```text
//!   Idle --first byte--> Head --blank line--> HeadDone --hyper calls the service--> Service
//!    ^                                                                                 |
//!    +------------------------- the response is handed to hyper <----------------------+
//! ```
//!
//! - `Head` is timed (`header_timeout`) and sized (`max_header_bytes`) here, because hyper's
//!   own limits do not fit: its read buffer cannot be smaller than 8 KiB and its header timeout
//!   closes without an answer. A head over the limit, or a request line naming a version other
//!   than 1.0 / 1.1, makes the watcher *refuse*: it records the status and reports end-of-stream
//!   to hyper, which then flushes what it was writing (the responses before) and stops; the
//!   connection's task writes the refusal on its own handle of the socket.
//! - Bytes read while a request is in service (its body, or pipelined requests read ahead) are
//!   not looked at; a head already buffered by hyper when its request starts is not timed.
//! - `Idle` is timed by `idle_timeout` from the last byte read or written.

/// A `Cell` that may cross threads: hyper's WebSocket upgrade hands the connection's socket
/// (and so this state) over as `Send`. Uncontended in practice: one connection's task uses it.
pub struct Cell<T: Copy>(parking_lot::Mutex<T>);

impl<T: Copy> Cell<T> {
    pub fn new(value: T) -> Self {
        Cell(parking_lot::Mutex::new(value))
    }

    pub fn get(&self) -> T {
        *self.0.lock()
    }

    pub fn set(&self, value: T) {
        *self.0.lock() = value;
    }
}
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Head,
    HeadDone,
    Service,
}

/// A refusal decided below hyper: the status and why.
pub type Refusal = (u16, &'static str);

/// One connection's watched state (shared by its task, its watcher and its requests).
pub struct ConnState {
    phase: Cell<Phase>,
    head_started: Cell<Instant>,
    head_bytes: Cell<usize>,
    /// The last two bytes read in `Head` (a blank line split across reads).
    tail: Cell<[u8; 2]>,
    last_active: Cell<Instant>,
    refusal: Cell<Option<Refusal>>,
    max_header_bytes: usize,
    /// Upgraded to a WebSocket: the bytes are frames, not heads, and are not looked at.
    upgraded: Cell<bool>,
}

impl ConnState {
    pub fn new(max_header_bytes: usize) -> Self {
        let now = Instant::now();
        ConnState {
            phase: Cell::new(Phase::Idle),
            head_started: Cell::new(now),
            head_bytes: Cell::new(0),
            tail: Cell::new([0, 0]),
            last_active: Cell::new(now),
            refusal: Cell::new(None),
            max_header_bytes,
            upgraded: Cell::new(false),
        }
    }

    #[cfg(test)]
    pub fn phase(&self) -> Phase {
        self.phase.get()
    }

    /// hyper has called the service: a request is in progress.
    pub fn enter_service(&self) {
        self.phase.set(Phase::Service);
    }

    /// The connection is switching to the WebSocket protocol (a 101 is being written).
    pub fn upgrade(&self) {
        self.upgraded.set(true);
    }

    /// The request's response was handed to hyper.
    pub fn leave_service(&self) {
        self.phase.set(Phase::Idle);
        self.last_active.set(Instant::now());
    }

    pub fn refusal(&self) -> Option<Refusal> {
        self.refusal.get()
    }

    pub fn refuse(&self, refusal: Refusal) {
        if self.refusal.get().is_none() {
            self.refusal.set(Some(refusal));
        }
    }

    /// What the deadlines say at `now`: a refusal (408) of a head that took too long, or
    /// `Some(None)` to close an idle connection silently; `None` to carry on.
    pub fn overdue(&self, now: Instant, header: Duration, idle: Duration) -> Option<Option<Refusal>> {
        if self.upgraded.get() {
            return None;
        }
        match self.phase.get() {
            Phase::Head if now.duration_since(self.head_started.get()) > header => {
                Some(Some((408, "request header section not received in time")))
            }
            Phase::Idle if now.duration_since(self.last_active.get()) > idle => Some(None),
            _ => None,
        }
    }

    /// Looks at `new` bytes just read; returns a refusal when they break a limit.
    fn saw(&self, new: &[u8]) -> Option<Refusal> {
        if self.upgraded.get() {
            return None;
        }
        let now = Instant::now();
        self.last_active.set(now);
        let mut seen = new;
        match self.phase.get() {
            Phase::Idle => {
                self.phase.set(Phase::Head);
                self.head_started.set(now);
                self.head_bytes.set(0);
                self.tail.set([0, 0]);
                // Empty lines before a request line are allowed (RFC 9112 section 2.2).
                let start = new.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(new.len());
                seen = &new[start..];
                if bad_version(seen) {
                    return Some((505, "only HTTP/1.0 and HTTP/1.1 are supported"));
                }
            }
            Phase::Head => {}
            Phase::HeadDone | Phase::Service => return None,
        }
        let (used, done) = match head_end(self.tail.get(), seen) {
            Some(end) => (end, true),
            None => (seen.len(), false),
        };
        let total = self.head_bytes.get() + used;
        self.head_bytes.set(total);
        if total > self.max_header_bytes {
            return Some((431, "request header section too large"));
        }
        if done {
            self.phase.set(Phase::HeadDone);
        } else if let [.., a, b] = *seen {
            self.tail.set([a, b]);
        } else if let [b] = *seen {
            self.tail.set([self.tail.get()[1], b]);
        }
        None
    }
}

/// Where the head's blank line ends in `new` (bytes used, blank line included), given the last
/// two bytes seen before it. A line ends in LF (a CR before it is optional, RFC 9112 2.2).
fn head_end(tail: [u8; 2], new: &[u8]) -> Option<usize> {
    let at = |i: isize| -> u8 {
        if i >= 0 {
            new[i as usize]
        } else {
            tail[(2 + i) as usize]
        }
    };
    for i in memchr::memchr_iter(b'\n', new) {
        let i = i as isize;
        if at(i - 1) == b'\n' || (at(i - 1) == b'\r' && at(i - 2) == b'\n') {
            return Some(i as usize + 1);
        }
    }
    None
}

/// Whether the request line in `line` (if complete) ends in a well-formed `HTTP/d.d` other than
/// 1.0 and 1.1 (a version we do not speak: 505, where a malformed line is hyper's 400).
fn bad_version(bytes: &[u8]) -> bool {
    let Some(end) = memchr::memchr(b'\n', bytes) else {
        return false;
    };
    let line = bytes[..end].strip_suffix(b"\r").unwrap_or(&bytes[..end]);
    let Some(v) = line.len().checked_sub(8).map(|start| &line[start..]) else {
        return false;
    };
    let well_formed = v.starts_with(b"HTTP/") && v[5].is_ascii_digit() && v[6] == b'.' && v[7].is_ascii_digit();
    well_formed && v != b"HTTP/1.1" && v != b"HTTP/1.0"
}

/// The socket as hyper reads and writes it, watched (see the module docs).
pub struct Watched {
    io: TcpStream,
    state: std::sync::Arc<ConnState>,
}

impl Watched {
    pub fn new(io: TcpStream, state: std::sync::Arc<ConnState>) -> Self {
        Watched { io, state }
    }
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.state.refusal().is_some() {
            return Poll::Ready(Ok(())); // end of stream for hyper
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.io).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            if buf.filled().len() > before {
                if let Some(refusal) = self.state.saw(&buf.filled()[before..]) {
                    self.state.refuse(refusal);
                    buf.set_filled(before);
                }
            }
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        self.state.last_active.set(Instant::now());
        Pin::new(&mut self.io).poll_write(cx, data)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.state.last_active.set(Instant::now());
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.state.refusal().is_some() {
            return Poll::Ready(Ok(())); // the connection's task answers, then shuts down
        }
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_blank_line_across_reads() {
        assert_eq!(head_end([0, 0], b"GET / HTTP/1.1\r\nHost: a\r\n\r\nbody"), Some(27));
        assert_eq!(head_end([b'\r', b'\n'], b"\r\nx"), Some(2));
        assert_eq!(head_end([b'\n', b'\r'], b"\nx"), Some(1));
        assert_eq!(head_end([0, 0], b"GET / HTTP/1.0\n\n"), Some(16));
        assert_eq!(head_end([0, 0], b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
    }

    #[test]
    fn versions() {
        assert!(bad_version(b"GET / HTTP/2.0\r\n"));
        assert!(!bad_version(b"GET / HTTP/1.1\r\n"));
        assert!(!bad_version(b"GET / HTTP/1.0\n"));
        assert!(!bad_version(b"GARBAGE\r\n"));
        assert!(!bad_version(b"GET / HTTP/2.0")); // the line is not complete yet
    }

    #[test]
    fn sizes_heads_and_ignores_bodies() {
        let s = ConnState::new(64);
        assert_eq!(s.saw(b"POST / HTTP/1.1\r\nHost: a\r\n\r\n"), None);
        assert_eq!(s.phase(), Phase::HeadDone);
        assert_eq!(s.saw(&[b'x'; 500]), None); // body bytes
        s.enter_service();
        s.leave_service();
        assert_eq!(s.saw(b"GET / HTTP/1.1\r\nX: "), None);
        assert_eq!(s.phase(), Phase::Head);
        assert_eq!(s.saw(&[b'y'; 100]).map(|r| r.0), Some(431));
    }
}
