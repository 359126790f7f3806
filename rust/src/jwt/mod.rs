//! JWS / JWT verification (RFC 7515, 7518, 7519, 8037), sans-I/O: the caller passes `now`, and a
//! JWKS refresh is requested from the host rather than fetched. No pyo3 here.

mod alg;
mod b64;
mod cache;
mod claims;
mod compact;
mod error;
mod json;
mod jwk;
mod key;
mod keyset;
mod spki;
mod verifier;

#[cfg(test)]
mod tests;

pub use alg::{Algorithm, AlgorithmSet, Curve, KeyType};
pub use b64::{decode as b64url_decode, encode as b64url_encode};
pub use cache::TokenCache;
pub use claims::{Claims, ClaimsPolicy};
pub use compact::{Kid, MAX_KID_BYTES};
pub use error::{JwtError, KeyError};
pub use jwk::{from_jwk, kty_name};
pub use key::{bit_length, Key, MAX_RSA_BITS, MIN_RSA_BITS};
pub use keyset::{KeySet, Source};
pub use spki::{EC_PUBLIC_KEY, ED25519 as ED25519_OID, P256, P384, P521, RSA_ENCRYPTION};
pub use verifier::{
    Lookup, VerifiedJws, Verifier, VerifierConfig, DEFAULT_CACHE_CAPACITY, DEFAULT_JWKS_REFRESH_INTERVAL_S,
    DEFAULT_MAX_TOKEN_BYTES,
};
