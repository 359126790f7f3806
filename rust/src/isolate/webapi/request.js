// Request (Fetch Standard, with Workers' `cf`). Workers has no CORS or referrer machinery:
// `mode`, `credentials`, `referrer`, `referrerPolicy` in a RequestInit are checked as the
// standard says and change nothing (they are not attributes on Workers either).
const NORMALIZE_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH']);
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
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
      const s = toUSV(input);
      const u = native.urlParse(s, apiBase); // without a base (undefined): absolute URLs only
      if (!u) throw new TypeError(`Invalid URL: ${s}`);
      if (u[3] !== '' || u[4] !== '') throw new TypeError(`Failed to construct 'Request': Request cannot be constructed from a URL that includes credentials: ${u[0]}`);
      this.#url = u[0];
    }
    // RequestInit, read in WebIDL's (lexicographic) member order.
    const bodyInit = init.body, cache = init.cache, cf = init.cf, credentials = init.credentials, duplex = init.duplex;
    const headersInit = init.headers, integrity = init.integrity, keepalive = init.keepalive, method = init.method;
    const mode = init.mode, priority = init.priority, redirect = init.redirect, referrer = init.referrer;
    const referrerPolicy = init.referrerPolicy, signal = init.signal, window = init.window;
    if (cf !== undefined) this.#cf = cf;
    if (method !== undefined) {
      const m = `${method}`;
      if (!TOKEN.test(m)) throw new TypeError(`'${m}' is not a valid HTTP method.`);
      const upper = m.toUpperCase();
      if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`'${m}' HTTP method is unsupported.`);
      this.#method = NORMALIZE_METHODS.has(upper) ? upper : m;
    }
    // The members Workers does not act on are checked by the lazy fetchinit module, only when given.
    if (cache !== undefined || credentials !== undefined || duplex !== undefined || integrity !== undefined || keepalive !== undefined || mode !== undefined || priority !== undefined
      || redirect !== undefined || referrer !== undefined || referrerPolicy !== undefined || signal !== undefined || window !== undefined) {
      const changes = lazyLoad('fetchinit').requestInit({ cache, credentials, duplex, integrity, keepalive, mode, priority, redirect, referrer, referrerPolicy, signal, window }, this.#method, more, apiBase);
      more = { ...more, ...changes };
    } else if (more.mode === 'no-cors' && !['GET', 'HEAD', 'POST'].includes(this.#method)) {
      throw new TypeError(`Failed to construct 'Request': '${this.#method}' is unsupported in no-cors mode.`);
    }
    // A signal taken from the input Request: this one gets a new signal following it.
    if (inherited !== null && signal === undefined && more.signal !== null) more = lazyLoad('fetchinit').followSignal(more);
    this.#more = more;
    const h = headersInit !== undefined ? headersInit : inherited ? inherited.headers : undefined;
    this.#headers = more.mode === 'no-cors' ? lazyLoad('fetchinit').noCorsHeaders(Headers, h) : new Headers(h);
    // The body: init's, else the input Request's (which then counts as used).
    const hasInitBody = bodyInit !== undefined && bodyInit !== null;
    const inherit = !hasInitBody && inherited !== null && (inherited.bodyUsed || inherited[kSym.getBody]().kind !== 'none');
    if ((this.#method === 'GET' || this.#method === 'HEAD') && (hasInitBody || inherit))
      throw new TypeError('Request with a GET or HEAD method cannot have a body.');
    if (inherit) {
      const b = inherited[kSym.getBody]();
      if (inherited.bodyUsed || (b.kind === 'stream' && b.value.locked)) throw new TypeError('Cannot construct a Request with a Request object that has already been used.');
      if (more.keepalive) lazyLoad('fetchinit').keepaliveBody(b);
      // The input keeps its body object, now used; this one reads it (a stream through a proxy).
      inherited[kSym.markUsed]();
      this[kSym.setBody](b.kind === 'stream' ? { kind: 'stream', value: lazyLoad('streams').proxyBody(b.value) } : b);
    } else if (hasInitBody) {
      const body = extractBody(bodyInit);
      if (more.keepalive) lazyLoad('fetchinit').keepaliveBody(body);
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
  // Like Workers' Request: `cache` is readable; `mode`, `credentials`, `referrer`,
  // `referrerPolicy`, `destination`, `duplex` and the navigation flags are not attributes
  // (their RequestInit members are checked, then have no effect).
  get cache() { return this.#more.cache; }
  clone() {
    if (this.bodyUsed) throw new TypeError('Cannot clone a Request whose body has been used.');
    const r = new Request(kIncoming);
    r.#method = this.#method; r.#url = this.#url; r.#cf = this.cf;
    const m = this.#more;
    r.#more = m.jwt !== undefined || m.jwtJson !== undefined ? { ...m, jwt: undefined, jwtJson: undefined } : m;
    // The clone's signal follows this one's (a dependent signal).
    if (m.signal !== null) r.#more = lazyLoad('fetchinit').followSignal(r.#more);
    const h = this.headers;
    r.#headers = Headers[kSym.copy](h);
    r[kSym.setBody](this[kSym.cloneBody]());
    return r;
  }
  get [Symbol.toStringTag]() { return 'Request'; }
}
defineGlobal('Request', Request);
