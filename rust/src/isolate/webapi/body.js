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
    const v = b.value;
    const stream = lazyLoad('streams').bodyStream(typeof v === 'string' ? utf8(v) : v);
    this.#body = { kind: 'stream', value: stream };
    return stream;
  }
  get bodyUsed() {
    if (this.#used) return true;
    return this.#body.kind === 'stream' && lazyLoad('streams').isDisturbed(this.#body.value);
  }
  // The body as bytes or a string, consumed once.
  // A null body reads as empty and is not thereby used (Fetch Standard: bodyUsed is "body is
  // non-null and disturbed").
  async [kSym.consume]() {
    if (this.bodyUsed) throw new TypeError('Body has already been used. It can only be used once. Use tee() first if you need to read it twice.');
    const b = this.#body;
    if (b.kind === 'stream' && b.value.locked) throw new TypeError('The body\'s ReadableStream is locked');
    if (b.kind === 'none') return '';
    this.#used = true;
    if (b.kind === 'stream') return lazyLoad('streams').readAll(b.value);
    return b.value;
  }
  async text() { const b = await this[kSym.consume](); return typeof b === 'string' ? b : fromUtf8(b); }
  async json() { return JSON.parse(await this.text()); }
  async arrayBuffer() { const b = await this[kSym.consume](); return (typeof b === 'string' ? utf8(b) : b.slice()).buffer; }
  async bytes() { const b = await this[kSym.consume](); return typeof b === 'string' ? utf8(b) : b.slice(); }
  // The Blob's type: the serialized MIME type extracted from Content-Type (Fetch Standard).
  async blob() {
    const b = await this[kSym.consume]();
    const mime = lazyLoad('mime'), t = mime.extract(this.headers);
    return lazyLoad('blob').Blob[kInternal](typeof b === 'string' ? utf8(b) : b.slice(), t === null ? '' : mime.serialize(t));
  }
  async formData() { const b = await this[kSym.consume](); return lazyLoad('formdata').parse(this.headers.get('content-type'), b); }
  // Two bodies reading the same content (for clone()).
  [kSym.cloneBody]() {
    if (this.bodyUsed) throw new TypeError('Body has already been used');
    const b = this.#body;
    if (b.kind !== 'stream') return { ...b };
    const [a, c] = b.value.tee();
    this.#body = { kind: 'stream', value: a };
    return { kind: 'stream', value: c };
  }
}
