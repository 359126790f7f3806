//! The key material and operations behind `crypto.subtle` (W3C Web Cryptography API) for the
//! signature and MAC algorithms edgert supports: HMAC, RSASSA-PKCS1-v1_5, RSA-PSS, ECDSA
//! (P-256, P-384, P-521) and Ed25519, plus SHA digests. Pure: no rquickjs or pyo3 here; the
//! isolate's glue (`isolate/subtle_native.rs`) turns these into JavaScript values. Crypto is
//! aws-lc-rs (shared with `jwt`); key encodings reuse `jwt`'s base64url and SPKI identifiers.

mod error;
mod export;
mod hash;
mod import;
mod key;
// Key agreement and EC keys: ECDH, X25519, compressed points, ECDSA with any hash, the Ed25519
// small-order checks.
mod agree;
mod ec_point;
mod ecdh;
mod ecdsa_any;
mod ed25519_order;
mod ops;
mod x25519;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_ec;

pub use error::{CryptoError, ErrorName};
pub use export::{export_jwk, export_pkcs8, export_raw, export_spki};
pub use hash::Hash;
pub use import::{generate_ec, generate_ed25519, import_jwk, import_pkcs8, import_raw, import_spki, Params};
pub use key::{parse_curve, KeyInfo, Kind, Material};
pub use ops::{digest, sign, timing_safe_equal, verify, SigParams};
pub use {agree::agreement_bits, ecdh::generate as generate_ecdh, x25519::generate as generate_x25519};
