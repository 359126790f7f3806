//! Public keys given as PEM or DER: `SubjectPublicKeyInfo` (RFC 5280), and PEM `RSA PUBLIC KEY`
//! (PKCS#1). The algorithm identifier, not the caller, decides the key type.

use super::alg::Curve;
use super::error::KeyError;
use super::key::{bit_length, Key, MAX_RSA_BITS, MIN_RSA_BITS};
use der::asn1::{ObjectIdentifier, UintRef};
use der::{Decode, Reader, SliceReader};
use spki::SubjectPublicKeyInfoRef;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// Whether `bytes` parse as a DER `SubjectPublicKeyInfo` (used to tell keys from secrets).
pub fn looks_like_spki(bytes: &[u8]) -> bool {
    SubjectPublicKeyInfoRef::from_der(bytes).is_ok()
}

/// Whether `bytes` start like a PEM document.
pub fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().starts_with(b"-----BEGIN ")
}

/// A key from a DER `SubjectPublicKeyInfo`.
pub fn from_spki_der(der: &[u8]) -> Result<Key, KeyError> {
    let info = SubjectPublicKeyInfoRef::from_der(der)
        .map_err(|e| KeyError::new(format!("not a DER SubjectPublicKeyInfo: {e}")))?;
    let bits = info
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| KeyError::new("public key bit string has unused bits"))?;
    let oid = info.algorithm.oid;
    if oid == RSA_ENCRYPTION {
        check_rsa_size(bits)?;
        Key::rsa_der(bits)
    } else if oid == EC_PUBLIC_KEY {
        let curve_oid: ObjectIdentifier = info
            .algorithm
            .parameters_oid()
            .map_err(|_| KeyError::new("EC key without a named curve"))?;
        let curve = match curve_oid {
            c if c == P256 => Curve::P256,
            c if c == P384 => Curve::P384,
            c if c == P521 => Curve::P521,
            _ => return Err(KeyError::new(format!("unsupported EC curve {curve_oid}"))),
        };
        Key::ec_point(curve, bits)
    } else if oid == ED25519 {
        if info.algorithm.parameters.is_some() {
            return Err(KeyError::new("Ed25519 key with parameters"));
        }
        Key::ed25519(bits)
    } else {
        Err(KeyError::new(format!("unsupported public key algorithm {oid}")))
    }
}

/// Checks the modulus size of a DER `RSAPublicKey`.
fn check_rsa_size(pkcs1: &[u8]) -> Result<(), KeyError> {
    let modulus = (|| -> der::Result<Vec<u8>> {
        let mut reader = SliceReader::new(pkcs1)?;
        reader.sequence(|seq| {
            let n = UintRef::decode(seq)?;
            let _e = UintRef::decode(seq)?;
            Ok(n.as_bytes().to_vec())
        })
    })()
    .map_err(|e| KeyError::new(format!("not an RSAPublicKey: {e}")))?;
    rsa_size_ok(bit_length(&modulus))
}

/// Refuses RSA moduli outside 2048..=8192 bits.
pub fn rsa_size_ok(bits: usize) -> Result<(), KeyError> {
    if (MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(KeyError::new(format!(
            "RSA keys must have {MIN_RSA_BITS} to {MAX_RSA_BITS} bits, not {bits}"
        )))
    }
}

/// A key from one PEM document: `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1).
pub fn from_pem(pem: &[u8]) -> Result<Key, KeyError> {
    let (label, der) =
        pem_rfc7468::decode_vec(pem.trim_ascii()).map_err(|e| KeyError::new(format!("not a PEM document: {e}")))?;
    match label {
        "PUBLIC KEY" => from_spki_der(&der),
        "RSA PUBLIC KEY" => {
            check_rsa_size(&der)?;
            Key::rsa_der(&der)
        }
        other if other.contains("PRIVATE") => Err(KeyError::new("a private key was given; pass the public key")),
        other => Err(KeyError::new(format!("unsupported PEM label {other:?}"))),
    }
}
