//! Declarative route auth: a JWT verifier in front of a worker.
//!
//! A request without a valid bearer token (RFC 6750) is answered with 401 and
//! `WWW-Authenticate` before any JavaScript runs; a valid one reaches the worker with its claims
//! (as `request.jwt`) and with chosen claims forwarded as headers (`sub` -> `X-User-Id`). Headers
//! of those names sent by the client are removed first, so a client cannot forge them.

use crate::http::{Request, Response};
use crate::jwt::Verifier;
use serde_json::Value;
use std::sync::Arc;

pub struct RouteAuth {
    pub verifier: Arc<Verifier>,
    /// (claim, header) pairs to forward.
    pub forward: Vec<(String, String)>,
}

pub enum AuthDecision {
    Allowed { request: Request, claims_json: String },
    Denied(Response),
}

fn bearer(request: &Request) -> Option<&str> {
    let value = request.headers.get("authorization")?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn deny(challenge: String, text: &str) -> Response {
    let mut r = Response::text(401, text);
    r.headers
        .append("www-authenticate", &challenge)
        .expect("the challenge is a valid header value");
    r
}

fn claim_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl RouteAuth {
    /// Checks the request's bearer token at host time `now_ns`.
    pub fn check(&self, request: &Request, now_ns: u64) -> AuthDecision {
        let Some(token) = bearer(request) else {
            return AuthDecision::Denied(deny("Bearer realm=\"edgert\"".into(), "missing bearer token"));
        };
        let now_s = (now_ns / 1_000_000_000) as i64;
        match self.verifier.verify(token, now_s) {
            Err(e) => {
                // Quotes and backslashes cannot appear inside the quoted description.
                let why: String = e
                    .to_string()
                    .chars()
                    .filter(|c| *c != '"' && *c != '\\' && !c.is_control())
                    .collect();
                AuthDecision::Denied(deny(
                    format!("Bearer realm=\"edgert\", error=\"invalid_token\", error_description=\"{why}\""),
                    "invalid token",
                ))
            }
            Ok(claims) => {
                let mut forwarded = request.clone();
                for (claim, header) in &self.forward {
                    forwarded.headers.remove(header);
                    if let Some(value) = claims.map.get(claim) {
                        let text = claim_text(value);
                        // A claim that is not a valid header value is not forwarded.
                        let _ = forwarded.headers.append(header, &text);
                    }
                }
                let claims_json = serde_json::to_string(&claims.map).unwrap_or_else(|_| "{}".into());
                AuthDecision::Allowed {
                    request: forwarded,
                    claims_json,
                }
            }
        }
    }
}
