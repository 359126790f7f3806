// The Body mixin shared by Request and Response, body extraction, and Blob.

// Body init → { kind: 'none'|'string'|'bytes'|'stream', value, type }.
const extractBody = (init) => {
  if (init === undefined || init === null) return NO_BODY;
  if (typeof init === 'string') return { kind: 'string', value: init, type: 'text/plain;charset=UTF-8' };
  if (lazyLoaded('url') && init instanceof lazyLoad('url').URLSearchParams) return { kind: 'string', value: init.toString(), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (lazyLoaded('streams') && lazyLoad('streams').isReadableStream(init)) {
    if (init.locked || lazyLoad('streams').isDisturbed(init)) throw new TypeError('The ReadableStream is locked or disturbed');
    return { kind: 'stream', value: init, type: null };
  }
  if (lazyLoaded('formdata') && init instanceof lazyLoad('formdata').FormData) { const f = lazyLoad('formdata').serialize(init); return { kind: 'bytes', value: f.bytes, type: f.type }; }
  if (lazyLoaded('blob') && init instanceof lazyLoad('blob').Blob) return { kind: 'bytes', value: init[kInternal], type: init.type || null };
  if (init instanceof ArrayBuffer || ArrayBuffer.isView(init)) return { kind: 'bytes', value: asBytes(init).slice(), type: null };
  return { kind: 'string', value: String(init), type: 'text/plain;charset=UTF-8' };
};

// The body of a message without one (records are replaced, never changed, so it is shared).
const NO_BODY = Object.freeze({ kind: 'none', value: null });

class BodyBase {
  #body = NO_BODY;
  #used = false;
  [kSym.setBody](b) { this.#body = b; }
  [kSym.getBody]() { return this.#body; }
  // The body moved into another Request: this one is disturbed.
  [kSym.markUsed]() { this.#used = true; }
  get body() {
    const b = this.#body;
    if (b.kind === 'none') return null;
    if (b.kind === 'stream') return b.value;
    const streams = lazyLoad('streams');
    if (this.#used) {
      // Consumed already: the standard's consume read the stream to its end, so it is locked
      // and disturbed (getReader() throws).
      const stream = streams.bodyStream(new Uint8Array(0));
      streams.readAll(stream, () => {}, () => {});
      this.#body = { kind: 'stream', value: stream };
      return stream;
    }
    const v = b.value;
    const stream = streams.bodyStream(typeof v === 'string' ? utf8(v) : v);
    this.#body = { kind: 'stream', value: stream };
    return stream;
  }
  get bodyUsed() {
    if (this.#used) return true;
    return this.#body.kind === 'stream' && lazyLoad('streams').isDisturbed(this.#body.value);
  }
  // Fetch's "consume body": the body as bytes or a string, consumed once, handed to `convert`
  // (if given); a promise of the result. A stream is read with callbacks, and a body the
  // runtime holds is converted at once, so no promise is ever resolved with the bytes (a
  // `then` on Object.prototype cannot intercept them, as the standard's steps cannot be).
  // A null body reads as empty and is not thereby used (Fetch Standard: bodyUsed is "body is
  // non-null and disturbed").
  [kSym.consume](convert) {
    return new Promise((resolve, reject) => {
      if (this.bodyUsed) throw new TypeError('Body has already been used. It can only be used once. Use tee() first if you need to read it twice.');
      const b = this.#body;
      if (b.kind === 'stream' && b.value.locked) throw new TypeError('The body\'s ReadableStream is locked');
      if (b.kind === 'none') { resolve(convert === undefined ? '' : convert('')); return; }
      this.#used = true;
      if (b.kind !== 'stream') { resolve(convert === undefined ? b.value : convert(b.value)); return; }
      lazyLoad('streams').readAll(b.value, (bytes) => {
        try { resolve(convert === undefined ? bytes : convert(bytes)); } catch (e) { reject(e); }
      }, reject);
    });
  }
  text() { return this[kSym.consume]((b) => (typeof b === 'string' ? b : fromUtf8(b))); }
  json() { return this[kSym.consume]((b) => JSON.parse(typeof b === 'string' ? b : fromUtf8(b))); }
  arrayBuffer() { return this[kSym.consume]((b) => (typeof b === 'string' ? utf8(b) : b.slice()).buffer); }
  bytes() { return this[kSym.consume]((b) => (typeof b === 'string' ? utf8(b) : b.slice())); }
  // The Blob's type: the serialized MIME type extracted from Content-Type (Fetch Standard).
  blob() {
    return this[kSym.consume]((b) => {
      const mime = lazyLoad('mime'), t = mime.extract(this.headers);
      return lazyLoad('blob').Blob[kInternal](typeof b === 'string' ? utf8(b) : b.slice(), t === null ? '' : mime.serialize(t));
    });
  }
  formData() { return this[kSym.consume]((b) => lazyLoad('formdata').parse(this.headers.get('content-type'), b)); }
  // Two bodies reading the same content (for clone()).
  [kSym.cloneBody]() {
    if (this.bodyUsed) throw new TypeError('Body has already been used');
    const b = this.#body;
    if (b.kind !== 'stream') return { ...b };
    const [a, c] = lazyLoad('streams').teeBody(b.value);
    this.#body = { kind: 'stream', value: a };
    return { kind: 'stream', value: c };
  }
}
