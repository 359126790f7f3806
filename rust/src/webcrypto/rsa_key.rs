//! RSA private keys of `crypto.subtle` (all three RSA algorithms share them): import from PKCS#8
//! and JWK components, export to PKCS#8 and JWK with every CRT member, and the two backends a key
//! is prepared for.
//!
//! A key always has its RustCrypto `rsa::RsaPrivateKey` (the components, their validation, PKCS#8
//! encoding, and the operations aws-lc-rs refuses: keys under 2048 bits, RSA-PSS with another
//! salt length, SHA-1 signing). Keys of 2048 to 8192 bits also have an aws-lc-rs `KeyPair` (the
//! fast, constant-time signing path) and, on first decryption, an aws-lc-rs OAEP key.

use super::error::CryptoError;
use crate::jwt::b64url_encode;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPairComponents, OaepPrivateDecryptingKey, PrivateDecryptingKey, PublicKeyComponents};
use aws_lc_rs::signature::RsaKeyPair;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use std::sync::OnceLock;

/// Sizes aws-lc-rs signs and decrypts with.
pub const AWS_LC_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;
/// Sizes edgert imports (RustCrypto handles those outside `AWS_LC_BITS`).
pub const IMPORT_BITS: std::ops::RangeInclusive<usize> = 1024..=16384;

/// An RSA private key, prepared for both backends.
pub struct RsaPrivate {
    rc: RsaPrivateKey,
    pair: Option<RsaKeyPair>,
    oaep: OnceLock<Option<OaepPrivateDecryptingKey>>,
}

pub fn check_bits(bits: usize) -> Result<(), CryptoError> {
    if IMPORT_BITS.contains(&bits) {
        Ok(())
    } else {
        Err(CryptoError::not_supported(format!(
            "RSA keys of {bits} bits are not supported ({} to {})",
            IMPORT_BITS.start(),
            IMPORT_BITS.end()
        )))
    }
}

fn be(n: &BigUint) -> Vec<u8> {
    n.to_bytes_be()
}

impl RsaPrivate {
    fn new(rc: RsaPrivateKey, pair: Option<RsaKeyPair>) -> Result<Self, CryptoError> {
        check_bits(rc.n().bits())?;
        Ok(RsaPrivate {
            rc,
            pair,
            oaep: OnceLock::new(),
        })
    }

    /// From a DER `PrivateKeyInfo` with an `rsaEncryption` key.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, CryptoError> {
        let rc = RsaPrivateKey::from_pkcs8_der(der)
            .map_err(|e| CryptoError::data(format!("RSA private key rejected: {e}")))?;
        let pair = if AWS_LC_BITS.contains(&rc.n().bits()) {
            Some(RsaKeyPair::from_pkcs8(der).map_err(|e| CryptoError::data(format!("RSA private key rejected: {e}")))?)
        } else {
            None
        };
        Self::new(rc, pair)
    }

    /// From the big-endian members of a JWK (`n, e, d, p, q, dp, dq, qi`), all checked.
    pub fn from_components(c: [&[u8]; 8]) -> Result<Self, CryptoError> {
        let [n, e, d, p, q, dp, dq, qi] = c;
        let int = BigUint::from_bytes_be;
        let rejected = |why: String| CryptoError::data(format!("JWK RSA private key rejected: {why}"));
        check_bits(int(n).bits())?;
        let rc = RsaPrivateKey::from_components(int(n), int(e), int(d), vec![int(p), int(q)])
            .map_err(|e| rejected(e.to_string()))?;
        // RustCrypto recomputes the CRT values; the given ones must be those.
        let qinv = rc.crt_coefficient();
        if rc.dp() != Some(&int(dp)) || rc.dq() != Some(&int(dq)) || qinv.as_ref() != Some(&int(qi)) {
            return Err(rejected("dp, dq or qi does not match the primes".into()));
        }
        let pair = if AWS_LC_BITS.contains(&rc.n().bits()) {
            let components = KeyPairComponents {
                public_key: PublicKeyComponents { n, e },
                d,
                p,
                q,
                dP: dp,
                dQ: dq,
                qInv: qi,
            };
            Some(RsaKeyPair::from_components(&components).map_err(|e| rejected(e.to_string()))?)
        } else {
            None
        };
        Self::new(rc, pair)
    }

    /// A generated RustCrypto key (and its aws-lc-rs pair when the size allows).
    pub fn from_rustcrypto(rc: RsaPrivateKey) -> Result<Self, CryptoError> {
        let pair = if AWS_LC_BITS.contains(&rc.n().bits()) {
            let der = rc
                .to_pkcs8_der()
                .map_err(|_| CryptoError::operation("RSA key encoding failed"))?;
            Some(RsaKeyPair::from_pkcs8(der.as_bytes()).map_err(|_| CryptoError::operation("RSA key rejected"))?)
        } else {
            None
        };
        Self::new(rc, pair)
    }

    /// A key pair aws-lc-rs generated.
    pub fn from_aws_lc(pair: RsaKeyPair) -> Result<Self, CryptoError> {
        let der = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair)
            .map_err(|_| CryptoError::operation("RSA key encoding failed"))?;
        let rc = RsaPrivateKey::from_pkcs8_der(der.as_ref()).map_err(|_| CryptoError::operation("RSA key rejected"))?;
        Self::new(rc, Some(pair))
    }

    /// A lower bound of one private-key operation's CPU time (a signature, a decryption), for
    /// natives to ask the CPU budget with before it runs: the operation is exponentiations modulo
    /// the primes, which grow with the cube of the size. AWS-LC's keys (2048 to 8192 bits):
    /// 0.06 ms at 2048 bits; RustCrypto's (other sizes, up to 16384): 60 ms at 16384 bits. Each
    /// is a fourth or less of the fastest signature measured on the development machine
    /// (`benches/bench_native_floors.py --sign`: 0.36 ms, 1.9 ms and 35 ms at 2048, 4096 and 8192
    /// bits, ~0.55 s at 16384).
    pub fn private_op_floor_ns(&self) -> u64 {
        let (anchor_ns, anchor_bits) = if self.pair.is_some() {
            (60_000.0, 2048.0)
        } else {
            (60_000_000.0, 16384.0)
        };
        (anchor_ns * (self.bits() as f64 / anchor_bits).powi(3)) as u64
    }

    pub fn rustcrypto(&self) -> &RsaPrivateKey {
        &self.rc
    }

    /// The aws-lc-rs key pair, for keys of 2048 to 8192 bits.
    pub fn aws_lc(&self) -> Option<&RsaKeyPair> {
        self.pair.as_ref()
    }

    /// The aws-lc-rs OAEP decryption key, for keys of 2048 to 8192 bits.
    pub fn oaep(&self) -> Option<&OaepPrivateDecryptingKey> {
        self.oaep
            .get_or_init(|| {
                self.pair.as_ref()?;
                let der = self.rc.to_pkcs8_der().ok()?;
                let key = PrivateDecryptingKey::from_pkcs8(der.as_bytes()).ok()?;
                OaepPrivateDecryptingKey::new(key).ok()
            })
            .as_ref()
    }

    pub fn bits(&self) -> usize {
        self.rc.n().bits()
    }

    pub fn public_exponent(&self) -> Vec<u8> {
        be(self.rc.e())
    }

    /// The public half as a DER `RSAPublicKey` (PKCS#1).
    pub fn public_pkcs1(&self) -> Vec<u8> {
        public_pkcs1(&be(self.rc.n()), &be(self.rc.e()))
    }

    /// `exportKey("pkcs8")`.
    pub fn to_pkcs8(&self) -> Result<Vec<u8>, CryptoError> {
        self.rc
            .to_pkcs8_der()
            .map(|d| d.as_bytes().to_vec())
            .map_err(|_| CryptoError::operation("pkcs8 encoding failed"))
    }

    /// The key members of `exportKey("jwk")`: `kty, n, e, d, p, q, dp, dq, qi`.
    pub fn jwk(&self) -> Result<Value, CryptoError> {
        let missing = || CryptoError::operation("RSA CRT values unavailable");
        let b = |n: &BigUint| Value::String(b64url_encode(&be(n)));
        let primes = self.rc.primes();
        if primes.len() != 2 {
            return Err(CryptoError::not_supported("multi-prime RSA keys are not supported"));
        }
        Ok(json!({
            "kty": "RSA",
            "n": b(self.rc.n()),
            "e": b(self.rc.e()),
            "d": b(self.rc.d()),
            "p": b(&primes[0]),
            "q": b(&primes[1]),
            "dp": b(self.rc.dp().ok_or_else(missing)?),
            "dq": b(self.rc.dq().ok_or_else(missing)?),
            "qi": b(&self.rc.crt_coefficient().ok_or_else(missing)?),
        }))
    }
}

/// A DER `RSAPublicKey` from `n` and `e` (big-endian).
pub fn public_pkcs1(n: &[u8], e: &[u8]) -> Vec<u8> {
    use der::Encode;
    let encoded = (|| {
        rsa::pkcs1::RsaPublicKey {
            modulus: der::asn1::UintRef::new(n)?,
            public_exponent: der::asn1::UintRef::new(e)?,
        }
        .to_der()
    })();
    encoded.unwrap_or_default()
}

/// The RustCrypto public key of a DER `RSAPublicKey`.
pub fn rustcrypto_public(pkcs1: &[u8]) -> Result<RsaPublicKey, CryptoError> {
    let (n, e) = super::export::rsa_public_components(pkcs1).ok_or_else(|| CryptoError::data("not an RSAPublicKey"))?;
    RsaPublicKey::new_with_max_size(
        BigUint::from_bytes_be(&n),
        BigUint::from_bytes_be(&e),
        *IMPORT_BITS.end(),
    )
    .map_err(|e| CryptoError::data(format!("RSA public key rejected: {e}")))
}

/// `exportKey("spki")` of an RSA public key: `rsaEncryption` with NULL parameters.
pub fn spki(pkcs1: &[u8]) -> Result<Vec<u8>, CryptoError> {
    use der::Encode;
    let info = spki::SubjectPublicKeyInfoRef {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: crate::jwt::RSA_ENCRYPTION,
            parameters: Some(der::asn1::AnyRef::NULL),
        },
        subject_public_key: der::asn1::BitStringRef::from_bytes(pkcs1)
            .map_err(|_| CryptoError::operation("spki encoding failed"))?,
    };
    info.to_der()
        .map_err(|_| CryptoError::operation("spki encoding failed"))
}
