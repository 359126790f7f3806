//! Native half of `crypto.subtle` (the lazy `subtle.js` module holds the WebIDL and CryptoKey
//! object model). Key material stays in Rust: a `CryptoKey` holds a `KeyHandle`, an opaque
//! QuickJS class instance freed with it by the garbage collector. Errors are thrown as
//! `Error("<DOMException name>: message")`, which `subtle.js` turns into `DOMException`s.

/// The subtle natives' byte arguments: copied and charged to the CPU budget.
pub(super) use super::interrupt::charged_bytes as bytes;
use super::interrupt::{afford, charge};
use super::native::Shared;
use super::settle::{uint8_array, Text};
use crate::webcrypto::{self as wc, CryptoError, Hash, Kind, Material, Params, SigParams};
use rquickjs::class::{JsClass, Readable, Trace, Tracer};
use rquickjs::function::Opt;
use rquickjs::{Array, Class, Ctx, Exception, Function, JsLifetime, Object, Result, TypedArray, Value};
use std::sync::Arc;

/// The symmetric algorithms' natives (AES, HKDF, PBKDF2).
mod agreement;
mod rsa;
mod symmetric;

/// The opaque handle a CryptoKey keeps in a private field.
pub struct KeyHandle(Arc<Material>);

impl<'js> Trace<'js> for KeyHandle {
    fn trace<'a>(&self, _tracer: Tracer<'a, 'js>) {}
}

// SAFETY: `KeyHandle` holds no JavaScript values, so it has no lifetime to change.
unsafe impl<'js> JsLifetime<'js> for KeyHandle {
    type Changed<'to> = KeyHandle;
}

impl<'js> JsClass<'js> for KeyHandle {
    const NAME: &'static str = "CryptoKeyHandle";
    type Mutable = Readable;

    fn prototype(ctx: &Ctx<'js>) -> Result<Option<Object<'js>>> {
        Ok(Some(Object::new(ctx.clone())?))
    }

    fn constructor(_ctx: &Ctx<'js>) -> Result<Option<rquickjs::Constructor<'js>>> {
        Ok(None)
    }
}

pub(super) fn throw(ctx: &Ctx<'_>, e: CryptoError) -> rquickjs::Error {
    Exception::throw_message(ctx, &e.to_string())
}

pub(super) fn material<'js>(ctx: &Ctx<'js>, handle: &Value<'js>) -> Result<Arc<Material>> {
    let class = Class::<KeyHandle>::from_value(handle).map_err(|_| Exception::throw_type(ctx, "not a CryptoKey"))?;
    let m = class.borrow().0.clone();
    Ok(m)
}

fn hash_opt(ctx: &Ctx<'_>, name: &str) -> Result<Option<Hash>> {
    if name.is_empty() {
        Ok(None)
    } else {
        Hash::parse(name).map(Some).map_err(|e| throw(ctx, e))
    }
}

fn sig_params(ctx: &Ctx<'_>, kind: &str, hash: &str, salt_length: f64) -> Result<SigParams> {
    let kind = Kind::parse(kind).map_err(|e| throw(ctx, e))?;
    let need_hash = || hash_opt(ctx, hash)?.ok_or_else(|| Exception::throw_type(ctx, "a hash is required"));
    Ok(match kind {
        Kind::Ecdh | Kind::X25519 => {
            return Err(throw(
                ctx,
                CryptoError::new(wc::ErrorName::InvalidAccess, "not a signature algorithm"),
            ))
        }
        Kind::Hmac => SigParams::Hmac,
        Kind::RsaPkcs1 => SigParams::RsaPkcs1 { hash: need_hash()? },
        Kind::RsaPss => SigParams::RsaPss {
            hash: need_hash()?,
            salt_length: if salt_length.is_finite() && salt_length >= 0.0 {
                salt_length as usize
            } else {
                usize::MAX
            },
        },
        Kind::Ecdsa => SigParams::Ecdsa { hash: need_hash()? },
        Kind::Ed25519 => SigParams::Ed25519,
        Kind::RsaOaep => {
            return Err(throw(
                ctx,
                CryptoError::new(wc::ErrorName::InvalidAccess, "RSA-OAEP keys do not sign"),
            ))
        }
    })
}

/// `[handle, type, bits, publicExponent]` for imported or generated material.
pub(super) fn describe<'js>(ctx: &Ctx<'js>, m: Material) -> Result<Array<'js>> {
    let info = m.info();
    let out = Array::new(ctx.clone())?;
    out.set(0, Class::instance(ctx.clone(), KeyHandle(Arc::new(m)))?)?;
    out.set(1, info.key_type)?;
    out.set(2, info.bits as f64)?;
    out.set(3, TypedArray::<u8>::new(ctx.clone(), info.public_exponent)?)?;
    Ok(out)
}

/// A generated key pair as `[public, private]` descriptions (`describe`).
pub(super) fn describe_pair<'js>(ctx: &Ctx<'js>, (public, private): (Material, Material)) -> Result<Array<'js>> {
    let out = Array::new(ctx.clone())?;
    out.set(0, describe(ctx, public)?)?;
    out.set(1, describe(ctx, private)?)?;
    Ok(out)
}

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>, state: &Shared) -> Result<()> {
    n.set(
        "cryptoImport",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>,
             format: String,
             kind: String,
             hash: String,
             curve: String,
             length: f64,
             data: Value<'js>| {
                let params = Params {
                    kind: Kind::parse(&kind).map_err(|e| throw(&ctx, e))?,
                    hash: hash_opt(&ctx, &hash)?,
                    curve: if curve.is_empty() {
                        None
                    } else {
                        Some(wc::parse_curve(&curve).map_err(|e| throw(&ctx, e))?)
                    },
                    length: (length.is_finite() && length >= 0.0).then_some(length as usize),
                };
                let m = match format.as_str() {
                    "jwk" => {
                        let json = data
                            .as_string()
                            .ok_or_else(|| Exception::throw_type(&ctx, "JWK text expected"))?;
                        wc::import_jwk(&params, &json.to_string()?)
                    }
                    "raw" => wc::import_raw(&params, &bytes(&ctx, &data)?),
                    "spki" => wc::import_spki(&params, &bytes(&ctx, &data)?),
                    "pkcs8" => wc::import_pkcs8(&params, &bytes(&ctx, &data)?),
                    other => Err(CryptoError::not_supported(format!("unsupported key format {other:?}"))),
                }
                .map_err(|e| throw(&ctx, e))?;
                describe(&ctx, m)
            },
        )?,
    )?;
    let s = state.clone();
    n.set(
        "cryptoGenerate",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, kind: String, curve: String| {
            let mut seed = vec![0u8; 66 * 8];
            s.lock().fill_random(&mut seed);
            let pair = match Kind::parse(&kind).map_err(|e| throw(&ctx, e))? {
                Kind::Ecdsa => wc::parse_curve(&curve).and_then(|c| wc::generate_ec(c, &seed)),
                Kind::Ed25519 => wc::generate_ed25519(&seed[..32]),
                Kind::Ecdh => wc::parse_curve(&curve).and_then(|c| wc::generate_ecdh(c, &seed)),
                Kind::X25519 => wc::generate_x25519(&seed),
                _ => Err(CryptoError::not_supported(format!(
                    "generateKey is not supported for {kind}"
                ))),
            }
            .map_err(|e| throw(&ctx, e))?;
            describe_pair(&ctx, pair)
        })?,
    )?;
    n.set(
        "cryptoExport",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, handle: Value<'js>, format: String| {
            let m = material(&ctx, &handle)?;
            let out: Value<'js> = match format.as_str() {
                "jwk" => {
                    let jwk = wc::export_jwk(&m).map_err(|e| throw(&ctx, e))?;
                    rquickjs::String::from_str(ctx.clone(), &jwk.to_string())?.into_value()
                }
                f => {
                    let b = match f {
                        "raw" => wc::export_raw(&m),
                        "spki" => wc::export_spki(&m),
                        "pkcs8" => wc::export_pkcs8(&m),
                        other => Err(CryptoError::not_supported(format!("unsupported key format {other:?}"))),
                    }
                    .map_err(|e| throw(&ctx, e))?;
                    TypedArray::<u8>::new(ctx.clone(), b)?.into_value()
                }
            };
            Ok::<_, rquickjs::Error>(out)
        })?,
    )?;
    n.set(
        "cryptoSign",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, handle: Value<'js>, kind: String, hash: String, salt: f64, data: Value<'js>| {
                let m = material(&ctx, &handle)?;
                let params = sig_params(&ctx, &kind, &hash, salt)?;
                // One RSA signature with a 16384-bit key takes ~0.5 s, which no poll interrupts.
                afford(&ctx, m.private_op_floor_ns())?;
                let out = wc::sign(&m, &params, &bytes(&ctx, &data)?).map_err(|e| throw(&ctx, e))?;
                TypedArray::<u8>::new(ctx.clone(), out)
            },
        )?,
    )?;
    n.set(
        "cryptoVerify",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>,
             handle: Value<'js>,
             kind: Value<'js>,
             hash: Value<'js>,
             salt: f64,
             signature: Value<'js>,
             data: Value<'js>| {
                // Every request of a JWT worker verifies: the strings and bytes are read where
                // QuickJS keeps them (no JavaScript runs until the verification is done).
                let m = material(&ctx, &handle)?;
                let raw = ctx.as_raw().as_ptr();
                // SAFETY: `raw` is the live context of `ctx`; the values are live arguments.
                let (kind, hash) = unsafe { (Text::of(raw, kind.as_raw()), Text::of(raw, hash.as_raw())) };
                let (Some(kind), Some(hash)) = (kind, hash) else {
                    return Err(Exception::throw_type(
                        &ctx,
                        "cryptoVerify: the kind and hash must be strings",
                    ));
                };
                let (kind, hash) = (
                    std::str::from_utf8(kind.bytes()).unwrap_or(""),
                    std::str::from_utf8(hash.bytes()).unwrap_or(""),
                );
                let params = sig_params(&ctx, kind, hash, salt)?;
                // SAFETY: both slices are read by `verify` before any JavaScript runs.
                let (signature, data) = unsafe { (uint8_array(&ctx, &signature)?, uint8_array(&ctx, &data)?) };
                charge(&ctx, signature.len() + data.len())?;
                wc::verify(&m, &params, signature, data).map_err(|e| throw(&ctx, e))
            },
        )?,
    )?;
    n.set(
        "cryptoDigest",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, hash: String, data: Value<'js>| {
            let hash = Hash::parse(&hash).map_err(|e| throw(&ctx, e))?;
            TypedArray::<u8>::new(ctx.clone(), wc::digest(hash, &bytes(&ctx, &data)?))
        })?,
    )?;
    agreement::install(ctx, n)?;
    n.set(
        "timingSafeEqual",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, a: Value<'js>, b: Value<'js>, _x: Opt<Value<'js>>| {
                Ok::<_, rquickjs::Error>(wc::timing_safe_equal(&bytes(&ctx, &a)?, &bytes(&ctx, &b)?))
            },
        )?,
    )?;
    symmetric::install(ctx, n, state)?;
    rsa::install(ctx, n, state)?;
    Ok(())
}
