// TextEncoder and TextDecoder (WHATWG Encoding Standard): every encoding and label of the
// standard, decoded natively by encoding_rs (isolate/encoding_native.rs). A UTF-8 decode with no
// streaming state in progress takes the prelude's UTF-8 decoder (the body mixin's).
const dictionary = (v, what) => {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new TypeError(`Failed to execute '${what}': The provided value is not of type 'object'.`);
  return v;
};
class TextEncoder {
  get encoding() { return 'utf-8'; }
  // A string goes to native.encode as it is: it writes each lone surrogate as U+FFFD, which is
  // what the USVString conversion (toUSV: toWellFormed) would have made of it.
  encode(input = '') { return native.encode(typeof input === 'string' ? input : toUSV(input)); }
  encodeInto(source, destination) {
    if (!(destination instanceof Uint8Array)) throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
    const [read, bytes] = native.encodeIntoPrefix(toUSV(source), destination.length);
    // A view of a detached buffer has length 0 (nothing is written); `set` would throw.
    if (bytes.length > 0) destination.set(bytes);
    return { read, written: bytes.length };
  }
  get [Symbol.toStringTag]() { return 'TextEncoder'; }
}
class TextDecoder {
  #encoding; #fatal; #ignoreBOM;
  // The decoder of a streaming decode in progress ("do not flush"), else null.
  #decoder = null;
  constructor(label = 'utf-8', options = undefined) {
    const l = String(label);
    const opts = dictionary(options, "TextDecoder constructor");
    const fatal = !!opts.fatal, ignoreBOM = !!opts.ignoreBOM;
    const name = native.encodingFor(l);
    if (name === undefined || name === null) throw new RangeError(`Failed to construct 'TextDecoder': The encoding label provided ('${l}') is invalid.`);
    this.#encoding = name;
    this.#fatal = fatal;
    this.#ignoreBOM = ignoreBOM;
  }
  get encoding() { return this.#encoding; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input = undefined, options = undefined) {
    // The common call, decode(bytes) on a UTF-8 decoder with no stream in progress:
    // native.decode reads a Uint8Array or an ArrayBuffer in place, with the same result (a
    // view of other type, a detached buffer or anything else gives undefined and takes the
    // general path below, with its WebIDL conversion and errors).
    if (options === undefined && this.#decoder === null && this.#encoding === 'utf-8') {
      const s = native.decode(input, this.#fatal, this.#ignoreBOM, true);
      if (s !== undefined) return s;
    }
    const bytes = asBytes(input);
    const stream = options === undefined ? false : !!dictionary(options, 'decode').stream;
    if (this.#decoder === null && !stream && this.#encoding === 'utf-8') return native.decode(bytes, this.#fatal, this.#ignoreBOM);
    const decoder = this.#decoder === null ? native.decoderNew(this.#encoding, this.#ignoreBOM) : this.#decoder;
    this.#decoder = stream ? decoder : null;
    return native.decoderDecode(decoder, bytes, this.#fatal, !stream);
  }
  get [Symbol.toStringTag]() { return 'TextDecoder'; }
}
defineGlobal('TextEncoder', TextEncoder);
defineGlobal('TextDecoder', TextDecoder);
return { TextEncoder, TextDecoder };
