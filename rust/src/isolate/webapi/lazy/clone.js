// structuredClone (HTML Standard's structured serialization, in-memory), with the transfer
// of ArrayBuffers and MessagePorts (messaging.js, which posts messages through the same walk).
//
// Serialization and deserialization are one walk here (the copy is made as the value is
// read); what the standard checks before it transfers anything is checked before anything is
// detached: the transfer list first, then the whole walk (a transferred buffer is copied like
// any other; a transferred port stands for its new port wherever the value holds it), and only
// when the walk succeeded are the transferred buffers detached and the ports moved.
const cloneError = (msg) => new DOMException(msg, 'DataCloneError');
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayAt = TypedArrayProto.at;
const abByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const abResizable = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'resizable')?.get;
const abDetached = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached')?.get;
const abMax = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'maxByteLength')?.get;
const abResize = ArrayBuffer.prototype.resize;
const abTransfer = ArrayBuffer.prototype.transfer;
const dvByteLength = Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength').get;
const errorCtors = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
const viewCtors = { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array };
if (typeof Float16Array === 'function') viewCtors.Float16Array = Float16Array;

const isDetached = (buf) => (abDetached ? abDetached.call(buf) : false);
const isResizable = (buf) => (abResizable ? abResizable.call(buf) : false);
const copyBuffer = (buf) => {
  if (isDetached(buf)) throw cloneError('An ArrayBuffer is detached and could not be cloned.');
  if (!isResizable(buf)) return ArrayBuffer.prototype.slice.call(buf, 0);
  const out = new ArrayBuffer(abByteLength.call(buf), { maxByteLength: abMax.call(buf) });
  new Uint8Array(out).set(new Uint8Array(buf));
  return out;
};
// Whether a view over a resizable buffer tracks its length (the standard serializes its
// length as "auto"): only a view ending at the buffer's end can; shrinking the buffer by one
// byte leaves a length-tracking view in bounds and puts a fixed-length one out of bounds. The
// byte is put back before any other code runs.
const tracksLength = (view, buf, isInBounds) => {
  if (!isResizable(buf) || abByteLength.call(buf) === 0) return false;
  const len = abByteLength.call(buf);
  if (view.byteOffset + view.byteLength !== len) return false;
  const last = new Uint8Array(buf, len - 1, 1)[0];
  abResize.call(buf, len - 1);
  const tracking = isInBounds(view);
  abResize.call(buf, len);
  new Uint8Array(buf, len - 1, 1)[0] = last;
  return tracking;
};
const typedArrayInBounds = (v) => { try { typedArrayAt.call(v, 0); return true; } catch { return false; } };
const dataViewInBounds = (v) => { try { dvByteLength.call(v); return true; } catch { return false; } };

const structuredCloneImpl = (value, memo) => {
  if (!isObject(value)) {
    if (typeof value === 'symbol') throw cloneError(`${String(value)} could not be cloned.`);
    return value;
  }
  if (memo.has(value)) return memo.get(value);
  if (typeof value === 'function') throw cloneError(`${value.name || 'function'} could not be cloned.`);
  // Blobs exist only once their module is loaded.
  const { Blob, File } = lazyLoaded('blob') ? lazyLoad('blob') : {};
  if (Blob !== undefined && value instanceof Blob) {
    const bytes = value[kInternal];
    const out = value instanceof File
      ? new File([bytes], value.name, { type: value.type, lastModified: value.lastModified })
      : Blob[kInternal](bytes, value.type);
    memo.set(value, out);
    return out;
  }
  const tag = Object.prototype.toString.call(value);
  let out;
  switch (tag) {
    case '[object Boolean]': out = Object(Boolean.prototype.valueOf.call(value)); break;
    case '[object Number]': out = Object(Number.prototype.valueOf.call(value)); break;
    case '[object String]': out = Object(String.prototype.valueOf.call(value)); break;
    case '[object BigInt]': out = Object(BigInt.prototype.valueOf.call(value)); break;
    case '[object Date]': out = new RealDate(RealDate.prototype.getTime.call(value)); break;
    case '[object RegExp]': out = new RegExp(value.source, value.flags); break;
    case '[object ArrayBuffer]': out = copyBuffer(value); break;
    case '[object DataView]': {
      if (!dataViewInBounds(value)) throw cloneError('A DataView is out of bounds of its buffer and could not be cloned.');
      const tracking = tracksLength(value, value.buffer, dataViewInBounds);
      const offset = value.byteOffset, length = value.byteLength;
      const buf = structuredCloneImpl(value.buffer, memo);
      out = tracking ? new DataView(buf, offset) : new DataView(buf, offset, length);
      break;
    }
    case '[object Map]': {
      out = new Map(); memo.set(value, out);
      for (const [k, v] of value) out.set(structuredCloneImpl(k, memo), structuredCloneImpl(v, memo));
      return out;
    }
    case '[object Set]': {
      out = new Set(); memo.set(value, out);
      for (const v of value) out.add(structuredCloneImpl(v, memo));
      return out;
    }
    case '[object Error]': {
      // The name picks the prototype (one of the standard errors, else Error); the message is
      // kept only when it is an own data property.
      const name = value.name;
      const C = typeof name === 'string' && Object.hasOwn(errorCtors, name) ? errorCtors[name] : Error;
      const desc = Object.getOwnPropertyDescriptor(value, 'message');
      const message = desc && 'value' in desc ? `${desc.value}` : undefined;
      out = message === undefined ? new C() : new C(message);
      if (value.stack !== undefined) Object.defineProperty(out, 'stack', { value: String(value.stack), writable: true, configurable: true });
      if ('cause' in value) out.cause = structuredCloneImpl(value.cause, memo);
      break;
    }
    case '[object Array]': {
      out = new Array(value.length); memo.set(value, out);
      for (const k of Object.keys(value)) out[k] = structuredCloneImpl(value[k], memo);
      return out;
    }
    case '[object Object]': {
      if (value instanceof DOMException) { out = new DOMException(value.message, value.name); break; }
      out = {}; memo.set(value, out);
      for (const k of Object.keys(value)) out[k] = structuredCloneImpl(value[k], memo);
      return out;
    }
    default:
      if (ArrayBuffer.isView(value)) {
        if (!typedArrayInBounds(value)) throw cloneError('A TypedArray is out of bounds of its buffer and could not be cloned.');
        const tracking = tracksLength(value, value.buffer, typedArrayInBounds);
        const offset = value.byteOffset, length = value.length;
        const buf = structuredCloneImpl(value.buffer, memo);
        const Ctor = viewCtors[tag.slice(8, -1)] || value.constructor;
        out = tracking ? new Ctor(buf, offset) : new Ctor(buf, offset, length);
        break;
      }
      if (value instanceof DOMException) { out = new DOMException(value.message, value.name); break; }
      throw cloneError(`${tag.slice(8, -1)} object could not be cloned.`);
  }
  memo.set(value, out);
  return out;
};
// WebIDL's sequence<object> of a transfer list; `what` starts each error's message.
const toTransferList = (list, what) => {
  if (!isObject(list) || typeof list[Symbol.iterator] !== 'function') throw new TypeError(`${what}: The provided value cannot be converted to a sequence.`);
  const out = [];
  for (const t of list) {
    if (!isObject(t)) throw new TypeError(`${what}: Failed to convert value to 'object'.`);
    out.push(t);
  }
  return out;
};
// StructuredSerializeWithTransfer then StructuredDeserializeWithTransfer: the clone of `value`
// and the new MessagePorts of the transfer list (in its order).
const serializeWithTransfer = (value, transfer) => {
  const messaging = lazyLoaded('messaging') ? lazyLoad('messaging') : null;
  const seen = new Set();
  const memo = new Map();
  const ports = [];
  for (const t of transfer) {
    if (seen.has(t)) throw cloneError('An object is duplicated in the transfer list.');
    seen.add(t);
    if (messaging !== null && messaging.isPort(t)) {
      if (messaging.isDetachedPort(t)) throw cloneError('A MessagePort is detached and could not be transferred.');
      ports.push(t);
      continue;
    }
    if (Object.prototype.toString.call(t) !== '[object ArrayBuffer]') throw cloneError('Value not transferable: only ArrayBuffers and MessagePorts can be transferred.');
    if (isDetached(t)) throw cloneError('An ArrayBuffer is detached and could not be transferred.');
  }
  // A transferred port's place in the value is taken by its new port, which gets the old one's
  // queue and entanglement only once the walk succeeded.
  const fresh = ports.map((p) => { const q = messaging.blankPort(); memo.set(p, q); return q; });
  const result = structuredCloneImpl(value, memo);
  ports.forEach((p, k) => messaging.movePort(p, fresh[k]));
  for (const t of transfer) if (!ports.includes(t)) abTransfer.call(t);
  return { value: result, ports: fresh };
};
defineGlobal('structuredClone', function structuredClone(value, options = undefined) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'structuredClone': 1 argument required, but only 0 present.");
  if (options !== undefined && options !== null && !isObject(options)) throw new TypeError("Failed to execute 'structuredClone': The provided value is not of type 'StructuredSerializeOptions'.");
  const list = options?.transfer;
  const transfer = list === undefined ? [] : toTransferList(list, "Failed to execute 'structuredClone'");
  return serializeWithTransfer(value, transfer).value;
});
// For the runtime: a chunk's clone in a body's tee (streams/tee.js).
return { clone: (value) => structuredCloneImpl(value, new Map()), serializeWithTransfer, toTransferList };
