// Blob and File (File API), with the WebIDL conversions of their constructors' arguments.
const isBufferSource = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v) || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer);
// `sequence<BlobPart>`: each element converted as it is iterated (Blob, BufferSource, or
// USVString), so getters and conversions run in the order WebIDL gives.
const blobParts = (parts, what) => {
  if (parts === undefined) return [];
  if (!isObject(parts)) throw new TypeError(`Failed to construct '${what}': The provided value cannot be converted to a sequence.`);
  const iter = parts[Symbol.iterator];
  if (typeof iter !== 'function') throw new TypeError(`Failed to construct '${what}': The object must have a callable @@iterator property.`);
  const out = [];
  for (const part of { [Symbol.iterator]: () => iter.call(parts) }) {
    if (part instanceof Blob) out.push(part);
    else if (isBufferSource(part)) out.push(asBytes(part).slice());
    else out.push(toUSV(part));
  }
  return out;
};
// The type rule of the constructor and slice(): printable ASCII, lower-cased, else empty.
const blobType = (t) => (/^[\x20-\x7e]*$/.test(t) ? t.toLowerCase() : '');
// BlobPropertyBag: endings, then type (its members in lexicographic order).
const propertyBag = (options, what) => {
  if (options !== undefined && options !== null && !isObject(options)) throw new TypeError(`Failed to construct '${what}': The provided value is not of type '${what === 'File' ? 'FilePropertyBag' : 'BlobPropertyBag'}'.`);
  const bag = options ?? {};
  let endings = bag.endings;
  endings = endings === undefined ? 'transparent' : `${endings}`;
  if (endings !== 'transparent' && endings !== 'native') throw new TypeError(`Failed to construct '${what}': The provided value '${endings}' is not a valid enum value of type EndingType.`);
  const type = bag.type === undefined ? '' : `${bag.type}`;
  return { bag, endings, type };
};
// "Convert line endings to native": every CR LF, CR and LF becomes LF (this platform's).
const nativeEndings = (s) => s.replace(/\r\n?/g, '\n');
const joinParts = (parts, endings) => {
  const chunks = parts.map((p) => (typeof p === 'string' ? utf8(endings === 'native' ? nativeEndings(p) : p) : p instanceof Blob ? p[kInternal] : p));
  let total = 0;
  for (const c of chunks) total += c.length;
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { bytes.set(c, off); off += c.length; }
  return bytes;
};
// WebIDL [Clamp] long long.
const clampLongLong = (v) => {
  const n = Number(v);
  if (Number.isNaN(n)) return 0;
  const r = Math.min(Math.max(n, -Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
  const f = Math.floor(r);
  // Round half to even, as [Clamp] does.
  return r - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(r);
};
const relative = (v, size) => (v < 0 ? Math.max(size + v, 0) : Math.min(v, size));

let initBlob;
class Blob {
  #bytes; #type;
  static { initBlob = (b, bytes, type) => { b.#bytes = bytes; b.#type = type; }; }
  constructor(blobParts_ = undefined, options = undefined) {
    const parts = blobParts(blobParts_, new.target === File ? 'File' : 'Blob');
    const { endings, type } = propertyBag(options, 'Blob');
    this.#bytes = joinParts(parts, endings);
    this.#type = blobType(type);
  }
  get [kInternal]() { return this.#bytes; }
  // A Blob of `bytes` (kept, not copied) with a type as given: Body's blob() sets the
  // serialized MIME type, which the constructor's File API rule would lower-case.
  static [kInternal](bytes, type) { const b = new Blob(); initBlob(b, bytes, type); return b; }
  get size() { return this.#bytes.length; }
  get type() { return this.#type; }
  slice(start = undefined, end = undefined, contentType = undefined) {
    const size = this.#bytes.length;
    const from = start === undefined ? 0 : relative(clampLongLong(start), size);
    const to = end === undefined ? size : relative(clampLongLong(end), size);
    const type = contentType === undefined ? '' : blobType(`${contentType}`);
    return Blob[kInternal](this.#bytes.slice(from, Math.max(to, from)), type);
  }
  async text() { return fromUtf8(this.#bytes); }
  async arrayBuffer() { return this.#bytes.slice().buffer; }
  async bytes() { return this.#bytes.slice(); }
  // A readable byte stream (BYOB readers work), as Workers' Blob.stream() is.
  stream() {
    const b = this.#bytes;
    return new ReadableStream({ type: 'bytes', start(c) { if (b.length) c.enqueue(b.slice()); c.close(); } });
  }
}
Object.defineProperty(Blob.prototype, Symbol.toStringTag, { value: 'Blob', configurable: true });

// WebIDL long long (the File's lastModified).
const toLongLong = (v) => {
  const n = Number(v);
  if (!Number.isFinite(n)) return 0;
  return Number(BigInt.asIntN(64, BigInt(Math.trunc(n))));
};
class File extends Blob {
  #name; #lastModified;
  constructor(fileBits, fileName, options = undefined) {
    if (arguments.length < 2) throw new TypeError(`Failed to construct 'File': 2 arguments required, but only ${arguments.length} present.`);
    const parts = blobParts(fileBits, 'File');
    const name = toUSV(fileName);
    const { bag, endings, type } = propertyBag(options, 'File');
    const lastModified = bag.lastModified === undefined ? Date.now() : toLongLong(bag.lastModified);
    super();
    initBlob(this, joinParts(parts, endings), blobType(type));
    this.#name = name;
    this.#lastModified = lastModified;
  }
  get name() { return this.#name; }
  get lastModified() { return this.#lastModified; }
}
Object.defineProperty(File.prototype, Symbol.toStringTag, { value: 'File', configurable: true });
defineGlobal('Blob', Blob);
defineGlobal('File', File);
return { Blob, File };
