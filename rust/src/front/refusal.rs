//! The front's own answers: refusals of requests it will not run, and the raw bytes of an
//! answer written outside hyper (a refusal decided below it, or a connection over the limit).

use bytes::Bytes;
use http_body_util::Full;

use crate::server::reason_phrase;

/// The body of a refusal: the status, its reason, and why.
fn text(status: u16, message: &str) -> String {
    format!("{status} {}: {message}\n", reason_phrase(status))
}

/// A refusal as a hyper response; `close` ends the connection after it.
pub fn response(status: u16, message: &str, close: bool) -> hyper::Response<Full<Bytes>> {
    let mut r = hyper::Response::new(Full::new(Bytes::from(text(status, message))));
    *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_REQUEST);
    let h = r.headers_mut();
    h.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if status == 503 {
        h.insert(hyper::header::RETRY_AFTER, hyper::header::HeaderValue::from_static("1"));
    }
    if close {
        h.insert(
            hyper::header::CONNECTION,
            hyper::header::HeaderValue::from_static("close"),
        );
    }
    r
}

/// A complete refusal message for a socket hyper no longer drives (always `connection: close`).
pub fn wire(status: u16, message: &str) -> Vec<u8> {
    let body = text(status, message);
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let retry = if status == 503 { "retry-after: 1\r\n" } else { "" };
    format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n\
         {retry}date: {date}\r\nconnection: close\r\n\r\n{body}",
        reason_phrase(status),
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_refusal_is_framed_and_closes() {
        let w = String::from_utf8(wire(503, "too many connections")).unwrap();
        assert!(w.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
        assert!(w.contains("retry-after: 1\r\n") && w.contains("connection: close\r\n"));
        assert!(w.ends_with("\r\n\r\n503 Service Unavailable: too many connections\n"));
        let body = "503 Service Unavailable: too many connections\n";
        assert!(w.contains(&format!("content-length: {}\r\n", body.len())));
    }
}
