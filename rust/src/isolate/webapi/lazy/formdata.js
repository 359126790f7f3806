// FormData (XHR Standard) and the two form encodings a body can carry (Fetch Standard, body
// mixin `formData()`, and HTML's "multipart/form-data encoding algorithm"):
// `application/x-www-form-urlencoded` (through the URL standard's parser, natively) and
// `multipart/form-data` (RFC 7578; parts split natively). Bodies are complete byte arrays
// here, so parsing works on the whole body at once.
const { Blob, File } = lazyLoad('blob');

// An entry's value: a string, or a File (a Blob given to append/set becomes a File named "blob").
const entryValue = (value, filename, argc) => {
  if (value instanceof Blob) {
    if (filename !== undefined) return new File([value], toUSV(filename), { type: value.type, lastModified: value instanceof File ? value.lastModified : undefined });
    return value instanceof File ? value : new File([value], 'blob', { type: value.type });
  }
  if (argc > 2) throw new TypeError("Failed to execute 'append' on 'FormData': parameter 2 is not of type 'Blob'.");
  return toUSV(value);
};

class FormData {
  #list = [];
  constructor(form) {
    if (form !== undefined) throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
  }
  append(name, value, filename) {
    if (arguments.length < 2) throw new TypeError(`Failed to execute 'append' on 'FormData': 2 arguments required, but only ${arguments.length} present.`);
    this.#list.push([toUSV(name), entryValue(value, filename, arguments.length)]);
  }
  delete(name) { const n = toUSV(name); this.#list = this.#list.filter(([k]) => k !== n); }
  get(name) { const n = toUSV(name); const e = this.#list.find(([k]) => k === n); return e === undefined ? null : e[1]; }
  getAll(name) { const n = toUSV(name); return this.#list.filter(([k]) => k === n).map(([, v]) => v); }
  has(name) { const n = toUSV(name); return this.#list.some(([k]) => k === n); }
  set(name, value, filename) {
    if (arguments.length < 2) throw new TypeError(`Failed to execute 'set' on 'FormData': 2 arguments required, but only ${arguments.length} present.`);
    const n = toUSV(name), v = entryValue(value, filename, arguments.length);
    const i = this.#list.findIndex(([k]) => k === n);
    if (i < 0) { this.#list.push([n, v]); return; }
    this.#list[i] = [n, v];
    this.#list = this.#list.filter(([k], j) => j <= i || k !== n);
  }
  forEach(fn, thisArg) {
    if (typeof fn !== 'function') throw new TypeError("Failed to execute 'forEach' on 'FormData': parameter 1 is not a function.");
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
  // Live iteration, as Web IDL's pair iterators are (entries added during iteration are seen).
  *entries() { for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]]; }
  *keys() { for (const [k] of this.entries()) yield k; }
  *values() { for (const [, v] of this.entries()) yield v; }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return 'FormData'; }
  static [kInternal](fd) { return fd.#list; }
}

// ---- multipart/form-data: serialization (HTML's encoding algorithm, UTF-8)
const CRLF_NORMALIZE = /\r(?!\n)|(?<!\r)\n/g;
const escapeName = (s) => s.replace(CRLF_NORMALIZE, '\r\n').replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
const escapeFilename = (s) => s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
const randomBoundary = () => {
  let s = '';
  for (let i = 0; i < 24; i++) s += Math.floor(Math.random() * 16).toString(16);
  return `----edgertFormBoundary${s}`;
};
const concat = (chunks) => {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
};
// FormData -> { bytes, type } (the body and its Content-Type).
const serialize = (fd) => {
  const boundary = randomBoundary();
  const chunks = [];
  for (const [name, value] of FormData[kInternal](fd)) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"`;
    if (typeof value === 'string') {
      chunks.push(utf8(`${head}\r\n\r\n${value.replace(CRLF_NORMALIZE, '\r\n')}\r\n`));
    } else {
      head += `; filename="${escapeFilename(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
      chunks.push(utf8(head), value[kInternal], utf8('\r\n'));
    }
  }
  chunks.push(utf8(`--${boundary}--\r\n`));
  return { bytes: concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
};

// ---- parsing
// A MIME type's essence and parameters (MIME Sniffing Standard, simplified to what forms use).
const parseMime = (value) => {
  const parts = value.split(';');
  const essence = parts.shift().trim().toLowerCase();
  const params = Object.create(null);
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const k = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"')) v = v.slice(1, v.indexOf('"', 1) < 0 ? undefined : v.indexOf('"', 1)).replace(/\\(.)/g, '$1');
    if (!(k in params)) params[k] = v;
  }
  return { essence, params };
};
const fail = () => new TypeError('Failed to parse the body as FormData.');
// RFC 7578 parts, split natively (isolate/form_native.rs): [name, filename, type, bytes, ...].
const parseMultipart = (bytes, boundary) => {
  const parts = boundary ? native.multipartParse(bytes, boundary) : null;
  if (parts === null) throw fail();
  const fd = new FormData();
  for (let i = 0; i < parts.length; i += 4) {
    const [name, filename, type, body] = [parts[i], parts[i + 1], parts[i + 2], parts[i + 3]];
    if (filename !== null && filename !== undefined) fd.append(name, new File([body], filename, { type: type ?? 'text/plain' }));
    else fd.append(name, fromUtf8(body));
  }
  return fd;
};
// `formData()`: the body (bytes or a string) as FormData, by its Content-Type.
const parse = (contentType, body) => {
  const { essence, params } = parseMime(contentType || '');
  if (essence === 'multipart/form-data') return parseMultipart(typeof body === 'string' ? utf8(body) : body, params.boundary);
  if (essence === 'application/x-www-form-urlencoded') {
    const text = typeof body === 'string' ? body : fromUtf8(body);
    const flat = native.formParse(text);
    const fd = new FormData();
    for (let i = 0; i < flat.length; i += 2) fd.append(flat[i], flat[i + 1]);
    return fd;
  }
  throw new TypeError(`Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded${contentType ? ` (got ${contentType})` : ''}`);
};

defineGlobal('FormData', FormData);
return { FormData, serialize, parse };
