// The rarely needed halves of Headers and Request (Fetch Standard), kept out of the eager
// prelude so a new isolate does not pay for them: WebIDL's conversion of a HeadersInit, the
// Headers pair iterator, and the checks of RequestInit members Workers does not act on.
// Everything here is pure: the eager classes keep their private state.

// WebIDL ByteString: code units up to U+00FF (a Symbol throws in the string conversion).
const byteString = (v) => {
  const s = typeof v === 'string' ? v : `${v}`;
  if (!native.isByteString(s)) throw new TypeError(`Cannot convert "${s}" to a ByteString: a character is above U+00FF`);
  return s;
};
// HeadersInit (sequence<sequence<ByteString>> or record<ByteString, ByteString>), converted
// in full in the order the standard reads the object, as a flat [name, value, ...] list of
// ByteStrings (the header name and value checks follow in Headers.append).
// `list`: for a new Headers (headers.js), which may take, for a plain record whose every pair
// is valid, the list append() would build (`[[name, value], ...]`, natively: `recordList`)
// instead of the flat pairs; anything else gives the flat pairs.
const headersInit = (init, list = false) => {
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
  // A plain object of string data properties whose conversion no code can observe: converted
  // natively (isolate/headers_native.rs, `recordPairs`); anything else by the steps below.
  if (list) {
    const normalized = native.recordList(init);
    if (normalized !== undefined) return normalized;
  }
  const fast = native.recordPairs(init);
  if (fast !== undefined) return fast;
  // [[OwnPropertyKeys]], then per key [[GetOwnProperty]] and [[Get]] (a proxy's ownKeys cannot
  // report a key twice, so each key comes once).
  const keys = Reflect.ownKeys(init);
  const enumerable = Object.prototype.propertyIsEnumerable;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (!enumerable.call(init, key)) continue;
    if (typeof key === 'symbol') throw new TypeError('Cannot convert a Symbol to a ByteString');
    const k = byteString(key);
    out.push(k, byteString(init[key]));
  }
  return out;
};

// A WebIDL pair iterator over Headers: an index into the sorted and combined list, read again
// at each step (`sorted(headers)`), so changes made while iterating are seen.
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
let sortedOf = null;
class HeadersIterator {
  #headers; #kind; #index = 0;
  constructor(headers, kind) { this.#headers = headers; this.#kind = kind; }
  next() {
    if (!(#headers in this)) throw new TypeError('next() called on an object that is not a Headers iterator');
    const pairs = sortedOf(this.#headers);
    if (this.#index >= pairs.length) return { value: undefined, done: true };
    const p = pairs[this.#index++];
    return { value: this.#kind === 'key' ? p[0] : this.#kind === 'value' ? p[1] : [p[0], p[1]], done: false };
  }
  get [Symbol.toStringTag]() { return 'Headers Iterator'; }
}
Object.setPrototypeOf(HeadersIterator.prototype, IteratorPrototype);
Object.defineProperty(HeadersIterator.prototype, 'next', { enumerable: true });
const headersIterator = (headers, kind, sorted) => { sortedOf = sorted; return new HeadersIterator(headers, kind); };

// RequestInit members Workers does not act on, checked as the standard says; returns the
// record of values to keep.
const ENUMS = {
  mode: '|navigate|same-origin|no-cors|cors|',
  credentials: '|omit|same-origin|include|',
  cache: '|default|no-store|reload|no-cache|force-cache|only-if-cached|',
  redirect: '|follow|error|manual|',
  referrerPolicy: '||no-referrer|no-referrer-when-downgrade|same-origin|origin|strict-origin|origin-when-cross-origin|strict-origin-when-cross-origin|unsafe-url|',
  duplex: '|half|',
  priority: '|high|low|auto|',
};
const enumValue = (name, v) => {
  const s = `${v}`;
  if (s.includes('|') || !ENUMS[name].includes(`|${s}|`)) throw new TypeError(`Failed to construct 'Request': The provided value '${s}' is not a valid enum value of type Request${name[0].toUpperCase()}${name.slice(1)}.`);
  return s;
};
// `m`: the members as read (in WebIDL order) by the constructor; `method` the final method,
// `base` the inherited record, `apiBase` the environment's API base URL (or undefined).
// Throws as the standard does.
const requestInit = (m, method, base, apiBase) => {
  const changes = {};
  if (m.cache !== undefined) changes.cache = enumValue('cache', m.cache);
  if (m.credentials !== undefined) changes.credentials = enumValue('credentials', m.credentials);
  if (m.duplex !== undefined) enumValue('duplex', m.duplex);
  if (m.integrity !== undefined) changes.integrity = `${m.integrity}`;
  if (m.keepalive !== undefined) changes.keepalive = !!m.keepalive;
  if (m.mode !== undefined) changes.mode = enumValue('mode', m.mode);
  if (m.priority !== undefined) enumValue('priority', m.priority);
  if (m.redirect !== undefined) changes.redirect = enumValue('redirect', m.redirect);
  if (m.referrerPolicy !== undefined) changes.referrerPolicy = enumValue('referrerPolicy', m.referrerPolicy);
  if (m.signal !== undefined && m.signal !== null) {
    const { AbortSignal } = lazyLoad('events');
    if (!(m.signal instanceof AbortSignal)) throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal.");
    // The request's signal is a new one that follows the given one (a dependent signal);
    // `signalSource` is what a signal following the request's follows in turn (the standard's
    // dependent signals follow the sources, not each other: a clone's and the original's abort
    // events fire in the order they were made).
    changes.signal = AbortSignal.any([m.signal]);
    changes.signalSource = m.signal;
  } else if (m.signal === null) { changes.signal = null; changes.signalSource = undefined; }
  if (m.window !== undefined && m.window !== null) throw new TypeError("Failed to construct 'Request': 'window' must be null.");
  if (changes.mode === 'navigate') throw new TypeError("Failed to construct 'Request': Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.");
  if (m.referrer !== undefined) {
    const r = `${m.referrer}`;
    if (r === '') changes.referrer = '';
    else {
      const u = native.urlParse(toUSV(r), apiBase);
      if (!u) throw new TypeError(`Failed to construct 'Request': Invalid referrer URL: ${r}`);
      changes.referrer = u[0];
    }
  }
  const mode = changes.mode || base.mode;
  if ((changes.cache || base.cache) === 'only-if-cached' && mode !== 'same-origin') throw new TypeError("Failed to construct 'Request': 'only-if-cached' can be set only with 'same-origin' mode");
  if (mode === 'no-cors' && method !== 'GET' && method !== 'HEAD' && method !== 'POST') throw new TypeError(`Failed to construct 'Request': '${method}' is unsupported in no-cors mode.`);
  return changes;
};
// The request-no-cors guard (Fetch Standard): the headers of a Request whose mode is
// "no-cors" take only no-CORS-safelisted request-headers (a refused append, set or delete does
// nothing). Workers has no `mode` (it throws on one); edgert accepts it and applies the guard.
const NO_CORS_NAMES = '|accept|accept-language|content-language|content-type|';
// CORS-unsafe request-header bytes; the bytes of Accept-Language and Content-Language.
const CORS_UNSAFE = /[\x00-\x08\x0a-\x1f"():<>?@[\\\]{}\x7f]/;
const LANGUAGE = /^[0-9A-Za-z *,\-.;=]*$/;
const SAFELISTED_TYPES = '|application/x-www-form-urlencoded|multipart/form-data|text/plain|';
// Whether (n, v) is a CORS-safelisted request-header of a no-CORS-safelisted name.
const noCorsSafelisted = (n, v) => {
  if (v.length > 128 || !NO_CORS_NAMES.includes(`|${n}|`)) return false;
  if (n === 'accept') return !CORS_UNSAFE.test(v);
  if (n !== 'content-type') return LANGUAGE.test(v);
  if (CORS_UNSAFE.test(v)) return false;
  const mime = lazyLoad('mime'), t = mime.parse(v);
  return t !== null && SAFELISTED_TYPES.includes(`|${mime.essence(t)}|`);
};
// Whether a change to a no-cors request's headers `h` goes ahead: `op` is 'append' (judged by
// the combined value the name would then have), 'set' or 'delete' (`range`, a privileged
// no-CORS request-header, may be deleted; it can never be added).
const noCorsAllows = (h, n, v, op) => {
  if (op === 'delete') return n === 'range' || NO_CORS_NAMES.includes(`|${n}|`);
  const cur = op === 'append' ? h.get(n) : null;
  return noCorsSafelisted(n, cur === null ? v : `${cur}, ${v}`);
};
// A no-cors Request's headers: `init` (a Headers or a HeadersInit) appended through the guard.
const noCorsHeaders = (Headers, init) => {
  const h = Headers[kInternal](new Headers(), 'request-no-cors');
  if (init === undefined) return h;
  const flat = init instanceof Headers ? Headers.flat(init) : headersInit(init);
  for (let i = 0; i < flat.length; i += 2) h.append(flat[i], flat[i + 1]);
  return h;
};


// Abort fetch (Fetch Standard) on the bodies: a request's stream not yet read is cancelled;
// a response's body, while readable, errors with the reason (a body the runtime holds becomes
// an errored stream, unless it was already read).
const cancelBody = (stream, reason) => { stream.cancel(reason).then(undefined, () => {}); };
const abortBody = (response, reason) => {
  const b = response[kSym.getBody]();
  if (b.kind === 'none' || response.bodyUsed) return;
  const streams = lazyLoad('streams');
  if (b.kind === 'stream') streams.errorBody(b.value, reason);
  else response[kSym.setBody]({ kind: 'stream', value: streams.erroredBody(reason) });
};
const abortBeforeFetch = (body, reason) => {
  if (body.kind === 'stream' && !body.value.locked) cancelBody(body.value, reason);
  throw reason;
};
// A Request's signal that follows the one of `more` (its record), or that one's source.
const followSignal = (more) => ({ ...more, signal: lazyLoad('events').AbortSignal.any([more.signalSource || more.signal]) });
// keepalive with a ReadableStream body (Fetch Standard: a TypeError).
const keepaliveBody = (body) => {
  if (body.kind === 'stream') throw new TypeError('keepalive cannot be used with a ReadableStream body.');
};
// The environment's API base URL from an `edgert:api-base-url` binding's `url`.
const apiBaseURL = (url) => {
  const u = native.urlParse(toUSV(url));
  if (!u) throw new TypeError(`edgert:api-base-url: not an absolute URL: ${url}`);
  return u[0];
};
const abortBodyOn = (signal, response) => {
  signal.addEventListener('abort', () => abortBody(response, signal.reason), { once: true });
};
return {
  headersInit, headersIterator, requestInit, noCorsAllows, noCorsHeaders, abortBodyOn, abortBeforeFetch, followSignal,
  keepaliveBody, apiBaseURL,
};
