//! `sign`, `verify`, `digest` and the Workers extension `timingSafeEqual`.

use super::error::{CryptoError, ErrorName};
use super::hash::Hash;
use super::key::{ec_hash, Material};
use aws_lc_rs::{constant_time, digest as lc_digest, hmac, rand};

/// The signature parameters given to `sign` / `verify`.
#[derive(Clone, Debug)]
pub enum SigParams {
    Hmac,
    RsaPkcs1 { hash: Hash },
    RsaPss { hash: Hash, salt_length: usize },
    Ecdsa { hash: Hash },
    Ed25519,
}

fn check_ec_hash(curve: crate::jwt::Curve, hash: Hash) -> Result<(), CryptoError> {
    if ec_hash(curve) == hash {
        Ok(())
    } else {
        Err(CryptoError::not_supported(format!(
            "ECDSA on {} is supported with {} only",
            curve.jwk_name(),
            ec_hash(curve).name()
        )))
    }
}

/// `crypto.subtle.sign`.
pub fn sign(m: &Material, params: &SigParams, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let failed = |_| CryptoError::operation("signing failed");
    match (m, params) {
        (Material::Hmac { key, .. }, SigParams::Hmac) => Ok(hmac::sign(key, data).as_ref().to_vec()),
        (Material::RsaPrivate { key }, SigParams::RsaPkcs1 { .. } | SigParams::RsaPss { .. }) => {
            super::rsa_sign::sign(key, params, data)
        }
        (Material::EcPrivate { curve, pair, .. }, SigParams::Ecdsa { hash })
            if check_ec_hash(*curve, *hash).is_err() =>
        {
            let d: aws_lc_rs::encoding::EcPrivateKeyBin =
                aws_lc_rs::encoding::AsBigEndian::as_be_bytes(&pair.private_key())
                    .map_err(|_| CryptoError::operation("EC private key encoding failed"))?;
            super::ecdsa_any::sign(*curve, d.as_ref(), *hash, data)
        }
        (Material::EcPrivate { curve, pair, .. }, SigParams::Ecdsa { hash }) => {
            check_ec_hash(*curve, *hash)?;
            let s = pair.sign(&rand::SystemRandom::new(), data).map_err(failed)?;
            Ok(s.as_ref().to_vec())
        }
        (Material::Ed25519Private { pair }, SigParams::Ed25519) => Ok(pair.sign(data).as_ref().to_vec()),
        _ => Err(CryptoError::new(
            ErrorName::InvalidAccess,
            "the key cannot sign with this algorithm",
        )),
    }
}

/// `crypto.subtle.verify`: `Ok(false)` for a signature that does not verify (including one of
/// the wrong length), an error only for misuse.
pub fn verify(m: &Material, params: &SigParams, signature: &[u8], data: &[u8]) -> Result<bool, CryptoError> {
    match (m, params) {
        (Material::Hmac { key, hash, .. }, SigParams::Hmac) => {
            Ok(signature.len() == hash.output_len() && hmac::verify(key, data, signature).is_ok())
        }
        (Material::RsaPublic { der }, SigParams::RsaPkcs1 { .. } | SigParams::RsaPss { .. }) => {
            super::rsa_sign::verify(der, params, signature, data)
        }
        (Material::EcPublic { curve, key }, SigParams::Ecdsa { hash }) if check_ec_hash(*curve, *hash).is_err() => {
            Ok(super::ecdsa_any::verify(*curve, key.as_ref(), *hash, signature, data))
        }
        (Material::EcPublic { curve, key }, SigParams::Ecdsa { hash }) => {
            check_ec_hash(*curve, *hash)?;
            Ok(signature.len() == 2 * curve.coordinate_len() && key.verify_sig(data, signature).is_ok())
        }
        (Material::Ed25519Public { key }, SigParams::Ed25519) => {
            // The spec's small-order checks can only turn a valid signature into `false`, so they
            // run after RFC 8032 verification succeeds (a bad signature costs nothing more).
            Ok(signature.len() == 64
                && key.verify_sig(data, signature).is_ok()
                && !super::ed25519_order::rejects(key.as_ref(), signature))
        }
        _ => Err(CryptoError::new(
            ErrorName::InvalidAccess,
            "the key cannot verify with this algorithm",
        )),
    }
}

/// `crypto.subtle.digest`.
pub fn digest(hash: Hash, data: &[u8]) -> Vec<u8> {
    lc_digest::digest(hash.digest_algorithm(), data).as_ref().to_vec()
}

/// `crypto.subtle.timingSafeEqual` (Workers): equal lengths required, compared in constant time.
pub fn timing_safe_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && constant_time::verify_slices_are_equal(a, b).is_ok()
}
