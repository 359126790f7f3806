//! WebSockets on the native front: the RFC 6455 opening handshake on hyper's connection, then
//! tungstenite's framing on the upgraded socket, with the control plane as the other side.
//!
//! Theory of operation. An upgrade request (`Connection: upgrade`, `Upgrade: websocket`,
//! `Sec-WebSocket-Version: 13`, a `Sec-WebSocket-Key`) goes to the worker as a normal request,
//! with hyper's upgrade future kept aside. When the worker answers `101` with a WebSocket (its
//! core marks it with `x-edgert-websocket`), [`accept`] writes the 101 with
//! `Sec-WebSocket-Accept` and spawns [`run`] for the connection, which:
//!
//! ```text
//!   opened --(Open pushed to the control plane)--> open
//!   open: frame in  -> Text/Binary pushed (ping answered, fragments joined by tungstenite)
//!         command   -> frame out (Send), or our Close frame (closing)
//!         idle      -> Close 1001 (closing);  over max message -> Close 1009 (closed)
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

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use parking_lot::Mutex;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

use super::inbox::Inbox;
use super::server::Control;
use crate::http::Response;
use crate::protocol::MAX_WS_MESSAGE_BYTES;
use crate::server::HOP_BY_HOP;

/// The response field by which a core marks a 101 response's WebSocket.
pub const SOCKET_FIELD: &str = "x-edgert-websocket";
/// How long we wait for the peer's Close after sending ours.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

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
        if HOP_BY_HOP.contains(&name) || name == SOCKET_FIELD || name == "upgrade" {
            continue;
        }
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            fields.append(n, v);
        }
    }
    fields.insert(hyper::header::UPGRADE, HeaderValue::from_static("websocket"));
    fields.insert(hyper::header::CONNECTION, HeaderValue::from_static("upgrade"));
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    if let Ok(v) = HeaderValue::from_str(&accept) {
        fields.insert(hyper::header::SEC_WEBSOCKET_ACCEPT, v);
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
    tokio::task::spawn_local(run(hub.clone(), conn, on_upgrade, rx, queued, control));
    out
}

fn close_frame(code: u16, reason: String) -> Option<CloseFrame> {
    (code != 1005).then(|| CloseFrame {
        code: CloseCode::from(code),
        reason: reason.into(),
    })
}

/// One upgraded connection (see the theory of operation).
async fn run(
    hub: Arc<WsHub>,
    conn: u64,
    on_upgrade: OnUpgrade,
    mut commands: mpsc::UnboundedReceiver<WsCommand>,
    queued: Arc<AtomicUsize>,
    mut control: watch::Receiver<Control>,
) {
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
    let mut config = WebSocketConfig::default();
    config.max_message_size = Some(MAX_WS_MESSAGE_BYTES);
    config.max_frame_size = Some(MAX_WS_MESSAGE_BYTES);
    let mut ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
    let idle = hub.idle;
    let mut deadline = tokio::time::Instant::now() + idle;
    // Set once we sent our Close: (code, reason) and when we stop waiting for the peer's.
    let mut closing: Option<(u16, String, tokio::time::Instant)> = None;
    loop {
        let wake = closing.as_ref().map_or(deadline, |c| c.2);
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    deadline = tokio::time::Instant::now() + idle;
                    if closing.is_none() {
                        hub.report(conn, WsReport::Text(text.as_str().to_owned()));
                    }
                }
                Some(Ok(Message::Binary(bytes))) => {
                    deadline = tokio::time::Instant::now() + idle;
                    if closing.is_none() {
                        hub.report(conn, WsReport::Binary(bytes.to_vec()));
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    // tungstenite answers the peer's Close itself (echoing its code).
                    let (code, reason) = frame.map_or((1005, String::new()), |f| (u16::from(f.code), f.reason.as_str().to_owned()));
                    let _ = ws.flush().await;
                    closed(code, &reason, true);
                    return;
                }
                Some(Ok(_)) => deadline = tokio::time::Instant::now() + idle, // ping, pong
                Some(Err(WsError::Capacity(_))) => {
                    let reason = format!("message over {MAX_WS_MESSAGE_BYTES} bytes");
                    let _ = ws.close(close_frame(1009, reason.clone())).await;
                    closed(1009, &reason, false);
                    return;
                }
                Some(Err(_)) | None => {
                    match closing {
                        Some((ours, why, _)) => closed(ours, &why, true),
                        None => closed(1006, "the connection closed without a closing handshake", false),
                    }
                    return;
                }
            },
            command = commands.recv(), if closing.is_none() => {
                let sent = match command {
                    Some(WsCommand::Text(text)) => {
                        let n = text.len();
                        let r = ws.send(Message::text(text)).await;
                        queued.fetch_sub(n, Ordering::AcqRel);
                        r
                    }
                    Some(WsCommand::Binary(bytes)) => {
                        let n = bytes.len();
                        let r = ws.send(Message::binary(bytes)).await;
                        queued.fetch_sub(n, Ordering::AcqRel);
                        r
                    }
                    Some(WsCommand::Close(code, reason)) => {
                        let r = ws.close(close_frame(code, reason.clone())).await;
                        closing = Some((code, reason, tokio::time::Instant::now() + CLOSE_WAIT));
                        r
                    }
                    None => {
                        let _ = ws.close(close_frame(1001, "going away".into())).await;
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
                let _ = ws.close(close_frame(1001, reason.clone())).await;
                closing = Some((1001, reason, tokio::time::Instant::now() + CLOSE_WAIT));
            }
            changed = control.changed(), if closing.is_none() => {
                let _ = changed;
                let reason = "the server is shutting down".to_owned();
                let _ = ws.close(close_frame(1001, reason.clone())).await;
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
        assert!(close_frame(1005, String::new()).is_none());
        let frame = close_frame(4000, "bye".into()).unwrap();
        assert_eq!((u16::from(frame.code), frame.reason.as_str()), (4000, "bye"));
    }
}
