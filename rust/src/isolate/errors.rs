//! Turning JavaScript exceptions into readable text.

use rquickjs::{Ctx, Value};

/// `Name: message` followed by the stack, for an Error; `Uncaught <value>` otherwise.
pub fn describe<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> String {
    if let Some(obj) = value.as_object() {
        let name: Option<String> = obj.get("name").ok();
        let message: Option<String> = obj.get("message").ok();
        let stack: Option<String> = obj.get("stack").ok();
        if name.is_some() || message.is_some() {
            let mut s = match (name, message) {
                (Some(n), Some(m)) if !m.is_empty() => format!("{n}: {m}"),
                (Some(n), _) => n,
                (None, Some(m)) => m,
                (None, None) => String::new(),
            };
            if let Some(stack) = stack.filter(|s| !s.trim().is_empty()) {
                s.push('\n');
                s.push_str(stack.trim_end());
            }
            return s;
        }
    }
    let text = ctx
        .json_stringify(value.clone())
        .ok()
        .flatten()
        .and_then(|s| s.to_string().ok())
        .or_else(|| value.as_string().and_then(|s| s.to_string().ok()))
        .unwrap_or_else(|| format!("{:?}", value.type_of()));
    format!("Uncaught {text}")
}

/// Whether an exception is QuickJS's out-of-memory error.
pub fn is_out_of_memory(text: &str) -> bool {
    text.starts_with("InternalError: out of memory") || text.contains("out of memory")
}
