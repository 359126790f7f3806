//! Natives of the symmetric WebCrypto algorithms (`lazy/subtle_generic.js` calls them):
//! importing and generating AES, HKDF and PBKDF2 secrets, AES encryption and key wrapping, and
//! HKDF/PBKDF2 `deriveBits`. Errors are thrown as `Error("<DOMException name>: message")` like
//! the rest of `subtle_native`.

use super::{bytes, describe, material, throw};
use crate::isolate::interrupt::afford;
use crate::isolate::native::Shared;
use crate::webcrypto::{
    self as wc, CipherParams, CryptoError, ErrorName, Hash, KdfParams, Material, SecretKey, SecretKind,
};
use rquickjs::{Ctx, Exception, Function, Object, Result, TypedArray, Value};

/// The bytes of an optional BufferSource member (undefined: empty).
fn opt_bytes<'js>(ctx: &Ctx<'js>, v: &Value<'js>) -> Result<Vec<u8>> {
    if v.is_undefined() || v.is_null() {
        Ok(Vec::new())
    } else {
        bytes(ctx, v)
    }
}

/// The secret key behind a handle's material (borrowed: the bytes are not copied).
fn secret<'a>(ctx: &Ctx<'_>, m: &'a Material) -> Result<&'a SecretKey> {
    match m {
        Material::Secret(k) => Ok(k),
        _ => Err(throw(
            ctx,
            CryptoError::new(ErrorName::InvalidAccess, "the key is not for this algorithm"),
        )),
    }
}

/// A non-negative integer argument the JavaScript side has range-checked.
fn count(v: f64) -> u64 {
    if v.is_finite() && v >= 0.0 {
        v as u64
    } else {
        u64::MAX
    }
}

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>, state: &Shared) -> Result<()> {
    n.set(
        "cryptoSecretImport",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, kind: String, format: String, data: Value<'js>| {
                let kind = SecretKind::parse(&kind).map_err(|e| throw(&ctx, e))?;
                let key = match format.as_str() {
                    "raw" => SecretKey::new(kind, bytes(&ctx, &data)?),
                    "jwk" => {
                        let json = data
                            .as_string()
                            .ok_or_else(|| Exception::throw_type(&ctx, "JWK text expected"))?;
                        SecretKey::from_jwk(kind, &json.to_string()?)
                    }
                    other => Err(CryptoError::not_supported(format!("unsupported key format {other:?}"))),
                }
                .map_err(|e| throw(&ctx, e))?;
                describe(&ctx, Material::Secret(key))
            },
        )?,
    )?;
    let s = state.clone();
    n.set(
        "cryptoSecretGenerate",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, kind: String, bits: f64| {
            let kind = SecretKind::parse(&kind).map_err(|e| throw(&ctx, e))?;
            let len = match count(bits) {
                b @ (128 | 192 | 256) => b as usize / 8,
                b => {
                    return Err(throw(
                        &ctx,
                        CryptoError::operation(format!("an AES key has 128, 192 or 256 bits, not {b}")),
                    ))
                }
            };
            let mut secret = vec![0u8; len];
            s.lock().fill_random(&mut secret);
            let key = SecretKey::new(kind, secret).map_err(|e| throw(&ctx, e))?;
            describe(&ctx, Material::Secret(key))
        })?,
    )?;
    n.set(
        "cryptoCipher",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, handle: Value<'js>, decrypt: bool, alg: Object<'js>, data: Value<'js>| {
                let m = material(&ctx, &handle)?;
                let key = secret(&ctx, &m)?;
                let member = |name: &str| alg.get::<_, Value<'js>>(name);
                let number = |name: &str| -> Result<u32> {
                    let v = member(name)?;
                    Ok(u32::try_from(count(v.as_number().unwrap_or(-1.0))).unwrap_or(u32::MAX))
                };
                let name: String = alg.get("name")?;
                let params = match name.as_str() {
                    "AES-CTR" => CipherParams::Ctr {
                        counter: bytes(&ctx, &member("counter")?)?,
                        length: number("length")?,
                    },
                    "AES-CBC" => CipherParams::Cbc {
                        iv: bytes(&ctx, &member("iv")?)?,
                    },
                    "AES-GCM" => CipherParams::Gcm {
                        iv: bytes(&ctx, &member("iv")?)?,
                        aad: opt_bytes(&ctx, &member("additionalData")?)?,
                        tag_bits: number("tagLength")?,
                    },
                    "AES-KW" => CipherParams::Kw,
                    other => {
                        return Err(throw(
                            &ctx,
                            CryptoError::not_supported(format!("unsupported cipher {other:?}")),
                        ))
                    }
                };
                let input = bytes(&ctx, &data)?;
                let out = if decrypt {
                    wc::decrypt(key, &params, &input)
                } else {
                    wc::encrypt(key, &params, &input)
                }
                .map_err(|e| throw(&ctx, e))?;
                TypedArray::<u8>::new(ctx.clone(), out)
            },
        )?,
    )?;
    n.set(
        "cryptoDeriveBits",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, handle: Value<'js>, alg: Object<'js>, bits: f64| {
                let m = material(&ctx, &handle)?;
                let key = secret(&ctx, &m)?;
                let member = |name: &str| alg.get::<_, Value<'js>>(name);
                let name: String = alg.get("name")?;
                let hash: String = alg.get("hash")?;
                let hash = Hash::parse(&hash).map_err(|e| throw(&ctx, e))?;
                let params = match name.as_str() {
                    "HKDF" => KdfParams::Hkdf {
                        hash,
                        salt: bytes(&ctx, &member("salt")?)?,
                        info: opt_bytes(&ctx, &member("info")?)?,
                    },
                    "PBKDF2" => KdfParams::Pbkdf2 {
                        hash,
                        salt: bytes(&ctx, &member("salt")?)?,
                        iterations: u32::try_from(count(member("iterations")?.as_number().unwrap_or(-1.0)))
                            .unwrap_or(u32::MAX),
                    },
                    other => {
                        return Err(throw(
                            &ctx,
                            CryptoError::not_supported(format!("unsupported derivation {other:?}")),
                        ))
                    }
                };
                let bits = usize::try_from(count(bits)).unwrap_or(usize::MAX);
                // One PBKDF2 call runs up to seconds without polling: a budget that cannot
                // cover its lower bound ends the turn before it runs.
                afford(&ctx, wc::pbkdf2_floor_ns(&params, bits))?;
                let out = wc::kdf_bits(key, &params, bits).map_err(|e| throw(&ctx, e))?;
                TypedArray::<u8>::new(ctx.clone(), out)
            },
        )?,
    )?;
    Ok(())
}
