//! HKDF (RFC 5869) and PBKDF2 (RFC 8018): the "deriveBits" operation of WebCrypto's key
//! derivation algorithms, over aws-lc-rs (`hkdf`, `pbkdf2`, SHA-1 included).

use super::error::CryptoError;
use super::hash::Hash;
use super::secret::{SecretKey, SecretKind};
use aws_lc_rs::{hkdf, pbkdf2};
use std::num::NonZeroU32;

/// Workers refuses PBKDF2 above 100,000 iterations (NotSupportedError): native code is not
/// interrupted by the isolate's CPU limit, so the cost of one call is bounded here.
pub const MAX_PBKDF2_ITERATIONS: u32 = 100_000;
/// PBKDF2 output bounded for the same reason: at most this many bytes per call.
pub const MAX_PBKDF2_BYTES: usize = 4096;

/// The parameters of `deriveBits` (`HkdfParams`, `Pbkdf2Params`).
#[derive(Clone, Debug)]
pub enum KdfParams {
    Hkdf { hash: Hash, salt: Vec<u8>, info: Vec<u8> },
    Pbkdf2 { hash: Hash, salt: Vec<u8>, iterations: u32 },
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn hkdf_alg(hash: Hash) -> hkdf::Algorithm {
    match hash {
        Hash::Sha1 => hkdf::HKDF_SHA1_FOR_LEGACY_USE_ONLY,
        Hash::Sha256 => hkdf::HKDF_SHA256,
        Hash::Sha384 => hkdf::HKDF_SHA384,
        Hash::Sha512 => hkdf::HKDF_SHA512,
    }
}

fn pbkdf2_alg(hash: Hash) -> pbkdf2::Algorithm {
    match hash {
        Hash::Sha1 => pbkdf2::PBKDF2_HMAC_SHA1,
        Hash::Sha256 => pbkdf2::PBKDF2_HMAC_SHA256,
        Hash::Sha384 => pbkdf2::PBKDF2_HMAC_SHA384,
        Hash::Sha512 => pbkdf2::PBKDF2_HMAC_SHA512,
    }
}

/// `deriveBits(params, key, bits)`: `bits` must be a multiple of 8; 0 gives no bytes.
/// A lower bound of a PBKDF2 derivation's CPU time, for the caller to ask its CPU budget with
/// before it runs (0 for HKDF, and for parameters `derive_bits` refuses): each iteration of
/// each output block is an HMAC of two compressions. 40 ns an iteration-block with SHA-1 and
/// SHA-256, 120 ns with SHA-384 and SHA-512, about a fourth of what the development machine
/// measured (`benches/bench_native_floors.py --pbkdf2`: ~155 ns, and 550-675 ns). At Workers'
/// limits (100,000 iterations, 4,096 bytes) one call takes 2-3.6 s.
pub fn pbkdf2_floor_ns(params: &KdfParams, bits: usize) -> u64 {
    let KdfParams::Pbkdf2 { hash, iterations, .. } = params else {
        return 0;
    };
    let len = bits.div_ceil(8);
    if *iterations > MAX_PBKDF2_ITERATIONS || len > MAX_PBKDF2_BYTES {
        return 0;
    }
    let blocks = len.div_ceil(hash.output_len()) as u64;
    let per_block_ns = match hash {
        Hash::Sha1 | Hash::Sha256 => 40,
        Hash::Sha384 | Hash::Sha512 => 120,
    };
    u64::from(*iterations) * blocks * per_block_ns
}

pub fn derive_bits(key: &SecretKey, params: &KdfParams, bits: usize) -> Result<Vec<u8>, CryptoError> {
    if bits % 8 != 0 {
        return Err(CryptoError::operation(format!("length {bits} is not a multiple of 8")));
    }
    let len = bits / 8;
    match (key.kind, params) {
        (SecretKind::Hkdf, KdfParams::Hkdf { hash, salt, info }) => {
            if len > 255 * hash.output_len() {
                return Err(CryptoError::operation(format!(
                    "HKDF with {} derives at most {} bits",
                    hash.name(),
                    255 * hash.output_len() * 8
                )));
            }
            let mut out = vec![0u8; len];
            if len > 0 {
                let info = [info.as_slice()];
                hkdf::Salt::new(hkdf_alg(*hash), salt)
                    .extract(&key.bytes)
                    .expand(&info, Len(len))
                    .and_then(|okm| okm.fill(&mut out))
                    .map_err(|_| CryptoError::operation("HKDF failed"))?;
            }
            Ok(out)
        }
        (SecretKind::Pbkdf2, KdfParams::Pbkdf2 { hash, salt, iterations }) => {
            let iterations = NonZeroU32::new(*iterations)
                .ok_or_else(|| CryptoError::operation("PBKDF2 iterations must not be 0"))?;
            if iterations.get() > MAX_PBKDF2_ITERATIONS {
                return Err(CryptoError::not_supported(format!(
                    "PBKDF2 with more than {MAX_PBKDF2_ITERATIONS} iterations is not supported (requested {iterations})"
                )));
            }
            if len > MAX_PBKDF2_BYTES {
                return Err(CryptoError::not_supported(format!(
                    "PBKDF2 derives at most {} bits per call",
                    MAX_PBKDF2_BYTES * 8
                )));
            }
            let mut out = vec![0u8; len];
            if len > 0 {
                pbkdf2::derive(pbkdf2_alg(*hash), iterations, salt, &key.bytes, &mut out);
            }
            Ok(out)
        }
        _ => Err(CryptoError::new(
            super::ErrorName::InvalidAccess,
            format!("a {:?} key cannot derive with {params:?}", key.kind),
        )),
    }
}
