//! X25519 keys (Secure Curves in the Web Cryptography API, "X25519"): import from raw, spki,
//! pkcs8 and jwk, generation and the shared secret (RFC 7748). aws-lc-rs `agreement::X25519`
//! does the arithmetic; the `PrivateKeyInfo` / `SubjectPublicKeyInfo` wrappers (RFC 8410) are
//! read and written with RustCrypto's `pkcs8` and `spki`, since aws-lc-rs has no X25519 DER.

use super::error::CryptoError;
use super::import::{jwk_bytes, jwk_member};
use super::key::Material;
use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey};
use aws_lc_rs::encoding::{AsBigEndian, Curve25519SeedBin};
use der::asn1::{BitStringRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, Encode};
use serde_json::{Map, Value};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

/// `id-X25519` (RFC 8410).
pub const X25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
/// Key and shared-secret length.
pub const LEN: usize = 32;

const ALGORITHM: AlgorithmIdentifierRef<'static> = AlgorithmIdentifierRef {
    oid: X25519_OID,
    parameters: None,
};

fn check_algorithm(alg: &AlgorithmIdentifierRef<'_>) -> Result<(), CryptoError> {
    if alg.oid != X25519_OID {
        return Err(CryptoError::data(format!(
            "the key's algorithm {} is not X25519",
            alg.oid
        )));
    }
    if alg.parameters.is_some() {
        return Err(CryptoError::data("an X25519 key has no algorithm parameters"));
    }
    Ok(())
}

/// A public key: any 32 bytes are a u-coordinate (RFC 7748 5).
pub fn public(bytes: &[u8]) -> Result<Material, CryptoError> {
    let bytes: [u8; LEN] = bytes
        .try_into()
        .map_err(|_| CryptoError::data("an X25519 public key has 32 bytes"))?;
    Ok(Material::X25519Public { bytes })
}

/// A private key from its 32 bytes (clamped by the scalar multiplication, not here, so it
/// exports as imported).
pub fn private(scalar: &[u8]) -> Result<Material, CryptoError> {
    if scalar.len() != LEN {
        return Err(CryptoError::data("an X25519 private key has 32 bytes"));
    }
    let key = PrivateKey::from_private_key(&agreement::X25519, scalar)
        .map_err(|e| CryptoError::data(format!("X25519 private key rejected: {e}")))?;
    let mut public = [0u8; LEN];
    public.copy_from_slice(
        key.compute_public_key()
            .map_err(|_| CryptoError::data("X25519 private key rejected"))?
            .as_ref(),
    );
    Ok(Material::X25519Private { key, public })
}

pub fn import_spki(info: &SubjectPublicKeyInfoRef<'_>) -> Result<Material, CryptoError> {
    check_algorithm(&info.algorithm)?;
    let bits = info
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| CryptoError::data("public key bit string has unused bits"))?;
    public(bits)
}

/// `importKey("pkcs8")`: a `PrivateKeyInfo` whose key is a `CurvePrivateKey` octet string.
pub fn import_pkcs8(der: &[u8]) -> Result<Material, CryptoError> {
    let info = pkcs8::PrivateKeyInfo::from_der(der)
        .map_err(|e| CryptoError::data(format!("not a DER PrivateKeyInfo: {e}")))?;
    check_algorithm(&info.algorithm)?;
    let inner = OctetStringRef::from_der(info.private_key)
        .map_err(|_| CryptoError::data("the X25519 private key is not an octet string"))?;
    let m = private(inner.as_bytes())?;
    if let (Some(given), Material::X25519Private { public, .. }) = (info.public_key, &m) {
        if given != public {
            return Err(CryptoError::data("the PrivateKeyInfo's public key is not the key's"));
        }
    }
    Ok(m)
}

/// `importKey("jwk")` of a `kty: "OKP"` key.
pub fn import_jwk(jwk: &Map<String, Value>) -> Result<Material, CryptoError> {
    if jwk_member(jwk, "crv")? != "X25519" {
        return Err(CryptoError::data("JWK crv is not X25519"));
    }
    let x = jwk_bytes(jwk, "x")?;
    if !jwk.contains_key("d") {
        return public(&x);
    }
    let m = private(&jwk_bytes(jwk, "d")?)?;
    match &m {
        Material::X25519Private { public, .. } if public.as_slice() == x.as_slice() => Ok(m),
        _ => Err(CryptoError::data("JWK x is not the public key of d")),
    }
}

/// A key pair from 32 bytes of the host's randomness.
pub fn generate(seed: &[u8]) -> Result<(Material, Material), CryptoError> {
    let seed = seed
        .get(..LEN)
        .ok_or_else(|| CryptoError::operation("not enough randomness to generate a key"))?;
    let m = private(seed).map_err(|_| CryptoError::operation("key generation failed"))?;
    let Material::X25519Private { public, .. } = &m else {
        unreachable!("private() builds an X25519Private")
    };
    Ok((Material::X25519Public { bytes: *public }, m))
}

/// The shared secret; an all-zero result (the peer's point is of small order) is an
/// `OperationError`, as the specification requires (RFC 7748 6.1).
pub fn agree(key: &PrivateKey, peer: &[u8; LEN]) -> Result<Vec<u8>, CryptoError> {
    let failed = || CryptoError::operation("X25519 key agreement failed (small-order public key?)");
    let secret = agreement::agree(key, UnparsedPublicKey::new(&agreement::X25519, peer), failed(), |s| {
        Ok(s.to_vec())
    })?;
    // AWS-LC already refuses an all-zero output; checked again so the rule does not rest on it.
    if secret.iter().all(|&b| b == 0) {
        return Err(failed());
    }
    Ok(secret)
}

pub fn private_bytes(key: &PrivateKey) -> Result<Vec<u8>, CryptoError> {
    let d: Curve25519SeedBin = key
        .as_be_bytes()
        .map_err(|_| CryptoError::operation("X25519 private key encoding failed"))?;
    Ok(d.as_ref().to_vec())
}

pub fn export_spki(public: &[u8; LEN]) -> Result<Vec<u8>, CryptoError> {
    let bits = BitStringRef::from_bytes(public).map_err(|_| CryptoError::operation("spki encoding failed"))?;
    SubjectPublicKeyInfoRef {
        algorithm: ALGORITHM,
        subject_public_key: bits,
    }
    .to_der()
    .map_err(|_| CryptoError::operation("spki encoding failed"))
}

pub fn export_pkcs8(key: &PrivateKey) -> Result<Vec<u8>, CryptoError> {
    let scalar = private_bytes(key)?;
    let inner = OctetStringRef::new(&scalar)
        .and_then(|o| o.to_der())
        .map_err(|_| CryptoError::operation("pkcs8 encoding failed"))?;
    pkcs8::PrivateKeyInfo::new(ALGORITHM, &inner)
        .to_der()
        .map_err(|_| CryptoError::operation("pkcs8 encoding failed"))
}
