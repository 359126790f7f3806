//! Secret keys of the symmetric WebCrypto algorithms: AES-CTR, AES-CBC, AES-GCM, AES-KW (a 128-,
//! 192- or 256-bit AES key) and the key derivation functions HKDF and PBKDF2 (a secret of any
//! length). The algorithm a key belongs to is fixed when it is imported or generated.

use super::error::CryptoError;
use crate::jwt::{b64url_decode, b64url_encode};
use serde_json::{Map, Value};

/// The symmetric algorithm a secret key is for.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SecretKind {
    AesCtr,
    AesCbc,
    AesGcm,
    AesKw,
    Hkdf,
    Pbkdf2,
}

impl SecretKind {
    /// The kind for a normalized algorithm name (the JS side has matched it case-insensitively).
    pub fn parse(name: &str) -> Result<SecretKind, CryptoError> {
        Ok(match name {
            "AES-CTR" => SecretKind::AesCtr,
            "AES-CBC" => SecretKind::AesCbc,
            "AES-GCM" => SecretKind::AesGcm,
            "AES-KW" => SecretKind::AesKw,
            "HKDF" => SecretKind::Hkdf,
            "PBKDF2" => SecretKind::Pbkdf2,
            other => return Err(CryptoError::not_supported(format!("unsupported algorithm {other:?}"))),
        })
    }

    pub fn is_aes(self) -> bool {
        !matches!(self, SecretKind::Hkdf | SecretKind::Pbkdf2)
    }

    /// The JWK `alg` of an AES key of `bits` bits (RFC 7518: A128CTR, A192CBC, A256GCM, A128KW...).
    pub fn jwk_alg(self, bits: usize) -> Option<String> {
        let mode = match self {
            SecretKind::AesCtr => "CTR",
            SecretKind::AesCbc => "CBC",
            SecretKind::AesGcm => "GCM",
            SecretKind::AesKw => "KW",
            SecretKind::Hkdf | SecretKind::Pbkdf2 => return None,
        };
        Some(format!("A{bits}{mode}"))
    }
}

/// A symmetric secret. AES keys are 16, 24 or 32 bytes; KDF secrets any length.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey {
    pub kind: SecretKind,
    pub bytes: Vec<u8>,
}

/// Names the kind only: key bytes never reach logs.
impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({:?}, {} bits)", self.kind, self.bytes.len() * 8)
    }
}

impl SecretKey {
    /// A key from raw bytes: an AES key must be 128, 192 or 256 bits (`DataError` otherwise).
    pub fn new(kind: SecretKind, bytes: Vec<u8>) -> Result<SecretKey, CryptoError> {
        if kind.is_aes() && !matches!(bytes.len(), 16 | 24 | 32) {
            return Err(CryptoError::data(format!(
                "an AES key has 128, 192 or 256 bits, not {}",
                bytes.len() * 8
            )));
        }
        Ok(SecretKey { kind, bytes })
    }

    /// A key from the JWK members (`kty` "oct", `k`): the JavaScript side has checked `alg`,
    /// `use`, `key_ops` and `ext`, which need the usages and the extractable flag.
    pub fn from_jwk(kind: SecretKind, json: &str) -> Result<SecretKey, CryptoError> {
        let jwk: Map<String, Value> =
            serde_json::from_str(json).map_err(|e| CryptoError::data(format!("JWK is not a JSON object: {e}")))?;
        match jwk.get("kty") {
            Some(Value::String(kty)) if kty == "oct" => {}
            _ => return Err(CryptoError::data("JWK \"kty\" must be \"oct\"")),
        }
        let k = match jwk.get("k") {
            Some(Value::String(k)) => k,
            _ => return Err(CryptoError::data("JWK has no \"k\" string")),
        };
        let bytes = b64url_decode(k.as_bytes()).ok_or_else(|| CryptoError::data("JWK \"k\" is not base64url"))?;
        let key = SecretKey::new(kind, bytes)?;
        if let (Some(Value::String(alg)), Some(expected)) = (jwk.get("alg"), key.jwk_alg()) {
            if *alg != expected {
                return Err(CryptoError::data(format!(
                    "JWK \"alg\" {alg} does not match {expected}"
                )));
            }
        }
        Ok(key)
    }

    pub fn bits(&self) -> usize {
        self.bytes.len() * 8
    }

    pub fn jwk_alg(&self) -> Option<String> {
        self.kind.jwk_alg(self.bits())
    }

    /// The key members of the JWK (the caller adds `key_ops` and `ext`).
    pub fn jwk(&self) -> Result<Value, CryptoError> {
        let alg = self
            .jwk_alg()
            .ok_or_else(|| CryptoError::not_supported(format!("{:?} keys cannot be exported", self.kind)))?;
        Ok(serde_json::json!({"kty": "oct", "k": b64url_encode(&self.bytes), "alg": alg}))
    }
}
