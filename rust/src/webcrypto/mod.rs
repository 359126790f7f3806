//! The key material and operations behind `crypto.subtle` (W3C Web Cryptography API, with the
//! Secure Curves draft's X25519). Pure: no rquickjs or pyo3 here; the isolate's glue
//! (`isolate/subtle_native.rs` and its `symmetric`, `rsa` and `agreement`
//! parts) turns these into JavaScript values. Crypto is aws-lc-rs (shared with `jwt`), with
//! RustCrypto where aws-lc-rs cannot (`docs/architecture.md`); key encodings reuse `jwt`'s
//! base64url and SPKI identifiers. By family:
//! - signatures and MACs (`ops`, `import`, `export`, `key`): HMAC, RSASSA-PKCS1-v1_5, RSA-PSS,
//!   ECDSA (P-256, P-384, P-521, any hash: `ecdsa_any`, compressed points: `ec_point`), Ed25519
//!   (with the small-order checks: `ed25519_order`), SHA digests;
//! - secret keys (`secret`): AES-CTR, AES-CBC, AES-GCM, AES-KW (`aes`), HKDF and PBKDF2 (`kdf`);
//! - RSA (`rsa_*`): RSA-OAEP (`rsa_oaep`), key generation, and RustCrypto's `rsa` where
//!   aws-lc-rs cannot (see `docs/webcrypto.md`, "RSA");
//! - key agreement (`agree`): ECDH (`ecdh`) and X25519 (`x25519`).
//!
//! Each operation has one entry point per family, dispatched by algorithm in JavaScript
//! (`lazy/subtle_generic.js`'s table of operations): `encrypt`/`decrypt` (AES),
//! `rsa_oaep::encrypt`/`decrypt`, `kdf_bits` (HKDF, PBKDF2) and `agreement_bits` (ECDH, X25519).

mod aes;
mod agree;
mod ec_point;
mod ecdh;
mod ecdsa_any;
mod ed25519_order;
mod error;
mod export;
mod hash;
mod import;
mod kdf;
mod key;
mod ops;
mod rsa_key;
mod rsa_keygen;
pub mod rsa_oaep;
mod rsa_sign;
mod secret;
mod x25519;

#[cfg(test)]
mod rsa_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_ec;
#[cfg(test)]
mod tests_symmetric;

pub use aes::{decrypt, encrypt, CipherParams};
pub use agree::agreement_bits;
pub use ecdh::generate as generate_ecdh;
pub use error::{CryptoError, ErrorName};
pub use export::{export_jwk, export_pkcs8, export_raw, export_spki};
pub use hash::Hash;
pub use import::{generate_ec, generate_ed25519, import_jwk, import_pkcs8, import_raw, import_spki, Params};
pub use kdf::{derive_bits as kdf_bits, pbkdf2_floor_ns, KdfParams};
pub use key::{parse_curve, KeyInfo, Kind, Material};
pub use ops::{digest, sign, timing_safe_equal, verify, SigParams};
pub use rsa_keygen::{check_params as check_rsa_params, generate as generate_rsa, Budget as KeygenBudget};
pub use secret::{SecretKey, SecretKind};
pub use x25519::generate as generate_x25519;
