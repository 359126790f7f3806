//! One verification key, bound to its key type when it is loaded, and the signature check itself
//! (aws-lc-rs). A key's JWK `alg`, `use` and `key_ops` restrict what it may check.

use super::alg::{Algorithm, Curve, KeyType};
use super::error::{JwtError, KeyError};
use aws_lc_rs::hmac;
use aws_lc_rs::signature::{self as sig, ParsedPublicKey, VerificationAlgorithm};

/// Smallest RSA modulus accepted (RFC 7518 section 3.3: 2048 bits or larger).
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted (bounds the cost of one verification).
pub const MAX_RSA_BITS: usize = 8192;

/// Prepared key material; which variant a key has is fixed when it is loaded.
enum Material {
    /// A secret with its three prepared HMAC keys (SHA-256, -384, -512).
    Hmac(Box<[hmac::Key; 3]>),
    /// An RSA key prepared for RS256/384/512 and PS256/384/512, in `Algorithm::ALL` order.
    Rsa(Box<[ParsedPublicKey; 6]>),
    /// An ECDSA key on one curve (raw `r || s` signatures only).
    Ec(Curve, ParsedPublicKey),
    /// An Ed25519 key.
    Ed25519(ParsedPublicKey),
}

/// A verification key.
pub struct Key {
    kid: Option<String>,
    /// The JWK `alg`, when given: the only algorithm the key may check.
    alg: Option<Algorithm>,
    material: Material,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("type", &self.key_type())
            .finish()
    }
}

fn ec_algorithm(curve: Curve) -> &'static dyn VerificationAlgorithm {
    match curve {
        Curve::P256 => &sig::ECDSA_P256_SHA256_FIXED,
        Curve::P384 => &sig::ECDSA_P384_SHA384_FIXED,
        Curve::P521 => &sig::ECDSA_P521_SHA512_FIXED,
    }
}

fn rejected(what: &str) -> impl FnOnce(aws_lc_rs::error::KeyRejected) -> KeyError + '_ {
    move |e| KeyError::new(format!("{what} rejected: {e}"))
}

impl Key {
    /// An HMAC secret. An empty secret is refused.
    pub fn hmac(secret: &[u8]) -> Result<Key, KeyError> {
        if secret.is_empty() {
            return Err(KeyError::new("an HMAC secret may not be empty"));
        }
        Ok(Key::with(Material::Hmac(Box::new([
            hmac::Key::new(hmac::HMAC_SHA256, secret),
            hmac::Key::new(hmac::HMAC_SHA384, secret),
            hmac::Key::new(hmac::HMAC_SHA512, secret),
        ]))))
    }

    /// An RSA public key from a DER `RSAPublicKey` (PKCS#1) or `SubjectPublicKeyInfo`.
    pub fn rsa_der(der: &[u8]) -> Result<Key, KeyError> {
        let keys = [
            ParsedPublicKey::new(&sig::RSA_PKCS1_2048_8192_SHA256, der),
            ParsedPublicKey::new(&sig::RSA_PKCS1_2048_8192_SHA384, der),
            ParsedPublicKey::new(&sig::RSA_PKCS1_2048_8192_SHA512, der),
            ParsedPublicKey::new(&sig::RSA_PSS_2048_8192_SHA256, der),
            ParsedPublicKey::new(&sig::RSA_PSS_2048_8192_SHA384, der),
            ParsedPublicKey::new(&sig::RSA_PSS_2048_8192_SHA512, der),
        ];
        let [a, b, c, d, e, f] = keys;
        let what = "RSA public key";
        Ok(Key::with(Material::Rsa(Box::new([
            a.map_err(rejected(what))?,
            b.map_err(rejected(what))?,
            c.map_err(rejected(what))?,
            d.map_err(rejected(what))?,
            e.map_err(rejected(what))?,
            f.map_err(rejected(what))?,
        ]))))
    }

    /// An ECDSA public key from an uncompressed SEC1 point.
    pub fn ec_point(curve: Curve, point: &[u8]) -> Result<Key, KeyError> {
        if point.len() != 1 + 2 * curve.coordinate_len() || point[0] != 4 {
            return Err(KeyError::new("EC public key is not an uncompressed point"));
        }
        let key = ParsedPublicKey::new(ec_algorithm(curve), point).map_err(rejected("EC public key"))?;
        Ok(Key::with(Material::Ec(curve, key)))
    }

    /// An Ed25519 public key from its 32 bytes.
    pub fn ed25519(public: &[u8]) -> Result<Key, KeyError> {
        if public.len() != 32 {
            return Err(KeyError::new("an Ed25519 public key has 32 bytes"));
        }
        let key = ParsedPublicKey::new(&sig::ED25519, public).map_err(rejected("Ed25519 public key"))?;
        Ok(Key::with(Material::Ed25519(key)))
    }

    fn with(material: Material) -> Key {
        Key {
            kid: None,
            alg: None,
            material,
        }
    }

    /// Sets the key's `kid`.
    pub fn with_kid(mut self, kid: Option<String>) -> Key {
        self.kid = kid;
        self
    }

    /// Restricts the key to one algorithm, which must suit its type.
    pub fn with_alg(mut self, alg: Option<Algorithm>) -> Result<Key, KeyError> {
        if let Some(a) = alg {
            if a.key_type() != self.key_type() {
                return Err(KeyError::new(format!(
                    "alg {} does not suit a {:?} key",
                    a.name(),
                    self.key_type()
                )));
            }
        }
        self.alg = alg;
        Ok(self)
    }

    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    pub fn alg(&self) -> Option<Algorithm> {
        self.alg
    }

    /// The key's type, fixed at load time.
    pub fn key_type(&self) -> KeyType {
        match &self.material {
            Material::Hmac(_) => KeyType::Oct,
            Material::Rsa(_) => KeyType::Rsa,
            Material::Ec(curve, _) => KeyType::Ec(*curve),
            Material::Ed25519(_) => KeyType::Ed25519,
        }
    }

    /// Whether this key may check `alg`: the key type must be the algorithm's, and a JWK `alg`
    /// must name it.
    pub fn permits(&self, alg: Algorithm) -> bool {
        alg.key_type() == self.key_type() && self.alg.map_or(true, |a| a == alg)
    }

    /// Checks `signature` over `message` with `alg`. The caller has checked `permits(alg)`;
    /// a mismatch is reported as an invalid signature, never as a panic.
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<(), JwtError> {
        if !self.permits(alg) {
            return Err(JwtError::InvalidSignature);
        }
        let ok = match (&self.material, alg) {
            (Material::Hmac(keys), _) => {
                let key = match alg {
                    Algorithm::HS256 => &keys[0],
                    Algorithm::HS384 => &keys[1],
                    _ => &keys[2],
                };
                // A JWS MAC is never truncated: the full tag length is required (constant time).
                hmac::verify(key, message, signature).is_ok()
            }
            (Material::Rsa(keys), _) => {
                let i = alg.index() - Algorithm::RS256.index();
                keys.get(i).is_some_and(|k| k.verify_sig(message, signature).is_ok())
            }
            (Material::Ec(curve, key), _) => {
                // Raw r || s only: a DER signature or any other length is refused up front;
                // r or s of zero or >= n are refused by the backend's range check.
                signature.len() == 2 * curve.coordinate_len() && key.verify_sig(message, signature).is_ok()
            }
            (Material::Ed25519(key), _) => signature.len() == 64 && key.verify_sig(message, signature).is_ok(),
        };
        if ok {
            Ok(())
        } else {
            Err(JwtError::InvalidSignature)
        }
    }
}

/// Bits in a big-endian unsigned integer.
pub fn bit_length(be: &[u8]) -> usize {
    match be.iter().position(|b| *b != 0) {
        None => 0,
        Some(i) => (be.len() - i - 1) * 8 + (8 - be[i].leading_zeros() as usize),
    }
}
