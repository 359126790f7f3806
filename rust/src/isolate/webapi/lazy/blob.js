// Blob and File (File API).
const toBytes = (part) => {
  if (typeof part === 'string') return utf8(part);
  if (part instanceof Blob) return part[kInternal];
  return asBytes(part).slice();
};
class Blob {
  #bytes; #type;
  constructor(parts = [], options = {}) {
    const chunks = [...parts].map(toBytes);
    const total = chunks.reduce((n, c) => n + c.length, 0);
    this.#bytes = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) { this.#bytes.set(c, off); off += c.length; }
    const t = options.type === undefined ? '' : String(options.type);
    this.#type = /^[\x20-\x7e]*$/.test(t) ? t.toLowerCase() : '';
  }
  get [kInternal]() { return this.#bytes; }
  // A Blob of `bytes` (kept, not copied) with a type as given: Body's blob() sets the
  // serialized MIME type, which the constructor's File API rule would lower-case.
  static [kInternal](bytes, type) { const b = new Blob(); b.#bytes = bytes; b.#type = type; return b; }
  get size() { return this.#bytes.length; }
  get type() { return this.#type; }
  slice(start = 0, end = this.size, type = '') { return new Blob([this.#bytes.slice(start, end)], { type }); }
  async text() { return fromUtf8(this.#bytes); }
  async arrayBuffer() { return this.#bytes.slice().buffer; }
  async bytes() { return this.#bytes.slice(); }
  stream() { const b = this.#bytes; return new ReadableStream({ start(c) { if (b.length) c.enqueue(b.slice()); c.close(); } }); }
  get [Symbol.toStringTag]() { return 'Blob'; }
}
class File extends Blob {
  #name; #lastModified;
  constructor(parts, name, options = {}) { super(parts, options); this.#name = String(name); this.#lastModified = options.lastModified ?? Date.now(); }
  get name() { return this.#name; }
  get lastModified() { return this.#lastModified; }
}
defineGlobal('Blob', Blob);
defineGlobal('File', File);
return { Blob, File };
