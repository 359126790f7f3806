//! A CryptoKey's secret or public/private material, prepared for its algorithm when imported.
//! The algorithm a key belongs to is fixed at import (`Kind`); the hash of HMAC and RSA keys too.

use super::error::CryptoError;
use super::hash::Hash;
use crate::jwt::Curve;
use aws_lc_rs::hmac;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, Ed25519KeyPair, ParsedPublicKey};

/// The WebCrypto algorithm a key is for.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Hmac,
    RsaPkcs1,
    RsaPss,
    Ecdsa,
    Ed25519,
    RsaOaep,
    Ecdh,
    X25519,
}

impl Kind {
    /// The kind for a normalized algorithm name (the JS side has matched it case-insensitively).
    pub fn parse(name: &str) -> Result<Kind, CryptoError> {
        match name {
            "HMAC" => Ok(Kind::Hmac),
            "RSASSA-PKCS1-v1_5" => Ok(Kind::RsaPkcs1),
            "RSA-PSS" => Ok(Kind::RsaPss),
            "ECDSA" => Ok(Kind::Ecdsa),
            "Ed25519" => Ok(Kind::Ed25519),
            "RSA-OAEP" => Ok(Kind::RsaOaep),
            "ECDH" => Ok(Kind::Ecdh),
            "X25519" => Ok(Kind::X25519),
            other => Err(CryptoError::not_supported(format!("unsupported algorithm {other:?}"))),
        }
    }
}

/// Key material. Public keys keep a prepared aws-lc-rs key so a verification does not re-parse.
pub enum Material {
    Hmac {
        hash: Hash,
        secret: Vec<u8>,
        key: Box<hmac::Key>,
    },
    RsaPublic {
        /// DER `RSAPublicKey` (PKCS#1).
        der: Vec<u8>,
    },
    /// Any RSA algorithm's private key (`rsa_key.rs`: aws-lc-rs and RustCrypto).
    RsaPrivate {
        key: Box<super::rsa_key::RsaPrivate>,
    },
    EcPublic {
        curve: Curve,
        key: ParsedPublicKey,
    },
    EcPrivate {
        curve: Curve,
        pair: EcdsaKeyPair,
        public: ParsedPublicKey,
    },
    Ed25519Public {
        key: ParsedPublicKey,
    },
    Ed25519Private {
        pair: Ed25519KeyPair,
    },
    /// An AES, HKDF or PBKDF2 secret (`secret.rs`).
    Secret(super::secret::SecretKey),
    /// ECDH: the uncompressed point.
    EcdhPublic {
        curve: Curve,
        point: Vec<u8>,
    },
    /// ECDH: the private key and its uncompressed public point.
    EcdhPrivate {
        curve: Curve,
        key: aws_lc_rs::agreement::PrivateKey,
        point: Vec<u8>,
    },
    X25519Public {
        bytes: [u8; 32],
    },
    X25519Private {
        key: aws_lc_rs::agreement::PrivateKey,
        public: [u8; 32],
    },
}

/// Names the variant only: key bytes never reach logs.
impl std::fmt::Debug for Material {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Material::Hmac { .. } => "Hmac",
            Material::RsaPublic { .. } => "RsaPublic",
            Material::RsaPrivate { .. } => "RsaPrivate",
            Material::EcPublic { .. } => "EcPublic",
            Material::EcPrivate { .. } => "EcPrivate",
            Material::Ed25519Public { .. } => "Ed25519Public",
            Material::Ed25519Private { .. } => "Ed25519Private",
            Material::Secret(_) => "Secret",
            Material::EcdhPublic { .. } => "EcdhPublic",
            Material::EcdhPrivate { .. } => "EcdhPrivate",
            Material::X25519Public { .. } => "X25519Public",
            Material::X25519Private { .. } => "X25519Private",
        };
        f.write_str(name)
    }
}

/// What the JavaScript `CryptoKey` shows about imported material.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyInfo {
    /// "secret", "public" or "private".
    pub key_type: &'static str,
    /// HMAC key length in bits, or the RSA modulus length in bits.
    pub bits: usize,
    /// The RSA public exponent, big-endian.
    pub public_exponent: Vec<u8>,
}

pub fn curve_name(curve: Curve) -> &'static str {
    curve.jwk_name()
}

pub fn parse_curve(name: &str) -> Result<Curve, CryptoError> {
    match name {
        "P-256" => Ok(Curve::P256),
        "P-384" => Ok(Curve::P384),
        "P-521" => Ok(Curve::P521),
        other => Err(CryptoError::not_supported(format!("unsupported named curve {other:?}"))),
    }
}

/// The fixed-length (r || s) verification algorithm of a curve with its own hash.
pub fn ec_verification(curve: Curve) -> &'static sig::EcdsaVerificationAlgorithm {
    match curve {
        Curve::P256 => &sig::ECDSA_P256_SHA256_FIXED,
        Curve::P384 => &sig::ECDSA_P384_SHA384_FIXED,
        Curve::P521 => &sig::ECDSA_P521_SHA512_FIXED,
    }
}

pub fn ec_signing(curve: Curve) -> &'static sig::EcdsaSigningAlgorithm {
    match curve {
        Curve::P256 => &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
        Curve::P384 => &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
        Curve::P521 => &sig::ECDSA_P521_SHA512_FIXED_SIGNING,
    }
}

/// The hash aws-lc-rs pairs with a curve; ECDSA with another hash is not supported.
pub fn ec_hash(curve: Curve) -> Hash {
    match curve {
        Curve::P256 => Hash::Sha256,
        Curve::P384 => Hash::Sha384,
        Curve::P521 => Hash::Sha512,
    }
}

impl Material {
    /// A lower bound of one private-key operation with this key, in nanoseconds: an RSA private
    /// key's (`RsaPrivate::private_op_floor_ns`); 0 for the others, whose operations are short.
    pub fn private_op_floor_ns(&self) -> u64 {
        match self {
            Material::RsaPrivate { key } => key.private_op_floor_ns(),
            _ => 0,
        }
    }

    pub fn hmac(hash: Hash, secret: Vec<u8>) -> Material {
        let key = Box::new(hmac::Key::new(hash.hmac_algorithm(), &secret));
        Material::Hmac { hash, secret, key }
    }

    pub fn info(&self) -> KeyInfo {
        match self {
            Material::Hmac { secret, .. } => KeyInfo {
                key_type: "secret",
                bits: secret.len() * 8,
                public_exponent: Vec::new(),
            },
            Material::RsaPublic { der } => {
                let (n, e) = super::export::rsa_public_components(der).unwrap_or_default();
                KeyInfo {
                    key_type: "public",
                    bits: crate::jwt::bit_length(&n),
                    public_exponent: e,
                }
            }
            Material::RsaPrivate { key } => KeyInfo {
                key_type: "private",
                bits: key.bits(),
                public_exponent: key.public_exponent(),
            },
            Material::EcPublic { .. }
            | Material::Ed25519Public { .. }
            | Material::EcdhPublic { .. }
            | Material::X25519Public { .. } => KeyInfo {
                key_type: "public",
                ..KeyInfo::default()
            },
            Material::EcPrivate { .. }
            | Material::Ed25519Private { .. }
            | Material::EcdhPrivate { .. }
            | Material::X25519Private { .. } => KeyInfo {
                key_type: "private",
                ..KeyInfo::default()
            },
            Material::Secret(k) => KeyInfo {
                key_type: "secret",
                bits: k.bits(),
                public_exponent: Vec::new(),
            },
        }
    }
}
