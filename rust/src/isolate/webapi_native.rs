//! Native halves of Web APIs whose specifications are best served by a Rust crate:
//! WHATWG URL parsing and setters (`ada-url`, the parser Node.js uses, current with the
//! standard), `application/x-www-form-urlencoded` (`form_urlencoded`, from the `url` crate),
//! and UTF-8 encoding and decoding.

use super::interrupt::charge;
use ada_url::Url;
use rquickjs::function::Opt;
use rquickjs::{Ctx, Function, Object, Result};

/// The components the JS `URL` class caches, in this order.
fn components(u: &Url) -> Vec<String> {
    vec![
        u.href().to_owned(),
        u.origin(),
        u.protocol().to_owned(),
        u.username().to_owned(),
        u.password().to_owned(),
        u.host().to_owned(),
        u.hostname().to_owned(),
        u.port().to_owned(),
        u.pathname().to_owned(),
        u.search().to_owned(),
        u.hash().to_owned(),
    ]
}

pub fn parse_url(input: &str, base: Option<&str>) -> Option<Url> {
    Url::parse(input, base).ok().filter(punycode_labels_valid)
}

/// Whether every `xn--` label of the URL's host is valid Punycode of a valid label (UTS #46's
/// check, which the URL Standard's "domain to ASCII" makes and the vendored ada does not):
/// such a host goes through the `url` crate's host parser (`idna`), which does. Hosts without
/// an `xn--` label (nearly all) cost one substring search.
fn punycode_labels_valid(u: &Url) -> bool {
    let host = u.hostname();
    if memchr::memmem::find(host.as_bytes(), b"xn--").is_none() || !u.has_hostname() {
        return true;
    }
    if matches!(u.scheme_type(), ada_url::SchemeType::NotSpecial) || u.host_type() != ada_url::HostType::Domain {
        return true; // an opaque host or an IP address: no IDNA
    }
    url::Host::parse(host).is_ok()
}

/// Applies a URL setter. Only `href` can fail (the JS side throws a TypeError); the other
/// setters leave the URL unchanged on bad input, as the URL standard says.
fn set_component(u: &mut Url, prop: &str, value: &str) -> bool {
    match prop {
        "href" => return u.set_href(value).is_ok(),
        "protocol" => drop(u.set_protocol(value)),
        "username" => drop(u.set_username(Some(value))),
        "password" => drop(u.set_password(Some(value))),
        "host" => drop(u.set_host(Some(value))),
        "hostname" => drop(u.set_hostname(Some(value))),
        "port" => drop(u.set_port(Some(value))),
        "pathname" => drop(u.set_pathname(Some(value))),
        "search" => u.set_search(Some(value)),
        "hash" => u.set_hash(Some(value)),
        _ => return false,
    }
    true
}

/// Decodes UTF-8 as the Encoding standard does: `None` on the first error when `fatal`,
/// U+FFFD replacement otherwise; a leading BOM is removed unless `ignore_bom`.
pub fn decode_utf8(bytes: &[u8], fatal: bool, ignore_bom: bool) -> Option<String> {
    let bytes = if !ignore_bom && bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        &bytes[3..]
    } else {
        bytes
    };
    if fatal {
        std::str::from_utf8(bytes).ok().map(str::to_owned)
    } else {
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>) -> Result<()> {
    super::headers_native::install(ctx, n)?;
    n.set(
        "urlParse",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, input: String, base: Opt<Option<String>>| {
                let base = base.0.flatten();
                charge(&ctx, input.len() + base.as_ref().map_or(0, String::len))?;
                Ok::<_, rquickjs::Error>(parse_url(&input, base.as_deref()).map(|u| components(&u)))
            },
        )?,
    )?;
    n.set(
        "urlSet",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, href: String, prop: String, value: String| {
                charge(&ctx, href.len() + value.len())?;
                Ok::<_, rquickjs::Error>(set_url(&href, &prop, &value))
            },
        )?,
    )?;
    n.set(
        "formParse",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, input: String| {
            charge(&ctx, input.len())?;
            let mut flat = Vec::new();
            for (k, v) in url::form_urlencoded::parse(input.as_bytes()) {
                flat.push(k.into_owned());
                flat.push(v.into_owned());
            }
            Ok::<_, rquickjs::Error>(flat)
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
    // `encode` and `decode` (UTF-8): raw functions, see utf8_native.rs.
    super::utf8_native::install(ctx, n)?;
    Ok(())
}

/// `urlSet`: the components of `href` with `prop` set to `value` as the URL setters do, or
/// `None` when `href` does not parse or the new value makes it fail (`href`'s setter throws).
fn set_url(href: &str, prop: &str, value: &str) -> Option<Vec<String>> {
    let mut u = Url::parse(href, None).ok()?;
    if !set_component(&mut u, prop, value) {
        return None;
    }
    // A host with an invalid `xn--` label is a host parse failure: the setter changes
    // nothing (`href` fails).
    if !punycode_labels_valid(&u) {
        return if prop == "href" {
            None
        } else {
            Url::parse(href, None).ok().map(|b| components(&b))
        };
    }
    Some(components(&u))
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
