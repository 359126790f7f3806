// The Workers Cache API: `caches.default` and `await caches.open(name)`, each a Cache with
// match / put / delete. The cache itself is the PoP's HTTP cache in the core (native.cache*):
// every call is answered synchronously inside the turn and returned as a settled promise.
const asRequest = (input) => (input instanceof Request ? input : new Request(input));
const served = (parts) => (parts === undefined ? undefined : Response[kInternal](parts[0], parts[1], parts[2], parts[3], ''));
const ignoreMethodOf = (options) => Boolean(options !== undefined && options !== null && options.ignoreMethod);
const hasVaryStar = (headers) => {
  const vary = headers.get('vary');
  return vary !== null && vary.split(',').some((v) => v.trim() === '*');
};

class Cache {
  #name;
  constructor(key, name) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#name = name;
  }
  async match(request, options) {
    const r = asRequest(request);
    return served(native.cacheMatch(this.#name, r.method, r.url, Headers.flat(r.headers), ignoreMethodOf(options)));
  }
  async put(request, response) {
    const r = asRequest(request);
    if (!(response instanceof Response)) throw new TypeError("Failed to execute 'put' on 'Cache': parameter 2 is not of type 'Response'.");
    if (r.method !== 'GET') throw new TypeError('Cannot cache response to non-GET request.');
    if (response.status === 206) throw new TypeError('Cannot cache response with status 206 (Partial Content).');
    if (hasVaryStar(response.headers)) throw new TypeError("Cannot cache response with 'Vary: *' header.");
    if (response.bodyUsed) throw new TypeError('Body has already been used. It can only be used once. Use tee() first if you need to read it twice.');
    const body = await response[kSym.consume]();
    native.cachePut(this.#name, r.url, Headers.flat(r.headers), response.status, Headers.flat(response.headers), body);
    return undefined;
  }
  async delete(request, options) {
    const r = asRequest(request);
    return native.cacheDelete(this.#name, r.method, r.url, ignoreMethodOf(options));
  }
  async add() { throw new TypeError('Cache.add() is not implemented (as on Workers).'); }
  async addAll() { throw new TypeError('Cache.addAll() is not implemented (as on Workers).'); }
  async matchAll() { throw new TypeError('Cache.matchAll() is not implemented (as on Workers).'); }
  async keys() { throw new TypeError('Cache.keys() is not implemented (as on Workers).'); }
  get [Symbol.toStringTag]() { return 'Cache'; }
}

class CacheStorage {
  #default = new Cache(kInternal, null);
  #named = new Map();
  constructor(key) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
  }
  get default() { return this.#default; }
  async open(name) {
    const key = String(name);
    let cache = this.#named.get(key);
    if (cache === undefined) {
      cache = new Cache(kInternal, key);
      this.#named.set(key, cache);
    }
    return cache;
  }
  async has() { throw new TypeError('CacheStorage.has() is not implemented (as on Workers).'); }
  async delete() { throw new TypeError('CacheStorage.delete() is not implemented (as on Workers).'); }
  async keys() { throw new TypeError('CacheStorage.keys() is not implemented (as on Workers).'); }
  async match() { throw new TypeError('CacheStorage.match() is not implemented (as on Workers).'); }
  get [Symbol.toStringTag]() { return 'CacheStorage'; }
}

defineGlobal('Cache', Cache);
defineGlobal('CacheStorage', CacheStorage);
defineGlobal('caches', new CacheStorage(kInternal));
return {};
