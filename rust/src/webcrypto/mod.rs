//! The key material and operations behind `crypto.subtle` (W3C Web Cryptography API) for the
//! signature and MAC algorithms edgert supports: HMAC, RSASSA-PKCS1-v1_5, RSA-PSS, ECDSA
//! (P-256, P-384, P-521) and Ed25519, plus SHA digests. Pure: no rquickjs or pyo3 here; the
//! isolate's glue (`isolate/subtle_native.rs`) turns these into JavaScript values. Crypto is
//! aws-lc-rs (shared with `jwt`); key encodings reuse `jwt`'s base64url and SPKI identifiers.
//! The symmetric algorithms (AES-CTR, AES-CBC, AES-GCM, AES-KW, HKDF, PBKDF2) are `secret`,
//! `aes` and `kdf`.
//! RSA (`rsa_*.rs`): RSA-OAEP (`rsa_oaep::encrypt` / `decrypt`, also for `wrapKey`), RSA key
//! generation, and RustCrypto's `rsa` where aws-lc-rs cannot (see `docs/webcrypto.md`, "RSA").

mod aes;
mod error;
mod export;
mod hash;
mod import;
mod kdf;
mod key;
mod ops;
mod secret;
mod rsa_key;
mod rsa_keygen;
pub mod rsa_oaep;
mod rsa_sign;

#[cfg(test)]
mod rsa_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_symmetric;

pub use aes::{decrypt, encrypt, CipherParams};
pub use error::{CryptoError, ErrorName};
pub use export::{export_jwk, export_pkcs8, export_raw, export_spki};
pub use hash::Hash;
pub use import::{generate_ec, generate_ed25519, import_jwk, import_pkcs8, import_raw, import_spki, Params};
pub use kdf::{derive_bits, KdfParams};
pub use key::{parse_curve, KeyInfo, Kind, Material};
pub use ops::{digest, sign, timing_safe_equal, verify, SigParams};
pub use secret::{SecretKey, SecretKind};
pub use rsa_keygen::{check_params as check_rsa_params, generate as generate_rsa};
