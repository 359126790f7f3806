// URL and URLSearchParams (WHATWG URL Standard). Parsing and setters are ada-url's
// (native, current with the standard); this file keeps the object model.
const H = 0, SEARCH = 9;
class URLSearchParams {
  #list = [];
  #url = null;
  // WebIDL (sequence<sequence<USVString>> or record<USVString, USVString> or USVString): an
  // object (a function too) with an @@iterator is a sequence of pairs, another object a
  // record (a key converted twice keeps its first place and its last value).
  constructor(init = '') {
    if (isObject(init)) {
      const iter = init[Symbol.iterator];
      if (iter !== undefined && iter !== null) {
        if (typeof iter !== 'function') throw new TypeError('Query string pairs must be iterable');
        for (const pair of { [Symbol.iterator]: () => iter.call(init) }) {
          if (!isObject(pair) || typeof pair[Symbol.iterator] !== 'function') throw new TypeError('Each query pair must be an iterable [name, value] tuple');
          const p = [...pair];
          if (p.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
          this.#list.push([toUSV(p[0]), toUSV(p[1])]);
        }
      } else {
        const record = new Map();
        for (const key of Reflect.ownKeys(init)) {
          const desc = Reflect.getOwnPropertyDescriptor(init, key);
          if (desc !== undefined && desc.enumerable && typeof key === 'string') record.set(toUSV(key), toUSV(init[key]));
        }
        for (const pair of record) this.#list.push(pair);
      }
      return;
    }
    let s = toUSV(init);
    if (s.startsWith('?')) s = s.slice(1);
    this.#parse(s);
  }
  #parse(s) {
    const flat = native.formParse(s);
    this.#list = [];
    for (let i = 0; i < flat.length; i += 2) this.#list.push([flat[i], flat[i + 1]]);
  }
  static [kInternal](params, url, query) { params.#url = url; params.#parse(query); }
  #update() {
    if (!this.#url) return;
    const s = this.toString();
    this.#url[kInternal](s === '' ? null : s);
  }
  get size() { return this.#list.length; }
  append(name, value) { this.#list.push([toUSV(name), toUSV(value)]); this.#update(); }
  delete(name, value) {
    name = toUSV(name);
    if (value === undefined) this.#list = this.#list.filter(([k]) => k !== name);
    else { value = toUSV(value); this.#list = this.#list.filter(([k, v]) => !(k === name && v === value)); }
    this.#update();
  }
  get(name) { name = toUSV(name); const p = this.#list.find(([k]) => k === name); return p ? p[1] : null; }
  getAll(name) { name = toUSV(name); return this.#list.filter(([k]) => k === name).map(([, v]) => v); }
  has(name, value) {
    name = toUSV(name);
    if (value === undefined) return this.#list.some(([k]) => k === name);
    value = toUSV(value);
    return this.#list.some(([k, v]) => k === name && v === value);
  }
  set(name, value) {
    name = toUSV(name); value = toUSV(value);
    const i = this.#list.findIndex(([k]) => k === name);
    if (i < 0) this.#list.push([name, value]);
    else { this.#list[i][1] = value; this.#list = this.#list.filter(([k], j) => j <= i || k !== name); }
    this.#update();
  }
  sort() {
    // A stable sort by code units of the names.
    this.#list = this.#list.map((p, i) => [p, i]).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map(([p]) => p);
    this.#update();
  }
  forEach(fn, thisArg) { for (const [k, v] of this.#list) fn.call(thisArg, v, k, this); }
  *entries() { for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]]; }
  *keys() { for (const [k] of this.entries()) yield k; }
  *values() { for (const [, v] of this.entries()) yield v; }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return native.formSerialize(this.#list.flat()); }
  get [Symbol.toStringTag]() { return 'URLSearchParams'; }
}

// Components of the URLs parsed lately, by input (without a base): a worker typically parses
// `request.url` on every request, and a URL's component array is never changed in place (a
// setter replaces it), so instances can share one. Bounded: cleared when full. Only inputs of
// up to CACHED_CHARS: a lookup hashes its key, work the CPU budget would not see (a loop of
// `new URL(longInput)` is charged by the parser instead).
const parsed = new Map();
const CACHED_CHARS = 4096;
const parse = (input, base) => {
  if (base !== undefined || input.length > CACHED_CHARS) return native.urlParse(input, base);
  let c = parsed.get(input);
  if (c === undefined) {
    c = native.urlParse(input);
    if (!c) return c;
    if (parsed.size >= 64) parsed.clear();
    parsed.set(input, c);
  }
  return c;
};

// A URL's linked URLSearchParams, made when `searchParams` is first read (a WeakMap, not a
// field: each field an instance gets costs every `new URL()` ~0.4k instructions).
const paramsOf = new WeakMap();
// Runs a setter (a function made in the class's static block, not a private method, which would
// brand every instance).
let setComponent;
class URL {
  #c;
  constructor(url, base = undefined) {
    // `new URL()`: as `new URL(undefined)` would (a TypeError: "undefined" is no absolute URL),
    // without reading `arguments` (an object made on every call).
    if (url === undefined && base === undefined) throw new TypeError("Failed to construct 'URL': 1 argument required");
    const c = parse(toUSV(url), base === undefined ? undefined : toUSV(base));
    if (!c) throw new TypeError(`Invalid URL: ${toUSV(url)}`);
    this.#c = c;
  }
  static canParse(url, base) { return !!native.urlParse(toUSV(url), base === undefined ? undefined : toUSV(base)); }
  static parse(url, base) { try { return new URL(url, base); } catch { return null; } }
  static {
    setComponent = (u, prop, value) => {
      const c = native.urlSet(u.#c[H], prop, toUSV(value));
      if (!c) { if (prop === 'href') throw new TypeError(`Invalid URL: ${toUSV(value)}`); return; }
      u.#c = c;
      const params = paramsOf.get(u);
      if (params && (prop === 'href' || prop === 'search')) URLSearchParams[kInternal](params, u, c[SEARCH].slice(1));
    };
  }
  // Called by the linked URLSearchParams: null means "no query at all".
  [kInternal](query) {
    const c = native.urlSet(this.#c[H], 'search', query === null ? '' : query);
    if (c) this.#c = c;
  }
  get searchParams() {
    const c = this.#c;
    let params = paramsOf.get(this);
    if (!params) { params = new URLSearchParams(); paramsOf.set(this, params); URLSearchParams[kInternal](params, this, c[SEARCH].slice(1)); }
    return params;
  }
  get href() { return this.#c[0]; }
  set href(v) { setComponent(this, 'href', v); }
  get origin() { return this.#c[1]; }
  get protocol() { return this.#c[2]; }
  set protocol(v) { setComponent(this, 'protocol', v); }
  get username() { return this.#c[3]; }
  set username(v) { setComponent(this, 'username', v); }
  get password() { return this.#c[4]; }
  set password(v) { setComponent(this, 'password', v); }
  get host() { return this.#c[5]; }
  set host(v) { setComponent(this, 'host', v); }
  get hostname() { return this.#c[6]; }
  set hostname(v) { setComponent(this, 'hostname', v); }
  get port() { return this.#c[7]; }
  set port(v) { setComponent(this, 'port', v); }
  get pathname() { return this.#c[8]; }
  set pathname(v) { setComponent(this, 'pathname', v); }
  get search() { return this.#c[9]; }
  set search(v) { setComponent(this, 'search', v); }
  get hash() { return this.#c[10]; }
  set hash(v) { setComponent(this, 'hash', v); }
  toString() { return this.#c[H]; }
  toJSON() { return this.#c[H]; }
  get [Symbol.toStringTag]() { return 'URL'; }
}
defineGlobal('URL', URL);
defineGlobal('URLSearchParams', URLSearchParams);
return { URL, URLSearchParams };
