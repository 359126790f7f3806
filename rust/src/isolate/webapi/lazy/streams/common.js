// Streams (WHATWG Streams Standard): what every part shares. The streams module is these
// files concatenated in one scope (see `prelude.rs`): common, queuing, readable, byte_stream,
// tee, from, iterator, writable, transform, pipe, exports.
//
// Objects: every public object (a ReadableStream, a reader, a controller...) holds one internal
// record under the module's `kS` symbol, a plain object whose fields are the standard's
// internal slots (`state`, `storedError`, `reader`...). The abstract operations take and return
// records, as the standard's algorithms take objects with slots; `rec.obj` is the public object
// handed to the page (a controller passed to `start()`, a stream returned by `tee()`). A
// record can only be reached through the symbol, so the brand checks (`recOf`) cannot be forged.
const kS = Symbol('streams.slots');
const noop = () => {};

// The intrinsics as the module found them: a page that patches `Promise.prototype.then` or
// `Promise.resolve` does not change how streams settle their promises (the standard's
// "promise resolved with" and "upon fulfillment" are not observable calls).
const reflectApply = Reflect.apply;
const OrigPromise = Promise;
const promiseThen = Promise.prototype.then;
const promiseResolveNow = Promise.resolve.bind(Promise);
const ArrayBufferCtor = ArrayBuffer;
const isView = ArrayBuffer.isView;
const byteLengthGetter = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const detachedGetter = (Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached') || {}).get;
const transferMethod = ArrayBuffer.prototype.transfer;
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayBuffer = Object.getOwnPropertyDescriptor(typedArrayProto, 'buffer').get;
const typedArrayByteOffset = Object.getOwnPropertyDescriptor(typedArrayProto, 'byteOffset').get;
const typedArrayByteLength = Object.getOwnPropertyDescriptor(typedArrayProto, 'byteLength').get;
const typedArrayName = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag).get;
const dataViewBuffer = Object.getOwnPropertyDescriptor(DataView.prototype, 'buffer').get;
const dataViewByteOffset = Object.getOwnPropertyDescriptor(DataView.prototype, 'byteOffset').get;
const dataViewByteLength = Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength').get;
const queueMicrotaskNow = queueMicrotask;

// ---- promises (the standard's promise vocabulary, WebIDL section 3.2.23)
// A promise with its settle functions; `pending` tells whether it is still unsettled.
const newCap = () => {
  const cap = { promise: undefined, resolve: undefined, reject: undefined, pending: true };
  cap.promise = new OrigPromise((res, rej) => {
    cap.resolve = (v) => { if (cap.pending) { cap.pending = false; res(v); } };
    cap.reject = (e) => { if (cap.pending) { cap.pending = false; rej(e); } };
  });
  return cap;
};
const resolvedCap = (v) => { const c = newCap(); c.resolve(v); return c; };
const rejectedCap = (e) => { const c = newCap(); c.reject(e); setHandled(c.promise); return c; };
const resolvedWith = (v) => new OrigPromise((res) => res(v));
const rejectedWith = (e) => new OrigPromise((_, rej) => rej(e));
const RESOLVED = () => resolvedWith(undefined);
const upon = (p, onFulfilled, onRejected) => reflectApply(promiseThen, p, [onFulfilled, onRejected]);
const setHandled = (p) => { reflectApply(promiseThen, p, [undefined, noop]); };
// "Wait for all": fulfils when every promise fulfilled, rejects with the first rejection.
const waitForAll = (promises) => {
  const cap = newCap();
  let left = promises.length;
  if (left === 0) cap.resolve(undefined);
  for (const p of promises) upon(p, () => { if (--left === 0) cap.resolve(undefined); }, cap.reject);
  return cap.promise;
};

// ---- WebIDL conversions used by the constructors and methods
const isObj = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');
const recOf = (obj, kind, what) => {
  const r = isObj(obj) ? obj[kS] : undefined;
  if (r === undefined || r.kind !== kind) throw new TypeError(`Illegal invocation: not a ${what}`);
  return r;
};
// A method that returns a promise rejects instead of throwing (WebIDL).
const recOrReject = (obj, kind, what) => {
  const r = isObj(obj) ? obj[kS] : undefined;
  return r !== undefined && r.kind === kind ? r : undefined;
};
const illegal = (what) => rejectedWith(new TypeError(`Illegal invocation: not a ${what}`));
// A dictionary argument: undefined and null are an empty dictionary, other non-objects a TypeError.
const dictArg = (v, what) => {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw new TypeError(`${what} must be an object`);
  return v;
};
const callbackMember = (dict, name, what) => {
  const f = dict === null ? undefined : dict[name];
  if (f === undefined) return undefined;
  if (typeof f !== 'function') throw new TypeError(`${what}.${name} must be a function`);
  return f;
};
// [EnforceRange] unsigned long long.
const enforceRange = (v, what) => {
  let n = Number(v);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number`);
  n = Math.trunc(n);
  if (n < 0 || n > Number.MAX_SAFE_INTEGER) throw new TypeError(`${what} is out of range`);
  return n === 0 ? 0 : n;
};
// Invokes a callback member with `thisArg`; a "Promise<undefined>" callback's throw becomes a
// rejected promise.
const promiseCall = (f, thisArg, args) => {
  try { return resolvedWith(reflectApply(f, thisArg, args)); } catch (e) { return rejectedWith(e); }
};

// ---- byte helpers (ECMAScript buffer operations used by byte streams)
const isDetached = (buffer) => (detachedGetter ? reflectApply(detachedGetter, buffer, []) : false);
const bufferByteLength = (buffer) => reflectApply(byteLengthGetter, buffer, []);
// TransferArrayBuffer: a new ArrayBuffer with the same bytes, the old one detached.
const transferBuffer = (buffer) => reflectApply(transferMethod, buffer, []);
const canTransfer = (buffer) => !isDetached(buffer);
const viewParts = (view) => (view instanceof DataView
  ? { buffer: reflectApply(dataViewBuffer, view, []), byteOffset: reflectApply(dataViewByteOffset, view, []), byteLength: reflectApply(dataViewByteLength, view, []), ctor: DataView, elementSize: 1 }
  : { buffer: reflectApply(typedArrayBuffer, view, []), byteOffset: reflectApply(typedArrayByteOffset, view, []), byteLength: reflectApply(typedArrayByteLength, view, []), ctor: TYPED_CTORS[reflectApply(typedArrayName, view, [])], elementSize: TYPED_CTORS[reflectApply(typedArrayName, view, [])].BYTES_PER_ELEMENT });
const TYPED_CTORS = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};
if (typeof Float16Array === 'function') TYPED_CTORS.Float16Array = Float16Array;
const copyBytes = (dest, destOffset, src, srcOffset, n) => {
  new Uint8Array(dest, destOffset, n).set(new Uint8Array(src, srcOffset, n));
};
