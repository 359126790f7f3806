//! RSA-OAEP `encrypt` / `decrypt` (RFC 8017 section 7.1, MGF1 with the key's hash, optional
//! label), as plain functions that `wrapKey` / `unwrapKey` call too.
//!
//! aws-lc-rs does the work for keys of 2048 to 8192 bits (any label bytes). Keys outside that
//! range go to RustCrypto's `rsa::Oaep`, whose label is a string: such a key with a label that is
//! not UTF-8 is refused (`NotSupportedError`).

use super::error::{CryptoError, ErrorName};
use super::hash::Hash;
use super::key::Material;
use super::rsa_key::{self, AWS_LC_BITS};
use aws_lc_rs::rsa::{
    OaepAlgorithm, OaepPublicEncryptingKey, PublicEncryptingKey, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256,
    OAEP_SHA384_MGF1SHA384, OAEP_SHA512_MGF1SHA512,
};
use rsa::rand_core::OsRng;
use rsa::traits::PublicKeyParts;
use rsa::Oaep;

fn algorithm(hash: Hash) -> &'static OaepAlgorithm {
    match hash {
        Hash::Sha1 => &OAEP_SHA1_MGF1SHA1,
        Hash::Sha256 => &OAEP_SHA256_MGF1SHA256,
        Hash::Sha384 => &OAEP_SHA384_MGF1SHA384,
        Hash::Sha512 => &OAEP_SHA512_MGF1SHA512,
    }
}

fn rustcrypto_padding(hash: Hash, label: &[u8]) -> Result<Oaep, CryptoError> {
    let label = std::str::from_utf8(label)
        .map_err(|_| CryptoError::not_supported("RSA-OAEP labels that are not UTF-8 need a key of 2048 to 8192 bits"))?
        .to_owned();
    let padding = match hash {
        Hash::Sha1 => Oaep::new_with_label::<sha1::Sha1, _>(label),
        Hash::Sha256 => Oaep::new_with_label::<sha2::Sha256, _>(label),
        Hash::Sha384 => Oaep::new_with_label::<sha2::Sha384, _>(label),
        Hash::Sha512 => Oaep::new_with_label::<sha2::Sha512, _>(label),
    };
    Ok(padding)
}

fn label_opt(label: &[u8]) -> Option<&[u8]> {
    (!label.is_empty()).then_some(label)
}

/// The longest message a key of `modulus_bytes` encrypts with `hash`: k - 2 hLen - 2.
pub fn max_plaintext(modulus_bytes: usize, hash: Hash) -> usize {
    modulus_bytes.saturating_sub(2 * hash.output_len() + 2)
}

/// RSA-OAEP encryption with a public key.
pub fn encrypt(m: &Material, hash: Hash, label: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let Material::RsaPublic { der } = m else {
        return Err(CryptoError::new(
            ErrorName::InvalidAccess,
            "RSA-OAEP encrypts with an RSA public key",
        ));
    };
    let public = rsa_key::rustcrypto_public(der)?;
    let k = public.size();
    if plaintext.len() > max_plaintext(k, hash) {
        return Err(CryptoError::operation(format!(
            "the plaintext is longer than {} bytes, the most RSA-OAEP with {} and this key encrypts",
            max_plaintext(k, hash),
            hash.name()
        )));
    }
    let failed = || CryptoError::operation("RSA-OAEP encryption failed");
    if AWS_LC_BITS.contains(&public.n().bits()) {
        let key = PublicEncryptingKey::from_der(&rsa_key::spki(der)?).map_err(|_| failed())?;
        let key = OaepPublicEncryptingKey::new(key).map_err(|_| failed())?;
        let mut out = vec![0u8; key.ciphertext_size()];
        let n = key
            .encrypt(algorithm(hash), plaintext, &mut out, label_opt(label))
            .map_err(|_| failed())?
            .len();
        out.truncate(n);
        return Ok(out);
    }
    public
        .encrypt(&mut OsRng, rustcrypto_padding(hash, label)?, plaintext)
        .map_err(|_| failed())
}

/// RSA-OAEP decryption with a private key. Every decryption failure is the same
/// `OperationError` (no padding oracle in the message).
pub fn decrypt(m: &Material, hash: Hash, label: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let Material::RsaPrivate { key } = m else {
        return Err(CryptoError::new(
            ErrorName::InvalidAccess,
            "RSA-OAEP decrypts with an RSA private key",
        ));
    };
    let failed = || CryptoError::operation("RSA-OAEP decryption failed");
    if let Some(oaep) = key.oaep() {
        if ciphertext.len() != oaep.key_size_bytes() {
            return Err(failed());
        }
        let mut out = vec![0u8; oaep.min_output_size()];
        let n = oaep
            .decrypt(algorithm(hash), ciphertext, &mut out, label_opt(label))
            .map_err(|_| failed())?
            .len();
        out.truncate(n);
        return Ok(out);
    }
    key.rustcrypto()
        .decrypt_blinded(&mut OsRng, rustcrypto_padding(hash, label)?, ciphertext)
        .map_err(|_| failed())
}
