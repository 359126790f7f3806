// Headers (Fetch Standard): ordered, case-insensitive, Set-Cookie kept apart, guards.
const HTTP_WS = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const knownNames = new Map();
const normalizeName = (name) => {
  const n = typeof name === 'string' ? name : String(name);
  const known = knownNames.get(n);
  if (known !== undefined) return known;
  if (!TOKEN.test(n)) throw new TypeError(`Invalid header name: "${n}"`);
  const lower = n.toLowerCase();
  if (knownNames.size < 512) knownNames.set(n, lower);
  return lower;
};
const BAD_VALUE = /[\0\r\n]/;
const isWs = (c) => c === 32 || c === 9 || c === 10 || c === 13;
const normalizeValue = (value) => {
  let v = typeof value === 'string' ? value : String(value);
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
  constructor(init) {
    if (init === undefined || init === null) return;
    if (init instanceof Headers) { const l = init.#entries(); const out = this.#list; for (let i = 0; i < l.length; i++) out.push([l[i][0], l[i][1]]); return; }
    if (!isObject(init)) throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'");
    if (typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const p = typeof pair === 'string' ? null : [...pair];
        if (!p || p.length !== 2) throw new TypeError('Each header pair must be a [name, value] tuple');
        this.append(p[0], p[1]);
      }
    } else {
      const keys = Object.keys(init);
      for (let i = 0; i < keys.length; i++) this.append(keys[i], init[keys[i]]);
    }
  }
  static [kInternal](h, guard, flat) {
    if (flat) for (let i = 0; i < flat.length; i += 2) h.#list.push([flat[i], flat[i + 1]]);
    if (guard) h.#guard = guard;
    return h;
  }
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
  append(name, value) { this.#check(); this.#list.push([normalizeName(name), normalizeValue(value)]); }
  delete(name) { this.#check(); const n = normalizeName(name); this.#list = this.#entries().filter((p) => p[0] !== n); }
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
    this.#check();
    const n = normalizeName(name), v = normalizeValue(value);
    const list = this.#entries();
    let i = 0;
    while (i < list.length && list[i][0] !== n) i++;
    if (i === list.length) { list.push([n, v]); return; }
    list[i][1] = v;
    for (let j = list.length - 1; j > i; j--) if (list[j][0] === n) list.splice(j, 1);
  }
  // Trusted: a lower-case, valid name and value (used by the runtime itself).
  static [kSym.trustedAppend](h, n, v) { h.#entries().push([n, v]); }
  static [kSym.hasName](h, n) { const list = h.#entries(); for (let i = 0; i < list.length; i++) if (list[i][0] === n) return true; return false; }
  // Sort and combine (Fetch Standard): names sorted, values combined, Set-Cookie kept apart.
  #sorted() {
    const names = [...new Set(this.#entries().map((p) => p[0]))].sort();
    const out = [];
    for (const n of names) {
      if (n === 'set-cookie') for (const v of this.getSetCookie()) out.push([n, v]);
      else out.push([n, this.get(n)]);
    }
    return out;
  }
  forEach(fn, thisArg) { for (const [k, v] of this.#sorted()) fn.call(thisArg, v, k, this); }
  *entries() { yield* this.#sorted(); }
  *keys() { for (const [k] of this.#sorted()) yield k; }
  *values() { for (const [, v] of this.#sorted()) yield v; }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return 'Headers'; }
}
defineGlobal('Headers', Headers);
const headersFrom = (flat, guard) => Headers[kInternal](new Headers(), guard, flat);
const headersFromText = Headers[kSym.fromText];
