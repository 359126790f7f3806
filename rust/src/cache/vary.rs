//! Secondary cache keys from `Vary` (RFC 9111 4.1).
//!
//! A stored response remembers, for each field its `Vary` names, the normalized value the request
//! that produced it carried (or that it was absent). A later request matches when each of its
//! normalized values is equal. Normalization: field lines combined, list members split at commas
//! and trimmed of whitespace (whitespace where the list syntax allows it carries no meaning).
//! For the negotiation fields whose members are case-insensitive and whose order carries no
//! meaning (`Accept-Encoding`, `Accept-Language`: preference is the `q` weight, RFC 9110 12.5.3
//! and 12.5.4), members are also lower-cased and sorted, so `en, de` and `DE,en` share a variant.
//! `Vary: *` never matches, so such responses are not stored at all.
//!
//! Encoding: one line per field, `name=value\n` when present, `name\n` when absent (names are
//! tokens, so they contain neither `=` nor a newline).

use crate::http::Headers;

/// True when any `Vary` member is `*`.
pub fn is_vary_star(headers: &Headers) -> bool {
    headers
        .get_all("vary")
        .flat_map(|v| v.split(','))
        .any(|m| m.trim_matches([' ', '\t']) == "*")
}

/// Lower-cased, deduplicated field names listed in `Vary`.
pub fn vary_names(headers: &Headers) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for member in headers.get_all("vary").flat_map(|v| v.split(',')) {
        let name = member.trim_matches([' ', '\t']).to_ascii_lowercase();
        if !name.is_empty() && name != "*" && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Fields whose members are compared without case and without order.
const UNORDERED: [&str; 2] = ["accept-encoding", "accept-language"];

/// The normalized value of `name` (lower case) in `headers`, or `None` when absent.
pub fn normalized(headers: &Headers, name: &str) -> Option<String> {
    let mut out: Option<String> = None;
    for line in headers.get_all(name) {
        let s = out.get_or_insert_with(String::new);
        for member in line.split(',') {
            let member = member.trim_matches([' ', '\t']);
            if member.is_empty() {
                continue;
            }
            if !s.is_empty() {
                s.push(',');
            }
            s.push_str(member);
        }
    }
    if UNORDERED.contains(&name) {
        if let Some(s) = out.as_mut() {
            let lowered = s.to_ascii_lowercase();
            let mut members: Vec<String> = lowered
                .split(',')
                .map(|m| {
                    m.split(';')
                        .map(|p| p.trim_matches([' ', '\t']))
                        .collect::<Vec<_>>()
                        .join(";")
                })
                .collect();
            members.sort_unstable();
            *s = members.join(",");
        }
    }
    out
}

/// The secondary key of a request for a response that varies on `names`.
pub fn secondary_key(names: &[String], request_headers: &Headers) -> Option<Box<str>> {
    if names.is_empty() {
        return None;
    }
    let mut key = String::new();
    for name in names {
        key.push_str(name);
        if let Some(value) = normalized(request_headers, name) {
            key.push('=');
            key.push_str(&value);
        }
        key.push('\n');
    }
    Some(key.into_boxed_str())
}

/// Does `request_headers` match the stored secondary key?
pub fn matches(key: &str, request_headers: &Headers) -> bool {
    key.split_terminator('\n').all(|line| match line.split_once('=') {
        Some((name, value)) => normalized(request_headers, name).as_deref() == Some(value),
        None => !request_headers.contains(line),
    })
}
