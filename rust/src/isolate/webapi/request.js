// Request (Fetch Standard, with Workers' `cf` and without modes/credentials).
const NORMALIZE_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH']);
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const kIncoming = Symbol('incoming');
// What most requests share: redirect mode, signal, route-auth claims (others get their own record).
// `jwtJson`: an incoming request's route-auth claims as JSON text, until `jwt` is first read.
const USUAL = Object.freeze({ redirect: 'follow', signal: null, jwt: undefined, jwtJson: undefined });
class Request extends BodyBase {
  // #headers: a Headers, or an incoming request's fields until first read: a flat
  // [name, value, ...] list, or the host's `\nname:value...` text (see runtime.rs).
  // #cfJson: an incoming request's `cf` as JSON text, until `cf` is first read.
  #method = 'GET'; #url; #headers = null; #cf; #cfJson; #more = USUAL;
  constructor(input, init = {}) {
    super();
    // An incoming request from the host: filled in by Request[kInternal].
    if (input === kIncoming) return;
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Request': 1 argument required");
    init = init === null || init === undefined ? {} : init;
    let inherited = null, redirect = 'follow';
    if (input instanceof Request) {
      inherited = input;
      this.#url = input.url;
      this.#method = input.method;
      redirect = input.redirect;
      this.#cf = input.cf;
    } else {
      const u = native.urlParse(toUSV(input));
      if (!u) throw new TypeError(`Invalid URL: ${toUSV(input)}`);
      this.#url = u[0];
    }
    if (init.method !== undefined) {
      const m = String(init.method);
      if (!TOKEN.test(m)) throw new TypeError(`'${m}' is not a valid HTTP method.`);
      const upper = m.toUpperCase();
      if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`'${m}' HTTP method is unsupported.`);
      this.#method = NORMALIZE_METHODS.has(upper) ? upper : m;
    }
    if (init.redirect !== undefined) {
      if (!['follow', 'manual', 'error'].includes(init.redirect)) throw new TypeError(`Invalid redirect value: ${init.redirect}`);
      redirect = init.redirect;
    }
    if (init.cf !== undefined) this.#cf = init.cf;
    const signal = init.signal || (inherited ? inherited.signal : null);
    if (redirect !== 'follow' || signal !== null) this.#more = { redirect, signal, jwt: undefined, jwtJson: undefined };
    this.#headers = new Headers(init.headers !== undefined ? init.headers : inherited ? inherited.headers : undefined);
    let body;
    if (init.body !== undefined && init.body !== null) body = extractBody(init.body);
    else if (inherited && init.body === undefined && inherited[kSym.getBody]().kind !== 'none') body = { kind: 'inherit' };
    else body = { kind: 'none', value: null };
    if ((this.#method === 'GET' || this.#method === 'HEAD') && body.kind !== 'none')
      throw new TypeError('Request with a GET or HEAD method cannot have a body.');
    if (body.kind === 'inherit') {
      if (inherited.bodyUsed) throw new TypeError('Cannot construct a Request with a Request object that has already been used.');
      const b = inherited[kSym.getBody]();
      inherited[kSym.setBody]({ kind: 'none', value: null });
      this[kSym.setBody](b);
    } else {
      this[kSym.setBody](body);
      if (body.type && !this.#headers.has('content-type')) this.#headers.set('content-type', body.type);
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
  get integrity() { return ''; }
  get keepalive() { return false; }
  clone() {
    if (this.bodyUsed) throw new TypeError('Cannot clone a Request whose body has been used.');
    const r = new Request(this.#url, { method: this.#method, headers: this.headers, redirect: this.#more.redirect, cf: this.cf, signal: this.#more.signal || undefined });
    r[kSym.setBody](this[kSym.cloneBody]());
    return r;
  }
  get [Symbol.toStringTag]() { return 'Request'; }
}
defineGlobal('Request', Request);
