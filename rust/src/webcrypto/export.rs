//! `exportKey` formats: raw (HMAC secrets, EC points, Ed25519 public keys), spki (public keys),
//! pkcs8 (EC and Ed25519 private keys) and the key members of a JWK (the caller adds `alg`,
//! `key_ops` and `ext`).

use super::error::CryptoError;
use super::key::{curve_name, Material};
use crate::jwt::b64url_encode;
use aws_lc_rs::encoding::{AsBigEndian, AsDer, EcPrivateKeyBin, PublicKeyX509Der};
use aws_lc_rs::signature::KeyPair;
use der::asn1::UintRef;
use der::{Decode, Reader, SliceReader};
use serde_json::{json, Value};

/// `(n, e)` of a DER `RSAPublicKey`, big-endian without leading zeros.
pub fn rsa_public_components(pkcs1: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut reader = SliceReader::new(pkcs1).ok()?;
    reader
        .sequence(|seq| {
            let n = UintRef::decode(seq)?;
            let e = UintRef::decode(seq)?;
            Ok((n.as_bytes().to_vec(), e.as_bytes().to_vec()))
        })
        .ok()
}

fn ec_point(m: &Material) -> Option<Vec<u8>> {
    match m {
        Material::EcPublic { key, .. } => Some(key.as_ref().to_vec()),
        Material::EcPrivate { pair, .. } => Some(pair.public_key().as_ref().to_vec()),
        _ => None,
    }
}

pub fn export_raw(m: &Material) -> Result<Vec<u8>, CryptoError> {
    if super::agree::owns(m) {
        return super::agree::export_raw(m);
    }
    match m {
        Material::Hmac { secret, .. } => Ok(secret.clone()),
        Material::Secret(k) => Ok(k.bytes.clone()),
        Material::EcPublic { key, .. } | Material::Ed25519Public { key } => Ok(key.as_ref().to_vec()),
        // The RSA algorithms define no raw format.
        Material::RsaPublic { .. } | Material::RsaPrivate { .. } => {
            Err(CryptoError::not_supported("RSA keys cannot be exported as raw"))
        }
        _ => Err(CryptoError::new(
            super::ErrorName::InvalidAccess,
            "only secret and public keys can be exported as raw",
        )),
    }
}

pub fn export_spki(m: &Material) -> Result<Vec<u8>, CryptoError> {
    if super::agree::owns(m) {
        return super::agree::export_spki(m);
    }
    let der: Result<PublicKeyX509Der, _> = match m {
        Material::EcPublic { key, .. } | Material::Ed25519Public { key } => key.as_der(),
        Material::RsaPublic { der } => return super::rsa_key::spki(der),
        _ => {
            return Err(CryptoError::new(
                super::ErrorName::InvalidAccess,
                "only public keys can be exported as spki",
            ))
        }
    };
    der.map(|d| d.as_ref().to_vec())
        .map_err(|_| CryptoError::operation("spki encoding failed"))
}

pub fn export_pkcs8(m: &Material) -> Result<Vec<u8>, CryptoError> {
    if super::agree::owns(m) {
        return super::agree::export_pkcs8(m);
    }
    let doc = match m {
        Material::EcPrivate { pair, .. } => pair.to_pkcs8v1(),
        Material::Ed25519Private { pair } => pair.to_pkcs8v1(),
        Material::RsaPrivate { key } => return key.to_pkcs8(),
        _ => {
            return Err(CryptoError::new(
                super::ErrorName::InvalidAccess,
                "only private keys can be exported as pkcs8",
            ))
        }
    };
    doc.map(|d| d.as_ref().to_vec())
        .map_err(|_| CryptoError::operation("pkcs8 encoding failed"))
}

/// The key members of the JWK (`kty` and the material).
pub fn export_jwk(m: &Material) -> Result<Value, CryptoError> {
    if super::agree::owns(m) {
        return super::agree::export_jwk(m);
    }
    let b = |bytes: &[u8]| Value::String(b64url_encode(bytes));
    Ok(match m {
        Material::Hmac { secret, .. } => json!({"kty": "oct", "k": b(secret)}),
        Material::Secret(k) => k.jwk()?,
        Material::RsaPublic { der } => {
            let (n, e) = rsa_public_components(der).ok_or_else(|| CryptoError::operation("bad RSA key"))?;
            json!({"kty": "RSA", "n": b(&n), "e": b(&e)})
        }
        Material::RsaPrivate { key } => key.jwk()?,
        Material::EcPublic { curve, .. } | Material::EcPrivate { curve, .. } => {
            let point = ec_point(m).unwrap_or_default();
            let len = curve.coordinate_len();
            if point.len() != 1 + 2 * len {
                return Err(CryptoError::operation("bad EC point"));
            }
            let mut jwk =
                json!({"kty": "EC", "crv": curve_name(*curve), "x": b(&point[1..1 + len]), "y": b(&point[1 + len..])});
            if let Material::EcPrivate { pair, .. } = m {
                let d: EcPrivateKeyBin = pair
                    .private_key()
                    .as_be_bytes()
                    .map_err(|_| CryptoError::operation("EC private key encoding failed"))?;
                jwk["d"] = b(d.as_ref());
            }
            jwk
        }
        Material::Ed25519Public { key } => json!({"kty": "OKP", "crv": "Ed25519", "x": b(key.as_ref())}),
        Material::Ed25519Private { pair } => {
            let seed = pair
                .seed()
                .map_err(|_| CryptoError::operation("Ed25519 seed unavailable"))?;
            let d: aws_lc_rs::encoding::Curve25519SeedBin = seed
                .as_be_bytes()
                .map_err(|_| CryptoError::operation("Ed25519 seed unavailable"))?;
            json!({"kty": "OKP", "crv": "Ed25519", "x": b(pair.public_key().as_ref()), "d": b(d.as_ref())})
        }
        _ => return Err(CryptoError::operation("not exportable as JWK here")),
    })
}
