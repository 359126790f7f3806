// TextDecoderStream and TextEncoderStream (Encoding Standard section 7: GenericTransformStream),
// transform streams of the streams module over the encoding module's TextDecoder and the
// runtime's UTF-8 encoder.
const { transformStream, streamRecord } = lazyLoad('streams');
const { TextDecoder } = lazyLoad('encoding');
const kT = Symbol('textstreams.transform');

const bufferSourceBytes = (chunk) => {
  if (chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk)) return chunk;
  if (typeof SharedArrayBuffer !== 'undefined' && chunk instanceof SharedArrayBuffer) return chunk;
  throw new TypeError('The chunk is not an ArrayBuffer or ArrayBufferView');
};
const slotsOf = (obj, what) => {
  const s = isObject(obj) ? obj[kT] : undefined;
  if (s === undefined || s.what !== what) throw new TypeError(`Illegal invocation: not a ${what}`);
  return s;
};

class TextDecoderStream {
  constructor(label = 'utf-8', options = undefined) {
    const decoder = new TextDecoder(label, options);
    const stream = { streamOpts: { stream: true } };
    const ts = transformStream((chunk, controller) => {
      const out = decoder.decode(bufferSourceBytes(chunk), stream.streamOpts);
      if (out !== '') controller.enqueue(out);
    }, (controller) => {
      const out = decoder.decode();
      if (out !== '') controller.enqueue(out);
    });
    this[kT] = { what: 'TextDecoderStream', decoder, ts };
  }
  get encoding() { return slotsOf(this, 'TextDecoderStream').decoder.encoding; }
  get fatal() { return slotsOf(this, 'TextDecoderStream').decoder.fatal; }
  get ignoreBOM() { return slotsOf(this, 'TextDecoderStream').decoder.ignoreBOM; }
  get readable() { return streamRecord(slotsOf(this, 'TextDecoderStream').ts).readable.obj; }
  get writable() { return streamRecord(slotsOf(this, 'TextDecoderStream').ts).writable.obj; }
}

// The encoder keeps a lead surrogate that ends a chunk until the next chunk (or the end).
class TextEncoderStream {
  constructor() {
    let pendingLead = '';
    const ts = transformStream((chunk, controller) => {
      let s = pendingLead + String(chunk);
      pendingLead = '';
      if (s.length === 0) return;
      const last = s.charCodeAt(s.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) { pendingLead = s[s.length - 1]; s = s.slice(0, -1); }
      if (s.length) controller.enqueue(utf8(s));
    }, (controller) => {
      if (pendingLead !== '') controller.enqueue(new Uint8Array([0xef, 0xbf, 0xbd]));
    });
    this[kT] = { what: 'TextEncoderStream', ts };
  }
  get encoding() { slotsOf(this, 'TextEncoderStream'); return 'utf-8'; }
  get readable() { return streamRecord(slotsOf(this, 'TextEncoderStream').ts).readable.obj; }
  get writable() { return streamRecord(slotsOf(this, 'TextEncoderStream').ts).writable.obj; }
}
for (const [C, name] of [[TextDecoderStream, 'TextDecoderStream'], [TextEncoderStream, 'TextEncoderStream']]) {
  for (const key of Object.getOwnPropertyNames(C.prototype)) {
    if (key === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(C.prototype, key);
    d.enumerable = true;
    Object.defineProperty(C.prototype, key, d);
  }
  Object.defineProperty(C.prototype, Symbol.toStringTag, { value: name, configurable: true });
}
defineGlobal('TextDecoderStream', TextDecoderStream);
defineGlobal('TextEncoderStream', TextEncoderStream);
return { TextDecoderStream, TextEncoderStream };
