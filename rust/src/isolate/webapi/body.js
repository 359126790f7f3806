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

// A consumed body's bytes or string as the body mixin's method `kind` returns them (one
// function, not one closure per method: each function is bytecode every new isolate reads).
const convertBody = (r, kind, b) => {
  if (kind === 'text') return typeof b === 'string' ? b : fromUtf8(b);
  if (kind === 'json') return JSON.parse(typeof b === 'string' ? b : fromUtf8(b));
  if (kind === 'formData') return lazyLoad('formdata').parse(r.headers.get('content-type'), b);
  const bytes = typeof b === 'string' ? utf8(b) : b.slice();
  if (kind === 'arrayBuffer') return bytes.buffer;
  if (kind === 'bytes') return bytes;
  const mime = lazyLoad('mime'), t = mime.extract(r.headers);
  return lazyLoad('blob').Blob[kInternal](bytes, t === null ? '' : mime.serialize(t));
};

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
    const v = b.value;
    // Consumed already: the standard's consume read the stream to its end, so it is locked and
    // disturbed (getReader() throws).
    const stream = this.#used ? lazyLoad('streams').consumedBody() : lazyLoad('streams').bodyStream(typeof v === 'string' ? utf8(v) : v);
    this.#body = { kind: 'stream', value: stream };
    return stream;
  }
  get bodyUsed() {
    if (this.#used) return true;
    return this.#body.kind === 'stream' && lazyLoad('streams').isDisturbed(this.#body.value);
  }
  // Fetch's "consume body": the body as bytes or a string, consumed once and converted as
  // `kind` says (`convertBody`; undefined: as is); a promise of the result. A stream is read
  // with callbacks, and a body the runtime holds is converted at once, so no promise is ever
  // resolved with the bytes (a `then` on Object.prototype cannot intercept them, as the
  // standard's steps cannot be). A null body reads as empty and is not thereby used (Fetch
  // Standard: bodyUsed is "body is non-null and disturbed").
  [kSym.consume](kind) {
    return new Promise((resolve, reject) => {
      if (this.bodyUsed) throw new TypeError('Body has already been used. It can only be used once. Use tee() first if you need to read it twice.');
      const b = this.#body;
      if (b.kind === 'stream' && b.value.locked) throw new TypeError('The body\'s ReadableStream is locked');
      if (b.kind === 'none') { resolve(kind === undefined ? '' : convertBody(this, kind, '')); return; }
      this.#used = true;
      if (b.kind !== 'stream') { resolve(kind === undefined ? b.value : convertBody(this, kind, b.value)); return; }
      lazyLoad('streams').readAll(b.value, resolve, reject, kind === undefined ? undefined : convertBody, this, kind);
    });
  }
  text() { return this[kSym.consume]('text'); }
  json() { return this[kSym.consume]('json'); }
  arrayBuffer() { return this[kSym.consume]('arrayBuffer'); }
  bytes() { return this[kSym.consume]('bytes'); }
  // The Blob's type: the serialized MIME type extracted from Content-Type (Fetch Standard).
  blob() { return this[kSym.consume]('blob'); }
  formData() { return this[kSym.consume]('formData'); }
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
