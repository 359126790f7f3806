//! RSASSA-PKCS1-v1_5 and RSA-PSS `sign` / `verify`: aws-lc-rs where it can (keys of 2048 to 8192
//! bits; SHA-2; PSS with a salt as long as the hash, fixed by its `RsaParameters`), RustCrypto's
//! `rsa` otherwise (keys under 2048 bits, SHA-1 signing and RSA-PSS with SHA-1, any other
//! `saltLength`). The JWT-style common case (RS256/PS256 with 2048+ bit keys) stays on aws-lc-rs.

use super::error::CryptoError;
use super::hash::Hash;
use super::ops::SigParams;
use super::rsa_key::{self, RsaPrivate, AWS_LC_BITS};
use aws_lc_rs::signature::{self as sig, RsaEncoding, RsaParameters};
use rsa::rand_core::OsRng;
use rsa::traits::{PublicKeyParts, SignatureScheme};
use rsa::{Pkcs1v15Sign, Pss};

/// The aws-lc-rs verification parameters, when aws-lc-rs verifies these parameters.
fn aws_lc_verification(params: &SigParams) -> Option<&'static RsaParameters> {
    match params {
        SigParams::RsaPkcs1 { hash } => Some(match hash {
            Hash::Sha1 => &sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha256 => &sig::RSA_PKCS1_2048_8192_SHA256,
            Hash::Sha384 => &sig::RSA_PKCS1_2048_8192_SHA384,
            Hash::Sha512 => &sig::RSA_PKCS1_2048_8192_SHA512,
        }),
        SigParams::RsaPss { hash, salt_length } if *salt_length == hash.output_len() => match hash {
            Hash::Sha1 => None,
            Hash::Sha256 => Some(&sig::RSA_PSS_2048_8192_SHA256),
            Hash::Sha384 => Some(&sig::RSA_PSS_2048_8192_SHA384),
            Hash::Sha512 => Some(&sig::RSA_PSS_2048_8192_SHA512),
        },
        _ => None,
    }
}

/// The aws-lc-rs signing encoding, when aws-lc-rs signs with these parameters.
fn aws_lc_signing(params: &SigParams) -> Option<&'static dyn RsaEncoding> {
    match params {
        SigParams::RsaPkcs1 { hash } => match hash {
            Hash::Sha1 => None,
            Hash::Sha256 => Some(&sig::RSA_PKCS1_SHA256),
            Hash::Sha384 => Some(&sig::RSA_PKCS1_SHA384),
            Hash::Sha512 => Some(&sig::RSA_PKCS1_SHA512),
        },
        SigParams::RsaPss { hash, salt_length } if *salt_length == hash.output_len() => match hash {
            Hash::Sha1 => None,
            Hash::Sha256 => Some(&sig::RSA_PSS_SHA256),
            Hash::Sha384 => Some(&sig::RSA_PSS_SHA384),
            Hash::Sha512 => Some(&sig::RSA_PSS_SHA512),
        },
        _ => None,
    }
}

fn pkcs1_scheme(hash: Hash) -> Pkcs1v15Sign {
    match hash {
        Hash::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
        Hash::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
        Hash::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
        Hash::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
    }
}

/// RSA-PSS with MGF1 over the same hash and an explicit salt length (blinded private operation).
fn pss_scheme(hash: Hash, salt: usize) -> Pss {
    match hash {
        Hash::Sha1 => Pss::new_blinded_with_salt::<sha1::Sha1>(salt),
        Hash::Sha256 => Pss::new_blinded_with_salt::<sha2::Sha256>(salt),
        Hash::Sha384 => Pss::new_blinded_with_salt::<sha2::Sha384>(salt),
        Hash::Sha512 => Pss::new_blinded_with_salt::<sha2::Sha512>(salt),
    }
}

fn hash_of(params: &SigParams) -> Result<Hash, CryptoError> {
    match params {
        SigParams::RsaPkcs1 { hash } | SigParams::RsaPss { hash, .. } => Ok(*hash),
        _ => Err(CryptoError::new(
            super::ErrorName::InvalidAccess,
            "the key is not for this algorithm",
        )),
    }
}

/// `sign` with an RSA private key.
pub fn sign(key: &RsaPrivate, params: &SigParams, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let failed = |_| CryptoError::operation("signing failed");
    if let (Some(pair), Some(encoding)) = (key.aws_lc(), aws_lc_signing(params)) {
        let mut out = vec![0u8; pair.public_modulus_len()];
        // aws-lc-rs draws PSS salts from AWS-LC's own generator; the `rng` argument is unused.
        pair.sign(encoding, &aws_lc_rs::rand::SystemRandom::new(), data, &mut out)
            .map_err(failed)?;
        return Ok(out);
    }
    let hash = hash_of(params)?;
    let hashed = super::ops::digest(hash, data);
    let rc = key.rustcrypto();
    if let SigParams::RsaPss { salt_length, .. } = params {
        if *salt_length > key.bits() / 8 {
            return Err(CryptoError::operation("saltLength is too long for the key"));
        }
    }
    match params {
        SigParams::RsaPss { salt_length, .. } => rc.sign_with_rng(&mut OsRng, pss_scheme(hash, *salt_length), &hashed),
        _ => rc.sign_with_rng(&mut OsRng, pkcs1_scheme(hash), &hashed),
    }
    .map_err(|e| CryptoError::operation(format!("signing failed: {e}")))
}

/// `verify` with an RSA public key (DER `RSAPublicKey`): false for any signature that does not
/// verify with exactly these parameters.
pub fn verify(pkcs1: &[u8], params: &SigParams, signature: &[u8], data: &[u8]) -> Result<bool, CryptoError> {
    let hash = hash_of(params)?;
    if let Some(alg) = aws_lc_verification(params) {
        if sig::UnparsedPublicKey::new(alg, pkcs1).verify(data, signature).is_ok() {
            return Ok(true);
        }
        // A key aws-lc-rs verifies with did not verify; one outside its range goes on below
        // (only then is the modulus length read: the common case parses the key once).
        let in_range = RsaParameters::public_modulus_len(pkcs1).map(|bits| AWS_LC_BITS.contains(&(bits as usize)));
        if in_range.unwrap_or(false) {
            return Ok(false);
        }
    }
    let public = rsa_key::rustcrypto_public(pkcs1)?;
    if let SigParams::RsaPss { salt_length, .. } = params {
        if *salt_length > public.size() {
            return Ok(false);
        }
    }
    let hashed = super::ops::digest(hash, data);
    let ok = match params {
        SigParams::RsaPss { salt_length, .. } => pss_scheme(hash, *salt_length)
            .verify(&public, &hashed, signature)
            .is_ok(),
        _ => pkcs1_scheme(hash).verify(&public, &hashed, signature).is_ok(),
    };
    Ok(ok)
}
