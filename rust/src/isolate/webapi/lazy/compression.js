// CompressionStream and DecompressionStream (Compression Standard): gzip, deflate, deflate-raw
// (isolate/compression_native.rs). Bodies are whole byte arrays in edgert, so each stream
// collects its input and (de)compresses it when its writable side closes.
const { TransformStream } = lazyLoad('streams');
const FORMATS = new Set(['gzip', 'deflate', 'deflate-raw']);

const chunkBytes = (chunk) => {
  if (chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk)) return asBytes(chunk);
  throw new TypeError('The provided value is not of type (ArrayBuffer or ArrayBufferView)');
};
const collector = (fn) => {
  const chunks = [];
  return {
    transform(chunk) { chunks.push(chunkBytes(chunk).slice()); },
    flush(controller) {
      let total = 0;
      for (const c of chunks) total += c.length;
      const all = new Uint8Array(total);
      let off = 0;
      for (const c of chunks) { all.set(c, off); off += c.length; }
      const out = fn(all);
      if (out.length) controller.enqueue(out);
    },
  };
};
const checkFormat = (what, format) => {
  const f = String(format);
  if (!FORMATS.has(f)) throw new TypeError(`Failed to construct '${what}': Unsupported compression format: '${f}'`);
  return f;
};

class CompressionStream {
  #t;
  constructor(format) { const f = checkFormat('CompressionStream', format); this.#t = new TransformStream(collector((b) => native.compress(f, b))); }
  get readable() { return this.#t.readable; }
  get writable() { return this.#t.writable; }
  get [Symbol.toStringTag]() { return 'CompressionStream'; }
}
class DecompressionStream {
  #t;
  constructor(format) { const f = checkFormat('DecompressionStream', format); this.#t = new TransformStream(collector((b) => native.decompress(f, b))); }
  get readable() { return this.#t.readable; }
  get writable() { return this.#t.writable; }
  get [Symbol.toStringTag]() { return 'DecompressionStream'; }
}
defineGlobal('CompressionStream', CompressionStream);
defineGlobal('DecompressionStream', DecompressionStream);
return { CompressionStream, DecompressionStream };
