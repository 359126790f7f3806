//! One request on its connection: the checks hyper leaves to us, the body (timed, sized, and
//! counted against the server's buffer), the core `Request`, the hand-over to the control
//! plane, and its `Response` back into a hyper response.
//!
//! Theory of operation: hyper calls [`handle`] once a head is complete; the request then moves
//! through check -> body -> queued (waiting for the control plane) -> answered. Any refusal
//! on the way is answered at once with `connection: close` (hyper closes after writing it,
//! without reading what is left of the body). Pipelined requests of a connection are handled
//! one after another (hyper's dispatcher), so responses leave in request order.

use std::borrow::Cow;
use std::cell::Cell;
use std::convert::Infallible;

use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{StatusCode, Version};
use tokio::sync::oneshot;

use super::client_ip;
use super::config::FrontConfig;
use super::deflate;
use super::dispatch::{Adopted, AnswerRecord, Dispatch, Native};
use super::inbox::{Inbox, Pending};
use super::refusal;
use super::watch::ConnState;
use super::websocket::{self, WsHub, SOCKET_FIELD};
use crate::http::{Body, Headers, Request, Response};
use crate::server::{reason_phrase, HOP_BY_HOP};

/// What every connection of a front shares on the I/O thread.
pub struct Shared {
    pub config: FrontConfig,
    pub inbox: Arc<Inbox>,
    pub dispatch: Arc<Dispatch>,
    /// Request-body bytes buffered now, across the server.
    pub buffered: Cell<u64>,
    /// Graceful shutdown has begun: responses close their connections.
    pub draining: Cell<bool>,
    /// The WebSocket connections.
    pub ws: Arc<WsHub>,
    /// The front's control channel (WebSockets close with 1001 when it changes).
    pub control: Arc<tokio::sync::watch::Sender<super::server::Control>>,
}

type HyperResponse = hyper::Response<Full<Bytes>>;

/// A core body as `Bytes`, sharing its buffer (no copy of the response body).
struct BodyBytes(Body);

impl AsRef<[u8]> for BodyBytes {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Leaves the service phase however the request ends (answered, refused, or dropped).
struct InService(Arc<ConnState>);

impl Drop for InService {
    fn drop(&mut self) {
        self.0.leave_service();
    }
}

/// Body bytes this request holds in the server's buffer; given back when it is dropped.
struct Buffered<'a> {
    shared: &'a Shared,
    bytes: u64,
}

impl Drop for Buffered<'_> {
    fn drop(&mut self) {
        self.shared.buffered.set(self.shared.buffered.get() - self.bytes);
    }
}

fn latin1(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(ascii) if bytes.is_ascii() => ascii.to_owned(),
        _ => bytes.iter().map(|&b| b as char).collect(),
    }
}

fn latin1_bytes(text: &str) -> Cow<'_, [u8]> {
    if text.is_ascii() {
        Cow::Borrowed(text.as_bytes())
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect(),
        )
    }
}

fn has_token(values: hyper::header::GetAll<'_, HeaderValue>, token: &str) -> bool {
    values.iter().any(|v| {
        v.to_str()
            .map(|s| s.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
            .unwrap_or(false)
    })
}

/// Serves one request (hyper's service function).
pub async fn handle(
    req: hyper::Request<Incoming>,
    shared: Rc<Shared>,
    state: Arc<ConnState>,
    peer: Option<Rc<str>>,
) -> Result<HyperResponse, Infallible> {
    state.enter_service();
    let _in_service = InService(state.clone());
    Ok(exchange(req, &shared, &state, peer.as_deref()).await)
}

/// A WebSocket upgrade request's key, the `Sec-WebSocket-Extensions` answer to its offers, and
/// hyper's handle on the socket to come.
struct Upgrade {
    key: String,
    extensions: Option<String>,
    on_upgrade: hyper::upgrade::OnUpgrade,
}

/// The answer to an upgrade request: the worker's 101 with a WebSocket becomes the handshake's
/// 101 (and the connection's WebSocket task); any other answer is written as usual.
fn answer_upgrade(
    upgrade: Option<Upgrade>,
    response: Response,
    core: Option<Arc<dyn std::any::Any + Send + Sync>>,
    shared: &Shared,
    state: &ConnState,
    write: impl FnOnce(Response) -> HyperResponse,
) -> HyperResponse {
    if response.status != 101 {
        return write(response);
    }
    match upgrade {
        Some(Upgrade {
            key,
            extensions,
            on_upgrade,
        }) if response.headers.get(SOCKET_FIELD).is_some() => {
            state.upgrade();
            let control = shared.control.subscribe();
            websocket::accept(&shared.ws, &key, extensions, on_upgrade, response, core, control)
        }
        Some(_) => refusal::response(502, "the worker answered 101 without a WebSocket", true),
        None => {
            if let Some(socket) = response.headers.get(SOCKET_FIELD) {
                shared.ws.abandon(socket.to_owned(), core);
            }
            refusal::response(
                502,
                "the worker answered 101 to a request that is not a WebSocket upgrade",
                true,
            )
        }
    }
}

async fn exchange(
    req: hyper::Request<Incoming>,
    shared: &Shared,
    state: &ConnState,
    peer: Option<&str>,
) -> HyperResponse {
    let config = &shared.config;
    let (mut parts, body) = req.into_parts();
    let upgrade = websocket::upgrade_key(&parts.headers).and_then(|key| {
        let on_upgrade = parts.extensions.remove::<hyper::upgrade::OnUpgrade>()?;
        let offers = parts.headers.get_all(hyper::header::SEC_WEBSOCKET_EXTENSIONS);
        let extensions = deflate::negotiate(offers.iter().filter_map(|v| v.to_str().ok()));
        Some(Upgrade {
            key,
            extensions,
            on_upgrade,
        })
    });
    let http10 = parts.version == Version::HTTP_10;
    let connection = parts.headers.get_all(hyper::header::CONNECTION);
    let keep_alive = if http10 {
        has_token(connection, "keep-alive")
    } else {
        !has_token(connection, "close")
    };
    let target: Cow<'_, str> = if parts.uri.scheme().is_some() {
        Cow::Owned(parts.uri.to_string())
    } else {
        Cow::Borrowed(parts.uri.path_and_query().map_or(parts.uri.path(), |p| p.as_str()))
    };
    // The head's size as sent, near enough: hyper has parsed it (and capped it at its buffer).
    let mut head_size = parts.method.as_str().len() + target.len() + 12;
    let mut headers = Headers::with_capacity(parts.headers.len());
    let mut location = None;
    let mut host: Option<String> = None;
    let mut hosts = 0;
    let mut content_length: Option<u64> = None;
    for (name, value) in parts.headers.iter() {
        head_size += name.as_str().len() + value.len() + 4;
        let name = name.as_str();
        let value = latin1(value.as_bytes());
        if name == config.client_header {
            location = Some(value);
            continue;
        }
        match name {
            "host" => {
                hosts += 1;
                host = Some(value.clone());
            }
            "expect" if !value.trim().eq_ignore_ascii_case("100-continue") => {
                return refusal::response(417, &format!("cannot meet Expect: {value}"), true);
            }
            "content-length" => content_length = value.trim().parse().ok(),
            _ => {}
        }
        if let Err(e) = headers.append_owned(name, value) {
            return refusal::response(400, &format!("bad header field {name:?}: {e}"), true);
        }
    }
    client_ip::stamp(&mut headers, peer);
    if head_size > config.max_header_bytes {
        return refusal::response(431, "request header section too large", true);
    }
    if hosts > 1 {
        return refusal::response(400, "more than one Host field", true);
    }
    if !http10 && hosts == 0 {
        return refusal::response(400, "HTTP/1.1 requests need a Host field", true);
    }
    let host = host.as_deref().unwrap_or(&config.default_host);
    let raw = if target.starts_with('/') {
        format!("http://{host}{target}")
    } else if target == "*" {
        format!("http://{host}/")
    } else {
        target.clone().into_owned()
    };
    let url = match ada_url::Url::parse(&raw, None) {
        Ok(u) if matches!(u.protocol(), "http:" | "https:") => u.href().to_owned(),
        _ => return refusal::response(400, &format!("bad request target {target:?}"), true),
    };
    if content_length.is_some_and(|n| n > config.max_body_bytes) {
        return refusal::response(413, &format!("request body over {} bytes", config.max_body_bytes), true);
    }
    let chunked = parts.headers.contains_key(hyper::header::TRANSFER_ENCODING);
    // The body's bytes count against the server's buffer until the request is answered.
    let (data, _held) = match read_body(body, shared).await {
        Ok(read) => read,
        Err(answer) => return answer,
    };
    let method = crate::http::normalize_method(parts.method.as_str());
    let body = match data {
        Some(data) if method != "GET" && method != "HEAD" => Body::from(data),
        None if chunked && method != "GET" && method != "HEAD" => Body::from(Vec::new()),
        _ => Body::none(),
    };
    let head_only = method == "HEAD";
    let began = Instant::now();
    let mut request = Request {
        method,
        url,
        headers,
        body,
    };
    if let Some(mut native) = shared.dispatch.decide(&location, &request.url) {
        if let Some(cf) = shared.dispatch.bot_cf(&native.cf, &request, &native.pop) {
            native.cf = Arc::from(cf);
        }
        let (url, method) = (request.url.clone(), request.method.clone());
        match shared.dispatch.begin(&native, request) {
            Ok(first) => {
                let core = Some(native.core.handle.clone());
                let meta = NativeMeta {
                    native,
                    url,
                    method,
                    target: target.into_owned(),
                    location,
                    began,
                };
                let response = run_native(first, meta, shared).await;
                // A WebSocket answered natively names a socket of this core.
                let native_core = response.headers.get(SOCKET_FIELD).is_some_and(|s| !s.starts_with('h'));
                let core = if native_core { core } else { None };
                let keep = keep_alive && !shared.draining.get();
                return answer_upgrade(upgrade, response, core, shared, state, |r| {
                    to_hyper(r, http10, keep, head_only)
                });
            }
            Err(back) => request = back,
        }
    }
    let (reply, answer) = oneshot::channel();
    shared.inbox.push(Pending {
        location,
        request,
        target: target.into_owned(),
        began,
        reply,
    });
    match answer.await {
        Ok(response) => {
            let keep = keep_alive && !shared.draining.get();
            answer_upgrade(upgrade, response, None, shared, state, |r| {
                to_hyper(r, http10, keep, head_only)
            })
        }
        Err(_) => refusal::response(503, "the server is shutting down", true),
    }
}

/// What a natively begun request needs after its first turn.
struct NativeMeta {
    native: Native,
    url: String,
    method: String,
    target: String,
    location: Option<String>,
    began: Instant,
}

/// A request begun on an execution thread: its first turn's response, or the control plane's
/// once it has adopted the rest (see `dispatch`).
async fn run_native(first: oneshot::Receiver<crate::host::Done>, meta: NativeMeta, shared: &Shared) -> Response {
    let Ok(done) = first.await else {
        return Response::text(503, "the server is shutting down");
    };
    let settled = Dispatch::settle(done);
    let NativeMeta {
        native,
        url,
        method,
        target,
        location,
        began,
    } = meta;
    let mut adopted = settled.rest.map(|(steps, condemned)| Adopted {
        core: native.core.handle.clone(),
        pop: native.pop.clone(),
        worker_name: native.worker_name.clone(),
        url,
        method: method.clone(),
        target: target.clone(),
        location,
        steps,
        condemned,
        reply: None,
    });
    if let Some(response) = settled.response {
        shared.dispatch.answered(AnswerRecord {
            method,
            target,
            pop: native.pop,
            status: response.status,
            cache_status: response.headers.get("cf-cache-status").map(str::to_owned),
            wall_ms: began.elapsed().as_secs_f64() * 1000.0,
            stats: settled.stats,
        });
        if let Some(rest) = adopted {
            shared.dispatch.adopt(rest);
            shared.inbox.nudge();
        }
        return response;
    }
    let (reply, answer) = oneshot::channel();
    let mut rest = adopted.take().expect("a first turn without a response leaves steps");
    rest.reply = Some(reply);
    shared.dispatch.adopt(rest);
    shared.inbox.nudge();
    match answer.await {
        Ok(response) => response,
        Err(_) => Response::text(503, "the server is shutting down"),
    }
}

/// Reads the whole body: `None` when there was none, with its hold on the server's body
/// buffer (given back when dropped). Refusals: 408 (a pause longer than the
/// body timeout), 413 (over the limit), 503 (the server's body buffer is full), 400 (bad
/// chunked framing).
async fn read_body(mut body: Incoming, shared: &Shared) -> Result<(Option<Vec<u8>>, Buffered<'_>), HyperResponse> {
    use hyper::body::Body as _;
    let mut held = Buffered { shared, bytes: 0 };
    if body.is_end_stream() {
        return Ok((None, held));
    }
    let config = &shared.config;
    let mut data: Vec<u8> = Vec::new();
    loop {
        let frame = match tokio::time::timeout(config.body_timeout, body.frame()).await {
            Err(_) => return Err(refusal::response(408, "request body not received in time", true)),
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(refusal::response(400, &format!("malformed request body ({e})"), true)),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(piece) = frame.into_data() else { continue }; // trailers are dropped
        let len = piece.len() as u64;
        if held.bytes + len > config.max_body_bytes {
            let message = format!("request body over {} bytes", config.max_body_bytes);
            return Err(refusal::response(413, &message, true));
        }
        if shared.buffered.get() + len > config.max_buffered_body_bytes {
            return Err(refusal::response(503, "too many request bodies in progress", true));
        }
        shared.buffered.set(shared.buffered.get() + len);
        held.bytes += len;
        data.extend_from_slice(&piece);
    }
    Ok(((!data.is_empty()).then_some(data), held))
}

/// A core response as hyper writes it: the worker's fields but the hop-by-hop ones (chunked
/// framing kept when asked for, for HTTP/1.1), the reason phrase, and the connection's fate.
/// hyper adds `Date` (cached per second) unless the response has one, frames the body with
/// `Content-Length`, and writes no body for HEAD, 1xx, 204 and 304.
pub fn to_hyper(response: Response, http10: bool, keep_alive: bool, head_only: bool) -> HyperResponse {
    let Response {
        status,
        status_text,
        headers,
        body,
    } = response;
    let bytes = if body.is_empty() {
        Bytes::new()
    } else {
        Bytes::from_owner(BodyBytes(body))
    };
    let mut out = hyper::Response::new(Full::new(bytes));
    *out.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if !status_text.is_empty() && status_text != reason_phrase(status) {
        if let Ok(reason) = hyper::ext::ReasonPhrase::try_from(latin1_bytes(&status_text).into_owned()) {
            out.extensions_mut().insert(reason);
        }
    }
    let fields = out.headers_mut();
    fields.reserve(headers.len() + 2);
    let mut chunked = false;
    for (name, value) in headers.iter() {
        if HOP_BY_HOP.contains(&name) {
            if name == "transfer-encoding" && !http10 {
                let last = value.rsplit(',').next().unwrap_or("").trim();
                chunked = last.eq_ignore_ascii_case("chunked");
            }
            continue;
        }
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(&latin1_bytes(value)),
        ) else {
            continue; // a field hyper cannot write (a control byte in a value)
        };
        fields.append(name, value);
    }
    let no_body = head_only || status < 200 || status == 204 || status == 304;
    if chunked && !no_body {
        fields.insert(hyper::header::TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
    }
    if !keep_alive {
        fields.insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
    } else if http10 {
        fields.insert(hyper::header::CONNECTION, HeaderValue::from_static("keep-alive"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_fields_are_the_servers() {
        let headers = Headers::try_from_pairs([
            ("content-type", "text/plain"),
            ("connection", "x"),
            ("transfer-encoding", "chunked"),
            ("x-caf\u{e9}", "cr\u{e8}me"),
        ]);
        // A field name must be a token: the last one is refused by the core already.
        assert!(headers.is_err());
        let headers = Headers::try_from_pairs([
            ("content-type", "text/plain"),
            ("connection", "x"),
            ("transfer-encoding", "chunked"),
        ])
        .unwrap();
        let r = to_hyper(
            Response::new(200, headers.clone(), Body::from("ok")),
            false,
            true,
            false,
        );
        assert_eq!(r.headers().get("connection"), None);
        assert_eq!(r.headers().get("transfer-encoding").unwrap(), "chunked");
        let r = to_hyper(Response::new(200, headers, Body::from("ok")), true, false, false);
        assert_eq!(r.headers().get("connection").unwrap(), "close");
        assert_eq!(r.headers().get("transfer-encoding"), None);
    }

    #[test]
    fn latin1_values_and_reason_phrases() {
        let headers = Headers::try_from_pairs([("x-cafe", "cr\u{e8}me")]).unwrap();
        let mut resp = Response::new(299, headers, Body::none());
        resp.status_text = "Fine".into();
        let r = to_hyper(resp, true, true, false);
        assert_eq!(r.headers().get("x-cafe").unwrap().as_bytes(), b"cr\xe8me");
        assert_eq!(r.headers().get("connection").unwrap(), "keep-alive");
        assert_eq!(
            r.extensions().get::<hyper::ext::ReasonPhrase>().unwrap().as_bytes(),
            b"Fine"
        );
    }
}
