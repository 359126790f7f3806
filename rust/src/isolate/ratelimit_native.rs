//! The native side of rate-limiting bindings: `env.LIMITER.limit({key})`.
//!
//! The PoP's counters (`crate::ratelimit`) are consulted inside the call, at the turn's host
//! time, and the answer is returned at once (the prelude wraps it in a resolved promise): a
//! call is local to the PoP, so nothing crosses into the host.

use super::native::Shared;
use crate::ratelimit::SharedCounters;
use rquickjs::{Ctx, Exception, Function, Object, Result};

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>, state: &Shared) -> Result<()> {
    let s = state.clone();
    n.set(
        "rlLimit",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, store: f64, namespace: String, key: String, limit: u32, period: u32| {
                let now_ns = s.lock().now_ns;
                let Some(table) = SharedCounters::find(store as u64) else {
                    return Err(Exception::throw_message(
                        &ctx,
                        "this rate limiting binding's counters are gone (the PoP was shut down)",
                    ));
                };
                let ok = table.lock().hit(&namespace, &key, limit, period, now_ns);
                Ok(ok)
            },
        )?,
    )?;
    Ok(())
}
