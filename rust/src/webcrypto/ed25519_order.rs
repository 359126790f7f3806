//! The Web Cryptography API's Ed25519 verification pre-checks: "if the key data of key
//! represents an invalid point or a small-order element on the Elliptic Curve of Ed25519, return
//! false", and the same for the point R, the first half of the signature. RFC 8032 verification
//! (aws-lc-rs) does not reject these, so a signature with a small-order key or R could verify
//! several messages. `curve25519-dalek` decodes the point (a non-canonical encoding of a
//! small-order point is still that point) and tests `[8]P == identity`.

use curve25519_dalek::edwards::CompressedEdwardsY;

/// Whether the 32-byte encoding is not a point, or is a point of small order.
pub fn invalid_or_small_order(encoding: &[u8]) -> bool {
    let Ok(compressed) = CompressedEdwardsY::from_slice(encoding) else {
        return true;
    };
    compressed.decompress().map_or(true, |p| p.is_small_order())
}

/// The spec's rejection of a signature before RFC 8032 verification: `public` is the key's
/// 32 bytes, `signature` the 64-byte signature.
pub fn rejects(public: &[u8], signature: &[u8]) -> bool {
    signature.len() != 64 || invalid_or_small_order(public) || invalid_or_small_order(&signature[..32])
}
