// Headers (Fetch Standard): ordered, case-insensitive, Set-Cookie kept apart, guards.
// Guards as on Workers: `immutable` (an incoming request's and a fetched response's headers,
// Response.error() and Response.redirect()) or `none`; Workers applies none of the browser's
// forbidden request or response header names (a worker may set Cookie, Host or Set-Cookie).
// `request-no-cors`: the headers of a Request made with `mode: "no-cors"` (Workers throws on
// any `mode`; edgert accepts it and applies the standard's guard).
const HTTP_WS = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const knownNames = new Map();
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
    const flat = lazyLoad('fetchinit').headersInit(init);
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
  // Guards other than `none` (Fetch Standard): immutable headers throw; a no-cors request's
  // take only no-CORS-safelisted request-headers, a refused change doing nothing (`op`:
  // 'append', 'set', 'delete'; lazy/fetchinit.js).
  #allows(n, v, op) {
    if (this.#guard === 'immutable') throw new TypeError("Can't modify immutable headers.");
    return lazyLoad('fetchinit').noCorsAllows(this, n, v, op);
  }
  append(name, value) {
    const n = normalizeName(name), v = normalizeValue(value);
    if (this.#guard !== 'none' && !this.#allows(n, v, 'append')) return;
    this.#entries().push([n, v]);
    this.#sortedCache = null;
  }
  delete(name) {
    const n = normalizeName(name);
    if (this.#guard !== 'none' && !this.#allows(n, '', 'delete')) return;
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
    if (this.#guard !== 'none' && !this.#allows(n, v, 'set')) return;
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
  static [kSym.sorted](h) {
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
  entries() { return lazyLoad('fetchinit').headersIterator(this, 'key+value', headersSorted); }
  keys() { return lazyLoad('fetchinit').headersIterator(this, 'key', headersSorted); }
  values() { return lazyLoad('fetchinit').headersIterator(this, 'value', headersSorted); }
  get [Symbol.toStringTag]() { return 'Headers'; }
}
// @@iterator is `entries`. (WebIDL makes operations enumerable; class methods are not, and
// redefining each costs every new isolate: see docs/compat.md.)
Object.defineProperty(Headers.prototype, Symbol.iterator, { value: Headers.prototype.entries, writable: true, configurable: true });
const headersSorted = Headers[kSym.sorted];
defineGlobal('Headers', Headers);
const headersFrom = (flat, guard) => Headers[kInternal](new Headers(), guard, flat);
const headersFromText = Headers[kSym.fromText];
