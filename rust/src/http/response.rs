//! An HTTP response as the core sees it.

use super::{Body, Headers};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub status_text: String,
    pub headers: Headers,
    pub body: Body,
}

impl Response {
    pub fn new(status: u16, headers: Headers, body: Body) -> Self {
        Response {
            status,
            status_text: String::new(),
            headers,
            body,
        }
    }

    /// A plain-text response, e.g. an error page produced by the runtime itself.
    pub fn text(status: u16, text: &str) -> Self {
        let mut headers = Headers::new();
        headers
            .append("content-type", "text/plain;charset=UTF-8")
            .expect("static header is valid");
        Response::new(status, headers, Body::from(text))
    }
}
