// Headers (Fetch Standard): ordered, case-insensitive, Set-Cookie kept apart, guards.
// Guards as on Workers: `immutable` (an incoming request's and a fetched response's headers,
// Response.error() and Response.redirect()) or `none`; Workers applies none of the browser's
// forbidden request or response header names (a worker may set Cookie, Host or Set-Cookie).
const HTTP_WS = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NOT_BYTES = /[^\x00-\xff]/;
const knownNames = new Map();
// WebIDL ByteString: a string of code units up to U+00FF (a Symbol throws in the conversion).
const byteString = (v) => {
  const s = typeof v === 'string' ? v : `${v}`;
  if (NOT_BYTES.test(s)) throw new TypeError(`Cannot convert "${s}" to a ByteString: a character is above U+00FF`);
  return s;
};
const normalizeName = (name) => {
  const n = typeof name === 'string' ? name : `${name}`;
  const known = knownNames.get(n);
  if (known !== undefined) return known;
  if (!TOKEN.test(n)) throw new TypeError(`Invalid header name: "${n}"`);
  const lower = n.toLowerCase();
  if (knownNames.size < 512) knownNames.set(n, lower);
  return lower;
};
const BAD_VALUE = /[\0\r\n\u0100-\uffff]/;
const isWs = (c) => c === 32 || c === 9 || c === 10 || c === 13;
const normalizeValue = (value) => {
  let v = typeof value === 'string' ? value : `${value}`;
  if (v.length && (isWs(v.charCodeAt(0)) || isWs(v.charCodeAt(v.length - 1)))) v = v.replace(HTTP_WS, '');
  if (BAD_VALUE.test(v)) throw new TypeError(`Invalid header value: "${v}"`);
  return v;
};
// HeadersInit (WebIDL: sequence<sequence<ByteString>> or record<ByteString, ByteString>)
// converted in full, in the order the standard reads the object, before anything is appended.
const headersInit = (init) => {
  if (!isObject(init)) throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'");
  const method = init[Symbol.iterator];
  const out = [];
  if (method !== undefined && method !== null) {
    if (typeof method !== 'function') throw new TypeError("Failed to construct 'Headers': The object's @@iterator is not callable");
    const it = method.call(init);
    for (;;) {
      const step = it.next();
      if (!isObject(step)) throw new TypeError('Iterator result is not an object');
      if (step.done) break;
      const pair = step.value;
      if (!isObject(pair)) throw new TypeError("Failed to construct 'Headers': The provided value cannot be converted to a sequence.");
      const p = [...pair];
      if (p.length !== 2) throw new TypeError('Each header pair must be a [name, value] tuple');
      out.push(byteString(p[0]), byteString(p[1]));
    }
    return out;
  }
  const keys = Reflect.ownKeys(init);
  const seen = new Map();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const desc = Reflect.getOwnPropertyDescriptor(init, key);
    if (desc === undefined || !desc.enumerable) continue;
    if (typeof key === 'symbol') throw new TypeError('Cannot convert a Symbol to a ByteString');
    const k = byteString(key), v = byteString(init[key]);
    // A record holds each key once (a proxy may report one twice): the later value wins.
    if (seen.has(k)) out[seen.get(k) + 1] = v;
    else { seen.set(k, out.length); out.push(k, v); }
  }
  return out;
};
// %IteratorPrototype%, the prototype of the Headers iterators' prototype (WebIDL pair iterators).
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
class Headers {
  // [[name, value], ...] in order; names lower-case.
  #list = [];
  #guard = 'none';
  // An incoming request's fields as the host's text `\nname:value\nname:value...` (see
  // runtime.rs), until something needs the list: get() and has() search the text itself
  // (names are tokens and values hold no LF, so `\nname:` only matches at a field's start).
  #text = null;
  // The sorted and combined list iteration walks, until the next change.
  #sortedCache = null;
  constructor(init = undefined) {
    if (init === undefined) return;
    if (isObject(init) && #list in init && init[Symbol.iterator] === Headers.prototype.entries) {
      const l = init.#entries(), out = this.#list;
      for (let i = 0; i < l.length; i++) out.push([l[i][0], l[i][1]]);
      return;
    }
    const flat = headersInit(init);
    for (let i = 0; i < flat.length; i += 2) this.append(flat[i], flat[i + 1]);
  }
  static [kInternal](h, guard, flat) {
    if (flat) for (let i = 0; i < flat.length; i += 2) h.#list.push([flat[i], flat[i + 1]]);
    if (guard) h.#guard = guard;
    return h;
  }
  // A copy with the same guard (Request and Response clone()).
  static [kSym.copy](h) { const c = new Headers(); c.#list = h.#entries().map((p) => [p[0], p[1]]); c.#guard = h.#guard; return c; }
  // Immutable headers of an incoming request, from the host's text.
  static [kSym.fromText](text) { const h = new Headers(); h.#text = text; h.#guard = 'immutable'; return h; }
  #entries() {
    const text = this.#text;
    if (text === null) return this.#list;
    this.#text = null;
    const list = this.#list;
    let i = 0;
    while (i < text.length) {
      let end = text.indexOf('\n', i + 1);
      if (end < 0) end = text.length;
      const colon = text.indexOf(':', i + 1);
      list.push([text.slice(i + 1, colon), text.slice(colon + 1, end)]);
      i = end;
    }
    return list;
  }
  static flat(h) {
    const list = h.#entries(), out = [];
    for (let i = 0; i < list.length; i++) out.push(list[i][0], list[i][1]);
    return out;
  }
  #check() { if (this.#guard === 'immutable') throw new TypeError("Can't modify immutable headers."); }
  append(name, value) {
    const n = normalizeName(name), v = normalizeValue(value);
    this.#check();
    this.#entries().push([n, v]);
    this.#sortedCache = null;
  }
  delete(name) {
    const n = normalizeName(name);
    this.#check();
    const list = this.#entries();
    if (!list.some((p) => p[0] === n)) return;
    this.#list = list.filter((p) => p[0] !== n);
    this.#sortedCache = null;
  }
  get(name) {
    const n = normalizeName(name);
    const text = this.#text;
    if (text !== null) return native.headerGet(text, n) ?? null;
    let out = null;
    const list = this.#list;
    for (let i = 0; i < list.length; i++) if (list[i][0] === n) out = out === null ? list[i][1] : `${out}, ${list[i][1]}`;
    return out;
  }
  getAll(name) {
    const n = normalizeName(name);
    if (n !== 'set-cookie') throw new TypeError('getAll() can only be used with the header name "Set-Cookie".');
    return this.getSetCookie();
  }
  getSetCookie() { const list = this.#entries(), out = []; for (let i = 0; i < list.length; i++) if (list[i][0] === 'set-cookie') out.push(list[i][1]); return out; }
  has(name) {
    const n = normalizeName(name);
    if (this.#text !== null) return native.headerHas(this.#text, n);
    const list = this.#list;
    for (let i = 0; i < list.length; i++) if (list[i][0] === n) return true;
    return false;
  }
  set(name, value) {
    const n = normalizeName(name), v = normalizeValue(value);
    this.#check();
    const list = this.#entries();
    this.#sortedCache = null;
    let i = 0;
    while (i < list.length && list[i][0] !== n) i++;
    if (i === list.length) { list.push([n, v]); return; }
    list[i][1] = v;
    for (let j = list.length - 1; j > i; j--) if (list[j][0] === n) list.splice(j, 1);
  }
  // Trusted: a lower-case, valid name and value (used by the runtime itself).
  static [kSym.trustedAppend](h, n, v) { h.#entries().push([n, v]); h.#sortedCache = null; }
  static [kSym.hasName](h, n) { const list = h.#entries(); for (let i = 0; i < list.length; i++) if (list[i][0] === n) return true; return false; }
  // Sort and combine (Fetch Standard): names sorted, values combined, Set-Cookie kept apart.
  static sorted(h) {
    if (h.#sortedCache !== null) return h.#sortedCache;
    const list = h.#entries();
    const names = [...new Set(list.map((p) => p[0]))].sort();
    const out = [];
    for (const n of names) {
      if (n === 'set-cookie') for (const v of h.getSetCookie()) out.push([n, v]);
      else out.push([n, h.get(n)]);
    }
    return (h.#sortedCache = out);
  }
  forEach(callback, thisArg = undefined) {
    if (typeof callback !== 'function') throw new TypeError("Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'.");
    // Live, as WebIDL's iterable forEach: the list is read again after each call.
    for (let i = 0; ; i++) {
      const pairs = headersSorted(this);
      if (i >= pairs.length) return;
      callback.call(thisArg, pairs[i][1], pairs[i][0], this);
    }
  }
  entries() { return new HeadersIterator(this, 'key+value'); }
  keys() { return new HeadersIterator(this, 'key'); }
  values() { return new HeadersIterator(this, 'value'); }
  get [Symbol.toStringTag]() { return 'Headers'; }
}
// WebIDL operations are enumerable (class methods are not); @@iterator is `entries`.
const enumerable = { enumerable: true };
for (const m of ['append', 'delete', 'get', 'getSetCookie', 'has', 'set', 'forEach', 'entries', 'keys', 'values']) Object.defineProperty(Headers.prototype, m, enumerable);
Object.defineProperty(Headers.prototype, Symbol.iterator, { value: Headers.prototype.entries, writable: true, configurable: true, enumerable: false });
const headersSorted = Headers.sorted;
delete Headers.sorted;
// A WebIDL pair iterator: an index into the headers' sorted list, read again at each step, so
// changes made while iterating are seen as the standard says.
class HeadersIterator {
  #headers; #kind; #index = 0;
  constructor(headers, kind) { this.#headers = headers; this.#kind = kind; }
  next() {
    if (!(#headers in this)) throw new TypeError("next() called on an object that is not a Headers iterator");
    const pairs = headersSorted(this.#headers);
    if (this.#index >= pairs.length) return { value: undefined, done: true };
    const p = pairs[this.#index++];
    return { value: this.#kind === 'key' ? p[0] : this.#kind === 'value' ? p[1] : [p[0], p[1]], done: false };
  }
  get [Symbol.toStringTag]() { return 'Headers Iterator'; }
}
Object.setPrototypeOf(HeadersIterator.prototype, IteratorPrototype);
Object.defineProperty(HeadersIterator.prototype, 'next', enumerable);
defineGlobal('Headers', Headers);
const headersFrom = (flat, guard) => Headers[kInternal](new Headers(), guard, flat);
const headersFromText = Headers[kSym.fromText];
