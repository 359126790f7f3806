//! Key agreement (`deriveBits` of ECDH and X25519) and the export of key-agreement keys: the
//! `Material`-level entry points that `export.rs` and the isolate glue call for these kinds.

use super::ec_point;
use super::error::{CryptoError, ErrorName};
use super::key::{curve_name, Material};
use super::{ecdh, x25519};
use crate::jwt::b64url_encode;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::ParsedPublicKey;
use serde_json::{json, Value};

fn invalid_access(message: &str) -> CryptoError {
    CryptoError::new(ErrorName::InvalidAccess, message)
}

/// The first `length` bits of `secret` (all of it for `None`), the unused bits of the last byte
/// zeroed; an `OperationError` when `length` exceeds the secret.
pub fn truncate(mut secret: Vec<u8>, length: Option<usize>) -> Result<Vec<u8>, CryptoError> {
    let Some(bits) = length else {
        return Ok(secret);
    };
    if bits > secret.len() * 8 {
        return Err(CryptoError::operation(format!(
            "length {bits} exceeds the {} bits the key agreement yields",
            secret.len() * 8
        )));
    }
    secret.truncate(bits.div_ceil(8));
    if bits % 8 != 0 {
        if let Some(last) = secret.last_mut() {
            *last &= 0xffu8 << (8 - bits % 8);
        }
    }
    Ok(secret)
}

/// `deriveBits` of ECDH or X25519: `private` is the base key, `public` the algorithm's `public`
/// member. The JavaScript side has checked types, usages and algorithm names.
pub fn agreement_bits(private: &Material, public: &Material, length: Option<usize>) -> Result<Vec<u8>, CryptoError> {
    let secret = match (private, public) {
        (Material::EcdhPrivate { curve, key, .. }, Material::EcdhPublic { curve: peer, point }) => {
            if curve != peer {
                return Err(invalid_access("the public key is on another curve than the base key"));
            }
            ecdh::agree(*curve, key, point)?
        }
        (Material::X25519Private { key, .. }, Material::X25519Public { bytes }) => x25519::agree(key, bytes)?,
        _ => return Err(invalid_access("the keys cannot be used for this key agreement")),
    };
    truncate(secret, length)
}

/// Whether `m` is a key-agreement key (its exports are answered here).
pub fn owns(m: &Material) -> bool {
    matches!(
        m,
        Material::EcdhPublic { .. }
            | Material::EcdhPrivate { .. }
            | Material::X25519Public { .. }
            | Material::X25519Private { .. }
    )
}

pub fn export_raw(m: &Material) -> Result<Vec<u8>, CryptoError> {
    match m {
        Material::EcdhPublic { point, .. } => Ok(point.clone()),
        Material::X25519Public { bytes } => Ok(bytes.to_vec()),
        _ => Err(invalid_access("only public keys can be exported as raw")),
    }
}

pub fn export_spki(m: &Material) -> Result<Vec<u8>, CryptoError> {
    match m {
        Material::EcdhPublic { curve, point } => {
            // The encoding of an EC public key does not depend on the algorithm it is for.
            let key = ParsedPublicKey::new(super::key::ec_verification(*curve), point)
                .map_err(|_| CryptoError::operation("spki encoding failed"))?;
            let der = key
                .as_der()
                .map_err(|_| CryptoError::operation("spki encoding failed"))?;
            Ok(der.as_ref().to_vec())
        }
        Material::X25519Public { bytes } => x25519::export_spki(bytes),
        _ => Err(invalid_access("only public keys can be exported as spki")),
    }
}

pub fn export_pkcs8(m: &Material) -> Result<Vec<u8>, CryptoError> {
    match m {
        Material::EcdhPrivate { key, .. } => ecdh::export_pkcs8(key),
        Material::X25519Private { key, .. } => x25519::export_pkcs8(key),
        _ => Err(invalid_access("only private keys can be exported as pkcs8")),
    }
}

/// The key members of the JWK (`kty`, `crv` and the material; no `alg` for these kinds).
pub fn export_jwk(m: &Material) -> Result<Value, CryptoError> {
    let b = |bytes: &[u8]| Value::String(b64url_encode(bytes));
    let ec = |curve, point: &[u8]| {
        let (x, y) = ec_point::coordinates(curve, point).ok_or_else(|| CryptoError::operation("bad EC point"))?;
        Ok::<_, CryptoError>(json!({"kty": "EC", "crv": curve_name(curve), "x": b(x), "y": b(y)}))
    };
    Ok(match m {
        Material::EcdhPublic { curve, point } => ec(*curve, point)?,
        Material::EcdhPrivate { curve, key, point } => {
            let mut jwk = ec(*curve, point)?;
            jwk["d"] = b(&ecdh::private_scalar(key)?);
            jwk
        }
        Material::X25519Public { bytes } => json!({"kty": "OKP", "crv": "X25519", "x": b(bytes)}),
        Material::X25519Private { key, public } => {
            json!({"kty": "OKP", "crv": "X25519", "x": b(public), "d": b(&x25519::private_bytes(key)?)})
        }
        _ => return Err(invalid_access("not a key-agreement key")),
    })
}
