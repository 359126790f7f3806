// crypto.getRandomValues and crypto.randomUUID over the host-seeded generator; crypto.subtle
// is the lazy WebCrypto module (lazy/subtle.js). Lazy itself: built when `crypto` is first read.
const INTEGER_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];
// A typed array's own kind (its [[TypedArrayName]], also for a subclass), or undefined.
const typedArrayName = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
// WebIDL's QuotaExceededError: a DOMException carrying the quota and the amount requested.
// getRandomValues is the only API that throws one, so its global comes with `crypto`.
const optionalDouble = (v, what) => {
  if (v === undefined || v === null) return null;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new TypeError(`QuotaExceededError: ${what} must be a finite number`);
  if (n < 0) throw new RangeError(`QuotaExceededError: ${what} must not be negative`);
  return n;
};
class QuotaExceededError extends DOMException {
  #quota; #requested;
  constructor(message = '', options = undefined) {
    super(message, 'QuotaExceededError');
    const quota = optionalDouble(options == null ? undefined : options.quota, 'quota');
    const requested = optionalDouble(options == null ? undefined : options.requested, 'requested');
    if (quota !== null && requested !== null && requested < quota) throw new RangeError('QuotaExceededError: requested is less than quota');
    this.#quota = quota;
    this.#requested = requested;
  }
  get quota() { return this.#quota; }
  get requested() { return this.#requested; }
}
defineGlobal('QuotaExceededError', QuotaExceededError);
// crypto.subtle, once read.
let subtle = null;
const crypto = {
  getRandomValues(array) {
    if (!ArrayBuffer.isView(array) || !INTEGER_ARRAYS.includes(typedArrayName.call(array)))
      throw new DOMException('The data provided is not an integer-type TypedArray', 'TypeMismatchError');
    if (array.byteLength > 65536) throw new QuotaExceededError(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536).`);
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(native.randomBytes(array.byteLength));
    return array;
  },
  randomUUID() {
    const b = native.randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  },
  // The WebCrypto module (lazy/subtle.js) is read on first use.
  get subtle() { return subtle === null ? (subtle = lazyLoad('subtle').subtle) : subtle; },
};
defineGlobal('crypto', crypto);
defineGlobal('Crypto', function Crypto() { throw new TypeError('Illegal constructor'); });
return { crypto };
