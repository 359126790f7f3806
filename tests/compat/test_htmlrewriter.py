"""HTMLRewriter (Workers runtime API) on lol_html: element, text, comment and document
handlers, end tags, async handlers, errors."""

from __future__ import annotations

import json

import edgert

PAGE = (
    "<!DOCTYPE html><html><head><title>Old &amp; title</title></head><body>"
    '<!-- note --><p class="x" data-a="1">Hello <b>world</b></p>'
    '<a href="/a">A</a><img src="i.png"><div id="gone">bye</div><span id="unwrap"><i>kept</i></span>'
    "</body></html>"
)


def rewrite(script: str, page: str = PAGE, **options: object) -> edgert.Response:
    source = (
        "export default { async fetch(request, env) {\n"
        f"  const input = new Response({json.dumps(page)}, {{ headers: {{ 'content-type': 'text/html', 'content-length': '{len(page)}' }} }});\n"
        f"{script}\n"
        "} };\n"
    )
    return edgert.Worker(source, **options).fetch("https://example.com/")  # type: ignore[arg-type]


def test_element_api_and_mutations() -> None:
    r = rewrite(
        """
  const seen = [];
  const res = new HTMLRewriter()
    .on('p', { element(el) {
      seen.push(el.tagName, el.getAttribute('class'), el.hasAttribute('data-a'), el.hasAttribute('nope'),
        el.getAttribute('nope'), [...el.attributes], el.namespaceURI, el.removed);
      el.setAttribute('class', 'y').removeAttribute('data-a');
      seen.push(el.getAttribute('class'), el.hasAttribute('data-a'));
      el.before('<hr>', { html: true }).after('<after & text>').prepend('[').append(']');
    } })
    .on('a[href]', { element(el) { el.tagName = 'button'; el.setAttribute('type', 'button'); } })
    .on('img', { element(el) { seen.push(el.canHaveContent, el.selfClosing); el.replace('<svg></svg>', { html: true }); } })
    .on('#gone', { element(el) { el.remove(); seen.push(el.removed); } })
    .on('#unwrap', { element(el) { el.removeAndKeepContent(); } })
    .on('title', { element(el) { el.setInnerContent('New <title>'); } })
    .transform(input);
  const body = await res.text();
  return Response.json({ body, seen, length: res.headers.get('content-length'), type: res.headers.get('content-type') });
"""
    )
    out = r.json()
    assert out["seen"] == [
        "p",
        "x",
        True,
        False,
        None,
        [["class", "x"], ["data-a", "1"]],
        "http://www.w3.org/1999/xhtml",
        False,
        "y",
        False,
        False,
        False,
        True,
    ]
    body = out["body"]
    assert "<title>New &lt;title&gt;</title>" in body
    assert '<hr><p class="y">[Hello <b>world</b>]</p>&lt;after &amp; text&gt;' in body
    assert '<button href="/a" type="button">A</button>' in body
    assert "<svg></svg>" in body and "<img" not in body
    assert "gone" not in body and "bye" not in body
    assert "<i>kept</i>" in body and "unwrap" not in body
    assert out["length"] is None and out["type"] == "text/html"


def test_end_tags_text_comments_and_document() -> None:
    r = rewrite(
        """
  const texts = [];
  const res = new HTMLRewriter()
    .on('p', { element(el) {
      el.onEndTag((end) => { texts.push('end:' + end.name); end.before('!'); end.after('<em>after</em>', { html: true }); });
    } })
    .on('b', {
      text(t) { texts.push([t.text, t.lastInTextNode]); if (t.text) t.replace('WORLD'); },
      element(el) { el.onEndTag((end) => { end.name = 'strong'; }); el.tagName = 'strong'; },
    })
    .on('body', { comments(c) { texts.push('comment:' + c.text); c.text = ' changed '; } })
    .onDocument({
      doctype(d) { texts.push(['doctype', d.name, d.publicId, d.systemId]); },
      comments(c) { texts.push('doc-comment'); },
      end(end) { end.append('<!-- done -->', { html: true }); },
    })
    .transform(input);
  const body = await res.text();
  return Response.json({ body, texts });
"""
    )
    out = r.json()
    body = out["body"]
    assert "<p" in body and "<strong>WORLD</strong>!</p><em>after</em>" in body
    assert "<!-- changed -->" in body
    assert body.endswith("</html><!-- done -->")
    texts = out["texts"]
    assert ["doctype", "html", None, None] in texts
    assert "comment: note " in texts and "doc-comment" in texts
    assert ["world", False] in texts and ["", True] in texts
    assert "end:p" in texts


def test_class_handlers_async_handlers_and_chained_transforms() -> None:
    r = rewrite(
        """
  class Tagger {
    constructor(value) { this.value = value; }
    async element(el) {
      const tag = el.tagName;
      await scheduler.wait(5);
      el.setAttribute('data-n', `${this.value}-${tag}`);
    }
  }
  const first = new HTMLRewriter().on('a, p', new Tagger('t')).transform(input);
  const second = new HTMLRewriter().on('p', { element(el) { el.append('!'); } }).transform(first);
  return new Response(await second.text());
"""
    )
    body = r.text()
    assert '<p class="x" data-a="1" data-n="t-p">Hello <b>world</b>!</p>' in body
    assert '<a href="/a" data-n="t-a">A</a>' in body


def test_errors_bad_selector_and_throwing_handler() -> None:
    r = rewrite(
        """
  let bad;
  try { new HTMLRewriter().on('p[', {}); } catch (e) { bad = e.name; }
  const res = new HTMLRewriter().on('b', { element() { throw new RangeError('boom'); } }).transform(input);
  let thrown;
  try { await res.text(); } catch (e) { thrown = `${e.name}: ${e.message}`; }
  return Response.json({ bad, thrown });
"""
    )
    assert r.json() == {"bad": "TypeError", "thrown": "RangeError: boom"}


def test_throwing_handler_in_the_returned_response_is_a_500() -> None:
    r = rewrite("return new HTMLRewriter().on('p', { element() { null.x; } }).transform(input);")
    assert r.status == 500 and r.stats is not None and r.stats.outcome == "exception"


def test_non_html_and_empty_bodies_pass_through() -> None:
    r = rewrite(
        """
  // As on Workers, the rewriter parses any body as HTML, whatever its Content-Type.
  const j = new HTMLRewriter().on('p', { element(el) { el.remove(); } }).transform(Response.json({ p: 'x', q: '<p>y</p>' }));
  const empty = new HTMLRewriter().transform(new Response(null, { status: 204 }));
  return Response.json({ j: await j.json(), emptyStatus: empty.status, emptyBody: empty.body });
"""
    )
    assert r.json() == {"j": {"p": "x", "q": ""}, "emptyStatus": 204, "emptyBody": None}
