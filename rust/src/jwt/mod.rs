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
pub use cache::TokenCache;
pub use claims::{Claims, ClaimsPolicy};
pub use compact::{Kid, MAX_KID_BYTES};
pub use error::{JwtError, KeyError};
pub use jwk::{from_jwk, kty_name};
pub use key::{Key, MAX_RSA_BITS, MIN_RSA_BITS};
pub use keyset::{KeySet, Source};
pub use verifier::{
    Lookup, VerifiedJws, Verifier, VerifierConfig, DEFAULT_CACHE_CAPACITY, DEFAULT_JWKS_REFRESH_INTERVAL_S,
    DEFAULT_MAX_TOKEN_BYTES,
};
