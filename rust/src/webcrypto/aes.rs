//! AES-CTR, AES-CBC, AES-GCM encryption and AES-KW key wrapping (W3C Web Cryptography API, the
//! "encrypt", "decrypt", "wrapKey" and "unwrapKey" operations of the AES algorithms).
//!
//! Crypto is aws-lc-rs where its safe API covers the case: CTR and CBC with PKCS#7 padding
//! (`cipher`), GCM with a 96-bit IV (`aead`), AES-KW with 128- and 256-bit keys (`key_wrap`).
//! RustCrypto covers the rest: GCM with other IV lengths and truncated tags (`aes-gcm`: the full
//! 128-bit tag is computed and its leftmost bits kept or compared in constant time, which is how
//! NIST SP 800-38D defines a shorter tag), and AES-KW with 192-bit keys (`aes-kw`).

use super::error::{CryptoError, ErrorName};
use super::secret::{SecretKey, SecretKind};
use aes_gcm::aead::consts::{U12, U128, U16, U24, U32, U48, U64, U8};
use aes_gcm::aead::generic_array::{ArrayLength, GenericArray};
use aes_gcm::aes::{Aes128, Aes192, Aes256};
use aes_gcm::{AeadInPlace, AesGcm, KeyInit};
use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{
    self, DecryptionContext, EncryptingKey, EncryptionContext, PaddedBlockDecryptingKey, PaddedBlockEncryptingKey,
    UnboundCipherKey,
};
use aws_lc_rs::constant_time;
use aws_lc_rs::iv::FixedLength;

/// The parameters of an AES operation (`AesCtrParams`, `AesCbcParams`, `AesGcmParams`).
#[derive(Clone, Debug)]
pub enum CipherParams {
    /// `counter`: the initial counter block; `length`: how many of its rightmost bits count.
    Ctr {
        counter: Vec<u8>,
        length: u32,
    },
    Cbc {
        iv: Vec<u8>,
    },
    /// `tag_bits`: the tag length (128 when the caller gave none).
    Gcm {
        iv: Vec<u8>,
        aad: Vec<u8>,
        tag_bits: u32,
    },
    Kw,
}

/// GCM tag lengths WebCryptoAPI allows, in bits.
const GCM_TAG_BITS: [u32; 7] = [32, 64, 96, 104, 112, 120, 128];
/// GCM IV lengths in bytes other than 96 bits that `aes-gcm` is instantiated for (its IV length
/// is a type parameter): 96 bits is what SP 800-38D recommends, 128 bits what some libraries
/// use, the others cover what tests and protocols choose.
const GCM_IV_LENGTHS: [usize; 8] = [8, 12, 16, 24, 32, 48, 64, 128];
/// SP 800-38D: at most 2^39 - 256 bits of plaintext.
const GCM_MAX_PLAINTEXT: u64 = ((1u64 << 39) - 256) / 8;

fn op_err(message: impl Into<String>) -> CryptoError {
    CryptoError::operation(message)
}

fn mismatch(key: &SecretKey, params: &CipherParams) -> CryptoError {
    CryptoError::new(
        ErrorName::InvalidAccess,
        format!("a {:?} key cannot be used with {params:?}", key.kind),
    )
}

fn cipher_alg(key: &[u8]) -> Result<&'static cipher::Algorithm, CryptoError> {
    Ok(match key.len() {
        16 => &cipher::AES_128,
        24 => &cipher::AES_192,
        32 => &cipher::AES_256,
        n => return Err(op_err(format!("bad AES key length {n}"))),
    })
}

fn iv16(iv: &[u8], what: &str) -> Result<[u8; 16], CryptoError> {
    iv.try_into()
        .map_err(|_| op_err(format!("the {what} must be 16 bytes, not {}", iv.len())))
}

/// `encrypt` (and `wrapKey` with AES-KW).
pub fn encrypt(key: &SecretKey, params: &CipherParams, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match (key.kind, params) {
        (SecretKind::AesCtr, CipherParams::Ctr { counter, length }) => ctr(&key.bytes, counter, *length, data),
        (SecretKind::AesCbc, CipherParams::Cbc { iv }) => {
            let iv = iv16(iv, "AES-CBC iv")?;
            let k = UnboundCipherKey::new(cipher_alg(&key.bytes)?, &key.bytes)
                .and_then(PaddedBlockEncryptingKey::cbc_pkcs7)
                .map_err(|_| op_err("AES-CBC key rejected"))?;
            let mut buf = data.to_vec();
            k.less_safe_encrypt(&mut buf, EncryptionContext::Iv128(FixedLength::from(iv)))
                .map_err(|_| op_err("AES-CBC encryption failed"))?;
            Ok(buf)
        }
        (SecretKind::AesGcm, CipherParams::Gcm { iv, aad, tag_bits }) => {
            let tag_len = gcm_tag_len(*tag_bits)?;
            gcm_limits(iv, data.len())?;
            gcm(&key.bytes, iv, aad, data, false, tag_len)
        }
        (SecretKind::AesKw, CipherParams::Kw) => wrap(&key.bytes, data),
        _ => Err(mismatch(key, params)),
    }
}

/// `decrypt` (and `unwrapKey` with AES-KW).
pub fn decrypt(key: &SecretKey, params: &CipherParams, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match (key.kind, params) {
        (SecretKind::AesCtr, CipherParams::Ctr { counter, length }) => ctr(&key.bytes, counter, *length, data),
        (SecretKind::AesCbc, CipherParams::Cbc { iv }) => {
            let iv = iv16(iv, "AES-CBC iv")?;
            if data.is_empty() || data.len() % 16 != 0 {
                return Err(op_err("AES-CBC ciphertext must be a non-empty multiple of 16 bytes"));
            }
            let k = UnboundCipherKey::new(cipher_alg(&key.bytes)?, &key.bytes)
                .and_then(PaddedBlockDecryptingKey::cbc_pkcs7)
                .map_err(|_| op_err("AES-CBC key rejected"))?;
            let mut buf = data.to_vec();
            let len = k
                .decrypt(&mut buf, DecryptionContext::Iv128(FixedLength::from(iv)))
                .map_err(|_| op_err("AES-CBC decryption failed (bad padding)"))?
                .len();
            buf.truncate(len);
            Ok(buf)
        }
        (SecretKind::AesGcm, CipherParams::Gcm { iv, aad, tag_bits }) => {
            let tag_len = gcm_tag_len(*tag_bits)?;
            if data.len() < tag_len {
                return Err(op_err("AES-GCM ciphertext is shorter than its tag"));
            }
            gcm_limits(iv, data.len() - tag_len)?;
            gcm(&key.bytes, iv, aad, data, true, tag_len)
        }
        (SecretKind::AesKw, CipherParams::Kw) => unwrap(&key.bytes, data),
        _ => Err(mismatch(key, params)),
    }
}

/// CTR mode where only the rightmost `length` bits of the counter block are incremented, modulo
/// 2^length (SP 800-38A appendix B.1). aws-lc-rs increments the whole 128-bit block, so the input
/// is cut where the counter's low bits wrap and the rest runs from the block with them zeroed.
/// Input longer than 2^length blocks would repeat the key stream and is refused (as Chromium does).
fn ctr(key: &[u8], counter: &[u8], length: u32, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let counter = u128::from_be_bytes(iv16(counter, "AES-CTR counter")?);
    if length == 0 || length > 128 {
        return Err(op_err(format!("AES-CTR length must be 1 to 128 bits, not {length}")));
    }
    let blocks = data.len().div_ceil(16) as u128;
    let (first_blocks, wrapped) = if length == 128 {
        (blocks, counter)
    } else {
        let period = 1u128 << length;
        if blocks > period {
            return Err(op_err(
                "AES-CTR input is longer than the counter's period: the key stream would repeat",
            ));
        }
        let mask = period - 1;
        (blocks.min(period - (counter & mask)), counter & !mask)
    };
    let split = usize::try_from(first_blocks * 16).unwrap_or(usize::MAX).min(data.len());
    let mut buf = data.to_vec();
    let (head, tail) = buf.split_at_mut(split);
    ctr_segment(key, counter, head)?;
    if !tail.is_empty() {
        ctr_segment(key, wrapped, tail)?;
    }
    Ok(buf)
}

fn ctr_segment(key: &[u8], counter: u128, in_out: &mut [u8]) -> Result<(), CryptoError> {
    let k = UnboundCipherKey::new(cipher_alg(key)?, key)
        .and_then(EncryptingKey::ctr)
        .map_err(|_| op_err("AES-CTR key rejected"))?;
    k.less_safe_encrypt(
        in_out,
        EncryptionContext::Iv128(FixedLength::from(counter.to_be_bytes())),
    )
    .map_err(|_| op_err("AES-CTR failed"))?;
    Ok(())
}

fn gcm_tag_len(bits: u32) -> Result<usize, CryptoError> {
    if GCM_TAG_BITS.contains(&bits) {
        Ok(bits as usize / 8)
    } else {
        Err(op_err(format!(
            "AES-GCM tagLength {bits} is not one of {GCM_TAG_BITS:?}"
        )))
    }
}

fn gcm_limits(iv: &[u8], plaintext: usize) -> Result<(), CryptoError> {
    if iv.is_empty() {
        return Err(op_err("AES-GCM iv may not be empty"));
    }
    if plaintext as u64 > GCM_MAX_PLAINTEXT {
        return Err(op_err("AES-GCM plaintext is longer than 2^39 - 256 bits"));
    }
    Ok(())
}

/// AES-GCM: `data` is the plaintext (`open` false), or the ciphertext followed by a `tag_len`
/// bytes tag (`open` true).
fn gcm(key: &[u8], iv: &[u8], aad: &[u8], data: &[u8], open: bool, tag_len: usize) -> Result<Vec<u8>, CryptoError> {
    if iv.len() == 12 && (!open || tag_len == 16) {
        return gcm_aws_lc(key, iv, aad, data, open, tag_len);
    }
    match iv.len() {
        8 => gcm_nonce::<U8>(key, iv, aad, data, open, tag_len),
        12 => gcm_nonce::<U12>(key, iv, aad, data, open, tag_len),
        16 => gcm_nonce::<U16>(key, iv, aad, data, open, tag_len),
        24 => gcm_nonce::<U24>(key, iv, aad, data, open, tag_len),
        32 => gcm_nonce::<U32>(key, iv, aad, data, open, tag_len),
        48 => gcm_nonce::<U48>(key, iv, aad, data, open, tag_len),
        64 => gcm_nonce::<U64>(key, iv, aad, data, open, tag_len),
        128 => gcm_nonce::<U128>(key, iv, aad, data, open, tag_len),
        n => Err(CryptoError::not_supported(format!(
            "AES-GCM with a {n}-byte iv is not supported (iv lengths: {GCM_IV_LENGTHS:?} bytes)"
        ))),
    }
}

fn gcm_aws_lc(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
    open: bool,
    tag_len: usize,
) -> Result<Vec<u8>, CryptoError> {
    let alg = match key.len() {
        16 => &aead::AES_128_GCM,
        24 => &aead::AES_192_GCM,
        32 => &aead::AES_256_GCM,
        n => return Err(op_err(format!("bad AES key length {n}"))),
    };
    let k = LessSafeKey::new(UnboundKey::new(alg, key).map_err(|_| op_err("AES-GCM key rejected"))?);
    let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| op_err("bad AES-GCM iv"))?;
    let mut buf = data.to_vec();
    if open {
        let len = k
            .open_in_place(nonce, Aad::from(aad), &mut buf)
            .map_err(|_| op_err("AES-GCM decryption failed: the data or its tag is not authentic"))?
            .len();
        buf.truncate(len);
    } else {
        let tag = k
            .seal_in_place_separate_tag(nonce, Aad::from(aad), &mut buf)
            .map_err(|_| op_err("AES-GCM encryption failed"))?;
        buf.extend_from_slice(&tag.as_ref()[..tag_len]);
    }
    Ok(buf)
}

fn gcm_nonce<N: ArrayLength<u8>>(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
    open: bool,
    tag_len: usize,
) -> Result<Vec<u8>, CryptoError> {
    let rejected = |_| op_err("AES-GCM key rejected");
    match key.len() {
        16 => gcm_run(
            &AesGcm::<Aes128, N>::new_from_slice(key).map_err(rejected)?,
            iv,
            aad,
            data,
            open,
            tag_len,
        ),
        24 => gcm_run(
            &AesGcm::<Aes192, N>::new_from_slice(key).map_err(rejected)?,
            iv,
            aad,
            data,
            open,
            tag_len,
        ),
        32 => gcm_run(
            &AesGcm::<Aes256, N>::new_from_slice(key).map_err(rejected)?,
            iv,
            aad,
            data,
            open,
            tag_len,
        ),
        n => Err(op_err(format!("bad AES key length {n}"))),
    }
}

fn gcm_run<C: AeadInPlace<TagSize = U16>>(
    c: &C,
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
    open: bool,
    tag_len: usize,
) -> Result<Vec<u8>, CryptoError> {
    let nonce = GenericArray::from_slice(iv);
    let failed = || op_err("AES-GCM decryption failed: the data or its tag is not authentic");
    if !open {
        let mut buf = data.to_vec();
        let tag = c
            .encrypt_in_place_detached(nonce, aad, &mut buf)
            .map_err(|_| op_err("AES-GCM encryption failed"))?;
        buf.extend_from_slice(&tag[..tag_len]);
        return Ok(buf);
    }
    let (ciphertext, tag) = data.split_at(data.len() - tag_len);
    let mut buf = ciphertext.to_vec();
    if tag_len == 16 {
        c.decrypt_in_place_detached(nonce, aad, &mut buf, GenericArray::from_slice(tag))
            .map_err(|_| failed())?;
        return Ok(buf);
    }
    // A truncated tag: the key stream turns the ciphertext into the candidate plaintext (the tag
    // computed on the way is discarded), encrypting that again gives the full tag over the
    // ciphertext, and its leftmost bytes are compared in constant time. The plaintext is released
    // only when they match.
    c.encrypt_in_place_detached(nonce, &[], &mut buf)
        .map_err(|_| failed())?;
    let mut again = buf.clone();
    let full = c
        .encrypt_in_place_detached(nonce, aad, &mut again)
        .map_err(|_| failed())?;
    constant_time::verify_slices_are_equal(&full[..tag_len], tag).map_err(|_| failed())?;
    Ok(buf)
}

/// RFC 3394 key wrap: the key data must be at least 16 bytes and a multiple of 8.
fn wrap(key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if data.len() < 16 || data.len() % 8 != 0 {
        return Err(op_err("AES-KW wraps a multiple of 8 bytes, at least 16"));
    }
    key_wrap(key, data, true).map_err(|_| op_err("AES-KW wrapping failed"))
}

fn unwrap(key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if data.len() < 24 || data.len() % 8 != 0 {
        return Err(op_err("AES-KW wrapped data is a multiple of 8 bytes, at least 24"));
    }
    key_wrap(key, data, false).map_err(|_| op_err("AES-KW unwrapping failed: the data is not authentic"))
}

/// RFC 3394 wrap (`wrap`) or unwrap of `data` under a 128-, 192- or 256-bit `key`, by the
/// `aes-kw` crate for every key size (aws-lc-rs has no 192-bit key wrap: one implementation
/// rather than two).
fn key_wrap(key: &[u8], data: &[u8], wrap: bool) -> Result<Vec<u8>, aes_kw::Error> {
    macro_rules! run {
        ($kek:ty) => {{
            let kek = <$kek>::try_from(key)?;
            if wrap {
                kek.wrap_vec(data)
            } else {
                kek.unwrap_vec(data)
            }
        }};
    }
    match key.len() {
        16 => run!(aes_kw::KekAes128),
        24 => run!(aes_kw::KekAes192),
        _ => run!(aes_kw::KekAes256),
    }
}
