//! The client's address as the edge hands it to a worker, from the connection's peer.
//!
//! As on Cloudflare (developers.cloudflare.com, "Cloudflare HTTP headers" and the Workers
//! "Headers" page): `CF-Connecting-IP` is the address of the client connected to the edge, and
//! the worker's request also carries it as `X-Real-IP`; the address is appended to any
//! `X-Forwarded-For` the client sent (or becomes it). A client-sent `CF-Connecting-IP` or
//! `X-Real-IP` is never trusted: it is replaced. The edge's own internal field
//! `x-edgert-pass-through` (a worker's request forwarded to the origin) is removed too, so that
//! no client can send it.

use std::net::IpAddr;

use crate::http::Headers;

/// Fields only the edge may set on a request that reaches a worker.
pub const EDGE_ONLY: [&str; 3] = ["cf-connecting-ip", "x-real-ip", "x-edgert-pass-through"];

/// Replaces the client-address fields of `headers` with `peer`'s (the text of
/// [`peer_text`]). Without a peer (it cannot be read) the fields are only removed.
pub fn stamp(headers: &mut Headers, peer: Option<&str>) {
    for name in EDGE_ONLY {
        if headers.contains(name) {
            headers.remove(name);
        }
    }
    let Some(ip) = peer else { return };
    // Values made of an address and commas are always valid field values.
    match headers.get_combined("x-forwarded-for") {
        Some(prior) if !prior.trim().is_empty() => {
            let forwarded = format!("{prior}, {ip}");
            let _ = headers.set("x-forwarded-for", &forwarded);
        }
        _ => {
            let _ = headers.set("x-forwarded-for", ip);
        }
    }
    let _ = headers.append("cf-connecting-ip", ip);
    let _ = headers.append("x-real-ip", ip);
}

/// A connection's peer address as the text `stamp` writes (an IPv4-mapped IPv6 address as
/// IPv4): made once per connection, not per request.
pub fn peer_text(peer: Option<IpAddr>) -> Option<std::rc::Rc<str>> {
    peer.map(|ip| ip.to_canonical().to_string().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_sent_addresses_are_replaced() {
        let mut h = Headers::try_from_pairs([
            ("cf-connecting-ip", "6.6.6.6"),
            ("X-Real-IP", "6.6.6.6"),
            ("x-forwarded-for", "10.0.0.1"),
            ("x-edgert-pass-through", "1"),
        ])
        .unwrap();
        let mapped = peer_text(Some("::ffff:127.0.0.1".parse().unwrap()));
        stamp(&mut h, mapped.as_deref());
        assert_eq!(h.get("cf-connecting-ip"), Some("127.0.0.1"));
        assert_eq!(h.get("x-real-ip"), Some("127.0.0.1"));
        assert_eq!(h.get("x-forwarded-for"), Some("10.0.0.1, 127.0.0.1"));
        assert!(!h.contains("x-edgert-pass-through"));
        let mut bare = Headers::new();
        stamp(&mut bare, peer_text(Some("2001:db8::1".parse().unwrap())).as_deref());
        assert_eq!(bare.get("x-forwarded-for"), Some("2001:db8::1"));
        assert_eq!(bare.get_all("cf-connecting-ip").count(), 1);
    }
}
