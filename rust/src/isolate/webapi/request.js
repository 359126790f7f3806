// Request (Fetch Standard, with Workers' `cf`). Workers has no CORS or referrer machinery:
// `mode`, `credentials`, `cache`, `referrer`, `referrerPolicy` are checked and kept as the
// standard says (so code written for the platform reads what it set) but change nothing.
const NORMALIZE_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH']);
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const ENUMS = {
  mode: ['navigate', 'same-origin', 'no-cors', 'cors'],
  credentials: ['omit', 'same-origin', 'include'],
  cache: ['default', 'no-store', 'reload', 'no-cache', 'force-cache', 'only-if-cached'],
  redirect: ['follow', 'error', 'manual'],
  referrerPolicy: ['', 'no-referrer', 'no-referrer-when-downgrade', 'same-origin', 'origin', 'strict-origin', 'origin-when-cross-origin', 'strict-origin-when-cross-origin', 'unsafe-url'],
  duplex: ['half'],
  priority: ['high', 'low', 'auto'],
};
const enumValue = (name, v) => {
  const s = `${v}`;
  if (!ENUMS[name].includes(s)) throw new TypeError(`Failed to construct 'Request': The provided value '${s}' is not a valid enum value of type Request${name[0].toUpperCase()}${name.slice(1)}.`);
  return s;
};
const kIncoming = Symbol('incoming');
const NO_INIT_DICT = Object.freeze({});
// What most requests share: redirect mode, signal, route-auth claims, and the attributes Workers
// does not act on (others get their own record).
// `jwtJson`: an incoming request's route-auth claims as JSON text, until `jwt` is first read.
const USUAL = Object.freeze({
  redirect: 'follow', signal: null, jwt: undefined, jwtJson: undefined,
  mode: 'cors', credentials: 'same-origin', cache: 'default', referrer: 'about:client', referrerPolicy: '', integrity: '', keepalive: false,
});
class Request extends BodyBase {
  // #headers: a Headers, or an incoming request's fields until first read: a flat
  // [name, value, ...] list, or the host's `\nname:value...` text (see runtime.rs).
  // #cfJson: an incoming request's `cf` as JSON text, until `cf` is first read.
  #method = 'GET'; #url; #headers = null; #cf; #cfJson; #more = USUAL;
  constructor(input, init = undefined) {
    super();
    // An incoming request from the host: filled in by Request[kInternal].
    if (input === kIncoming) return;
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Request': 1 argument required, but only 0 present.");
    if (init === null || init === undefined) init = NO_INIT_DICT;
    else if (!isObject(init)) throw new TypeError("Failed to construct 'Request': The provided value is not of type 'RequestInit'.");
    let inherited = null;
    let more = USUAL;
    if (input instanceof Request) {
      inherited = input;
      this.#url = input.url;
      this.#method = input.method;
      more = input.#more;
      if (more.jwt !== undefined || more.jwtJson !== undefined) more = { ...more, jwt: undefined, jwtJson: undefined };
      this.#cf = input.cf;
    } else {
      const u = native.urlParse(toUSV(input));
      if (!u) throw new TypeError(`Invalid URL: ${toUSV(input)}`);
      if (u[3] !== '' || u[4] !== '') throw new TypeError(`Failed to construct 'Request': Request cannot be constructed from a URL that includes credentials: ${u[0]}`);
      this.#url = u[0];
    }
    // RequestInit, read in WebIDL's (lexicographic) member order.
    const bodyInit = init.body, cache = init.cache, cf = init.cf, credentials = init.credentials, duplex = init.duplex;
    const headersInit = init.headers, integrity = init.integrity, keepalive = init.keepalive, method = init.method;
    const mode = init.mode, priority = init.priority, redirect = init.redirect, referrer = init.referrer;
    const referrerPolicy = init.referrerPolicy, signal = init.signal, window = init.window;
    const changes = {};
    if (cache !== undefined) changes.cache = enumValue('cache', cache);
    if (credentials !== undefined) changes.credentials = enumValue('credentials', credentials);
    if (duplex !== undefined) enumValue('duplex', duplex);
    if (integrity !== undefined) changes.integrity = `${integrity}`;
    if (keepalive !== undefined) changes.keepalive = !!keepalive;
    if (mode !== undefined) changes.mode = enumValue('mode', mode);
    if (priority !== undefined) enumValue('priority', priority);
    if (redirect !== undefined) changes.redirect = enumValue('redirect', redirect);
    if (referrerPolicy !== undefined) changes.referrerPolicy = enumValue('referrerPolicy', referrerPolicy);
    if (signal !== undefined && signal !== null && !(signal instanceof lazyLoad('events').AbortSignal)) throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal.");
    if (signal !== undefined) changes.signal = signal;
    if (window !== undefined && window !== null) throw new TypeError("Failed to construct 'Request': 'window' must be null.");
    if (changes.mode === 'navigate') throw new TypeError("Failed to construct 'Request': Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.");
    if (referrer !== undefined) {
      const r = `${referrer}`;
      if (r === '') changes.referrer = '';
      else {
        const u = native.urlParse(toUSV(r));
        if (!u) throw new TypeError(`Failed to construct 'Request': Invalid referrer URL: ${r}`);
        changes.referrer = u[0] === 'about:client' ? 'about:client' : u[0];
      }
    }
    if (cf !== undefined) this.#cf = cf;
    if (method !== undefined) {
      const m = `${method}`;
      if (!TOKEN.test(m)) throw new TypeError(`'${m}' is not a valid HTTP method.`);
      const upper = m.toUpperCase();
      if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`'${m}' HTTP method is unsupported.`);
      this.#method = NORMALIZE_METHODS.has(upper) ? upper : m;
    }
    const finalCache = changes.cache || more.cache;
    if (finalCache === 'only-if-cached' && (changes.mode || more.mode) !== 'same-origin') throw new TypeError("Failed to construct 'Request': 'only-if-cached' can be set only with 'same-origin' mode");
    if ((changes.mode || more.mode) === 'no-cors' && !['GET', 'HEAD', 'POST'].includes(this.#method)) throw new TypeError(`Failed to construct 'Request': '${this.#method}' is unsupported in no-cors mode.`);
    if (Object.keys(changes).length) more = { ...more, ...changes };
    this.#more = more;
    this.#headers = new Headers(headersInit !== undefined ? headersInit : inherited ? inherited.headers : undefined);
    // The body: init's, else the input Request's (which then counts as used).
    const hasInitBody = bodyInit !== undefined && bodyInit !== null;
    const inherit = !hasInitBody && inherited !== null && (inherited.bodyUsed || inherited[kSym.getBody]().kind !== 'none');
    if ((this.#method === 'GET' || this.#method === 'HEAD') && (hasInitBody || inherit))
      throw new TypeError('Request with a GET or HEAD method cannot have a body.');
    if (inherit) {
      if (inherited.bodyUsed) throw new TypeError('Cannot construct a Request with a Request object that has already been used.');
      const b = inherited[kSym.getBody]();
      inherited[kSym.setBody](NO_BODY);
      inherited[kSym.markUsed]();
      this[kSym.setBody](b);
    } else if (hasInitBody) {
      const body = extractBody(bodyInit);
      this[kSym.setBody](body);
      if (body.type && !this.#headers.has('content-type')) this.#headers.append('content-type', body.type);
    }
  }
  // An incoming request from the host: already validated, its headers built on first use.
  // `cfJson` and `claimsJson` are JSON text (or undefined), parsed on first use.
  static [kInternal](method, url, flat, body, cfJson, claimsJson) {
    const r = new Request(kIncoming);
    r.#method = method; r.#url = url; r.#headers = flat; r.#cfJson = cfJson;
    if (claimsJson !== undefined) r.#more = { ...USUAL, jwtJson: claimsJson };
    if (body !== null) r[kSym.setBody]({ kind: 'bytes', value: body });
    return r;
  }
  get method() { return this.#method; }
  get url() { return this.#url; }
  get headers() {
    const h = this.#headers;
    if (typeof h === 'string') return (this.#headers = headersFromText(h));
    return Array.isArray(h) ? (this.#headers = headersFrom(h, 'immutable')) : h;
  }
  get redirect() { return this.#more.redirect; }
  // edgert: the claims of the token verified by route auth (undefined without route auth).
  get jwt() {
    const m = this.#more;
    if (m.jwtJson === undefined) return m.jwt;
    const jwt = Object.freeze(JSON.parse(m.jwtJson));
    this.#more = { ...m, jwt, jwtJson: undefined };
    return jwt;
  }
  get [kSym.signalOrNull]() { return this.#more.signal; }
  get signal() {
    if (this.#more.signal === null) this.#more = { ...this.#more, signal: new (lazyLoad('events').AbortController)().signal };
    return this.#more.signal;
  }
  get cf() {
    if (this.#cfJson !== undefined) { this.#cf = JSON.parse(this.#cfJson); this.#cfJson = undefined; }
    return this.#cf;
  }
  get fetcher() { return null; }
  get integrity() { return this.#more.integrity; }
  get keepalive() { return this.#more.keepalive; }
  get mode() { return this.#more.mode; }
  get credentials() { return this.#more.credentials; }
  get cache() { return this.#more.cache; }
  get referrer() { return this.#more.referrer; }
  get referrerPolicy() { return this.#more.referrerPolicy; }
  get destination() { return ''; }
  get isReloadNavigation() { return false; }
  get isHistoryNavigation() { return false; }
  get duplex() { return 'half'; }
  clone() {
    if (this.bodyUsed) throw new TypeError('Cannot clone a Request whose body has been used.');
    const r = new Request(kIncoming);
    r.#method = this.#method; r.#url = this.#url; r.#cf = this.cf;
    const m = this.#more;
    r.#more = m.jwt !== undefined || m.jwtJson !== undefined ? { ...m, jwt: undefined, jwtJson: undefined } : m;
    const h = this.headers;
    r.#headers = Headers[kSym.copy](h);
    r[kSym.setBody](this[kSym.cloneBody]());
    return r;
  }
  get [Symbol.toStringTag]() { return 'Request'; }
}
defineGlobal('Request', Request);
