//! WebSocket delivery: an event of a socket the host holds the other end of (a message, a
//! close, an error) delivered to the worker's end, as a task of its own, in a turn like any
//! other (`Isolate::deliver_ws`). The prelude's WebSocket module (`webapi/lazy/websocket.js`)
//! fires the socket's listeners or a Durable Object's handlers.

use rquickjs::{TypedArray, Value};

use super::Isolate;
use crate::protocol::{Step, TaskId, WsEvent};

impl Isolate {
    /// WebSockets of this isolate that the host holds the other end of and that are open.
    pub fn open_sockets(&self) -> usize {
        self.state.lock().open_sockets
    }

    /// Delivers a WebSocket event to the worker's end of `socket` as a task of its own: the
    /// prelude's WebSocket module fires the socket's listeners (or a Durable Object's
    /// `webSocketMessage`/`webSocketClose`/`webSocketError`) and settles the task with an
    /// empty 200 once they have run (and their promises settled), or fails it like a request.
    pub fn deliver_ws(&mut self, task: TaskId, socket: u64, event: WsEvent, now_ns: u64) -> Vec<Step> {
        let now_ms = self.open_task(task, now_ns, false);
        if let Some(t) = self.state.lock().tasks.get_mut(&task) {
            t.linger = true;
        }
        let dispatch = self.dispatch.clone();
        self.turn(task, now_ns, move |ctx| {
            let dispatch = dispatch
                .expect("dispatch is set once the isolate is loaded")
                .restore(ctx)?;
            let (meta, data): (String, Value) = match event {
                WsEvent::Text(text) => (
                    format!(r#"{{"s":{socket},"t":"message"}}"#),
                    rquickjs::String::from_str(ctx.clone(), &text)?.into_value(),
                ),
                WsEvent::Binary(bytes) => (
                    format!(r#"{{"s":{socket},"t":"message"}}"#),
                    TypedArray::<u8>::new(ctx.clone(), bytes)?.into_value(),
                ),
                WsEvent::Close { code, reason, clean } => (
                    serde_json::json!({"s": socket, "t": "close", "code": code, "reason": reason, "clean": clean})
                        .to_string(),
                    Value::new_undefined(ctx.clone()),
                ),
                WsEvent::Error(message) => (
                    serde_json::json!({"s": socket, "t": "error", "message": message}).to_string(),
                    Value::new_undefined(ctx.clone()),
                ),
            };
            // `method` null marks an event: (task, null, "websocket", meta JSON, data).
            dispatch.call::<_, ()>((task as f64, Value::new_null(ctx.clone()), "websocket", meta, data))
        });
        self.collect(now_ms)
    }
}
