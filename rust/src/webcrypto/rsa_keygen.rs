//! `generateKey` for RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP (W3C Web Cryptography API, "Generate
//! Key" of each: `modulusLength` and `publicExponent`; a failure is an `OperationError`).
//!
//! What is generated: `publicExponent` 3 or 65537 (the two values browsers and workerd accept),
//! `modulusLength` a multiple of 8 from 1024 to 8192 bits. The common sizes with exponent 65537
//! (2048, 3072, 4096, 8192) come from aws-lc-rs (AWS-LC's own generator, ~10x faster than the
//! alternative); other sizes up to 4096 bits, and exponent 3, from RustCrypto's `rsa` driven by
//! the isolate's host-seeded generator.
//!
//! A generation is one native call that can take seconds (prime search is random), and the
//! caller's CPU budget must still end it (see `docs/webcrypto.md`, "Key generation and the CPU
//! limit"). `generate` asks the caller's `Budget`:
//! - before it starts: a budget that cannot cover `floor_ns` (a lower bound of any generation
//!   of that size) ends the call at once;
//! - which generator to run: AWS-LC's cannot be asked while it runs, so it runs only when the
//!   budget left covers `typical_ns` (about the fastest AWS-LC generation measured); with less
//!   left, AWS-LC would almost never finish either, and RustCrypto's generator runs instead;
//! - on RustCrypto's path, again before every prime candidate.

use super::error::CryptoError;
use super::key::Material;
use super::rsa_key::RsaPrivate;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::RsaKeyPair;
use rand_chacha::rand_core::SeedableRng;
use rsa::{BigUint, RsaPrivateKey};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

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

/// What a generation asks of its caller's CPU budget.
pub trait Budget {
    /// Whether `work_ns` more of CPU time cannot fit (the caller's turn then ends).
    fn cannot_finish(&self, work_ns: u64) -> bool;
    /// CPU time left, in nanoseconds (`u64::MAX` when unlimited).
    fn remaining_ns(&self) -> u64;
}

/// A lower bound of a generation's CPU time: the two primes' primality tests alone, which
/// grow as modular exponentiation does, with the cube of the size. 5 ms at 2048 bits is a
/// fifth of the fastest of 20 AWS-LC generations measured on the development machine, and the
/// fastest at 3072, 4096 and 8192 bits are 4.7x, 9.8x and 10.9x this bound
/// (`benches/bench_native_floors.py`), so that a faster machine or a lucky draw still finishes
/// above it.
pub fn floor_ns(bits: usize) -> u64 {
    const NS_AT_2048: f64 = 5e6;
    (NS_AT_2048 * (bits as f64 / 2048.0).powi(3)) as u64
}

/// About the fastest AWS-LC generation of `bits` measured (4x `floor_ns`: 20 ms at 2048 bits,
/// 160 ms at 4096), below which AWS-LC, which cannot be stopped, is not started.
pub fn typical_ns(bits: usize) -> u64 {
    floor_ns(bits).saturating_mul(4)
}

/// The payload RustCrypto's generation is unwound with when the budget says stop.
struct OverBudget;

/// rand_core 0.6 (RustCrypto's) over the host-seeded ChaCha20 stream. RustCrypto draws every
/// prime candidate from it (`num-bigint-dig`'s `gen_prime`), so each draw first asks the
/// budget; when it says stop, the generation is unwound (`resume_unwind`, which runs no panic
/// hook) back to `generate`, the one place that catches `OverBudget`. RustCrypto's code holds
/// no lock or foreign frame on the way: unwinding it only drops its values.
struct SeededRng<'a> {
    stream: rand_chacha::ChaCha20Rng,
    budget: &'a dyn Budget,
}

impl SeededRng<'_> {
    fn poll(&self) {
        if self.budget.cannot_finish(0) {
            resume_unwind(Box::new(OverBudget));
        }
    }
}

impl rsa::rand_core::RngCore for SeededRng<'_> {
    fn next_u32(&mut self) -> u32 {
        rand::RngCore::next_u32(&mut self.stream)
    }

    fn next_u64(&mut self) -> u64 {
        rand::RngCore::next_u64(&mut self.stream)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.poll();
        rand::RngCore::fill_bytes(&mut self.stream, dest)
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for SeededRng<'_> {}

/// Whether `modulusLength` and `publicExponent` are ones edgert generates (`OperationError` if not).
pub fn check_params(bits: usize, public_exponent: &[u8]) -> Result<u64, CryptoError> {
    let e = exponent(public_exponent)?;
    check_bits(bits, e)?;
    Ok(e)
}

/// A new key pair `(public, private)`; `seed` (from the host) drives RustCrypto's generation.
/// `Ok(None)` when `budget` said stop (see the module's documentation): no key, the caller's
/// turn ends.
pub fn generate(
    bits: usize,
    public_exponent: &[u8],
    seed: [u8; 32],
    budget: &dyn Budget,
) -> Result<Option<(Material, Material)>, CryptoError> {
    let e = check_params(bits, public_exponent)?;
    if budget.cannot_finish(floor_ns(bits)) {
        return Ok(None);
    }
    let failed = |_| CryptoError::operation("RSA key generation failed");
    let aws_lc = aws_lc_size(bits, e).filter(|_| budget.remaining_ns() >= typical_ns(bits));
    let key = match aws_lc {
        Some(size) => RsaPrivate::from_aws_lc(RsaKeyPair::generate(size).map_err(failed)?)?,
        None => {
            let mut rng = SeededRng {
                stream: rand_chacha::ChaCha20Rng::from_seed(seed),
                budget,
            };
            let exponent = BigUint::from(e);
            let generated = catch_unwind(AssertUnwindSafe(|| {
                RsaPrivateKey::new_with_exp(&mut rng, bits, &exponent)
            }));
            let rc = match generated {
                Ok(rc) => rc.map_err(|e| CryptoError::operation(format!("RSA key generation failed: {e}")))?,
                Err(payload) if payload.is::<OverBudget>() => return Ok(None),
                Err(payload) => resume_unwind(payload),
            };
            RsaPrivate::from_rustcrypto(rc)?
        }
    };
    let public = Material::RsaPublic {
        der: key.public_pkcs1(),
    };
    Ok(Some((public, Material::RsaPrivate { key: Box::new(key) })))
}
