//! The native half of `formData()` for `multipart/form-data` bodies (RFC 7578, RFC 2046 §5.1):
//! splitting a body into parts is byte work that JavaScript does slowly (a 1 MB upload took
//! ~150 ms of CPU in QuickJS; here it is a `memchr::memmem` scan and one copy per part).

use memchr::memmem;
use rquickjs::{Array, Ctx, Exception, Function, Object, Result, TypedArray, Value};

/// One part: its field name, its filename (a file part), its Content-Type, its bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Part<'a> {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub body: &'a [u8],
}

/// A `Content-Disposition` parameter: a quoted string (backslash escapes undone) or a token;
/// browsers' `%22`, `%0D`, `%0A` escapes (HTML's multipart encoding) are undone too.
fn param(header: &str, key: &str) -> Option<String> {
    let chars: Vec<char> = header.chars().collect();
    let mut i = chars.iter().position(|&c| c == ';')? + 1;
    while i < chars.len() {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let key_start = i;
        while i < chars.len() && chars[i] != '=' && chars[i] != ';' {
            i += 1;
        }
        let k: String = chars[key_start..i].iter().collect();
        let mut value = String::new();
        if chars.get(i) == Some(&'=') {
            i += 1;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            if chars.get(i) == Some(&'"') {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    value.push(chars[i]);
                    i += 1;
                }
                while i < chars.len() && chars[i] != ';' {
                    i += 1;
                }
            } else {
                let start = i;
                while i < chars.len() && chars[i] != ';' {
                    i += 1;
                }
                value = chars[start..i].iter().collect::<String>().trim().to_owned();
            }
        }
        i += 1;
        if k.trim().eq_ignore_ascii_case(key) {
            return Some(value.replace("%22", "\"").replace("%0D", "\r").replace("%0A", "\n"));
        }
    }
    None
}

/// Splits a multipart/form-data body; `None` when it is malformed (no delimiter, a part without
/// a `form-data` disposition and name, or no closing delimiter).
pub fn parse<'a>(body: &'a [u8], boundary: &str) -> Option<Vec<Part<'a>>> {
    if boundary.is_empty() || boundary.len() > 70 {
        return None;
    }
    let delim = format!("--{boundary}");
    let next_delim = format!("\r\n--{boundary}");
    let finder = memmem::Finder::new(next_delim.as_bytes());
    let mut pos = memmem::find(body, delim.as_bytes())?;
    // The first delimiter is at the start or after a CRLF (the preamble is ignored).
    if pos != 0 && !body[..pos].ends_with(b"\r\n") {
        pos = finder.find(body)? + 2;
    }
    let mut parts = Vec::new();
    loop {
        pos += delim.len();
        if body[pos..].starts_with(b"--") {
            return Some(parts);
        }
        while matches!(body.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
        if !body[pos..].starts_with(b"\r\n") {
            return None;
        }
        pos += 2;
        // Headers end at an empty line; searching from the CRLF just read also finds a part
        // with no headers at all.
        let head_end = memmem::find(&body[pos - 2..], b"\r\n\r\n")? + pos - 2;
        let headers = if head_end > pos { &body[pos..head_end] } else { &b""[..] };
        let start = head_end + 4;
        let end = finder.find(&body[start - 2..])? + start - 2;
        let content = if end > start { &body[start..end] } else { &b""[..] };
        let (mut name, mut filename, mut content_type) = (None, None, None);
        for line in String::from_utf8_lossy(headers).split("\r\n") {
            let Some((k, v)) = line.split_once(':') else { continue };
            let v = v.trim();
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                let kind = v.split(';').next().unwrap_or("").trim();
                if !kind.eq_ignore_ascii_case("form-data") {
                    return None;
                }
                name = param(v, "name");
                filename = param(v, "filename");
            } else if k.trim().eq_ignore_ascii_case("content-type") {
                content_type = Some(v.to_owned());
            }
        }
        parts.push(Part {
            name: name?,
            filename,
            content_type,
            body: content,
        });
        pos = end + 2;
    }
}

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>) -> Result<()> {
    n.set(
        "multipartParse",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, input: Value<'js>, boundary: String| {
            let arr = TypedArray::<u8>::from_value(input)?;
            // SAFETY: the parts are copied into new arrays before any JavaScript runs again.
            let Some(bytes) = (unsafe { arr.as_bytes() }) else {
                return Err(Exception::throw_type(&ctx, "detached buffer"));
            };
            let Some(parts) = parse(bytes, &boundary) else {
                return Ok(Value::new_null(ctx.clone()));
            };
            let out = Array::new(ctx.clone())?;
            let mut i = 0;
            for p in parts {
                out.set(i, p.name)?;
                out.set(i + 1, p.filename)?;
                out.set(i + 2, p.content_type)?;
                out.set(i + 3, TypedArray::<u8>::new_copy(ctx.clone(), p.body)?)?;
                i += 4;
            }
            Ok(out.into_value())
        })?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_files_and_edge_cases() {
        let body = b"preamble\r\n--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B  \r\n\
Content-Disposition: form-data; name=\"f\"; filename=\"x \\\"y\\\".bin\"\r\nContent-Type: app/x\r\n\r\n\r\n--C\r\n\r\n--B\r\n\
Content-Disposition: form-data; name=empty\r\n\r\n\r\n--B--\r\nepilogue";
        let parts = parse(body, "B").unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!((parts[0].name.as_str(), parts[0].body), ("a", &b"1"[..]));
        assert_eq!(parts[1].filename.as_deref(), Some("x \"y\".bin"));
        assert_eq!(parts[1].content_type.as_deref(), Some("app/x"));
        assert_eq!(parts[1].body, b"\r\n--C\r\n");
        assert_eq!((parts[2].name.as_str(), parts[2].body), ("empty", &b""[..]));
        assert_eq!(param("form-data; name=\"a%22b\"", "name").as_deref(), Some("a\"b"));
        assert_eq!(
            param("form-data; filename=\"f\"; name=\"n\"", "name").as_deref(),
            Some("n")
        );
    }

    #[test]
    fn malformed_bodies() {
        assert!(parse(b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", "B").is_none());
        assert!(parse(
            b"--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--B--",
            "B"
        )
        .is_none());
        assert!(parse(b"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--", "B").is_none());
        assert!(parse(b"nothing here", "B").is_none());
        assert!(parse(b"--B--", "").is_none());
    }
}
