//! Responses on the wire: status line, header section and body (RFC 9112 sections 4, 6).
//!
//! The body is complete, so it is framed with `Content-Length`; a response whose own
//! `Transfer-Encoding` says `chunked` (a worker may set it) is sent chunked to HTTP/1.1
//! clients. Hop-by-hop fields (RFC 9110 section 7.6.1) are the server's to write. A response
//! without `Date` gets the server's.

use crate::http::Response;

/// Response fields the server writes itself (the worker's values are dropped; RFC 9110 7.6.1).
pub const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "upgrade",
    "proxy-connection",
    "content-length",
    "trailer",
];
const CHUNK: usize = 64 * 1024;

/// The standard reason phrase of a status code ("" when it has none).
pub fn reason_phrase(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

fn push_decimal(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(n.to_string().as_bytes());
}

fn push_text(out: &mut Vec<u8>, text: &str) {
    // Field values are ByteStrings: chars up to U+00FF are one byte each (latin-1).
    if text.is_ascii() {
        out.extend_from_slice(text.as_bytes());
    } else {
        out.extend(text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')));
    }
}

/// The whole response message. `head_only` for HEAD: the head a GET would get, no body.
pub fn encode_response(response: &Response, date: &str, head_only: bool, keep_alive: bool, http10: bool) -> Vec<u8> {
    let status = response.status;
    let body = response.body.as_bytes();
    let mut out = Vec::with_capacity(160 + body.len());
    out.extend_from_slice(b"HTTP/1.1 ");
    push_decimal(&mut out, usize::from(status));
    out.push(b' ');
    let text = if response.status_text.is_empty() {
        reason_phrase(status)
    } else {
        &response.status_text
    };
    push_text(&mut out, text);
    out.extend_from_slice(b"\r\n");
    let mut chunked = false;
    let mut dated = false;
    for (name, value) in response.headers.iter() {
        if name.eq_ignore_ascii_case("date") {
            dated = true;
        } else if HOP_BY_HOP.iter().any(|h| name.eq_ignore_ascii_case(h)) {
            if name.eq_ignore_ascii_case("transfer-encoding") && !http10 {
                let last = value.rsplit(',').next().unwrap_or("").trim();
                chunked = last.eq_ignore_ascii_case("chunked");
            }
            continue;
        }
        push_text(&mut out, name);
        out.extend_from_slice(b": ");
        push_text(&mut out, value);
        out.extend_from_slice(b"\r\n");
    }
    let no_body = head_only || status < 200 || status == 204 || status == 304;
    if chunked && !no_body {
        out.extend_from_slice(b"transfer-encoding: chunked\r\n");
    } else if status >= 200 && status != 204 {
        out.extend_from_slice(b"content-length: ");
        push_decimal(&mut out, body.len());
        out.extend_from_slice(b"\r\n");
    }
    if !dated {
        out.extend_from_slice(b"date: ");
        out.extend_from_slice(date.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !keep_alive {
        out.extend_from_slice(b"connection: close\r\n");
    } else if http10 {
        out.extend_from_slice(b"connection: keep-alive\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if no_body {
        return out;
    }
    if chunked {
        for piece in body.chunks(CHUNK) {
            out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
            out.extend_from_slice(piece);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(body);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Body, Headers};

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        let headers = Headers::try_from_pairs(headers.iter().copied()).unwrap();
        Response::new(status, headers, Body::from(body))
    }

    #[test]
    fn frames_with_content_length_and_drops_hop_by_hop() {
        let r = response(200, &[("content-type", "text/plain"), ("connection", "x")], "ok");
        let wire = encode_response(&r, "D", false, true, false);
        assert_eq!(
            wire,
            b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\ndate: D\r\n\r\nok"
        );
    }

    #[test]
    fn head_chunked_and_close() {
        let r = response(200, &[("transfer-encoding", "chunked"), ("date", "X")], "abc");
        let wire = encode_response(&r, "D", false, false, false);
        let text = String::from_utf8(wire).unwrap();
        assert!(
            text.ends_with("date: X\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        );
        let head = encode_response(&response(404, &[], "gone"), "D", true, true, true);
        assert!(String::from_utf8(head)
            .unwrap()
            .ends_with("content-length: 4\r\ndate: D\r\nconnection: keep-alive\r\n\r\n"));
    }
}
