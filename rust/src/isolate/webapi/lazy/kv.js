// Workers KV: `env.NAME` is a KVNamespace. A read the PoP's replica holds is answered inside
// native.kvGet, synchronously, and the promise resolves at once; a miss, a write and a list are
// operations the host performs (the central store). Loaded on a worker's first use of a binding.
const { kvOpen, kvGet } = native;
const TYPES = new Map([['text', 0], ['json', 1], ['arrayBuffer', 2], ['stream', 3]]);
const STREAM = 3;

// `get(key, type)` or `get(key, {type, cacheTtl})`: [typeCode, cacheTtl].
const readOptions = (options) => {
  let type = 'text';
  let cacheTtl;
  if (typeof options === 'string') type = options;
  else if (options !== undefined && options !== null) {
    if (typeof options !== 'object') throw new TypeError('The options argument of get() must be a type name or an object.');
    if (options.type !== undefined) type = options.type;
    if (options.cacheTtl !== undefined && options.cacheTtl !== null) {
      cacheTtl = Number(options.cacheTtl);
      if (!Number.isFinite(cacheTtl)) throw new TypeError(`cacheTtl must be a number of seconds, got ${String(options.cacheTtl)}`);
    }
  }
  const code = TYPES.get(type);
  if (code === undefined) throw new TypeError('Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".');
  return [code, cacheTtl];
};

const streamOf = (bytes) => (bytes === null ? null : new Response(bytes).body);
const withMetadata = (pair, code) => ({ value: code === STREAM ? streamOf(pair[0]) : pair[0], metadata: pair[1], cacheStatus: null });
// `get([keys])` / `getWithMetadata([keys])`: a Map of each key to its value (or
// {value, metadata}); text and json only, at most 100 keys (as on Workers).
const MAX_BULK = 100;
const bulk = async (ns, keys, options, withMeta) => {
  if (keys.length === 0) throw new TypeError('KV bulk get needs at least one key.');
  if (keys.length > MAX_BULK) throw new Error(`KV GET_BULK failed: 400 You can request a maximum of ${MAX_BULK} keys, got ${keys.length}.`);
  const [code] = readOptions(options);
  if (code > 1) throw new TypeError('KV bulk get supports only the "text" and "json" types.');
  const names = keys.map((k) => String(k));
  const values = await Promise.all(names.map((k) => (withMeta ? ns.getWithMetadata(k, options) : ns.get(k, options))));
  return new Map(names.map((k, i) => [k, withMeta ? { value: values[i].value, metadata: values[i].metadata } : values[i]]));
};

const seconds = (v) => (v === undefined || v === null ? undefined : Number(v));

class KVNamespace {
  #id;
  #h;
  constructor(key, id) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#id = id;
    this.#h = kvOpen(id);
  }

  get(key, options) {
    try {
      // The common case first: get(key) of text. A hit comes back as the value itself, a miss
      // as a promise; Promise.resolve() takes either.
      if (typeof key === 'string' && options === undefined) return Promise.resolve(kvGet(this.#h, key, 0, undefined, false));
      if (Array.isArray(key)) return bulk(this, key, options, false);
      const [code, cacheTtl] = readOptions(options);
      const r = kvGet(this.#h, String(key), code, cacheTtl, false);
      if (code !== STREAM) return Promise.resolve(r);
      return r instanceof Promise ? r.then(streamOf) : Promise.resolve(streamOf(r));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  getWithMetadata(key, options) {
    try {
      if (Array.isArray(key)) return bulk(this, key, options, true);
      const [code, cacheTtl] = readOptions(options);
      const r = kvGet(this.#h, String(key), code, cacheTtl, true);
      if (r instanceof Promise) return r.then((pair) => withMetadata(pair, code));
      return Promise.resolve(withMetadata(r, code));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async put(key, value, options) {
    key = String(key);
    let data;
    if (typeof value === 'string') data = value;
    else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) data = asBytes(value);
    else if (isObject(value) && typeof value.getReader === 'function') data = new Uint8Array(await new Response(value).arrayBuffer());
    else throw new TypeError('KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.');
    const o = options === undefined || options === null ? {} : options;
    if (typeof o !== 'object') throw new TypeError('The options argument of put() must be an object.');
    const metadata = o.metadata === undefined || o.metadata === null ? undefined : JSON.stringify(o.metadata);
    await native.kvPut(this.#id, key, data, seconds(o.expiration), seconds(o.expirationTtl), metadata);
  }

  async delete(key) {
    await native.kvDelete(this.#id, String(key));
  }

  async list(options) {
    const o = options === undefined || options === null ? {} : options;
    if (typeof o !== 'object') throw new TypeError('The options argument of list() must be an object.');
    const prefix = o.prefix === undefined || o.prefix === null ? undefined : String(o.prefix);
    const limit = o.limit === undefined || o.limit === null ? undefined : Number(o.limit);
    const cursor = o.cursor === undefined || o.cursor === null || o.cursor === '' ? undefined : String(o.cursor);
    const result = await native.kvList(this.#id, prefix, limit, cursor);
    result.cacheStatus = null;
    return result;
  }

  get [Symbol.toStringTag]() { return 'KVNamespace'; }
}

defineGlobal('KVNamespace', KVNamespace);
return { KVNamespace };
