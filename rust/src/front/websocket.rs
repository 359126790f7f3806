//! WebSockets on the native front: the RFC 6455 opening handshake on hyper's connection, then
//! yawc's framing (and `permessage-deflate`, RFC 7692, when [`super::deflate`] agreed to it)
//! on the upgraded socket, with the control plane as the other side.
//!
//! Theory of operation. An upgrade request (`Connection: upgrade`, `Upgrade: websocket`,
//! `Sec-WebSocket-Version: 13`, a `Sec-WebSocket-Key`) goes to the worker as a normal request,
//! with hyper's upgrade future kept aside. When the worker answers `101` with a WebSocket (its
//! core marks it with `x-edgert-websocket`), [`accept`] writes the 101 with
//! `Sec-WebSocket-Accept` and spawns [`run`] for the connection, which:
//!
//! ```text
//!   opened --(Open pushed to the control plane)--> open
//!   open: frame in  -> Text/Binary pushed (ping answered, fragments joined and inflated by yawc)
//!         command   -> frame out (Send, deflated when negotiated), or our Close frame (closing)
//!         idle      -> Close 1001 (closing);  over max message -> Close 1009 (closed);
//!         text not UTF-8 -> Close 1007 (closed)
//!         draining  -> Close 1001 (closing)
//!   closing: frames in are dropped until the peer's Close (clean) or EOF / 5 s (not clean)
//!   closed: Close{code, reason, clean} pushed once, the command channel dropped
//! ```
//!
//! The control plane sends commands through [`WsHub::send`] (any thread); what the connection
//! reports goes to the hub's queue and wakes the control plane through the inbox's eventfd.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use futures_util::SinkExt;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use parking_lot::Mutex;
use tokio::sync::{mpsc, watch};
use yawc::close::CloseCode;
use yawc::{DeflateOptions, Frame, OpCode, Options, Role, WebSocket, WebSocketError};

use super::inbox::Inbox;
use super::server::Control;
use crate::http::Response;
use crate::protocol::MAX_WS_MESSAGE_BYTES;
use crate::server::HOP_BY_HOP;

/// The response field by which a core marks a 101 response's WebSocket.
pub const SOCKET_FIELD: &str = "x-edgert-websocket";
/// How long we wait for the peer's Close after sending ours.
const CLOSE_WAIT: Duration = Duration::from_secs(5);
/// Messages shorter than this are sent uncompressed even on a `permessage-deflate` socket
/// (RFC 7692 6.1 lets each message choose): deflating a few bytes makes them longer.
const COMPRESSION_THRESHOLD: usize = 64;

/// What a connection reports to the control plane.
pub enum WsReport {
    /// The upgrade is done: `socket` as the worker's response named it, `core` the control
    /// plane's object of the core that answered natively (`None`: Python answered).
    Open {
        socket: String,
        core: Option<Arc<dyn Any + Send + Sync>>,
    },
    Text(String),
    Binary(Vec<u8>),
    Close {
        code: u16,
        reason: String,
        clean: bool,
    },
}

/// What the control plane asks of a connection.
pub enum WsCommand {
    Text(String),
    Binary(Vec<u8>),
    Close(u16, String),
}

struct Conn {
    commands: mpsc::UnboundedSender<WsCommand>,
    /// Bytes of messages queued and not yet written.
    queued: Arc<AtomicUsize>,
}

/// The front's WebSocket connections as the control plane sees them.
pub struct WsHub {
    conns: Mutex<HashMap<u64, Conn>>,
    reports: Mutex<Vec<(u64, WsReport)>>,
    next: AtomicU64,
    inbox: Arc<Inbox>,
    /// Bytes a connection may have queued for writing; more closes it with 1011.
    pub max_buffered: usize,
    /// A connection with no frame either way for this long is closed with 1001.
    pub idle: Duration,
}

impl WsHub {
    pub fn new(inbox: Arc<Inbox>, max_buffered: usize, idle: Duration) -> Self {
        WsHub {
            conns: Mutex::new(HashMap::new()),
            reports: Mutex::new(Vec::new()),
            next: AtomicU64::new(0),
            inbox,
            max_buffered,
            idle,
        }
    }

    fn report(&self, conn: u64, report: WsReport) {
        let first = {
            let mut reports = self.reports.lock();
            reports.push((conn, report));
            reports.len() == 1
        };
        if first {
            self.inbox.nudge();
        }
    }

    /// What the connections reported since the last call (control plane).
    pub fn take(&self) -> Vec<(u64, WsReport)> {
        std::mem::take(&mut *self.reports.lock())
    }

    /// Queues a command for `conn` (any thread). False when the connection is gone. A message
    /// that would take the connection's queue past `max_buffered` closes it with 1011.
    pub fn send(&self, conn: u64, command: WsCommand) -> bool {
        let conns = self.conns.lock();
        let Some(c) = conns.get(&conn) else { return false };
        let size = match &command {
            WsCommand::Text(t) => t.len(),
            WsCommand::Binary(b) => b.len(),
            WsCommand::Close(..) => 0,
        };
        let queued = c.queued.fetch_add(size, Ordering::AcqRel) + size;
        let command = if queued > self.max_buffered {
            WsCommand::Close(1011, "too much data buffered for this WebSocket".into())
        } else {
            command
        };
        c.commands.send(command).is_ok()
    }

    /// A worker's WebSocket that no client will take (its 101 answered a request that was not
    /// an upgrade): reported opened and closed at once (1011), so the control plane closes the
    /// worker's end instead of leaving it open.
    pub fn abandon(&self, socket: String, core: Option<Arc<dyn Any + Send + Sync>>) {
        let conn = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        self.report(conn, WsReport::Open { socket, core });
        let reason = "the request was not a WebSocket upgrade".to_owned();
        self.report(
            conn,
            WsReport::Close {
                code: 1011,
                reason,
                clean: false,
            },
        );
    }

    /// Open connections.
    pub fn len(&self) -> usize {
        self.conns.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The request's `Sec-WebSocket-Key` when it asks for a WebSocket (RFC 6455 4.2.1).
pub fn upgrade_key(headers: &hyper::HeaderMap) -> Option<String> {
    let has = |name: hyper::header::HeaderName, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str()
                .map(|s| s.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
                .unwrap_or(false)
        })
    };
    if !has(hyper::header::UPGRADE, "websocket") || !has(hyper::header::CONNECTION, "upgrade") {
        return None;
    }
    if headers
        .get(hyper::header::SEC_WEBSOCKET_VERSION)
        .and_then(|v| v.to_str().ok())
        != Some("13")
    {
        return None;
    }
    headers
        .get(hyper::header::SEC_WEBSOCKET_KEY)
        .and_then(|v| v.to_str().ok())
        .map(|k| k.trim().to_owned())
}

/// The 101 response for a worker's WebSocket answer, and the connection's task started (it
/// waits for hyper to hand the socket over once the 101 is written).
pub fn accept(
    hub: &Arc<WsHub>,
    key: &str,
    extensions: Option<String>,
    on_upgrade: OnUpgrade,
    response: Response,
    core: Option<Arc<dyn Any + Send + Sync>>,
    control: watch::Receiver<Control>,
) -> hyper::Response<Full<Bytes>> {
    let socket = response.headers.get(SOCKET_FIELD).unwrap_or("").to_owned();
    let mut out = hyper::Response::new(Full::new(Bytes::new()));
    *out.status_mut() = hyper::StatusCode::SWITCHING_PROTOCOLS;
    let fields = out.headers_mut();
    for (name, value) in response.headers.iter() {
        // The front owns the framing, so it alone answers `Sec-WebSocket-Extensions`.
        if HOP_BY_HOP.contains(&name) || name == SOCKET_FIELD || name == "upgrade" || name == "sec-websocket-extensions"
        {
            continue;
        }
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            fields.append(n, v);
        }
    }
    fields.insert(hyper::header::UPGRADE, HeaderValue::from_static("websocket"));
    fields.insert(hyper::header::CONNECTION, HeaderValue::from_static("upgrade"));
    if let Ok(v) = HeaderValue::from_str(&accept_key(key)) {
        fields.insert(hyper::header::SEC_WEBSOCKET_ACCEPT, v);
    }
    if let Some(v) = extensions.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
        fields.insert(hyper::header::SEC_WEBSOCKET_EXTENSIONS, v);
    }
    let conn = hub.next.fetch_add(1, Ordering::Relaxed) + 1;
    let (tx, rx) = mpsc::unbounded_channel();
    let queued = Arc::new(AtomicUsize::new(0));
    hub.conns.lock().insert(
        conn,
        Conn {
            commands: tx,
            queued: queued.clone(),
        },
    );
    hub.report(conn, WsReport::Open { socket, core });
    let link = Link {
        hub: hub.clone(),
        conn,
        extensions,
    };
    tokio::task::spawn_local(run(link, on_upgrade, rx, queued, control));
    out
}

/// `Sec-WebSocket-Accept` for a request's key (RFC 6455 4.2.2): base64 of the SHA-1 of the key
/// and the protocol's GUID.
fn accept_key(key: &str) -> String {
    const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    let mut sha1 = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY);
    sha1.update(key.as_bytes());
    sha1.update(GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(sha1.finish().as_ref())
}

/// A Close frame; 1005 ("no code") is one without a payload (RFC 6455 7.4.1).
fn close_frame(code: u16, reason: &str) -> Frame {
    if code == 1005 {
        let mut frame = Frame::close(CloseCode::Normal, "");
        *frame.payload_mut() = Bytes::new();
        frame
    } else {
        Frame::close(CloseCode::from(code), reason)
    }
}

/// The socket's frame options: Workers' message limit, UTF-8 checked, and deflate settings
/// for when the handshake agreed to `permessage-deflate` (yawc reads the agreed parameters).
fn options() -> Options {
    let limit = MAX_WS_MESSAGE_BYTES + 1; // yawc refuses a message of `limit` bytes or more
    let mut deflate = DeflateOptions::low_latency();
    deflate.compression_threshold = COMPRESSION_THRESHOLD;
    let mut options = Options::default().with_limits(limit, limit).with_utf8();
    options.compression = Some(deflate);
    options
}

/// Which connection a task serves and what its handshake agreed.
struct Link {
    hub: Arc<WsHub>,
    conn: u64,
    extensions: Option<String>,
}

/// One upgraded connection (see the theory of operation).
async fn run(
    link: Link,
    on_upgrade: OnUpgrade,
    mut commands: mpsc::UnboundedReceiver<WsCommand>,
    queued: Arc<AtomicUsize>,
    mut control: watch::Receiver<Control>,
) {
    let Link { hub, conn, extensions } = link;
    let closed = |code: u16, reason: &str, clean: bool| {
        hub.conns.lock().remove(&conn);
        hub.report(
            conn,
            WsReport::Close {
                code,
                reason: reason.to_owned(),
                clean,
            },
        );
    };
    let Ok(upgraded) = on_upgrade.await else {
        closed(1006, "the connection closed during the upgrade", false);
        return;
    };
    let Ok(mut ws) =
        WebSocket::from_stream_with_extensions(TokioIo::new(upgraded), Role::Server, extensions.as_deref(), options())
    else {
        closed(1006, "the agreed extensions could not be set up", false);
        return;
    };
    let idle = hub.idle;
    let mut deadline = tokio::time::Instant::now() + idle;
    // Set once we sent our Close: (code, reason) and when we stop waiting for the peer's.
    let mut closing: Option<(u16, String, tokio::time::Instant)> = None;
    loop {
        let wake = closing.as_ref().map_or(deadline, |c| c.2);
        tokio::select! {
            frame = ws.next_frame() => match frame {
                Ok(frame) => match frame.opcode() {
                    OpCode::Text | OpCode::Binary => {
                        deadline = tokio::time::Instant::now() + idle;
                        if closing.is_none() {
                            let text = frame.opcode() == OpCode::Text;
                            let data = frame.into_payload();
                            let report = if text {
                                // yawc checked the UTF-8 (with_utf8).
                                WsReport::Text(String::from_utf8_lossy(&data).into_owned())
                            } else {
                                WsReport::Binary(data.to_vec())
                            };
                            hub.report(conn, report);
                        }
                    }
                    OpCode::Close => {
                        // yawc answers the peer's Close itself (echoing it); the next read
                        // writes that answer out and reports the end.
                        let code = frame.close_code().map_or(1005, u16::from);
                        let reason = frame.close_reason().ok().flatten().unwrap_or("").to_owned();
                        let _ = tokio::time::timeout(CLOSE_WAIT, ws.next_frame()).await;
                        closed(code, &reason, true);
                        return;
                    }
                    _ => deadline = tokio::time::Instant::now() + idle, // ping, pong
                },
                Err(error) => {
                    let failed = |code: u16, reason: String| (code, reason, false);
                    let (code, reason, clean) = match error {
                        WebSocketError::FrameTooLarge => failed(1009, format!("message over {MAX_WS_MESSAGE_BYTES} bytes")),
                        WebSocketError::InvalidUTF8 => failed(1007, "a text message that is not UTF-8".into()),
                        e if e.is_protocol_error() => failed(1002, e.to_string()),
                        _ => match closing {
                            Some((ours, why, _)) => (ours, why, true),
                            None => failed(1006, "the connection closed without a closing handshake".into()),
                        },
                    };
                    if !matches!(code, 1006) && !clean {
                        // yawc queued a Close with the code; the next read writes it out.
                        let _ = tokio::time::timeout(CLOSE_WAIT, ws.next_frame()).await;
                    }
                    closed(code, &reason, clean);
                    return;
                }
            },
            command = commands.recv(), if closing.is_none() => {
                let sent = match command {
                    Some(WsCommand::Text(text)) => {
                        let n = text.len();
                        let r = ws.send(Frame::text(text)).await;
                        queued.fetch_sub(n, Ordering::AcqRel);
                        r
                    }
                    Some(WsCommand::Binary(bytes)) => {
                        let n = bytes.len();
                        let r = ws.send(Frame::binary(bytes)).await;
                        queued.fetch_sub(n, Ordering::AcqRel);
                        r
                    }
                    Some(WsCommand::Close(code, reason)) => {
                        let r = ws.send(close_frame(code, &reason)).await;
                        closing = Some((code, reason, tokio::time::Instant::now() + CLOSE_WAIT));
                        r
                    }
                    None => {
                        let _ = ws.send(close_frame(1001, "going away")).await;
                        closed(1001, "going away", false);
                        return;
                    }
                };
                deadline = tokio::time::Instant::now() + idle;
                if sent.is_err() && closing.is_none() {
                    closed(1006, "the connection failed while sending", false);
                    return;
                }
            }
            _ = tokio::time::sleep_until(wake) => {
                if let Some((ours, why, _)) = closing {
                    closed(ours, &why, false);
                    return;
                }
                let reason = format!("idle for {} s", idle.as_secs());
                let _ = ws.send(close_frame(1001, &reason)).await;
                closing = Some((1001, reason, tokio::time::Instant::now() + CLOSE_WAIT));
            }
            changed = control.changed(), if closing.is_none() => {
                let _ = changed;
                let reason = "the server is shutting down".to_owned();
                let _ = ws.send(close_frame(1001, &reason)).await;
                closing = Some((1001, reason, tokio::time::Instant::now() + CLOSE_WAIT));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(fields: &[(&str, &str)]) -> hyper::HeaderMap {
        let mut map = hyper::HeaderMap::new();
        for (n, v) in fields {
            map.append(
                HeaderName::from_bytes(n.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    #[test]
    fn an_upgrade_needs_every_field_of_rfc_6455() {
        let full = [
            ("upgrade", "WebSocket"),
            ("connection", "keep-alive, Upgrade"),
            ("sec-websocket-version", "13"),
            ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ];
        assert_eq!(
            upgrade_key(&headers(&full)).as_deref(),
            Some("dGhlIHNhbXBsZSBub25jZQ==")
        );
        for skip in 0..full.len() {
            let some: Vec<_> = full
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, f)| *f)
                .collect();
            assert_eq!(upgrade_key(&headers(&some)), None, "without {}", full[skip].0);
        }
        let mut old = full;
        old[2] = ("sec-websocket-version", "8");
        assert_eq!(upgrade_key(&headers(&old)), None);
    }

    #[test]
    fn no_code_is_a_close_frame_without_one() {
        assert!(close_frame(1005, "").payload().is_empty());
        let frame = close_frame(4000, "bye");
        assert_eq!(frame.close_code().map(u16::from), Some(4000));
        assert_eq!(frame.close_reason().unwrap(), Some("bye"));
    }

    #[test]
    fn the_accept_key_is_rfc_6455s_example() {
        assert_eq!(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
