//! An HTTP request as the core sees it.

use super::{Body, Headers};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Upper-case method token, e.g. `GET`.
    pub method: String,
    /// An absolute URL, serialized by the WHATWG URL parser.
    pub url: String,
    pub headers: Headers,
    pub body: Body,
}

impl Request {
    pub fn get(url: impl Into<String>) -> Self {
        Request {
            method: "GET".into(),
            url: url.into(),
            headers: Headers::new(),
            body: Body::none(),
        }
    }
}

/// An RFC 9110 method token.
pub fn is_valid_method(method: &str) -> bool {
    super::headers::is_valid_name(method)
}

/// Upper-cases the methods the Fetch standard normalizes; others keep their case.
pub fn normalize_method(method: &str) -> String {
    let upper = method.to_ascii_uppercase();
    match upper.as_str() {
        "DELETE" | "GET" | "HEAD" | "OPTIONS" | "POST" | "PUT" | "PATCH" => upper,
        _ => method.to_owned(),
    }
}
