//! The natives of the WebSocket module (`webapi/lazy/websocket.js`): a socket id for a worker's
//! end whose other end the host will hold, and its sends and closes as operations.
//!
//! A send is an `OpKind::WebSocket` operation of the task whose turn made it; it is never
//! parked (nothing waits for it), so the host performs it and completes nothing. Ids are made
//! by `socket_id` (see `protocol::websocket`).

use super::native::Shared;
use crate::protocol::{OpKind, Operation, WsAction, MAX_WS_MESSAGE_BYTES};
use rquickjs::{Ctx, Exception, Function, Object, Result, TypedArray, Value};

fn push(state: &Shared, socket: u64, action: WsAction) {
    let mut st = state.lock();
    let id = st.op_ids.next();
    let task = st.current_task;
    st.new_ops.push(Operation {
        id,
        task,
        kind: OpKind::WebSocket { socket, action },
    });
    if let Some(t) = st.tasks.get_mut(&task) {
        t.ops += 1;
    }
}

fn too_big<'js>(ctx: &Ctx<'js>, len: usize) -> rquickjs::Error {
    Exception::throw_range(
        ctx,
        &format!("WebSocket message of {len} bytes is over the limit of {MAX_WS_MESSAGE_BYTES} bytes"),
    )
}

/// Adds `wsOpen`, `wsSend`, `wsClose`, `wsAttach`, `wsForget` and `wsHold` to the native object.
pub fn install<'js>(ctx: &Ctx<'js>, native: &Object<'js>, state: &Shared) -> Result<()> {
    // `new WebSocket(url)`: the current task stays open (as `ctx.waitUntil` keeps it) until
    // the connection opened or failed; returns the task, which `waitUntilEnd` releases.
    let s = state.clone();
    native.set(
        "wsHold",
        Function::new(ctx.clone(), move || {
            let mut st = s.lock();
            let task = st.current_task;
            if let Some(t) = st.tasks.get_mut(&task) {
                t.wait_until_pending += 1;
            }
            task as f64
        })?,
    )?;
    let s = state.clone();
    native.set(
        "wsOpen",
        Function::new(ctx.clone(), move || {
            let mut st = s.lock();
            st.socket_seq = st.socket_seq.wrapping_add(1);
            st.open_sockets += 1;
            ((st.isolate_id << 32) | u64::from(st.socket_seq)) as f64
        })?,
    )?;
    let s = state.clone();
    native.set(
        "wsSend",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, socket: f64, data: Value<'js>| {
            let action = if let Some(text) = data.as_string() {
                let text = text.to_string()?;
                if text.len() > MAX_WS_MESSAGE_BYTES {
                    return Err(too_big(&ctx, text.len()));
                }
                WsAction::Text(text)
            } else {
                let arr = TypedArray::<u8>::from_value(data)?;
                // SAFETY: the bytes are copied before any JavaScript can run again.
                let bytes = unsafe { arr.as_bytes() }
                    .map(<[u8]>::to_vec)
                    .ok_or_else(|| Exception::throw_type(&ctx, "detached buffer"))?;
                if bytes.len() > MAX_WS_MESSAGE_BYTES {
                    return Err(too_big(&ctx, bytes.len()));
                }
                WsAction::Binary(bytes)
            };
            push(&s, socket as u64, action);
            Ok(())
        })?,
    )?;
    let s = state.clone();
    native.set(
        "wsClose",
        Function::new(ctx.clone(), move |socket: f64, code: u16, reason: String| {
            push(&s, socket as u64, WsAction::Close { code, reason });
        })?,
    )?;
    let s = state.clone();
    native.set(
        "wsAttach",
        Function::new(ctx.clone(), move |socket: f64, handle: String| {
            push(&s, socket as u64, WsAction::Attach { handle });
        })?,
    )?;
    let s = state.clone();
    native.set(
        "wsForget",
        Function::new(ctx.clone(), move |_socket: f64| {
            let mut st = s.lock();
            st.open_sockets = st.open_sockets.saturating_sub(1);
        })?,
    )?;
    Ok(())
}
