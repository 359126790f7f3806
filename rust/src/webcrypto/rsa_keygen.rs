//! `generateKey` for RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP (W3C Web Cryptography API, "Generate
//! Key" of each: `modulusLength` and `publicExponent`; a failure is an `OperationError`).
//!
//! What is generated: `publicExponent` 3 or 65537 (the two values browsers and workerd accept),
//! `modulusLength` a multiple of 8 from 1024 to 8192 bits. The common sizes with exponent 65537
//! (2048, 3072, 4096, 8192) come from aws-lc-rs (AWS-LC's own generator, ~10x faster than the
//! alternative); other sizes up to 4096 bits, and exponent 3, from RustCrypto's `rsa` driven by
//! the isolate's host-seeded generator. A generation is one native call: the CPU budget is
//! checked when it returns (see `docs/webcrypto.md`, "Key generation and the CPU limit").

use super::error::CryptoError;
use super::key::Material;
use super::rsa_key::RsaPrivate;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::RsaKeyPair;
use rand_chacha::rand_core::SeedableRng;
use rsa::{BigUint, RsaPrivateKey};

/// The smallest and largest `modulusLength` generated.
pub const MIN_BITS: usize = 1024;
pub const MAX_BITS: usize = 8192;
/// The largest size RustCrypto generates (its prime search is much slower than AWS-LC's).
pub const MAX_RUSTCRYPTO_BITS: usize = 4096;

/// The `publicExponent` as a number, if it is one edgert generates with (3 or 65537).
pub fn exponent(bytes: &[u8]) -> Result<u64, CryptoError> {
    let digits: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let value = if digits.len() <= 8 {
        digits.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
    } else {
        0
    };
    match value {
        3 | 65537 => Ok(value),
        _ => Err(CryptoError::operation(
            "publicExponent must be 3 ([3]) or 65537 ([1, 0, 1])",
        )),
    }
}

/// Checks `modulusLength` before any work.
pub fn check_bits(bits: usize, e: u64) -> Result<(), CryptoError> {
    if !(MIN_BITS..=MAX_BITS).contains(&bits) || bits % 8 != 0 {
        return Err(CryptoError::operation(format!(
            "modulusLength must be a multiple of 8 from {MIN_BITS} to {MAX_BITS}"
        )));
    }
    if aws_lc_size(bits, e).is_none() && bits > MAX_RUSTCRYPTO_BITS {
        return Err(CryptoError::operation(format!(
            "modulusLength {bits} is generated only as 8192 with publicExponent 65537 (other sizes up to {MAX_RUSTCRYPTO_BITS})"
        )));
    }
    Ok(())
}

fn aws_lc_size(bits: usize, e: u64) -> Option<KeySize> {
    if e != 65537 {
        return None;
    }
    match bits {
        2048 => Some(KeySize::Rsa2048),
        3072 => Some(KeySize::Rsa3072),
        4096 => Some(KeySize::Rsa4096),
        8192 => Some(KeySize::Rsa8192),
        _ => None,
    }
}

/// rand_core 0.6 (RustCrypto's) over the host-seeded ChaCha20 stream.
struct SeededRng(rand_chacha::ChaCha20Rng);

impl rsa::rand_core::RngCore for SeededRng {
    fn next_u32(&mut self) -> u32 {
        rand::RngCore::next_u32(&mut self.0)
    }

    fn next_u64(&mut self) -> u64 {
        rand::RngCore::next_u64(&mut self.0)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        rand::RngCore::fill_bytes(&mut self.0, dest)
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        rand::RngCore::fill_bytes(&mut self.0, dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for SeededRng {}

/// Whether `modulusLength` and `publicExponent` are ones edgert generates (`OperationError` if not).
pub fn check_params(bits: usize, public_exponent: &[u8]) -> Result<u64, CryptoError> {
    let e = exponent(public_exponent)?;
    check_bits(bits, e)?;
    Ok(e)
}

/// A new key pair `(public, private)`; `seed` (from the host) drives RustCrypto's generation.
pub fn generate(bits: usize, public_exponent: &[u8], seed: [u8; 32]) -> Result<(Material, Material), CryptoError> {
    let e = check_params(bits, public_exponent)?;
    let failed = |_| CryptoError::operation("RSA key generation failed");
    let key = match aws_lc_size(bits, e) {
        Some(size) => RsaPrivate::from_aws_lc(RsaKeyPair::generate(size).map_err(failed)?)?,
        None => {
            let mut rng = SeededRng(rand_chacha::ChaCha20Rng::from_seed(seed));
            let rc = RsaPrivateKey::new_with_exp(&mut rng, bits, &BigUint::from(e))
                .map_err(|e| CryptoError::operation(format!("RSA key generation failed: {e}")))?;
            RsaPrivate::from_rustcrypto(rc)?
        }
    };
    let public = Material::RsaPublic {
        der: key.public_pkcs1(),
    };
    Ok((public, Material::RsaPrivate { key: Box::new(key) }))
}
