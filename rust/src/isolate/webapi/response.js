// Response (Fetch Standard).
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
// What most responses share (a response with other values gets its own record): the status
// text lives here too, not in a field of its own (each field an instance gets costs every
// request ~0.4k instructions, and a worker's responses rarely have one).
const NO_INIT = Object.freeze({});
const PLAIN = Object.freeze({ url: '', redirected: false, type: 'default', webSocket: null, statusText: '' });
// WebIDL `unsigned short` (no [EnforceRange]): ToNumber, truncated, modulo 2^16.
const unsignedShort = (v) => {
  if (typeof v === 'number' && v >= 0 && v <= 65535 && (v | 0) === v) return v;
  const n = Number(v);
  if (!Number.isFinite(n)) return 0;
  const t = Math.trunc(n) % 65536;
  return t < 0 ? t + 65536 : t;
};
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;
// A response's body and its Content-Type (a function, not a private method: a private method
// brands every instance).
const setResponseBody = (r, headers, b, status) => {
  if (NULL_BODY_STATUS.has(status)) throw new TypeError(`Response with null body status (${status}) cannot have body`);
  r[kSym.setBody](b);
  if (b.type && !Headers[kSym.hasName](headers, 'content-type')) Headers[kSym.trustedAppend](headers, 'content-type', b.type);
};
class Response extends BodyBase {
  #status = 200; #headers; #meta = PLAIN;
  constructor(body = null, init = NO_INIT) {
    super();
    // `new Response(body)`: the defaults (the fields' initial values), without reading `init`.
    if (init === NO_INIT || init === null || init === undefined) {
      this.#headers = new Headers();
      if (body !== null && body !== undefined) setResponseBody(this, this.#headers, extractBody(body), 200);
      return;
    }
    if (!isObject(init)) throw new TypeError("Failed to construct 'Response': The provided value is not of type 'ResponseInit'.");
    if (init instanceof Response) init = { status: init.status, statusText: init.statusText, headers: init.headers };
    // ResponseInit, in WebIDL's member order: headers, status, statusText (webSocket: Workers').
    const headers = init.headers, statusInit = init.status, statusTextInit = init.statusText, webSocket = init.webSocket;
    const status = statusInit === undefined ? 200 : unsignedShort(statusInit);
    const statusText = statusTextInit === undefined ? '' : `${statusTextInit}`;
    if (status < 200 || status > 599) {
      if (!(status === 101 && webSocket)) throw new RangeError(`Failed to construct 'Response': The status provided (${status}) is outside the range [200, 599].`);
    }
    if (statusText !== '' && !REASON_PHRASE.test(statusText)) throw new TypeError(`Failed to construct 'Response': Invalid statusText: "${statusText}"`);
    this.#status = status;
    if (webSocket || statusText !== '') this.#meta = { ...PLAIN, statusText, webSocket: webSocket || null };
    this.#headers = new Headers(headers);
    if (body !== null && body !== undefined) setResponseBody(this, this.#headers, extractBody(body), status);
  }
  static json(data, init = NO_INIT) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Value is not JSON serializable');
    const r = new Response(null, init);
    setResponseBody(r, r.#headers, { kind: 'string', value: text, type: 'application/json' }, r.#status);
    return r;
  }
  static redirect(url, status = 302) {
    const s = toUSV(url);
    const u = native.urlParse(s, apiBase);
    if (!u) throw new TypeError(`Invalid URL: ${s}`);
    const code = unsignedShort(status);
    if (!REDIRECT_STATUS.has(code)) throw new RangeError(`Invalid status code: ${code}`);
    const r = new Response(null, { status: code, headers: [['location', u[0]]] });
    Headers[kInternal](r.#headers, 'immutable');
    return r;
  }
  static error() { const r = new Response(null, { status: 200 }); r.#status = 0; r.#meta = { ...PLAIN, type: 'error' }; Headers[kInternal](r.#headers, 'immutable'); return r; }
  static [kInternal](status, statusText, flat, body, url) {
    const r = new Response(null);
    r.#status = status;
    r.#headers = headersFrom(flat, 'immutable');
    if (url || statusText !== '') r.#meta = { ...PLAIN, url: url || '', statusText };
    if (status === 101 && Array.isArray(flat)) {
      // A WebSocket the host connected (an outgoing fetch with `Upgrade: websocket`).
      const at = flat.indexOf('x-edgert-websocket');
      if (at >= 0 && at % 2 === 0) r.#meta = { ...r.#meta, webSocket: lazyLoad('websocket').fromHandle(flat[at + 1]) };
    }
    if (body !== null && !NULL_BODY_STATUS.has(status)) r[kSym.setBody]({ kind: 'bytes', value: body });
    return r;
  }
  get status() { return this.#status; }
  get statusText() { return this.#meta.statusText; }
  get ok() { return this.#status >= 200 && this.#status <= 299; }
  get headers() { return this.#headers; }
  get url() { return this.#meta.url; }
  get redirected() { return this.#meta.redirected; }
  get type() { return this.#meta.type; }
  get webSocket() { return this.#meta.webSocket; }
  clone() {
    if (this.bodyUsed) throw new TypeError('Cannot clone a Response whose body has been used.');
    const r = new Response(null);
    r.#status = this.#status; r.#headers = Headers[kSym.copy](this.#headers);
    if (this.#meta !== PLAIN) r.#meta = { ...this.#meta, webSocket: null };
    r[kSym.setBody](this[kSym.cloneBody]());
    return r;
  }
  get [Symbol.toStringTag]() { return 'Response'; }
}
defineGlobal('Response', Response);
api.makeResponse = (status, statusText, flat, body) => Response[kInternal](status, statusText, flat, body, '');
