// TextEncoder and TextDecoder (Encoding Standard, UTF-8 only, as on Workers).
const UTF8_LABELS = new Set(['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8']);
class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(input = '') { return native.encode(toUSV(input)); }
  encodeInto(source, destination) {
    if (!(destination instanceof Uint8Array)) throw new TypeError('destination must be a Uint8Array');
    const s = toUSV(source);
    let read = 0, written = 0;
    for (const ch of s) {
      const bytes = native.encode(ch);
      if (written + bytes.length > destination.length) break;
      destination.set(bytes, written);
      written += bytes.length;
      read += ch.length;
    }
    return { read, written };
  }
}
// How many bytes at the end of `bytes` start a UTF-8 sequence that is not complete yet.
const incompleteTail = (bytes) => {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) !== 0x80) {
      const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 1;
      return need > back ? back : 0;
    }
  }
  return 0;
};
class TextDecoder {
  #fatal; #ignoreBOM; #pending = null; #bomSeen = false;
  constructor(label = 'utf-8', options = {}) {
    const l = String(label).trim().toLowerCase();
    if (!UTF8_LABELS.has(l)) throw new RangeError(`The "${label}" encoding is not supported`);
    this.#fatal = !!(options && options.fatal);
    this.#ignoreBOM = !!(options && options.ignoreBOM);
  }
  get encoding() { return 'utf-8'; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input = undefined, options = undefined) {
    let bytes = asBytes(input);
    if (this.#pending) {
      const joined = new Uint8Array(this.#pending.length + bytes.length);
      joined.set(this.#pending);
      joined.set(bytes, this.#pending.length);
      bytes = joined;
      this.#pending = null;
    }
    const stream = !!(options && options.stream);
    if (stream) {
      const tail = incompleteTail(bytes);
      if (tail) {
        this.#pending = bytes.slice(bytes.length - tail);
        bytes = bytes.subarray(0, bytes.length - tail);
      }
    }
    const stripBom = !this.#ignoreBOM && !this.#bomSeen;
    if (bytes.length) this.#bomSeen = true;
    const out = native.decode(bytes.slice ? bytes : new Uint8Array(bytes), this.#fatal, !stripBom);
    if (!stream) this.#bomSeen = false;
    return out;
  }
}
defineGlobal('TextEncoder', TextEncoder);
defineGlobal('TextDecoder', TextDecoder);
return { TextEncoder, TextDecoder };
