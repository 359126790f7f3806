//! ECDH keys on P-256, P-384 and P-521 (W3C Web Cryptography API, "ECDH"): import from raw,
//! spki, pkcs8 and jwk, generation, and the shared secret. aws-lc-rs `agreement` does the
//! arithmetic; points are normalized to their uncompressed form by `ec_point` first, so a key
//! imported compressed exports uncompressed, as the specification requires.

use super::ec_point;
use super::error::{CryptoError, ErrorName};
use super::import::{check_named_curve, jwk_bytes, jwk_member};
use super::key::{parse_curve, Material};
use crate::jwt::{Curve, EC_PUBLIC_KEY};
use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey};
use aws_lc_rs::encoding::{AsBigEndian, AsDer, EcPrivateKeyBin, Pkcs8V1Der};
use der::asn1::ObjectIdentifier;
use serde_json::{Map, Value};
use spki::SubjectPublicKeyInfoRef;

/// `id-ecDH` (RFC 5480), which the specification accepts beside `id-ecPublicKey` in an spki.
pub const ID_ECDH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.1.12");

pub fn algorithm(curve: Curve) -> &'static agreement::Algorithm {
    match curve {
        Curve::P256 => &agreement::ECDH_P256,
        Curve::P384 => &agreement::ECDH_P384,
        Curve::P521 => &agreement::ECDH_P521,
    }
}

/// A public key from a SEC1 point, compressed or not.
pub fn public(curve: Curve, point: &[u8]) -> Result<Material, CryptoError> {
    Ok(Material::EcdhPublic {
        curve,
        point: ec_point::uncompressed(curve, point)?,
    })
}

fn private(curve: Curve, key: PrivateKey) -> Result<Material, CryptoError> {
    let point = key
        .compute_public_key()
        .map_err(|_| CryptoError::data("EC private key rejected"))?
        .as_ref()
        .to_vec();
    Ok(Material::EcdhPrivate { curve, key, point })
}

/// `importKey("spki")`: `id-ecPublicKey` or `id-ecDH` with the requested named curve.
pub fn import_spki(curve: Curve, info: &SubjectPublicKeyInfoRef<'_>) -> Result<Material, CryptoError> {
    let oid = info.algorithm.oid;
    if oid != EC_PUBLIC_KEY && oid != ID_ECDH {
        return Err(CryptoError::data(format!("the key's algorithm {oid} is not an EC key")));
    }
    check_named_curve(info, curve)?;
    let bits = info
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| CryptoError::data("public key bit string has unused bits"))?;
    public(curve, bits)
}

/// `importKey("pkcs8")`: a `PrivateKeyInfo` holding an `ECPrivateKey` (RFC 5915) of `curve`,
/// with or without its optional public key.
pub fn import_pkcs8(curve: Curve, der: &[u8]) -> Result<Material, CryptoError> {
    let key = PrivateKey::from_private_key_der(algorithm(curve), der)
        .map_err(|e| CryptoError::data(format!("EC private key rejected: {e}")))?;
    private(curve, key)
}

/// `importKey("jwk")` of a `kty: "EC"` key (the JavaScript side has checked `use`, `key_ops`
/// and `ext`).
pub fn import_jwk(curve: Curve, jwk: &Map<String, Value>) -> Result<Material, CryptoError> {
    if parse_curve(jwk_member(jwk, "crv")?).ok() != Some(curve) {
        return Err(CryptoError::data("JWK crv is not the namedCurve requested"));
    }
    let point = ec_point::from_coordinates(curve, &jwk_bytes(jwk, "x")?, &jwk_bytes(jwk, "y")?)?;
    if !jwk.contains_key("d") {
        return Ok(Material::EcdhPublic { curve, point });
    }
    let d = jwk_bytes(jwk, "d")?;
    if d.len() != curve.coordinate_len() {
        return Err(CryptoError::data(format!(
            "JWK d must have {} bytes",
            curve.coordinate_len()
        )));
    }
    let key = PrivateKey::from_private_key(algorithm(curve), &d)
        .map_err(|e| CryptoError::data(format!("JWK EC private key rejected: {e}")))?;
    let m = private(curve, key)?;
    match &m {
        Material::EcdhPrivate { point: derived, .. } if *derived == point => Ok(m),
        _ => Err(CryptoError::data("JWK x and y are not the public key of d")),
    }
}

/// A key pair from the host's randomness: candidates of the curve's length are tried in turn
/// until one is a valid scalar (P-521's top byte masked to its 9 used bits).
pub fn generate(curve: Curve, seed: &[u8]) -> Result<(Material, Material), CryptoError> {
    for candidate in seed.chunks_exact(curve.coordinate_len()) {
        let mut scalar = candidate.to_vec();
        if curve == Curve::P521 {
            scalar[0] &= 1;
        }
        if let Ok(key) = PrivateKey::from_private_key(algorithm(curve), &scalar) {
            let m = private(curve, key)?;
            let Material::EcdhPrivate { point, .. } = &m else {
                unreachable!("private() builds an EcdhPrivate")
            };
            let public = Material::EcdhPublic {
                curve,
                point: point.clone(),
            };
            return Ok((public, m));
        }
    }
    Err(CryptoError::operation("not enough randomness to generate a key"))
}

/// The raw shared secret: the x-coordinate of the product, as long as the curve's field.
pub fn agree(curve: Curve, key: &PrivateKey, peer: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let failed = CryptoError::operation("ECDH key agreement failed");
    agreement::agree(key, UnparsedPublicKey::new(algorithm(curve), peer), failed, |s| {
        Ok(s.to_vec())
    })
}

pub fn export_pkcs8(key: &PrivateKey) -> Result<Vec<u8>, CryptoError> {
    let der: Pkcs8V1Der = key
        .as_der()
        .map_err(|_| CryptoError::operation("pkcs8 encoding failed"))?;
    Ok(der.as_ref().to_vec())
}

pub fn private_scalar(key: &PrivateKey) -> Result<Vec<u8>, CryptoError> {
    let d: EcPrivateKeyBin = key
        .as_be_bytes()
        .map_err(|_| CryptoError::new(ErrorName::Operation, "EC private key encoding failed"))?;
    Ok(d.as_ref().to_vec())
}
