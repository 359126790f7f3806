//! The keys a verifier trusts, and how a token's `kid` and `alg` select among them.
//!
//! Inputs are told apart by their shape, never by the token: a JSON object is a JWK or a JWKS,
//! `-----BEGIN` starts a PEM public key, bytes that parse as a DER `SubjectPublicKeyInfo` are a
//! public key, and anything else is an HMAC secret. So a public key can never become an HMAC
//! secret, which is what algorithm confusion attacks need.

use super::alg::Algorithm;
use super::compact::Kid;
use super::error::KeyError;
use super::json;
use super::jwk;
use super::key::Key;
use super::spki;
use serde_json::Value;

/// Where a key set came from (only a JWKS can be refreshed).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Jwks,
    Jwk,
    Pem,
    Der,
    Secret,
}

/// The trusted keys.
#[derive(Debug)]
pub struct KeySet {
    keys: Vec<Key>,
    source: Source,
    /// How many JWKS entries were skipped as unusable (unknown kty, `use: enc`, small RSA, ...).
    skipped: usize,
}

impl KeySet {
    /// A set holding one key.
    pub fn single(key: Key, source: Source) -> KeySet {
        KeySet {
            keys: vec![key],
            source,
            skipped: 0,
        }
    }

    /// From JSON text: a JWKS (`{"keys": [...]}`) or one JWK (`{"kty": ...}`).
    ///
    /// In a JWKS, entries that cannot verify signatures are skipped (RFC 7517 section 5: ignore
    /// keys whose type or parameters are not understood); at least one must remain. A lone JWK
    /// that cannot be used is an error.
    pub fn from_json(text: &[u8]) -> Result<KeySet, KeyError> {
        let object = json::parse_object(text).ok_or_else(|| KeyError::new("key JSON is not one JSON object"))?;
        match object.get("keys") {
            Some(Value::Array(entries)) => {
                let mut keys = Vec::with_capacity(entries.len());
                let mut skipped = 0;
                for entry in entries {
                    match entry.as_object().map(jwk::from_jwk) {
                        Some(Ok(key)) => keys.push(key),
                        _ => skipped += 1,
                    }
                }
                if keys.is_empty() {
                    return Err(KeyError::new("the JWKS holds no key usable for verification"));
                }
                Ok(KeySet {
                    keys,
                    source: Source::Jwks,
                    skipped,
                })
            }
            Some(_) => Err(KeyError::new("JWKS keys is not an array")),
            None => Ok(KeySet::single(jwk::from_jwk(&object)?, Source::Jwk)),
        }
    }

    /// From bytes of any supported shape (see the module documentation).
    pub fn from_bytes(bytes: &[u8]) -> Result<KeySet, KeyError> {
        let trimmed = bytes.trim_ascii();
        if trimmed.starts_with(b"{") && json::parse_object(trimmed).is_some() {
            KeySet::from_json(trimmed)
        } else if spki::looks_like_pem(bytes) {
            Ok(KeySet::single(spki::from_pem(bytes)?, Source::Pem))
        } else if spki::looks_like_spki(bytes) {
            Ok(KeySet::single(spki::from_spki_der(bytes)?, Source::Der))
        } else {
            Ok(KeySet::single(Key::hmac(bytes)?, Source::Secret))
        }
    }

    /// An HMAC secret, refusing bytes that are a public key in disguise (PEM, DER, JSON).
    pub fn from_secret(secret: &[u8]) -> Result<KeySet, KeyError> {
        let trimmed = secret.trim_ascii();
        if spki::looks_like_pem(secret)
            || spki::looks_like_spki(secret)
            || (trimmed.starts_with(b"{") && json::parse_object(trimmed).is_some())
        {
            return Err(KeyError::new(
                "this looks like a public key or a JWK, not an HMAC secret",
            ));
        }
        Ok(KeySet::single(Key::hmac(secret)?, Source::Secret))
    }

    pub fn source(&self) -> Source {
        self.source
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn skipped(&self) -> usize {
        self.skipped
    }

    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The keys that may check a token with this `kid` and `alg`: the key type must be the
    /// algorithm's, a key's JWK `alg` must match, and a key with a `kid` is chosen only by a token
    /// naming exactly that `kid`. Keys without a `kid` serve any well-formed `kid`. A `kid` of the
    /// wrong type or shape selects nothing.
    pub fn select<'a>(&'a self, kid: &'a Kid, alg: Algorithm) -> impl Iterator<Item = &'a Key> {
        self.keys.iter().filter(move |key| {
            key.permits(alg)
                && match (kid, key.kid()) {
                    (Kid::Unusable, _) => false,
                    (_, None) => true,
                    (Kid::Named(want), Some(have)) => want == have,
                    (Kid::Absent, Some(_)) => true,
                }
        })
    }
}
