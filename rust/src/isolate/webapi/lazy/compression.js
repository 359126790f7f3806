// CompressionStream and DecompressionStream (Compression Standard): gzip, deflate, deflate-raw.
// Each is a transform stream of the streams module over one native (de)compressor
// (isolate/compression_native.rs, `native.codec`): every chunk written is (de)compressed as it
// arrives and what it produced is enqueued; closing the writable side flushes the end.
// A chunk that is not a BufferSource, and corrupt, truncated or trailing data, error the
// stream with a TypeError.
const { transformStream, streamRecord } = lazyLoad('streams');
const FORMATS = new Set(['gzip', 'deflate', 'deflate-raw']);
const kT = Symbol('compression.transform');

const chunkBytes = (chunk) => {
  if (chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk)) return asBytes(chunk);
  throw new TypeError('The provided value is not of type (ArrayBuffer or ArrayBufferView)');
};
const codecTransform = (mode, format) => {
  const codec = native.codec(mode, format);
  return transformStream((chunk, controller) => {
    const out = codec(chunkBytes(chunk), false);
    if (out.length) controller.enqueue(out);
  }, (controller) => {
    const out = codec(undefined, true);
    if (out.length) controller.enqueue(out);
  });
};
const checkFormat = (what, format) => {
  const f = String(format);
  if (!FORMATS.has(f)) throw new TypeError(`Failed to construct '${what}': Unsupported compression format: '${f}'`);
  return f;
};
const transformOf = (obj, what) => {
  const t = isObject(obj) ? obj[kT] : undefined;
  if (t === undefined || t.what !== what) throw new TypeError(`Illegal invocation: not a ${what}`);
  return streamRecord(t.ts);
};

class CompressionStream {
  constructor(format) { this[kT] = { what: 'CompressionStream', ts: codecTransform('compress', checkFormat('CompressionStream', format)) }; }
  get readable() { return transformOf(this, 'CompressionStream').readable.obj; }
  get writable() { return transformOf(this, 'CompressionStream').writable.obj; }
  get [Symbol.toStringTag]() { return 'CompressionStream'; }
}
class DecompressionStream {
  constructor(format) { this[kT] = { what: 'DecompressionStream', ts: codecTransform('decompress', checkFormat('DecompressionStream', format)) }; }
  get readable() { return transformOf(this, 'DecompressionStream').readable.obj; }
  get writable() { return transformOf(this, 'DecompressionStream').writable.obj; }
  get [Symbol.toStringTag]() { return 'DecompressionStream'; }
}
defineGlobal('CompressionStream', CompressionStream);
defineGlobal('DecompressionStream', DecompressionStream);
return { CompressionStream, DecompressionStream };
