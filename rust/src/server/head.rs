//! Request heads: the request line and the header section (RFC 9112 sections 2-3, 6.1-6.3;
//! RFC 9110 section 10.1.1 for `Expect`), parsed by `httparse`.
//!
//! A head either parses completely, is still partial (more bytes needed), or is refused with the
//! status the server answers: 431 for a head over the limit, 505 for a version other than
//! HTTP/1.0 or HTTP/1.1, 417 for an expectation other than `100-continue`, 400 for everything
//! malformed (bad syntax, no `Host` in HTTP/1.1, several `Host`s, a `Content-Length` that is not
//! one decimal number, `Transfer-Encoding` without `chunked` last or together with
//! `Content-Length`).

use crate::http::Headers;

/// The most header fields a request may have (more: 431).
const MAX_FIELDS: usize = 128;

/// A refused request: the status to answer and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub message: String,
}

impl Refusal {
    fn new(status: u16, message: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
        }
    }
}

/// A complete request head.
#[derive(Debug, Clone)]
pub struct RequestHead {
    /// The method token as sent (methods are case-sensitive).
    pub method: String,
    /// The request target (origin-form `/path?q`, absolute-form, or `*`).
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor: u8,
    /// The header fields in order, without the client-location field.
    pub headers: Headers,
    pub host: Option<String>,
    /// The value of the client-location field, if the request had one.
    pub client_location: Option<String>,
    pub content_length: Option<u64>,
    pub chunked: bool,
    /// Whether the connection may carry another request after this one.
    pub keep_alive: bool,
    pub expect_continue: bool,
    /// Bytes of the head, request line to the blank line included.
    pub size: usize,
}

/// The outcome of parsing: a complete head, or more bytes needed.
#[derive(Debug)]
pub enum Parsed {
    Partial,
    Complete(RequestHead),
}

fn latin1(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(ascii) if bytes.is_ascii() => ascii.to_owned(),
        _ => bytes.iter().map(|&b| b as char).collect(),
    }
}

fn has_token(value: &str, token: &str) -> bool {
    value.split(',').any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// Whether the request line ends in a well-formed `HTTP/d.d` (so a version error is 505).
fn looks_versioned(buf: &[u8]) -> bool {
    let line_end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    let line = buf[..line_end].strip_suffix(b"\r").unwrap_or(&buf[..line_end]);
    match line.len().checked_sub(8) {
        Some(start) => {
            let v = &line[start..];
            v.starts_with(b"HTTP/") && v[5].is_ascii_digit() && v[6] == b'.' && v[7].is_ascii_digit()
        }
        None => false,
    }
}

/// Parses the head at the start of `buf`. `client_header` is the lower-case name of the
/// client-location field (taken out of the headers); `max_head` the limit on the head's size.
pub fn parse_head(buf: &[u8], max_head: usize, client_header: &str) -> Result<Parsed, Refusal> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_FIELDS];
    let mut req = httparse::Request::new(&mut fields);
    let size = match req.parse(buf) {
        Ok(httparse::Status::Partial) => {
            if buf.len() > max_head {
                return Err(Refusal::new(431, "request header section too large"));
            }
            return Ok(Parsed::Partial);
        }
        Ok(httparse::Status::Complete(n)) => n,
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Refusal::new(431, format!("more than {MAX_FIELDS} header fields")));
        }
        Err(httparse::Error::Version) if looks_versioned(buf) => {
            return Err(Refusal::new(505, "only HTTP/1.0 and HTTP/1.1 are supported"));
        }
        Err(e) => return Err(Refusal::new(400, format!("malformed request ({e})"))),
    };
    if size > max_head {
        return Err(Refusal::new(431, "request header section too large"));
    }
    let (Some(method), Some(target), Some(minor)) = (req.method, req.path, req.version) else {
        return Err(Refusal::new(400, "malformed request line"));
    };
    let mut headers = Headers::with_capacity(req.headers.len());
    let mut host = None;
    let mut client_location = None;
    let mut content_length: Option<u64> = None;
    let mut transfer_encoding: Option<String> = None;
    let mut connection = String::new();
    let mut expect_continue = false;
    for field in req.headers.iter() {
        let name = field.name;
        let value = latin1(field.value);
        if name.eq_ignore_ascii_case(client_header) {
            client_location = Some(value);
            continue;
        }
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err(Refusal::new(400, "more than one Host field"));
            }
            host = Some(value.clone());
        } else if name.eq_ignore_ascii_case("content-length") {
            let parsed = (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
                .then(|| value.parse::<u64>().ok())
                .flatten()
                .ok_or_else(|| Refusal::new(400, format!("bad Content-Length {value:?}")))?;
            if content_length.is_some_and(|n| n != parsed) {
                return Err(Refusal::new(400, "conflicting Content-Length fields"));
            }
            content_length = Some(parsed);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            let all = match transfer_encoding.take() {
                Some(before) => format!("{before}, {value}"),
                None => value.clone(),
            };
            transfer_encoding = Some(all);
        } else if name.eq_ignore_ascii_case("connection") {
            connection.push_str(&value);
            connection.push(',');
        } else if name.eq_ignore_ascii_case("expect") {
            if !value.trim().eq_ignore_ascii_case("100-continue") {
                return Err(Refusal::new(417, format!("cannot meet Expect: {value}")));
            }
            expect_continue = minor == 1;
        }
        headers
            .append_owned(name, value)
            .map_err(|e| Refusal::new(400, format!("bad header field {name:?}: {e}")))?;
    }
    if minor == 1 && host.is_none() {
        return Err(Refusal::new(400, "HTTP/1.1 requests need a Host field"));
    }
    let mut chunked = false;
    if let Some(te) = transfer_encoding {
        if minor == 0 {
            return Err(Refusal::new(400, "Transfer-Encoding in an HTTP/1.0 request"));
        }
        let last = te.rsplit(',').next().unwrap_or("").trim();
        if !last.eq_ignore_ascii_case("chunked") {
            return Err(Refusal::new(400, "Transfer-Encoding must end in chunked"));
        }
        if content_length.is_some() {
            return Err(Refusal::new(400, "both Transfer-Encoding and Content-Length"));
        }
        chunked = true;
    }
    let keep_alive = if minor == 1 {
        !has_token(&connection, "close")
    } else {
        has_token(&connection, "keep-alive")
    };
    Ok(Parsed::Complete(RequestHead {
        method: method.to_owned(),
        target: target.to_owned(),
        minor,
        headers,
        host,
        client_location,
        content_length,
        chunked,
        keep_alive,
        expect_continue,
        size,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &[u8]) -> RequestHead {
        match parse_head(raw, 8192, "x-edgert-client") {
            Ok(Parsed::Complete(h)) => h,
            other => panic!("{other:?}"),
        }
    }

    fn refused(raw: &[u8]) -> u16 {
        match parse_head(raw, 64, "x-edgert-client") {
            Err(r) => r.status,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_a_head_and_takes_the_client_field_out() {
        let h = head(b"GET /a?b HTTP/1.1\r\nHost: x\r\nX-Edgert-Client: city=Tokyo\r\nA: 1\r\n\r\nrest");
        assert_eq!((h.method.as_str(), h.target.as_str(), h.minor), ("GET", "/a?b", 1));
        assert_eq!(h.host.as_deref(), Some("x"));
        assert_eq!(h.client_location.as_deref(), Some("city=Tokyo"));
        assert_eq!(h.headers.get("a"), Some("1"));
        assert!(h.headers.get("x-edgert-client").is_none());
        assert!(h.keep_alive);
        assert_eq!(h.size, 65);
    }

    #[test]
    fn partial_then_limits() {
        assert!(matches!(
            parse_head(b"GET / HTTP/1.1\r\nHo", 64, "c"),
            Ok(Parsed::Partial)
        ));
        assert_eq!(refused(&[b'a'; 100]), 431); // a head that never ends
        assert_eq!(refused(b"GET / HTTP/1.1\r\nHost a\r\n\r\n"), 400);
        let mut long = b"GET / HTTP/1.1\r\nHost: x\r\nA: ".to_vec();
        long.extend([b'b'; 100]);
        assert_eq!(refused(&long), 431);
    }

    #[test]
    fn refusals() {
        assert_eq!(refused(b"GET / HTTP/2.0\r\n\r\n"), 505);
        assert_eq!(refused(b"GET / HTTP/1.1\r\n\r\n"), 400);
        assert_eq!(refused(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
        assert_eq!(refused(b"GET / HTTP/1.1\r\nHost: a\r\nExpect: x\r\n\r\n"), 417);
        assert_eq!(refused(b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n"), 400);
    }

    #[test]
    fn framing() {
        let h = head(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
        assert!(h.chunked);
        let h = head(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assert!(h.keep_alive && h.minor == 0);
        let h = head(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assert!(!h.keep_alive);
        let err = parse_head(
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
            999,
            "c",
        );
        assert_eq!(err.unwrap_err().status, 400);
    }
}
