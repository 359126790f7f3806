//! Turning a stored response into the response a client gets (RFC 9111 4 and 4.3.2): the `Age`
//! header, the cache status, the client's own conditional request (304) and a byte range (206 or
//! 416, RFC 9110 14) cut from the stored full response, and no content for HEAD.
//!
//! The same finishing applies to an origin response fetched on a miss: the cache removed the
//! client's validators and `Range` from the request it forwarded (so that it gets a full response
//! it can store), so it answers them itself.

use super::date;
use super::entry::StoredResponse;
use super::status::CacheStatus;
use crate::http::{Body, Headers, Request, Response};

/// Fields a 304 carries from the 200 it stands for (RFC 9110 15.4.5).
const NOT_MODIFIED_FIELDS: [&str; 6] = ["cache-control", "content-location", "date", "etag", "expires", "vary"];

/// Fields the cache consumes and never shows a client.
pub(crate) fn internal(name: &str) -> bool {
    matches!(name, "age" | "cache-tag" | "cf-cache-status")
}

/// Weak comparison of two entity-tags (RFC 9110 8.8.3.2).
pub fn weak_eq(a: &str, b: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    strip(a) == strip(b)
}

/// Strong comparison: both strong and identical.
pub fn strong_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.starts_with("W/") && !b.starts_with("W/") && a == b
}

/// Splits an entity-tag list (`If-None-Match`), respecting the quotes around each tag.
pub fn etag_list(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && matches!(bytes[i], b',' | b' ' | b'\t') {
            i += 1;
        }
        let start = i;
        let mut in_quotes = false;
        while i < bytes.len() && (in_quotes || bytes[i] != b',') {
            if bytes[i] == b'"' {
                in_quotes = !in_quotes;
            }
            i += 1;
        }
        let tag = value[start..i].trim();
        if !tag.is_empty() {
            out.push(tag);
        }
    }
    out
}

/// Would the client's conditional GET/HEAD be answered 304 by this representation?
/// (RFC 9110 13.2.2: If-None-Match first; If-Modified-Since only without it.)
pub fn not_modified(request: &Headers, etag: Option<&str>, last_modified_s: Option<i64>) -> bool {
    if let Some(inm) = request.get_combined("if-none-match") {
        let tags = etag_list(&inm);
        if tags.contains(&"*") {
            return true;
        }
        return etag.is_some_and(|e| tags.iter().any(|t| weak_eq(t, e)));
    }
    match (request.get("if-modified-since").and_then(date::parse), last_modified_s) {
        (Some(since), Some(modified)) => modified <= since,
        _ => false,
    }
}

/// A satisfiable single byte range, or why not.
enum RangeAnswer {
    Full,
    Part(u64, u64),
    Unsatisfiable,
}

fn byte_range(request: &Headers, len: u64, etag: Option<&str>, last_modified: Option<&str>) -> RangeAnswer {
    let Some(range) = request.get("range") else {
        return RangeAnswer::Full;
    };
    if let Some(if_range) = request.get("if-range") {
        let matches = if if_range.trim_start().starts_with('"') || if_range.trim_start().starts_with("W/") {
            etag.is_some_and(|e| strong_eq(if_range, e))
        } else {
            last_modified.is_some_and(|lm| date::parse(lm).is_some() && date::parse(lm) == date::parse(if_range))
        };
        if !matches {
            return RangeAnswer::Full;
        }
    }
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return RangeAnswer::Full;
    };
    if spec.contains(',') {
        // Several ranges: a server may ignore Range and send the whole representation.
        return RangeAnswer::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAnswer::Full;
    };
    let parse = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (parse(first), last.trim().is_empty()) {
        (Some(a), true) => {
            if a >= len {
                RangeAnswer::Unsatisfiable
            } else {
                RangeAnswer::Part(a, len - 1)
            }
        }
        (Some(a), false) => match parse(last) {
            Some(b) if b >= a => {
                if a >= len {
                    RangeAnswer::Unsatisfiable
                } else {
                    RangeAnswer::Part(a, b.min(len - 1))
                }
            }
            _ => RangeAnswer::Full,
        },
        (None, false) if first.trim().is_empty() => match parse(last) {
            Some(0) => RangeAnswer::Unsatisfiable,
            Some(n) if len == 0 => {
                let _ = n;
                RangeAnswer::Unsatisfiable
            }
            Some(n) => RangeAnswer::Part(len.saturating_sub(n), len - 1),
            None => RangeAnswer::Full,
        },
        _ => RangeAnswer::Full,
    }
}

/// The view of a response `finish` works from.
struct Parts<'a> {
    status: u16,
    fields: Vec<(&'a str, &'a str)>,
    body: &'a Body,
}

fn finish_parts(parts: Parts<'_>, request: &Request, age_s: Option<u64>, status: CacheStatus) -> Response {
    let head = request.method == "HEAD";
    let lookup = |name: &str| parts.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let mut out_status = parts.status;
    let mut body = parts.body.clone();
    let mut content_range: Option<String> = None;
    let mut keep: fn(&str) -> bool = |_| true;
    // Only requests that carry validators or a range need any of this (the common hit does not).
    let conditional = request.headers.contains("if-none-match") || request.headers.contains("if-modified-since");
    let ranged = !head && request.headers.contains("range");
    if parts.status == 200 && (request.method == "GET" || head) && (conditional || ranged) {
        let etag = lookup("etag");
        let last_modified = lookup("last-modified");
        let validator_date = || last_modified.or_else(|| lookup("date")).and_then(date::parse);
        if conditional && not_modified(&request.headers, etag, validator_date()) {
            out_status = 304;
            body = Body::none();
            keep = |n| NOT_MODIFIED_FIELDS.contains(&n);
        } else if ranged {
            let len = parts.body.len() as u64;
            match byte_range(&request.headers, len, etag, last_modified) {
                RangeAnswer::Full => {}
                RangeAnswer::Part(a, b) => {
                    out_status = 206;
                    body = Body::from(&parts.body.as_bytes()[a as usize..=b as usize]);
                    content_range = Some(format!("bytes {a}-{b}/{len}"));
                }
                RangeAnswer::Unsatisfiable => {
                    out_status = 416;
                    body = Body::from(&b""[..]);
                    content_range = Some(format!("bytes */{len}"));
                }
            }
        }
    }
    let mut headers = Headers::with_capacity(parts.fields.len() + 3);
    for (name, value) in &parts.fields {
        if internal(name) || !keep(name) {
            continue;
        }
        if content_range.is_some() && *name == "content-length" {
            continue;
        }
        // Copied from validated `Headers` (stored or received): already lower-case and valid.
        headers.append_trusted(name, value);
    }
    if let Some(range) = content_range {
        headers.append_trusted("content-range", &range);
        headers.append_trusted("content-length", &body.len().to_string());
    }
    if let Some(age) = age_s {
        headers.append_trusted("age", &age.to_string());
    }
    headers.append_trusted(CacheStatus::HEADER, status.as_str());
    if head {
        body = Body::none();
    }
    Response::new(out_status, headers, body)
}

/// True when serving a stored 200..599 response to `request` needs no conditional or range
/// evaluation and keeps the body: the response is then the stored fields (minus the cache's own),
/// `Age` and the status.
pub fn serves_as_is(request: &Request) -> bool {
    request.method == "GET"
        && !request.headers.contains("if-none-match")
        && !request.headers.contains("if-modified-since")
        && !request.headers.contains("range")
}

/// The response for `request` from a stored response of age `age_s`.
pub fn from_entry(entry: &StoredResponse, request: &Request, age_s: u64, status: CacheStatus) -> Response {
    if serves_as_is(request) {
        // The common hit: the stored fields, Age and the status; nothing to evaluate.
        let mut headers = Headers::with_capacity(12);
        for (name, value) in entry.headers.iter() {
            if !internal(name) {
                headers.append_trusted(name, value);
            }
        }
        headers.append_trusted("age", &age_s.to_string());
        headers.append_trusted(CacheStatus::HEADER, status.as_str());
        return Response::new(entry.status, headers, entry.body.clone());
    }
    let parts = Parts {
        status: entry.status,
        fields: entry.headers.iter().collect(),
        body: &entry.body,
    };
    finish_parts(parts, request, Some(age_s), status)
}

/// The response for `request` from an origin response the cache fetched on its behalf. `answer`
/// says whether the cache replaced the client's validators and range (then it evaluates them).
pub fn from_origin(response: &Response, request: &Request, status: CacheStatus, answer: bool) -> Response {
    if !answer {
        let mut out = response.clone();
        out.headers.remove("cache-tag");
        let _ = out.headers.set(CacheStatus::HEADER, status.as_str());
        return out;
    }
    let age = response
        .headers
        .get("age")
        .map(|_| super::policy::age_value(&response.headers));
    let parts = Parts {
        status: response.status,
        fields: response.headers.iter().collect(),
        body: &response.body,
    };
    let mut out = finish_parts(parts, request, age, status);
    out.status_text = response.status_text.clone();
    out
}
