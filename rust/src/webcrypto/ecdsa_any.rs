//! ECDSA with a hash aws-lc-rs does not pair with the curve (P-256 with SHA-384, P-521 with
//! SHA-1...): WebCrypto makes the hash a parameter of `sign`/`verify`, not of the key. The
//! message is hashed here and RustCrypto's `p256` / `p384` / `p521` sign or verify the prehash.
//! P-256 and P-384 signatures are deterministic (RFC 6979); P-521 draws its nonce from the
//! operating system (as aws-lc-rs signing does): any ECDSA verifier accepts either.
//!
//! A digest shorter than the curve's field is the same integer left-padded with zeros (FIPS
//! 186-5 6.4.1 uses the whole digest when it is shorter than the order), so it is padded to the
//! field length before it reaches `ecdsa`, which refuses digests under half the field (SHA-1 on
//! P-384 and P-521). A longer digest is truncated to its leftmost field bytes by `ecdsa`, which
//! for these curves (field bits a multiple of 8, or a digest shorter than P-521's) is the
//! standard's leftmost-bits rule.

use super::error::CryptoError;
use super::hash::Hash;
use super::ops::digest;
use crate::jwt::Curve;
use ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};

/// `$body` with `$c` naming the RustCrypto crate of `$curve` (`p256`, `p384` or `p521`): the
/// three crates have the same API, one type per curve.
macro_rules! with_curve_crate {
    ($curve:expr, $c:ident => $body:expr) => {
        match $curve {
            Curve::P256 => {
                use p256 as $c;
                $body
            }
            Curve::P384 => {
                use p384 as $c;
                $body
            }
            Curve::P521 => {
                use p521 as $c;
                $body
            }
        }
    };
}

fn prehash(curve: Curve, hash: Hash, data: &[u8]) -> Vec<u8> {
    let d = digest(hash, data);
    let len = curve.coordinate_len();
    if d.len() >= len {
        return d;
    }
    let mut padded = vec![0u8; len - d.len()];
    padded.extend_from_slice(&d);
    padded
}

/// The fixed-length `r || s` signature of `data` under the private scalar `d` (big-endian).
pub fn sign(curve: Curve, d: &[u8], hash: Hash, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let z = prehash(curve, hash, data);
    let failed = |_| CryptoError::operation("signing failed");
    let bad_key = |_| CryptoError::operation("EC private key rejected");
    with_curve_crate!(curve, c => {
        let key = c::ecdsa::SigningKey::from_slice(d).map_err(bad_key)?;
        let s: c::ecdsa::Signature = key.sign_prehash(&z).map_err(failed)?;
        Ok(s.to_bytes().to_vec())
    })
}

/// Whether `signature` (`r || s`) signs `data` for the uncompressed point `point`; a signature
/// of the wrong length or with `r` or `s` out of range does not.
pub fn verify(curve: Curve, point: &[u8], hash: Hash, signature: &[u8], data: &[u8]) -> bool {
    if signature.len() != 2 * curve.coordinate_len() {
        return false;
    }
    let z = prehash(curve, hash, data);
    with_curve_crate!(curve, c => {
        let (Ok(key), Ok(sig)) = (
            c::ecdsa::VerifyingKey::from_sec1_bytes(point),
            c::ecdsa::Signature::from_slice(signature),
        ) else {
            return false;
        };
        key.verify_prehash(&z, &sig).is_ok()
    })
}
