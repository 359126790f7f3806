//! Native half of `crypto.subtle`'s RSA-only operations: RSA key generation and RSA-OAEP
//! `encrypt` / `decrypt` (`webcrypto::rsa_keygen`, `webcrypto::rsa_oaep`). Installed with the
//! other WebCrypto natives when `lazy/subtle.js` first loads.

use super::{bytes, describe_pair, material, throw};
use crate::isolate::cpu;
use crate::isolate::interrupt::{afford, end_turn};
use crate::isolate::native::Shared;
use crate::webcrypto::{self as wc, rsa_oaep, Hash};
use rquickjs::function::Opt;
use rquickjs::{Ctx, Function, Object, Result, TypedArray, Value};

/// The CPU budget of the turn armed on this thread, as RSA key generation asks it.
struct TurnBudget;

impl wc::KeygenBudget for TurnBudget {
    fn cannot_finish(&self, work_ns: u64) -> bool {
        cpu::armed_cannot_finish(work_ns)
    }

    fn remaining_ns(&self) -> u64 {
        cpu::armed_remaining_ns()
    }
}

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>, state: &Shared) -> Result<()> {
    let s = state.clone();
    n.set(
        "cryptoGenerateRsa",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, bits: f64, exponent: Value<'js>, check_only: Opt<bool>| {
                let bits = if bits.is_finite() && bits >= 0.0 {
                    bits as usize
                } else {
                    0
                };
                let exponent = bytes(&ctx, &exponent)?;
                if check_only.0.unwrap_or(false) {
                    wc::check_rsa_params(bits, &exponent).map_err(|e| throw(&ctx, e))?;
                    return Ok(Value::new_undefined(ctx.clone()));
                }
                let mut seed = [0u8; 32];
                s.lock().fill_random(&mut seed);
                // The generation asks the turn's CPU budget before it starts and between prime
                // candidates (`webcrypto::rsa_keygen`); when it cannot go on, the turn ends as
                // over its CPU limit, as it would have once the generation returned.
                let generated = wc::generate_rsa(bits, &exponent, seed, &TurnBudget);
                let Some(pair) = generated.map_err(|e| throw(&ctx, e))? else {
                    return Err(end_turn(&ctx));
                };
                Ok::<_, rquickjs::Error>(describe_pair(&ctx, pair)?.into_value())
            },
        )?,
    )?;
    n.set(
        "cryptoRsaOaep",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>,
             handle: Value<'js>,
             encrypt: bool,
             hash: String,
             data: Value<'js>,
             label: Opt<Value<'js>>| {
                let m = material(&ctx, &handle)?;
                let hash = Hash::parse(&hash).map_err(|e| throw(&ctx, e))?;
                let label = match label.0 {
                    Some(v) if !v.is_undefined() => bytes(&ctx, &v)?,
                    _ => Vec::new(),
                };
                let input = bytes(&ctx, &data)?;
                if !encrypt {
                    afford(&ctx, m.private_op_floor_ns())?;
                }
                let out = if encrypt {
                    rsa_oaep::encrypt(&m, hash, &label, &input)
                } else {
                    rsa_oaep::decrypt(&m, hash, &label, &input)
                }
                .map_err(|e| throw(&ctx, e))?;
                TypedArray::<u8>::new(ctx.clone(), out)
            },
        )?,
    )?;
    Ok(())
}
