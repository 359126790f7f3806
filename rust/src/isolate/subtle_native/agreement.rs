//! Native key agreement for `crypto.subtle.deriveBits` / `deriveKey` with ECDH and X25519
//! (the generic steps in `lazy/subtle_generic.js` and `lazy/subtle_ec.js` check the WebIDL,
//! usages, key types and algorithm names first; the secret is computed here from the two keys'
//! material).

use super::{material, throw};
use crate::webcrypto as wc;
use rquickjs::{Ctx, Function, Object, Result, TypedArray, Value};

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>) -> Result<()> {
    // `cryptoAgree(baseKey, publicKey, length)`: `length` is a bit count, or negative for
    // "null" (the whole secret).
    n.set(
        "cryptoAgree",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, base: Value<'js>, public: Value<'js>, length: f64| {
                let private = material(&ctx, &base)?;
                let public = material(&ctx, &public)?;
                let length = (length >= 0.0).then_some(length as usize);
                let bits = wc::agreement_bits(&private, &public, length).map_err(|e| throw(&ctx, e))?;
                TypedArray::<u8>::new(ctx.clone(), bits)
            },
        )?,
    )?;
    Ok(())
}
