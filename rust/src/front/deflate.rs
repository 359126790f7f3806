//! The server's side of `permessage-deflate` negotiation (RFC 7692 section 7.1): which of a
//! client's offers in `Sec-WebSocket-Extensions` the native front accepts, and the answer it
//! sends. The compression itself is the WebSocket library's (yawc), configured from the answer.
//!
//! Policy. The first acceptable offer wins (RFC 7692 5: offers are in the client's order of
//! preference). An offer with an unknown or repeated parameter, or a bad value, is declined
//! (7.1). The answer always has `server_no_context_takeover` (7.1.1.1 lets a server add it
//! unasked): the front compresses each message on its own, so an open socket holds no
//! compression window between messages, which matters with thousands of idle sockets. The
//! client's window is left to it: `client_no_context_takeover` and `client_max_window_bits=N`
//! are confirmed when offered (a valueless `client_max_window_bits` is not answered, so the
//! client keeps its 15 bits, 7.1.2.2), and the front inflates with at least that window. An
//! offer of `server_max_window_bits=8` is declined: zlib cannot deflate with a 256-byte window
//! (it would use 512 bytes, more than the client allowed).

/// The extension's token.
pub const PERMESSAGE_DEFLATE: &str = "permessage-deflate";

/// The parameters of one acceptable offer.
#[derive(Debug, Default, PartialEq, Eq)]
struct Offer {
    client_no_context_takeover: bool,
    server_max_window_bits: Option<u8>,
    /// `Some(None)`: offered without a value.
    client_max_window_bits: Option<Option<u8>>,
}

/// The `Sec-WebSocket-Extensions` answer for a request's offers, or `None` when the client
/// offered no `permessage-deflate` the front accepts (then the socket is not compressed).
pub fn negotiate<'a>(fields: impl IntoIterator<Item = &'a str>) -> Option<String> {
    fields
        .into_iter()
        .flat_map(|field| field.split(','))
        .find_map(parse_offer)
        .map(|offer| answer(&offer))
}

fn answer(offer: &Offer) -> String {
    let mut out = format!("{PERMESSAGE_DEFLATE}; server_no_context_takeover");
    if offer.client_no_context_takeover {
        out.push_str("; client_no_context_takeover");
    }
    if let Some(bits) = offer.server_max_window_bits {
        out.push_str(&format!("; server_max_window_bits={bits}"));
    }
    if let Some(Some(bits)) = offer.client_max_window_bits {
        out.push_str(&format!("; client_max_window_bits={bits}"));
    }
    out
}

/// A window size parameter's value: 8 to 15, bare or quoted (RFC 7692 7.1.2.1, 7.1.2.2).
fn window_bits(value: &str) -> Option<u8> {
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    if value.is_empty() || value.len() > 2 || !value.bytes().all(|b| b.is_ascii_digit()) || value.starts_with('0') {
        return None;
    }
    value.parse().ok().filter(|bits| (8..=15).contains(bits))
}

fn parse_offer(offer: &str) -> Option<Offer> {
    let mut params = offer.split(';');
    if !params.next()?.trim().eq_ignore_ascii_case(PERMESSAGE_DEFLATE) {
        return None;
    }
    let mut out = Offer::default();
    let mut seen = [false; 4];
    for param in params {
        let (name, value) = match param.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (param.trim(), None),
        };
        let index = match name.to_ascii_lowercase().as_str() {
            "server_no_context_takeover" if value.is_none() => 0,
            "client_no_context_takeover" if value.is_none() => {
                out.client_no_context_takeover = true;
                1
            }
            "server_max_window_bits" => {
                // zlib has no 8-bit raw deflate window: decline rather than exceed it.
                let bits = window_bits(value?).filter(|bits| *bits > 8)?;
                out.server_max_window_bits = Some(bits);
                2
            }
            "client_max_window_bits" => {
                out.client_max_window_bits = Some(match value {
                    Some(v) => Some(window_bits(v)?),
                    None => None,
                });
                3
            }
            _ => return None,
        };
        if std::mem::replace(&mut seen[index], true) {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(field: &str) -> Option<String> {
        negotiate([field])
    }

    #[test]
    fn a_browser_offer_is_answered_without_a_client_window() {
        assert_eq!(
            one("permessage-deflate; client_max_window_bits").as_deref(),
            Some("permessage-deflate; server_no_context_takeover")
        );
    }

    #[test]
    fn window_sizes_and_context_takeover_are_confirmed() {
        assert_eq!(
            one("permessage-deflate; server_max_window_bits=12; client_max_window_bits=\"10\"; client_no_context_takeover")
                .as_deref(),
            Some(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
                 server_max_window_bits=12; client_max_window_bits=10"
            )
        );
    }

    #[test]
    fn bad_offers_are_declined_and_the_next_one_taken() {
        for bad in [
            "permessage-deflate; server_max_window_bits",
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; server_max_window_bits=8",
            "permessage-deflate; client_max_window_bits=7",
            "permessage-deflate; client_max_window_bits=010",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "permessage-deflate; server_no_context_takeover=1",
            "permessage-deflate; x-unknown",
            "x-webkit-deflate-frame",
        ] {
            assert_eq!(one(bad), None, "{bad}");
        }
        assert_eq!(
            negotiate(["x-webkit-deflate-frame", "permessage-deflate; x, permessage-deflate"]).as_deref(),
            Some("permessage-deflate; server_no_context_takeover")
        );
        assert_eq!(negotiate([]), None);
    }
}
