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
