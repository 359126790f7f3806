//! Native halves of Web APIs whose specifications are best served by a Rust crate:
//! WHATWG URL parsing and setters (`url`), `application/x-www-form-urlencoded`
//! (`form_urlencoded`, re-exported by `url`), and UTF-8 encoding and decoding.

use rquickjs::function::Opt;
use rquickjs::{Ctx, Exception, Function, Object, Result, TypedArray, Value};
use url::{quirks, Url};

/// The components the JS `URL` class caches, in this order.
fn components(u: &Url) -> Vec<String> {
    vec![
        quirks::href(u).to_owned(),
        quirks::origin(u),
        quirks::protocol(u).to_owned(),
        quirks::username(u).to_owned(),
        quirks::password(u).to_owned(),
        quirks::host(u).to_owned(),
        quirks::hostname(u).to_owned(),
        quirks::port(u).to_owned(),
        quirks::pathname(u).to_owned(),
        quirks::search(u).to_owned(),
        quirks::hash(u).to_owned(),
    ]
}

pub fn parse_url(input: &str, base: Option<&str>) -> Option<Url> {
    match base {
        Some(base) => {
            let base = Url::parse(base).ok()?;
            Url::options().base_url(Some(&base)).parse(input).ok()
        }
        None => Url::parse(input).ok(),
    }
}

/// Applies a URL setter. Only `href` can fail (the JS side throws a TypeError); the other
/// setters leave the URL unchanged on bad input, as the URL standard says.
fn set_component(u: &mut Url, prop: &str, value: &str) -> bool {
    match prop {
        "href" => return quirks::set_href(u, value).is_ok(),
        "protocol" => drop(quirks::set_protocol(u, value)),
        "username" => drop(quirks::set_username(u, value)),
        "password" => drop(quirks::set_password(u, value)),
        "host" => drop(quirks::set_host(u, value)),
        "hostname" => drop(quirks::set_hostname(u, value)),
        "port" => drop(quirks::set_port(u, value)),
        "pathname" => quirks::set_pathname(u, value),
        "search" => quirks::set_search(u, value),
        "hash" => quirks::set_hash(u, value),
        _ => return false,
    }
    true
}

/// Decodes UTF-8 as the Encoding standard does: `None` on the first error when `fatal`,
/// U+FFFD replacement otherwise; a leading BOM is removed unless `ignore_bom`.
pub fn decode_utf8(bytes: &[u8], fatal: bool, ignore_bom: bool) -> Option<String> {
    let bytes = if !ignore_bom && bytes.starts_with(&[0xEF, 0xBB, 0xBF]) { &bytes[3..] } else { bytes };
    if fatal {
        std::str::from_utf8(bytes).ok().map(str::to_owned)
    } else {
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>) -> Result<()> {
    n.set(
        "urlParse",
        Function::new(ctx.clone(), |input: String, base: Opt<Option<String>>| {
            parse_url(&input, base.0.flatten().as_deref()).map(|u| components(&u))
        })?,
    )?;
    n.set(
        "urlSet",
        Function::new(ctx.clone(), |href: String, prop: String, value: String| {
            let mut u = Url::parse(&href).ok()?;
            if !set_component(&mut u, &prop, &value) {
                return None;
            }
            Some(components(&u))
        })?,
    )?;
    n.set(
        "formParse",
        Function::new(ctx.clone(), |input: String| {
            let mut flat = Vec::new();
            for (k, v) in url::form_urlencoded::parse(input.as_bytes()) {
                flat.push(k.into_owned());
                flat.push(v.into_owned());
            }
            flat
        })?,
    )?;
    n.set(
        "formSerialize",
        Function::new(ctx.clone(), |flat: Vec<String>| {
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            for pair in flat.chunks_exact(2) {
                ser.append_pair(&pair[0], &pair[1]);
            }
            ser.finish()
        })?,
    )?;
    n.set(
        "encode",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, s: String| TypedArray::<u8>::new(ctx, s.into_bytes()))?,
    )?;
    n.set(
        "decode",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, bytes: Value<'js>, fatal: bool, ignore_bom: bool| {
            let arr = TypedArray::<u8>::from_value(bytes)?;
            // SAFETY: the slice is decoded into an owned String before any JavaScript runs again.
            let decoded = unsafe { arr.as_bytes() }.map(|data| decode_utf8(data, fatal, ignore_bom));
            match decoded {
                None => Err(Exception::throw_type(&ctx, "detached buffer")),
                Some(None) => Err(Exception::throw_type(&ctx, "The encoded data was not valid for encoding utf-8")),
                Some(Some(s)) => Ok(s),
            }
        })?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_decoding_modes() {
        assert_eq!(decode_utf8(b"\xEF\xBB\xBFhi", false, false).unwrap(), "hi");
        assert_eq!(decode_utf8(b"\xEF\xBB\xBFhi", false, true).unwrap(), "\u{FEFF}hi");
        assert_eq!(decode_utf8(b"a\xFFb", false, false).unwrap(), "a\u{FFFD}b");
        assert!(decode_utf8(b"a\xFFb", true, false).is_none());
    }

    #[test]
    fn url_components() {
        let u = parse_url("/p?q#h", Some("https://user:pw@example.com:8443/a/b")).unwrap();
        let c = components(&u);
        assert_eq!(c[0], "https://user:pw@example.com:8443/p?q#h");
        assert_eq!(c[1], "https://example.com:8443");
        assert_eq!(c[7], "8443");
        assert!(parse_url("not a url", None).is_none());
    }
}
