// HTMLRewriter (Workers runtime API) on lol_html, Cloudflare's streaming HTML rewriter (see
// isolate/rewriter_native.rs for how handlers are called and their mutations applied).
//
// `transform(response)` returns a Response at once; its body is rewritten when first read (the
// input body is read whole, then rewritten in one native call). Handlers may be async: a first
// pass calls every handler, applying what each did synchronously; when any returned a promise,
// the promises are awaited and a second pass over the same input applies each handler call's
// complete list of mutations (handlers are not called again). Unlike Workers, async handlers
// therefore start without waiting for the previous one to finish.
const { readAll, ReadableStream } = lazyLoad('streams');

const isHtml = (options) => (isObject(options) && options.html ? 'html' : '');
const content = (c) => String(c);

class Element {
  #ops; #tag; #attrs; #ns; #removed; #canHaveContent; #selfClosing; #endTags;
  constructor(key, ops, tag, flat, ns, removed, canHaveContent, selfClosing, endTags) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#ops = ops; this.#tag = tag; this.#ns = ns; this.#removed = removed;
    this.#canHaveContent = canHaveContent; this.#selfClosing = selfClosing; this.#endTags = endTags;
    this.#attrs = new Map();
    for (let i = 0; i < flat.length; i += 2) this.#attrs.set(flat[i], flat[i + 1]);
  }
  get tagName() { return this.#tag; }
  set tagName(name) { const n = String(name); this.#ops.push(['tagName', n]); this.#tag = n.toLowerCase(); }
  get attributes() { return [...this.#attrs.entries()][Symbol.iterator](); }
  get namespaceURI() { return this.#ns; }
  get removed() { return this.#removed; }
  get canHaveContent() { return this.#canHaveContent; }
  get selfClosing() { return this.#selfClosing; }
  getAttribute(name) { const v = this.#attrs.get(String(name).toLowerCase()); return v === undefined ? null : v; }
  hasAttribute(name) { return this.#attrs.has(String(name).toLowerCase()); }
  setAttribute(name, value) {
    const n = String(name), v = String(value);
    this.#ops.push(['setAttribute', n, v]);
    this.#attrs.set(n.toLowerCase(), v);
    return this;
  }
  removeAttribute(name) { const n = String(name); this.#ops.push(['removeAttribute', n]); this.#attrs.delete(n.toLowerCase()); return this; }
  before(c, options) { this.#ops.push(['before', content(c), isHtml(options)]); return this; }
  after(c, options) { this.#ops.push(['after', content(c), isHtml(options)]); return this; }
  prepend(c, options) { this.#ops.push(['prepend', content(c), isHtml(options)]); return this; }
  append(c, options) { this.#ops.push(['append', content(c), isHtml(options)]); return this; }
  replace(c, options) { this.#ops.push(['replace', content(c), isHtml(options)]); this.#removed = true; return this; }
  setInnerContent(c, options) { this.#ops.push(['setInnerContent', content(c), isHtml(options)]); return this; }
  remove() { this.#ops.push(['remove']); this.#removed = true; return this; }
  removeAndKeepContent() { this.#ops.push(['removeAndKeepContent']); this.#removed = true; return this; }
  onEndTag(handler) {
    if (typeof handler !== 'function') throw new TypeError("Failed to execute 'onEndTag' on 'Element': parameter 1 is not a function.");
    this.#ops.push(['onEndTag', String(this.#endTags.push(handler) - 1)]);
  }
  get [Symbol.toStringTag]() { return 'Element'; }
}

class EndTag {
  #ops; #name;
  constructor(key, ops, name) { if (key !== kInternal) throw new TypeError('Illegal constructor'); this.#ops = ops; this.#name = name; }
  get name() { return this.#name; }
  set name(v) { this.#name = String(v); this.#ops.push(['name', this.#name]); }
  before(c, options) { this.#ops.push(['before', content(c), isHtml(options)]); return this; }
  after(c, options) { this.#ops.push(['after', content(c), isHtml(options)]); return this; }
  remove() { this.#ops.push(['remove']); return this; }
}

// Text chunks and comments share content-around operations.
class Token {
  #ops; #removed;
  constructor(key, ops, removed) { if (key !== kInternal) throw new TypeError('Illegal constructor'); this.#ops = ops; this.#removed = removed; }
  get removed() { return this.#removed; }
  before(c, options) { this.#ops.push(['before', content(c), isHtml(options)]); return this; }
  after(c, options) { this.#ops.push(['after', content(c), isHtml(options)]); return this; }
  replace(c, options) { this.#ops.push(['replace', content(c), isHtml(options)]); this.#removed = true; return this; }
  remove() { this.#ops.push(['remove']); this.#removed = true; return this; }
  [kInternal](op) { this.#ops.push(op); }
}
class Text extends Token {
  #text; #last;
  constructor(key, ops, text, last, removed) { super(key, ops, removed); this.#text = text; this.#last = last; }
  get text() { return this.#text; }
  get lastInTextNode() { return this.#last; }
}
class Comment extends Token {
  #text;
  constructor(key, ops, text, removed) { super(key, ops, removed); this.#text = text; }
  get text() { return this.#text; }
  set text(v) { this.#text = String(v); this[kInternal](['text', this.#text]); }
}
class Doctype {
  #ops; #name; #publicId; #systemId;
  constructor(key, ops, name, publicId, systemId) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#ops = ops; this.#name = name ?? null; this.#publicId = publicId ?? null; this.#systemId = systemId ?? null;
  }
  get name() { return this.#name; }
  get publicId() { return this.#publicId; }
  get systemId() { return this.#systemId; }
  remove() { this.#ops.push(['remove']); return this; }
}
class DocumentEnd {
  #ops;
  constructor(key, ops) { if (key !== kInternal) throw new TypeError('Illegal constructor'); this.#ops = ops; }
  append(c, options) { this.#ops.push(['append', content(c), isHtml(options)]); return this; }
}

const has = (h, name) => isObject(h) && typeof h[name] === 'function';

// Rewrites `bytes` with the handlers; resolves to the output bytes.
const rewrite = async (bytes, elements, documents) => {
  const selectors = elements.map(([s]) => s);
  const kinds = elements.map(([, h]) => (has(h, 'element') ? 'e' : '') + (has(h, 'comments') ? 'c' : '') + (has(h, 'text') ? 't' : ''));
  const docKinds = documents.map((h) => (has(h, 'doctype') ? 'd' : '') + (has(h, 'comments') ? 'c' : '') + (has(h, 'text') ? 't' : '') + (has(h, 'end') ? 'e' : ''));
  const endTags = [];
  const recorded = [];
  const pending = [];
  let seq = 0;
  let replay = false;
  const handlerOf = (index) => (index < 0 ? documents[-1 - index] : elements[index][1]);
  const dispatch = (kind, index, a, b, c, d) => {
    const n = seq++;
    if (replay && n < recorded.length) return recorded[n];
    const ops = [];
    let self, fn, unit;
    switch (kind) {
      case 'element': self = elements[index][1]; fn = self.element; unit = new Element(kInternal, ops, a, b, c, d[0], d[1], d[2], endTags); break;
      case 'text': self = handlerOf(index); fn = self.text; unit = new Text(kInternal, ops, a, b, c); break;
      case 'comments': self = handlerOf(index); fn = self.comments; unit = new Comment(kInternal, ops, a, b); break;
      case 'doctype': self = documents[index]; fn = self.doctype; unit = new Doctype(kInternal, ops, a, b, c); break;
      case 'end': self = documents[index]; fn = self.end; unit = new DocumentEnd(kInternal, ops); break;
      case 'endTag': self = undefined; fn = endTags[index]; unit = new EndTag(kInternal, ops, a); break;
      default: throw new TypeError(`HTMLRewriter: unknown unit ${kind}`);
    }
    const result = fn.call(self, unit);
    if (isObject(result) && typeof result.then === 'function') pending.push(result);
    recorded[n] = ops;
    return ops;
  };
  const first = native.htmlRewrite(bytes, selectors, kinds, docKinds, dispatch);
  if (!pending.length) return first;
  for (let i = 0; i < pending.length; i++) await pending[i];
  replay = true;
  seq = 0;
  return native.htmlRewrite(bytes, selectors, kinds, docKinds, dispatch);
};

class HTMLRewriter {
  #elements = [];
  #documents = [];
  on(selector, handlers) {
    const sel = String(selector);
    const err = native.htmlCheckSelector(sel);
    if (err !== null && err !== undefined) throw new TypeError(`Invalid selector "${sel}": ${err}`);
    if (!isObject(handlers)) throw new TypeError("Failed to execute 'on' on 'HTMLRewriter': parameter 2 is not an object.");
    this.#elements.push([sel, handlers]);
    return this;
  }
  onDocument(handlers) {
    if (!isObject(handlers)) throw new TypeError("Failed to execute 'onDocument' on 'HTMLRewriter': parameter 1 is not an object.");
    this.#documents.push(handlers);
    return this;
  }
  transform(response) {
    if (!(response instanceof Response)) throw new TypeError("Failed to execute 'transform' on 'HTMLRewriter': parameter 1 is not of type 'Response'.");
    const elements = this.#elements.slice(), documents = this.#documents.slice();
    const input = response.body;
    let body = null;
    if (input !== null) {
      let done = false;
      body = new ReadableStream({
        async pull(c) {
          if (done) return;
          done = true;
          const out = await rewrite(await readAll(input), elements, documents);
          if (out.length) c.enqueue(out);
          c.close();
        },
      });
    }
    const out = new Response(body, response);
    // The rewritten body has its own length.
    out.headers.delete('content-length');
    return out;
  }
  get [Symbol.toStringTag]() { return 'HTMLRewriter'; }
}

defineGlobal('HTMLRewriter', HTMLRewriter);
return { HTMLRewriter };
