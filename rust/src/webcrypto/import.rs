//! `importKey` formats (raw, spki, pkcs8, jwk) and key generation from host-provided randomness.
//! Structural checks of a JWK's `alg`, `use`, `key_ops` and `ext` are done by the JavaScript side,
//! which sees the usages; here the key members are decoded and validated.

use super::error::CryptoError;
use super::hash::Hash;
use super::key::{ec_signing, ec_verification, parse_curve, Kind, Material};
use crate::jwt::{b64url_decode, bit_length, Curve, EC_PUBLIC_KEY, ED25519_OID, P256, P384, P521, RSA_ENCRYPTION};
use aws_lc_rs::agreement;
use aws_lc_rs::encoding::AsBigEndian;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair, ParsedPublicKey};
use der::asn1::ObjectIdentifier;
use der::Decode;
use serde_json::{Map, Value};
use spki::SubjectPublicKeyInfoRef;

/// The parameters given with the algorithm at import.
#[derive(Clone, Debug)]
pub struct Params {
    pub kind: Kind,
    /// HMAC and RSA: the key's hash.
    pub hash: Option<Hash>,
    /// ECDSA: the named curve.
    pub curve: Option<Curve>,
    /// HMAC: the requested length in bits, if any.
    pub length: Option<usize>,
}

fn hash_of(p: &Params) -> Result<Hash, CryptoError> {
    p.hash
        .ok_or_else(|| CryptoError::new(super::ErrorName::Syntax, "a hash is required"))
}

fn curve_of(p: &Params) -> Result<Curve, CryptoError> {
    p.curve
        .ok_or_else(|| CryptoError::new(super::ErrorName::Syntax, "a namedCurve is required"))
}

fn hmac_secret(p: &Params, secret: Vec<u8>) -> Result<Material, CryptoError> {
    if secret.is_empty() {
        return Err(CryptoError::data("an HMAC key may not be empty"));
    }
    if let Some(length) = p.length {
        // WebCrypto: the length must fit the data, within its last byte.
        if length == 0 || length > secret.len() * 8 || length <= (secret.len() - 1) * 8 {
            return Err(CryptoError::data("HMAC length does not match the key data"));
        }
    }
    Ok(Material::hmac(hash_of(p)?, secret))
}

fn rsa_public(der: &[u8]) -> Result<Material, CryptoError> {
    let (n, _) = super::export::rsa_public_components(der).ok_or_else(|| CryptoError::data("not an RSAPublicKey"))?;
    check_rsa_bits(bit_length(&n))?;
    // Validated by RustCrypto (odd modulus, exponent in range), which takes every size imported.
    super::rsa_key::rustcrypto_public(der)?;
    Ok(Material::RsaPublic { der: der.to_vec() })
}

fn check_rsa_bits(bits: usize) -> Result<(), CryptoError> {
    super::rsa_key::check_bits(bits)
}

fn ec_public(curve: Curve, point: &[u8]) -> Result<Material, CryptoError> {
    // Compressed points are accepted; the key keeps the uncompressed form it exports.
    let point = super::ec_point::uncompressed(curve, point)?;
    let key = ParsedPublicKey::new(ec_verification(curve), &point)
        .map_err(|e| CryptoError::data(format!("EC public key rejected: {e}")))?;
    Ok(Material::EcPublic { curve, key })
}

fn ec_private(curve: Curve, pair: EcdsaKeyPair) -> Result<Material, CryptoError> {
    let public = ParsedPublicKey::new(ec_verification(curve), pair.public_key().as_ref())
        .map_err(|e| CryptoError::data(format!("EC public key rejected: {e}")))?;
    Ok(Material::EcPrivate { curve, pair, public })
}

fn ed25519_public(bytes: &[u8]) -> Result<Material, CryptoError> {
    if bytes.len() != 32 {
        return Err(CryptoError::data("an Ed25519 public key has 32 bytes"));
    }
    let key = ParsedPublicKey::new(&sig::ED25519, bytes)
        .map_err(|e| CryptoError::data(format!("Ed25519 public key rejected: {e}")))?;
    Ok(Material::Ed25519Public { key })
}

/// `importKey("raw", ...)`: an HMAC secret, an uncompressed EC point or 32 Ed25519 bytes.
pub fn import_raw(p: &Params, data: &[u8]) -> Result<Material, CryptoError> {
    match p.kind {
        Kind::Ecdh => super::ecdh::public(curve_of(p)?, data),
        Kind::X25519 => super::x25519::public(data),
        Kind::Hmac => hmac_secret(p, data.to_vec()),
        Kind::Ecdsa => ec_public(curve_of(p)?, data),
        Kind::Ed25519 => ed25519_public(data),
        Kind::RsaPkcs1 | Kind::RsaPss | Kind::RsaOaep => {
            Err(CryptoError::not_supported("RSA keys cannot be imported as raw"))
        }
    }
}

/// `importKey("spki", ...)`: a DER `SubjectPublicKeyInfo` whose algorithm must match.
pub fn import_spki(p: &Params, der: &[u8]) -> Result<Material, CryptoError> {
    let info = SubjectPublicKeyInfoRef::from_der(der)
        .map_err(|e| CryptoError::data(format!("not a DER SubjectPublicKeyInfo: {e}")))?;
    let bits = info
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| CryptoError::data("public key bit string has unused bits"))?;
    let oid = info.algorithm.oid;
    match p.kind {
        Kind::Hmac => Err(CryptoError::not_supported("HMAC keys cannot be imported as spki")),
        Kind::RsaPkcs1 | Kind::RsaPss | Kind::RsaOaep if oid == RSA_ENCRYPTION => rsa_public(bits),
        Kind::Ecdsa if oid == EC_PUBLIC_KEY => {
            let curve = curve_of(p)?;
            check_named_curve(&info, curve)?;
            ec_public(curve, bits)
        }
        Kind::Ed25519 if oid == ED25519_OID => {
            if info.algorithm.parameters.is_some() {
                return Err(CryptoError::data("Ed25519 key with parameters"));
            }
            ed25519_public(bits)
        }
        Kind::Ecdh => super::ecdh::import_spki(curve_of(p)?, &info),
        Kind::X25519 => super::x25519::import_spki(&info),
        _ => Err(CryptoError::data(format!("the key's algorithm {oid} does not match"))),
    }
}

pub(super) fn curve_oid(curve: Curve) -> ObjectIdentifier {
    match curve {
        Curve::P256 => P256,
        Curve::P384 => P384,
        Curve::P521 => P521,
    }
}

/// An EC spki's algorithm parameters must name `curve` (ECDSA and ECDH keys alike).
pub(super) fn check_named_curve(info: &SubjectPublicKeyInfoRef<'_>, curve: Curve) -> Result<(), CryptoError> {
    let named: ObjectIdentifier = info
        .algorithm
        .parameters_oid()
        .map_err(|_| CryptoError::data("EC key without a named curve"))?;
    if named != curve_oid(curve) {
        return Err(CryptoError::data("the key's curve is not the namedCurve requested"));
    }
    Ok(())
}

/// `importKey("pkcs8", ...)`: a DER `PrivateKeyInfo`.
pub fn import_pkcs8(p: &Params, der: &[u8]) -> Result<Material, CryptoError> {
    let rejected = |e: aws_lc_rs::error::KeyRejected| CryptoError::data(format!("private key rejected: {e}"));
    match p.kind {
        Kind::Hmac => Err(CryptoError::not_supported("HMAC keys cannot be imported as pkcs8")),
        Kind::RsaPkcs1 | Kind::RsaPss | Kind::RsaOaep => Ok(Material::RsaPrivate {
            key: Box::new(super::rsa_key::RsaPrivate::from_pkcs8(der)?),
        }),
        Kind::Ecdsa => {
            let curve = curve_of(p)?;
            let pair = EcdsaKeyPair::from_pkcs8(ec_signing(curve), der).map_err(rejected)?;
            ec_private(curve, pair)
        }
        Kind::Ed25519 => {
            let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(rejected)?;
            Ok(Material::Ed25519Private { pair })
        }
        Kind::Ecdh => super::ecdh::import_pkcs8(curve_of(p)?, der),
        Kind::X25519 => super::x25519::import_pkcs8(der),
    }
}

pub(super) fn jwk_member<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<&'a str, CryptoError> {
    member(jwk, name)
}

pub(super) fn jwk_bytes(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>, CryptoError> {
    bytes(jwk, name)
}

fn member<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<&'a str, CryptoError> {
    match jwk.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(CryptoError::data(format!("JWK member {name:?} is not a string"))),
        None => Err(CryptoError::data(format!("JWK has no {name:?}"))),
    }
}

fn bytes(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>, CryptoError> {
    b64url_decode(member(jwk, name)?.as_bytes())
        .ok_or_else(|| CryptoError::data(format!("JWK member {name:?} is not base64url")))
}

fn uint(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>, CryptoError> {
    let b = bytes(jwk, name)?;
    if b.is_empty() {
        return Err(CryptoError::data(format!("JWK member {name:?} is empty")));
    }
    Ok(b)
}

/// `importKey("jwk", ...)`: the JWK as JSON text.
pub fn import_jwk(p: &Params, json: &str) -> Result<Material, CryptoError> {
    let jwk: Map<String, Value> =
        serde_json::from_str(json).map_err(|e| CryptoError::data(format!("JWK is not a JSON object: {e}")))?;
    let kty = member(&jwk, "kty")?;
    let private = jwk.contains_key("d");
    match (p.kind, kty) {
        (Kind::Hmac, "oct") => hmac_secret(p, bytes(&jwk, "k")?),
        (Kind::RsaPkcs1 | Kind::RsaPss | Kind::RsaOaep, "RSA") => {
            let n = uint(&jwk, "n")?;
            let e = uint(&jwk, "e")?;
            if !private {
                let pkcs1 = super::rsa_key::public_pkcs1(&n, &e);
                return rsa_public(&pkcs1);
            }
            if jwk.contains_key("oth") {
                return Err(CryptoError::not_supported("multi-prime RSA keys are not supported"));
            }
            let parts = ["d", "p", "q", "dp", "dq", "qi"].map(|m| uint(&jwk, m));
            let [d, pp, q, dp, dq, qi] = parts;
            let (d, pp, q, dp, dq, qi) = (d?, pp?, q?, dp?, dq?, qi?);
            check_rsa_bits(bit_length(&n))?;
            let key = super::rsa_key::RsaPrivate::from_components([&n, &e, &d, &pp, &q, &dp, &dq, &qi])?;
            Ok(Material::RsaPrivate { key: Box::new(key) })
        }
        (Kind::Ecdsa, "EC") => {
            let curve = curve_of(p)?;
            if parse_curve(member(&jwk, "crv")?)? != curve {
                return Err(CryptoError::data("JWK crv is not the namedCurve requested"));
            }
            let x = bytes(&jwk, "x")?;
            let y = bytes(&jwk, "y")?;
            let len = curve.coordinate_len();
            if x.len() != len || y.len() != len {
                return Err(CryptoError::data(format!("JWK coordinates must have {len} bytes")));
            }
            let mut point = Vec::with_capacity(1 + 2 * len);
            point.push(4);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            if !private {
                return ec_public(curve, &point);
            }
            let d = bytes(&jwk, "d")?;
            if d.len() != len {
                return Err(CryptoError::data(format!("JWK d must have {len} bytes")));
            }
            let pair = EcdsaKeyPair::from_private_key_and_public_key(ec_signing(curve), &d, &point)
                .map_err(|e| CryptoError::data(format!("JWK EC private key rejected: {e}")))?;
            ec_private(curve, pair)
        }
        (Kind::Ed25519, "OKP") => {
            if member(&jwk, "crv")? != "Ed25519" {
                return Err(CryptoError::data("JWK crv is not Ed25519"));
            }
            let x = bytes(&jwk, "x")?;
            if !private {
                return ed25519_public(&x);
            }
            let pair = Ed25519KeyPair::from_seed_and_public_key(&bytes(&jwk, "d")?, &x)
                .map_err(|e| CryptoError::data(format!("JWK Ed25519 private key rejected: {e}")))?;
            Ok(Material::Ed25519Private { pair })
        }
        (Kind::Ecdh, "EC") => super::ecdh::import_jwk(curve_of(p)?, &jwk),
        (Kind::X25519, "OKP") => super::x25519::import_jwk(&jwk),
        (_, kty) => Err(CryptoError::data(format!("JWK kty {kty:?} does not fit the algorithm"))),
    }
}

/// An ECDSA key pair from a random scalar chosen by the host (`seed`, at least the curve's
/// length plus 8 bytes, reduced by trying until a valid scalar is found).
pub fn generate_ec(curve: Curve, seed: &[u8]) -> Result<(Material, Material), CryptoError> {
    let agreement_alg = match curve {
        Curve::P256 => &agreement::ECDH_P256,
        Curve::P384 => &agreement::ECDH_P384,
        Curve::P521 => &agreement::ECDH_P521,
    };
    let len = curve.coordinate_len();
    for candidate in seed.chunks_exact(len) {
        let mut scalar = candidate.to_vec();
        if curve == Curve::P521 {
            scalar[0] &= 1;
        }
        let Ok(private) = agreement::PrivateKey::from_private_key(agreement_alg, &scalar) else {
            continue;
        };
        let Ok(public) = private.compute_public_key() else {
            continue;
        };
        let d: aws_lc_rs::encoding::EcPrivateKeyBin = private
            .as_be_bytes()
            .map_err(|_| CryptoError::operation("key generation failed"))?;
        let pair = EcdsaKeyPair::from_private_key_and_public_key(ec_signing(curve), d.as_ref(), public.as_ref())
            .map_err(|_| CryptoError::operation("key generation failed"))?;
        return Ok((ec_public(curve, public.as_ref())?, ec_private(curve, pair)?));
    }
    Err(CryptoError::operation("not enough randomness to generate a key"))
}

/// An Ed25519 key pair from a 32-byte seed chosen by the host.
pub fn generate_ed25519(seed: &[u8]) -> Result<(Material, Material), CryptoError> {
    let pair =
        Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| CryptoError::operation("key generation failed"))?;
    let public = ed25519_public(pair.public_key().as_ref())?;
    Ok((public, Material::Ed25519Private { pair }))
}
