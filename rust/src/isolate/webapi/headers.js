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
// Normalize (strip leading and trailing HTTP whitespace), then check: no NUL, CR or LF, no
// code unit above U+00FF (isolate/headers_native.rs: a byte scan instead of a regexp).
const normalizeValue = (value) => {
  const s = typeof value === 'string' ? value : `${value}`;
  const v = native.headerValue(s);
  if (v === undefined) throw new TypeError(`Invalid header value: "${s.replace(HTTP_WS, '')}"`);
  return v;
};
// An instance's list (`entriesOf`) and guard check (`allows`): functions made in the class's
// static block, not private methods (a private method brands, i.e. adds a property to, every
// instance; each property an instance gets costs every request).
let entriesOf, allows;
// The sorted and combined list iteration walks, per Headers, until the next change (a WeakMap,
// not a field: each field an instance gets costs every request ~0.4k instructions, and most
// Headers are never iterated). Made when the first is (until then a change has nothing to
// forget, and a new isolate makes no WeakMap).
let sortedCache = null;
const forgetSorted = (h) => { if (sortedCache !== null) sortedCache.delete(h); };
class Headers {
  // [[name, value], ...] in order; names lower-case. Or an incoming request's fields as the
  // host's text `\nname:value\nname:value...` (see runtime.rs), until something needs the list:
  // get() and has() search the text itself (names are tokens and values hold no LF, so
  // `\nname:` only matches at a field's start).
  #list = [];
  #guard = 'none';
  constructor(init = undefined) {
    if (init === undefined) return;
    if (isObject(init) && #list in init && init[Symbol.iterator] === Headers.prototype.entries) {
      const l = entriesOf(init), out = this.#list;
      for (let i = 0; i < l.length; i++) out.push([l[i][0], l[i][1]]);
      return;
    }
    // A new Headers' guard is `none`: each pair is appended as append() would. A plain record
    // may come back as that list already (its elements are pairs, not strings).
    const flat = lazyLoad('fetchinit').headersInit(init, true);
    if (flat.length !== 0 && typeof flat[0] !== 'string') { this.#list = flat; return; }
    const out = this.#list;
    for (let i = 0; i < flat.length; i += 2) out.push([normalizeName(flat[i]), normalizeValue(flat[i + 1])]);
  }
  static {
    entriesOf = (h) => {
      const text = h.#list;
      if (typeof text !== 'string') return text;
      const list = [];
      let i = 0;
      while (i < text.length) {
        let end = text.indexOf('\n', i + 1);
        if (end < 0) end = text.length;
        const colon = text.indexOf(':', i + 1);
        list.push([text.slice(i + 1, colon), text.slice(colon + 1, end)]);
        i = end;
      }
      return (h.#list = list);
    };
    // Guards other than `none` (Fetch Standard): immutable headers throw; a no-cors request's
    // take only no-CORS-safelisted request-headers, a refused change doing nothing (`op`:
    // 'append', 'set', 'delete'; lazy/fetchinit.js).
    allows = (h, n, v, op) => {
      if (h.#guard === 'immutable') throw new TypeError("Can't modify immutable headers.");
      return lazyLoad('fetchinit').noCorsAllows(h, n, v, op);
    };
  }
  static [kInternal](h, guard, flat) {
    if (flat) { const list = entriesOf(h); for (let i = 0; i < flat.length; i += 2) list.push([flat[i], flat[i + 1]]); }
    if (guard) h.#guard = guard;
    return h;
  }
  // A copy with the same guard (Request and Response clone()).
  static [kSym.copy](h) { const c = new Headers(); c.#list = entriesOf(h).map((p) => [p[0], p[1]]); c.#guard = h.#guard; return c; }
  // Immutable headers of an incoming request, from the host's text.
  static [kSym.fromText](text) { const h = new Headers(); h.#list = text; h.#guard = 'immutable'; return h; }
  static flat(h) {
    const list = entriesOf(h), out = [];
    for (let i = 0; i < list.length; i++) out.push(list[i][0], list[i][1]);
    return out;
  }
  append(name, value) {
    const n = normalizeName(name), v = normalizeValue(value);
    if (this.#guard !== 'none' && !allows(this, n, v, 'append')) return;
    entriesOf(this).push([n, v]);
    forgetSorted(this);
  }
  delete(name) {
    const n = normalizeName(name);
    if (this.#guard !== 'none' && !allows(this, n, '', 'delete')) return;
    const list = entriesOf(this);
    if (!list.some((p) => p[0] === n)) return;
    this.#list = list.filter((p) => p[0] !== n);
    forgetSorted(this);
  }
  get(name) {
    const list = this.#list;
    if (typeof list === 'string') {
      // The host's text: searched natively, the name lower-cased there (undefined: a name to
      // convert or an invalid one, which normalizeName below throws on).
      const v = native.headerGet(list, name);
      if (v !== undefined) return v;
      return native.headerGet(list, normalizeName(name));
    }
    const n = normalizeName(name);
    let out = null;
    for (let i = 0; i < list.length; i++) if (list[i][0] === n) out = out === null ? list[i][1] : `${out}, ${list[i][1]}`;
    return out;
  }
  getAll(name) {
    const n = normalizeName(name);
    if (n !== 'set-cookie') throw new TypeError('getAll() can only be used with the header name "Set-Cookie".');
    return this.getSetCookie();
  }
  getSetCookie() { const list = entriesOf(this), out = []; for (let i = 0; i < list.length; i++) if (list[i][0] === 'set-cookie') out.push(list[i][1]); return out; }
  has(name) {
    const list = this.#list;
    if (typeof list === 'string') {
      const found = native.headerHas(list, name);
      if (found !== undefined) return found;
      return native.headerHas(list, normalizeName(name));
    }
    const n = normalizeName(name);
    for (let i = 0; i < list.length; i++) if (list[i][0] === n) return true;
    return false;
  }
  set(name, value) {
    const n = normalizeName(name), v = normalizeValue(value);
    if (this.#guard !== 'none' && !allows(this, n, v, 'set')) return;
    const list = entriesOf(this);
    forgetSorted(this);
    let i = 0;
    while (i < list.length && list[i][0] !== n) i++;
    if (i === list.length) { list.push([n, v]); return; }
    list[i][1] = v;
    for (let j = list.length - 1; j > i; j--) if (list[j][0] === n) list.splice(j, 1);
  }
  // Trusted: a lower-case, valid name and value (used by the runtime itself).
  static [kSym.trustedAppend](h, n, v) { entriesOf(h).push([n, v]); forgetSorted(h); }
  static [kSym.hasName](h, n) { const list = entriesOf(h); for (let i = 0; i < list.length; i++) if (list[i][0] === n) return true; return false; }
  // Sort and combine (Fetch Standard): names sorted, values combined, Set-Cookie kept apart.
  static [kSym.sorted](h) {
    const cached = sortedCache === null ? undefined : sortedCache.get(h);
    if (cached !== undefined) return cached;
    const list = entriesOf(h);
    const names = [...new Set(list.map((p) => p[0]))].sort();
    const out = [];
    for (const n of names) {
      if (n === 'set-cookie') for (const v of h.getSetCookie()) out.push([n, v]);
      else out.push([n, h.get(n)]);
    }
    (sortedCache || (sortedCache = new WeakMap())).set(h, out);
    return out;
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
