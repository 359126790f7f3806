//! Keys from JWK (RFC 7517, RFC 7518 section 6, RFC 8037): `oct`, `RSA`, `EC` (P-256/384/521)
//! and `OKP` (Ed25519). Private members are ignored: only the public part is used.

use super::alg::{Algorithm, Curve, KeyType};
use super::b64;
use super::compact::is_well_formed_kid;
use super::error::KeyError;
use super::key::{bit_length, Key};
use super::spki::rsa_size_ok;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::PublicKeyComponents;
use serde_json::{Map, Value};

fn member<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<&'a str, KeyError> {
    match jwk.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(KeyError::new(format!("JWK member {name:?} is not a string"))),
        None => Err(KeyError::new(format!("JWK has no {name:?}"))),
    }
}

fn bytes_member(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>, KeyError> {
    b64::decode(member(jwk, name)?.as_bytes())
        .ok_or_else(|| KeyError::new(format!("JWK member {name:?} is not base64url")))
}

/// Whether the JWK's `use` and `key_ops` allow verifying signatures.
fn usable_for_verify(jwk: &Map<String, Value>) -> Result<(), KeyError> {
    match jwk.get("use") {
        None => {}
        Some(Value::String(u)) if u == "sig" => {}
        Some(_) => return Err(KeyError::new("JWK use is not \"sig\"")),
    }
    match jwk.get("key_ops") {
        None => Ok(()),
        Some(Value::Array(ops)) => {
            if ops.iter().any(|op| op.as_str() == Some("verify")) {
                Ok(())
            } else {
                Err(KeyError::new("JWK key_ops does not include \"verify\""))
            }
        }
        Some(_) => Err(KeyError::new("JWK key_ops is not an array")),
    }
}

/// A key from one JWK object.
pub fn from_jwk(jwk: &Map<String, Value>) -> Result<Key, KeyError> {
    usable_for_verify(jwk)?;
    let kid = match jwk.get("kid") {
        None => None,
        Some(Value::String(s)) if is_well_formed_kid(s) => Some(s.clone()),
        Some(_) => return Err(KeyError::new("JWK kid is not a usable string")),
    };
    let alg = match jwk.get("alg") {
        None => None,
        Some(Value::String(name)) => Some(
            Algorithm::from_name(name).ok_or_else(|| KeyError::new(format!("JWK alg {name:?} is not supported")))?,
        ),
        Some(_) => return Err(KeyError::new("JWK alg is not a string")),
    };
    let key = match member(jwk, "kty")? {
        "oct" => Key::hmac(&bytes_member(jwk, "k")?)?,
        "RSA" => {
            let n = bytes_member(jwk, "n")?;
            let e = bytes_member(jwk, "e")?;
            if n.first() == Some(&0) || e.first() == Some(&0) || e.is_empty() {
                return Err(KeyError::new("JWK RSA n and e are unsigned without leading zeros"));
            }
            rsa_size_ok(bit_length(&n))?;
            let der = PublicKeyComponents {
                n: n.as_slice(),
                e: e.as_slice(),
            }
            .as_der()
            .map_err(|_| KeyError::new("JWK RSA key rejected"))?;
            Key::rsa_der(der.as_ref())?
        }
        "EC" => {
            let curve = match member(jwk, "crv")? {
                "P-256" => Curve::P256,
                "P-384" => Curve::P384,
                "P-521" => Curve::P521,
                other => return Err(KeyError::new(format!("unsupported EC curve {other:?}"))),
            };
            let x = bytes_member(jwk, "x")?;
            let y = bytes_member(jwk, "y")?;
            let len = curve.coordinate_len();
            if x.len() != len || y.len() != len {
                return Err(KeyError::new(format!(
                    "JWK {} coordinates must have {len} bytes",
                    curve.jwk_name()
                )));
            }
            let mut point = Vec::with_capacity(1 + 2 * len);
            point.push(4);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            Key::ec_point(curve, &point)?
        }
        "OKP" => match member(jwk, "crv")? {
            "Ed25519" => Key::ed25519(&bytes_member(jwk, "x")?)?,
            other => return Err(KeyError::new(format!("unsupported OKP curve {other:?}"))),
        },
        other => return Err(KeyError::new(format!("unsupported JWK kty {other:?}"))),
    };
    key.with_kid(kid).with_alg(alg)
}

/// Whether a key type is what a JWK `kty` names (for error messages and tests).
pub fn kty_name(t: KeyType) -> &'static str {
    match t {
        KeyType::Oct => "oct",
        KeyType::Rsa => "RSA",
        KeyType::Ec(_) => "EC",
        KeyType::Ed25519 => "OKP",
    }
}
