//! The native half of `HTMLRewriter`: Cloudflare's streaming HTML rewriter `lol_html` (the
//! library Workers' own HTMLRewriter is built on) runs over a body, and calls back into
//! JavaScript for every matched element, text chunk, comment, doctype, end tag and the end of
//! the document.
//!
//! Theory of operation. JavaScript hands `htmlRewrite` the body, the selectors with which
//! handler kinds each has, the document handlers, and one `dispatch(kind, index, ...info)`
//! function. For each unit lol_html reports, Rust calls `dispatch` with a snapshot of the unit
//! (a tag name and attributes, a text chunk...); the JS side runs the worker's handler against
//! a wrapper object that records its mutations and returns them as a list of operations
//! (`["setAttribute", name, value]`, `["append", content, "html"]`, `["onEndTag", id]`...),
//! which Rust applies to the unit before lol_html moves on. A handler that throws stops the
//! rewrite with its exception pending, so the JS caller sees it.

use lol_html::html_content::{Comment, ContentType, Doctype, DocumentEnd, Element, EndTag, TextChunk};
use lol_html::{DocumentContentHandlers, ElementContentHandlers, HandlerResult, HtmlRewriter, Selector, Settings};
use rquickjs::{Ctx, Exception, Function, Object, Result, TypedArray, Value};
use std::borrow::Cow;
use std::fmt;
use std::ptr::NonNull;

use super::state::JsFn;

/// A JavaScript handler threw (its exception is pending in the context), or a mutation failed
/// and a TypeError was thrown in its place.
#[derive(Debug)]
struct JsThrew;

impl fmt::Display for JsThrew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a handler threw")
    }
}

impl std::error::Error for JsThrew {}

fn threw(_: rquickjs::Error) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(JsThrew)
}

fn content_type(flag: Option<&String>) -> ContentType {
    if flag.is_some_and(|f| f == "html") {
        ContentType::Html
    } else {
        ContentType::Text
    }
}

/// A rewritten unit that can take content around it or be replaced or removed (text chunks,
/// comments, end tags; elements have more, see `apply_element`).
trait Around {
    fn put_before(&mut self, content: &str, ct: ContentType);
    fn put_after(&mut self, content: &str, ct: ContentType);
    fn put_replace(&mut self, content: &str, ct: ContentType);
    fn put_remove(&mut self);
}

macro_rules! around {
    ($t:ty) => {
        impl Around for $t {
            fn put_before(&mut self, content: &str, ct: ContentType) {
                self.before(content, ct)
            }
            fn put_after(&mut self, content: &str, ct: ContentType) {
                self.after(content, ct)
            }
            fn put_replace(&mut self, content: &str, ct: ContentType) {
                self.replace(content, ct)
            }
            fn put_remove(&mut self) {
                self.remove()
            }
        }
    };
}
around!(TextChunk<'_>);
around!(Comment<'_>);
around!(EndTag<'_>);

/// Applies one of the operations every unit shares; false if `op` is not one of them.
fn apply_around(unit: &mut impl Around, op: &[String]) -> bool {
    let content = op.get(1).map(String::as_str).unwrap_or("");
    let ct = content_type(op.get(2));
    match op.first().map(String::as_str) {
        Some("before") => unit.put_before(content, ct),
        Some("after") => unit.put_after(content, ct),
        Some("replace") => unit.put_replace(content, ct),
        Some("remove") => unit.put_remove(),
        _ => return false,
    }
    true
}

fn bad_op<'js>(ctx: &Ctx<'js>, op: &[String]) -> HandlerResult {
    Err(threw(Exception::throw_internal(
        ctx,
        &format!("HTMLRewriter: unknown operation {op:?}"),
    )))
}

/// What one rewrite needs in every callback.
#[derive(Clone)]
struct Callbacks<'js> {
    ctx: Ctx<'js>,
    dispatch: Function<'js>,
}

impl<'js> Callbacks<'js> {
    fn element(&self, index: usize, el: &mut Element<'_, '_>) -> HandlerResult {
        let mut attrs = Vec::with_capacity(el.attributes().len() * 2);
        for a in el.attributes() {
            attrs.push(a.name());
            attrs.push(a.value());
        }
        let ops: Vec<Vec<String>> = self
            .dispatch
            .call((
                "element",
                index as f64,
                el.tag_name(),
                attrs,
                el.namespace_uri(),
                vec![el.removed(), el.can_have_content(), el.is_self_closing()],
            ))
            .map_err(threw)?;
        for op in &ops {
            self.apply_element(el, op)?;
        }
        Ok(())
    }

    fn apply_element(&self, el: &mut Element<'_, '_>, op: &[String]) -> HandlerResult {
        let arg = |i: usize| op.get(i).map(String::as_str).unwrap_or("");
        let ct = content_type(op.get(2));
        match arg(0) {
            "tagName" => el
                .set_tag_name(arg(1))
                .map_err(|e| threw(Exception::throw_type(&self.ctx, &format!("Invalid tag name: {e}"))))?,
            "setAttribute" => el.set_attribute(arg(1), arg(2)).map_err(|e| {
                threw(Exception::throw_type(
                    &self.ctx,
                    &format!("Invalid attribute name: {e}"),
                ))
            })?,
            "removeAttribute" => el.remove_attribute(arg(1)),
            "before" => el.before(arg(1), ct),
            "after" => el.after(arg(1), ct),
            "prepend" => el.prepend(arg(1), ct),
            "append" => el.append(arg(1), ct),
            "setInnerContent" => el.set_inner_content(arg(1), ct),
            "replace" => el.replace(arg(1), ct),
            "remove" => el.remove(),
            "removeAndKeepContent" => el.remove_and_keep_content(),
            "onEndTag" => {
                let id: f64 = arg(1).parse().unwrap_or(-1.0);
                let dispatch = JsFn::save(&self.ctx, self.dispatch.clone());
                let raw = RawCtx(self.ctx.as_raw());
                let Some(handlers) = el.end_tag_handlers() else {
                    return Err(threw(Exception::throw_type(
                        &self.ctx,
                        "onEndTag: this element has no end tag (it is void or self-closing)",
                    )));
                };
                handlers.push(Box::new(move |end: &mut EndTag<'_>| raw.end_tag(dispatch, id, end)));
            }
            _ => return bad_op(&self.ctx, op),
        }
        Ok(())
    }

    fn text(&self, index: f64, chunk: &mut TextChunk<'_>) -> HandlerResult {
        let ops: Vec<Vec<String>> = self
            .dispatch
            .call((
                "text",
                index,
                chunk.as_str(),
                chunk.last_in_text_node(),
                chunk.removed(),
            ))
            .map_err(threw)?;
        for op in &ops {
            if !apply_around(chunk, op) {
                return bad_op(&self.ctx, op);
            }
        }
        Ok(())
    }

    fn comment(&self, index: f64, comment: &mut Comment<'_>) -> HandlerResult {
        let ops: Vec<Vec<String>> = self
            .dispatch
            .call(("comments", index, comment.text(), comment.removed()))
            .map_err(threw)?;
        for op in &ops {
            if op.first().is_some_and(|o| o == "text") {
                let text = op.get(1).map(String::as_str).unwrap_or("");
                comment
                    .set_text(text)
                    .map_err(|e| threw(Exception::throw_type(&self.ctx, &format!("Invalid comment text: {e}"))))?;
            } else if !apply_around(comment, op) {
                return bad_op(&self.ctx, op);
            }
        }
        Ok(())
    }

    fn doctype(&self, index: f64, doctype: &mut Doctype<'_>) -> HandlerResult {
        let ops: Vec<Vec<String>> = self
            .dispatch
            .call((
                "doctype",
                index,
                doctype.name(),
                doctype.public_id(),
                doctype.system_id(),
            ))
            .map_err(threw)?;
        for op in &ops {
            match op.first().map(String::as_str) {
                Some("remove") => doctype.remove(),
                _ => return bad_op(&self.ctx, op),
            }
        }
        Ok(())
    }

    fn end(&self, index: f64, end: &mut DocumentEnd<'_>) -> HandlerResult {
        let ops: Vec<Vec<String>> = self.dispatch.call(("end", index)).map_err(threw)?;
        for op in &ops {
            match op.first().map(String::as_str) {
                Some("append") => end.append(op.get(1).map(String::as_str).unwrap_or(""), content_type(op.get(2))),
                _ => return bad_op(&self.ctx, op),
            }
        }
        Ok(())
    }
}

/// The context of the rewrite in progress, for end-tag handlers (lol_html wants them
/// `'static`, so they cannot borrow a `Ctx`).
#[derive(Clone, Copy)]
struct RawCtx(NonNull<rquickjs::qjs::JSContext>);

impl RawCtx {
    fn end_tag(self, dispatch: JsFn, id: f64, end: &mut EndTag<'_>) -> HandlerResult {
        // SAFETY: end-tag handlers are owned by the `HtmlRewriter` that `rewrite` creates and
        // drops within one call of the native `htmlRewrite` function, so they only run (and are
        // only dropped) while that call holds the runtime lock and its `Ctx` keeps the context
        // alive; `from_raw` takes its own reference to the context.
        let ctx = unsafe { Ctx::from_raw(self.0) };
        let dispatch = dispatch.restore(&ctx).map_err(threw)?;
        let ops: Vec<Vec<String>> = dispatch.call(("endTag", id, end.name())).map_err(threw)?;
        for op in &ops {
            if op.first().is_some_and(|o| o == "name") {
                end.set_name_str(op.get(1).cloned().unwrap_or_default());
            } else if !apply_around(end, op) {
                return bad_op(&ctx, op);
            }
        }
        Ok(())
    }
}

/// Whether lol_html accepts a selector (the error message if not).
pub fn check_selector(selector: &str) -> Option<String> {
    selector.parse::<Selector>().err().map(|e| e.to_string())
}

/// Rewrites `input`. `kinds[i]` says which handlers selector `i` has ('e'lement, 'c'omments,
/// 't'ext); `doc_kinds[j]` the same for document handler `j` ('d'octype, 'c'omments, 't'ext,
/// 'e'nd).
fn rewrite<'js>(
    ctx: &Ctx<'js>,
    input: &[u8],
    selectors: &[String],
    kinds: &[String],
    doc_kinds: &[String],
    dispatch: Function<'js>,
) -> Result<Vec<u8>> {
    let cb = Callbacks {
        ctx: ctx.clone(),
        dispatch,
    };
    let mut parsed = Vec::with_capacity(selectors.len());
    for s in selectors {
        match s.parse::<Selector>() {
            Ok(sel) => parsed.push(sel),
            Err(e) => return Err(Exception::throw_type(ctx, &format!("Invalid selector {s:?}: {e}"))),
        }
    }
    let mut element_content_handlers = Vec::with_capacity(parsed.len());
    for (i, sel) in parsed.into_iter().enumerate() {
        let k = kinds.get(i).map(String::as_str).unwrap_or("");
        let mut h = ElementContentHandlers::default();
        if k.contains('e') {
            let cb = cb.clone();
            h = h.element(move |el: &mut Element<'_, '_>| cb.element(i, el));
        }
        if k.contains('c') {
            let cb = cb.clone();
            h = h.comments(move |c: &mut Comment<'_>| cb.comment(i as f64, c));
        }
        if k.contains('t') {
            let cb = cb.clone();
            h = h.text(move |t: &mut TextChunk<'_>| cb.text(i as f64, t));
        }
        element_content_handlers.push((Cow::Owned(sel), h));
    }
    let mut document_content_handlers = Vec::with_capacity(doc_kinds.len());
    for (j, k) in doc_kinds.iter().enumerate() {
        let j = j as f64;
        let mut h = DocumentContentHandlers::default();
        if k.contains('d') {
            let cb = cb.clone();
            h = h.doctype(move |d: &mut Doctype<'_>| cb.doctype(j, d));
        }
        if k.contains('c') {
            let cb = cb.clone();
            h = h.comments(move |c: &mut Comment<'_>| cb.comment(-1.0 - j, c));
        }
        if k.contains('t') {
            let cb = cb.clone();
            h = h.text(move |t: &mut TextChunk<'_>| cb.text(-1.0 - j, t));
        }
        if k.contains('e') {
            let cb = cb.clone();
            h = h.end(move |e: &mut DocumentEnd<'_>| cb.end(j, e));
        }
        document_content_handlers.push(h);
    }
    let mut out = Vec::with_capacity(input.len() + input.len() / 8);
    let result = {
        let mut rewriter = HtmlRewriter::new(
            Settings {
                element_content_handlers,
                document_content_handlers,
                ..Settings::new()
            },
            |chunk: &[u8]| out.extend_from_slice(chunk),
        );
        rewriter.write(input).and_then(|()| rewriter.end())
    };
    match result {
        Ok(()) => Ok(out),
        Err(lol_html::errors::RewritingError::ContentHandlerError(e)) if e.is::<JsThrew>() => {
            Err(rquickjs::Error::Exception)
        }
        Err(e) => Err(Exception::throw_type(ctx, &format!("HTMLRewriter: {e}"))),
    }
}

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>) -> Result<()> {
    n.set(
        "htmlCheckSelector",
        Function::new(ctx.clone(), |selector: String| check_selector(&selector))?,
    )?;
    n.set(
        "htmlRewrite",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>,
             input: Value<'js>,
             selectors: Vec<String>,
             kinds: Vec<String>,
             doc_kinds: Vec<String>,
             dispatch: Function<'js>| {
                let arr = TypedArray::<u8>::from_value(input)?;
                // SAFETY: the bytes are copied out before any JavaScript runs (handlers may
                // touch the array).
                let Some(bytes) = (unsafe { arr.as_bytes() }).map(<[u8]>::to_vec) else {
                    return Err(Exception::throw_type(&ctx, "detached buffer"));
                };
                let out = rewrite(&ctx, &bytes, &selectors, &kinds, &doc_kinds, dispatch)?;
                TypedArray::<u8>::new(ctx.clone(), out)
            },
        )?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_lol_html_accepts() {
        assert!(check_selector("a[href^='http']").is_none());
        assert!(check_selector("div#id > p.c:nth-child(2)").is_none());
        assert!(check_selector("a[").is_some());
    }
}
