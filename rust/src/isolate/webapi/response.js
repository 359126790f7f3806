// Response (Fetch Standard).
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
// What most responses share (a response with other values gets its own record).
const NO_INIT = Object.freeze({});
const PLAIN = Object.freeze({ url: '', redirected: false, type: 'default', webSocket: null });
class Response extends BodyBase {
  #status = 200; #statusText = ''; #headers; #meta = PLAIN;
  constructor(body = null, init = NO_INIT) {
    super();
    let status = 200;
    // `new Response(body)`: the defaults (the fields' initial values), without reading `init`.
    if (init === NO_INIT || init === null || init === undefined) this.#headers = new Headers();
    else {
      if (init instanceof Response) init = { status: init.status, statusText: init.statusText, headers: init.headers };
      status = init.status === undefined ? 200 : Number(init.status);
      if (!Number.isInteger(status) || status < 200 || status > 599) {
        if (!(status === 101 && init.webSocket)) throw new RangeError(`Responses may only be constructed with status codes in the range 200 to 599, inclusive.`);
      }
      const statusText = init.statusText === undefined ? '' : String(init.statusText);
      if (statusText && /[^\t\x20-\x7e\x80-\xff]/.test(statusText)) throw new TypeError('Invalid statusText');
      this.#status = status;
      this.#statusText = statusText;
      if (init.webSocket) this.#meta = { ...PLAIN, webSocket: init.webSocket };
      this.#headers = new Headers(init.headers);
    }
    if (body !== null && body !== undefined) {
      if (NULL_BODY_STATUS.has(status)) throw new TypeError(`Response with null body status (${status}) cannot have body`);
      const b = extractBody(body);
      this[kSym.setBody](b);
      if (b.type && !Headers[kSym.hasName](this.#headers, 'content-type')) Headers[kSym.trustedAppend](this.#headers, 'content-type', b.type);
    }
  }
  static json(data, init = {}) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Value is not JSON serializable');
    const headers = new Headers(init.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new Response(text, { ...init, headers });
  }
  static redirect(url, status = 302) {
    const u = native.urlParse(toUSV(url));
    if (!u) throw new TypeError(`Invalid URL: ${toUSV(url)}`);
    if (!REDIRECT_STATUS.has(status)) throw new RangeError(`Invalid status code: ${status}`);
    const r = new Response(null, { status, headers: { location: u[0] } });
    Headers[kInternal](r.#headers, 'immutable');
    return r;
  }
  static error() { const r = new Response(null, { status: 200 }); r.#status = 0; r.#meta = { ...PLAIN, type: 'error' }; Headers[kInternal](r.#headers, 'immutable'); return r; }
  static [kInternal](status, statusText, flat, body, url) {
    const r = new Response(null);
    r.#status = status;
    r.#statusText = statusText;
    r.#headers = headersFrom(flat, 'immutable');
    if (url) r.#meta = { ...PLAIN, url };
    if (status === 101 && Array.isArray(flat)) {
      // A WebSocket the host connected (an outgoing fetch with `Upgrade: websocket`).
      const at = flat.indexOf('x-edgert-websocket');
      if (at >= 0 && at % 2 === 0) r.#meta = { ...r.#meta, webSocket: lazyLoad('websocket').fromHandle(flat[at + 1]) };
    }
    if (body !== null && !NULL_BODY_STATUS.has(status)) r[kSym.setBody]({ kind: 'bytes', value: body });
    return r;
  }
  get status() { return this.#status; }
  get statusText() { return this.#statusText; }
  get ok() { return this.#status >= 200 && this.#status <= 299; }
  get headers() { return this.#headers; }
  get url() { return this.#meta.url; }
  get redirected() { return this.#meta.redirected; }
  get type() { return this.#meta.type; }
  get webSocket() { return this.#meta.webSocket; }
  clone() {
    if (this.bodyUsed) throw new TypeError('Cannot clone a Response whose body has been used.');
    const r = new Response(null, { status: this.#status === 0 ? 200 : this.#status, statusText: this.#statusText, headers: this.#headers });
    r.#status = this.#status; if (this.#meta !== PLAIN) r.#meta = { ...this.#meta, webSocket: null };
    r[kSym.setBody](this[kSym.cloneBody]());
    return r;
  }
  get [Symbol.toStringTag]() { return 'Response'; }
}
defineGlobal('Response', Response);
api.makeResponse = (status, statusText, flat, body) => Response[kInternal](status, statusText, flat, body, '');
