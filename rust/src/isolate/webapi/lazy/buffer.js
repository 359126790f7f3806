// `Buffer` for `import { Buffer } from "node:buffer"` (Workers' nodejs_compat): the part of
// Node.js's Buffer API that workers use (from/alloc/concat/byteLength/isBuffer/compare,
// toString and the encodings utf8, base64, base64url, hex, latin1/binary, ascii, utf16le,
// equals, toJSON). A Buffer is a Uint8Array, as in Node.js.
const ALIASES = { 'utf8': 'utf8', 'utf-8': 'utf8', 'base64': 'base64', 'base64url': 'base64url', 'hex': 'hex', 'latin1': 'latin1', 'binary': 'latin1', 'ascii': 'ascii', 'ucs2': 'utf16le', 'ucs-2': 'utf16le', 'utf16le': 'utf16le', 'utf-16le': 'utf16le' };
const encodingOf = (e) => {
  if (e === undefined || e === null) return 'utf8';
  const n = ALIASES[String(e).toLowerCase()];
  if (n === undefined) throw new TypeError(`Unknown encoding: ${e}`);
  return n;
};
const plain = (b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const latin1String = (bytes) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, plain(bytes.subarray(i, i + 8192)));
  return s;
};
const bytesOfString = (string, encoding) => {
  const s = String(string);
  switch (encodingOf(encoding)) {
    case 'utf8': return utf8(s);
    case 'latin1': case 'ascii': { const out = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 255; return out; }
    case 'utf16le': { const out = new Uint8Array(s.length * 2); for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); out[2 * i] = c & 255; out[2 * i + 1] = c >> 8; } return out; }
    case 'hex': {
      const n = s.length >> 1, out = new Uint8Array(n);
      let i = 0;
      for (; i < n; i++) { const v = parseInt(s.substr(2 * i, 2), 16); if (Number.isNaN(v) || !/^[0-9a-fA-F]{2}$/.test(s.substr(2 * i, 2))) break; out[i] = v; }
      return out.subarray(0, i);
    }
    default: {
      // base64 and base64url, leniently as Node.js does: either alphabet, padding optional,
      // other characters skipped.
      let t = s.replace(/-/g, '+').replace(/_/g, '/').replace(/[^A-Za-z0-9+/]/g, '');
      if (t.length % 4 === 1) t = t.slice(0, -1);
      while (t.length % 4) t += '=';
      const bin = atob(t);
      const out = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return out;
    }
  }
};
const stringOfBytes = (bytes, encoding) => {
  switch (encodingOf(encoding)) {
    case 'utf8': return fromUtf8(plain(bytes));
    case 'latin1': return latin1String(bytes);
    case 'ascii': { let s = ''; for (const b of bytes) s += String.fromCharCode(b & 127); return s; }
    case 'utf16le': { let s = ''; for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8)); return s; }
    case 'hex': { let s = ''; for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16); return s; }
    case 'base64': return btoa(latin1String(bytes));
    default: return btoa(latin1String(bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
};

class Buffer extends Uint8Array {
  static from(value, encodingOrOffset, length) {
    if (typeof value === 'string') { const b = bytesOfString(value, encodingOrOffset); const out = new Buffer(b.length); out.set(b); return out; }
    if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) {
      const off = encodingOrOffset === undefined ? 0 : Number(encodingOrOffset);
      return new Buffer(value, off, length === undefined ? value.byteLength - off : Number(length));
    }
    if (ArrayBuffer.isView(value)) { const out = new Buffer(value.byteLength); out.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)); return out; }
    if (isObject(value) && value.type === 'Buffer' && Array.isArray(value.data)) return Buffer.from(value.data);
    if (isObject(value) && typeof value.length === 'number') { const out = new Buffer(value.length); for (let i = 0; i < value.length; i++) out[i] = Number(value[i]) & 255; return out; }
    throw new TypeError('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object.');
  }
  static alloc(size, fill, encoding) {
    const out = new Buffer(size);
    if (fill !== undefined && fill !== 0) out.fill(fill, 0, out.length, encoding);
    return out;
  }
  static allocUnsafe(size) { return new Buffer(size); }
  static allocUnsafeSlow(size) { return new Buffer(size); }
  static isBuffer(b) { return b instanceof Buffer; }
  static isEncoding(e) { return typeof e === 'string' && String(e).toLowerCase() in ALIASES; }
  static byteLength(v, encoding) { return typeof v === 'string' ? bytesOfString(v, encoding).length : v.byteLength; }
  static concat(list, totalLength) {
    const total = totalLength === undefined ? list.reduce((n, b) => n + b.length, 0) : totalLength;
    const out = Buffer.alloc(total);
    let off = 0;
    for (const b of list) { if (off >= total) break; const part = b.subarray(0, total - off); out.set(part, off); off += part.length; }
    return out;
  }
  static compare(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }
  fill(value, start = 0, end = this.length, encoding) {
    if (typeof value === 'number') return super.fill(value & 255, start, end);
    if (typeof start === 'string') { encoding = start; start = 0; end = this.length; }
    const pattern = typeof value === 'string' ? bytesOfString(value, encoding) : asBytes(value);
    if (!pattern.length) return super.fill(0, start, end);
    for (let i = start, j = 0; i < end; i++, j = (j + 1) % pattern.length) this[i] = pattern[j];
    return this;
  }
  toString(encoding, start = 0, end = this.length) { return stringOfBytes(this.subarray(start, end), encoding); }
  toJSON() { return { type: 'Buffer', data: Array.from(this) }; }
  equals(other) { return Buffer.compare(this, other) === 0; }
  compare(other) { return Buffer.compare(this, other); }
  slice(start, end) { return this.subarray(start, end); }
  write(string, offset = 0, length = this.length - offset, encoding = 'utf8') {
    if (typeof offset === 'string') { encoding = offset; offset = 0; length = this.length; }
    const b = bytesOfString(string, encoding).subarray(0, Math.min(length, this.length - offset));
    this.set(b, offset);
    return b.length;
  }
}

const buffer = { Buffer, kMaxLength: 2 ** 31 - 1, constants: { MAX_LENGTH: 2 ** 31 - 1 } };
return buffer;
