//! The SHA digests WebCrypto names (`SHA-1`, `SHA-256`, `SHA-384`, `SHA-512`).

use super::error::CryptoError;
use aws_lc_rs::{digest, hmac};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The hash named `name` (already normalized to its canonical case by the caller).
    pub fn parse(name: &str) -> Result<Hash, CryptoError> {
        match name {
            "SHA-1" => Ok(Hash::Sha1),
            "SHA-256" => Ok(Hash::Sha256),
            "SHA-384" => Ok(Hash::Sha384),
            "SHA-512" => Ok(Hash::Sha512),
            other => Err(CryptoError::not_supported(format!("unsupported hash {other:?}"))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    /// Output bytes.
    pub fn output_len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    /// Block bytes (the default HMAC key length, RFC 2104).
    pub fn block_len(self) -> usize {
        match self {
            Hash::Sha1 | Hash::Sha256 => 64,
            Hash::Sha384 | Hash::Sha512 => 128,
        }
    }

    pub fn digest_algorithm(self) -> &'static digest::Algorithm {
        match self {
            Hash::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha256 => &digest::SHA256,
            Hash::Sha384 => &digest::SHA384,
            Hash::Sha512 => &digest::SHA512,
        }
    }

    pub fn hmac_algorithm(self) -> hmac::Algorithm {
        match self {
            Hash::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha256 => hmac::HMAC_SHA256,
            Hash::Sha384 => hmac::HMAC_SHA384,
            Hash::Sha512 => hmac::HMAC_SHA512,
        }
    }

    /// The JWK `alg` suffix digits ("256" for SHA-256, "1" for SHA-1).
    pub fn jwk_suffix(self) -> &'static str {
        match self {
            Hash::Sha1 => "1",
            Hash::Sha256 => "256",
            Hash::Sha384 => "384",
            Hash::Sha512 => "512",
        }
    }
}
