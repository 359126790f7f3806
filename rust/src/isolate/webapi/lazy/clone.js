// structuredClone (HTML Standard's structured serialization, in-memory).
const cloneError = (msg) => new DOMException(msg, 'DataCloneError');
const structuredCloneImpl = (value, memo) => {
  if (!isObject(value)) {
    if (typeof value === 'symbol') throw cloneError(`${String(value)} could not be cloned.`);
    return value;
  }
  if (memo.has(value)) return memo.get(value);
  if (typeof value === 'function') throw cloneError(`${value.name || 'function'} could not be cloned.`);
  const tag = Object.prototype.toString.call(value);
  let out;
  switch (tag) {
    case '[object Boolean]': out = Object(Boolean.prototype.valueOf.call(value)); break;
    case '[object Number]': out = Object(Number.prototype.valueOf.call(value)); break;
    case '[object String]': out = Object(String.prototype.valueOf.call(value)); break;
    case '[object BigInt]': out = Object(BigInt.prototype.valueOf.call(value)); break;
    case '[object Date]': out = new RealDate(RealDate.prototype.getTime.call(value)); break;
    case '[object RegExp]': out = new RegExp(value.source, value.flags); break;
    case '[object ArrayBuffer]': out = value.slice(0); break;
    case '[object DataView]': {
      const buf = structuredCloneImpl(value.buffer, memo);
      out = new DataView(buf, value.byteOffset, value.byteLength);
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
      const ctors = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
      const C = ctors[value.name] || Error;
      out = new C(value.message);
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
      if (value instanceof Blob) { out = new Blob([value], { type: value.type }); break; }
      if (value instanceof DOMException) { out = new DOMException(value.message, value.name); break; }
      out = {}; memo.set(value, out);
      for (const k of Object.keys(value)) out[k] = structuredCloneImpl(value[k], memo);
      return out;
    }
    default:
      if (ArrayBuffer.isView(value)) {
        const buf = structuredCloneImpl(value.buffer, memo);
        out = new value.constructor(buf, value.byteOffset, value.length);
        break;
      }
      if (value instanceof DOMException) { out = new DOMException(value.message, value.name); break; }
      throw cloneError(`${tag.slice(8, -1)} object could not be cloned.`);
  }
  memo.set(value, out);
  return out;
};
defineGlobal('structuredClone', function structuredClone(value, options = undefined) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'structuredClone': 1 argument required");
  void options;
  return structuredCloneImpl(value, new Map());
});
// For the runtime: a chunk's clone in a body's tee (streams/tee.js).
return { clone: (value) => structuredCloneImpl(value, new Map()) };
