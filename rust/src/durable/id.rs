//! Durable Object ids: 32 bytes shown as 64 lowercase hex digits.
//!
//! The first 24 bytes are the object's identity: for `idFromName`, an HMAC-SHA-256 of the name
//! keyed by the namespace (deterministic, so the same name always reaches the same object, across
//! PoPs and restarts); for `newUniqueId`, random bytes from the isolate's seeded generator. The
//! last 8 bytes are a keyed checksum of the first 24, so `idFromString` can reject a string that
//! is not an id of this namespace (as Workers does), without any lookup.

use aws_lc_rs::hmac;

const BODY: usize = 24;

fn key(namespace: &str) -> hmac::Key {
    let mut material = b"edgert durable-object namespace\0".to_vec();
    material.extend_from_slice(namespace.as_bytes());
    hmac::Key::new(hmac::HMAC_SHA256, &material)
}

fn tagged(key: &hmac::Key, label: &[u8], data: &[u8]) -> hmac::Tag {
    let mut ctx = hmac::Context::with_key(key);
    ctx.update(label);
    ctx.update(data);
    ctx.sign()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.as_bytes()
        .chunks_exact(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

/// The id whose identity is `body` (the first 24 bytes are used; shorter input is zero-padded).
pub fn id_from_bytes(namespace: &str, body: &[u8]) -> String {
    let mut full = [0u8; BODY];
    let n = body.len().min(BODY);
    full[..n].copy_from_slice(&body[..n]);
    let k = key(namespace);
    let check = tagged(&k, b"check\0", &full);
    let mut out = full.to_vec();
    out.extend_from_slice(&check.as_ref()[..32 - BODY]);
    hex(&out)
}

/// The id `idFromName(name)` gives in `namespace`.
pub fn id_from_name(namespace: &str, name: &str) -> String {
    let k = key(namespace);
    let body = tagged(&k, b"name\0", name.as_bytes());
    id_from_bytes(namespace, &body.as_ref()[..BODY])
}

/// Whether `id` (64 hex digits, any case) is an id of `namespace`.
pub fn id_is_valid(namespace: &str, id: &str) -> bool {
    if id.len() != 64 {
        return false;
    }
    match unhex(id) {
        Some(bytes) => id_from_bytes(namespace, &bytes[..BODY]) == id.to_ascii_lowercase(),
        None => false,
    }
}
