// Rate limiting bindings (`[[ratelimits]]`): `env.NAME.limit({ key })` -> Promise<{ success }>.
// The PoP's counters answer inside native.rlLimit (no host round trip: each location counts on
// its own, as on Workers). Loaded on a worker's first use of such a binding.
const { rlLimit } = native;

class RateLimit {
  #store;
  #namespace;
  #limit;
  #period;
  constructor(key, binding) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#store = Number(binding.store);
    this.#namespace = String(binding.namespace_id);
    this.#limit = binding.limit >>> 0;
    this.#period = binding.period >>> 0;
  }

  limit(options) {
    try {
      if (!isObject(options)) throw new TypeError('limit() takes an object: { key: string }.');
      const key = options.key;
      if (typeof key !== 'string') throw new TypeError('limit() needs a string "key".');
      return Promise.resolve({ success: rlLimit(this.#store, this.#namespace, key, this.#limit, this.#period) });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  get [Symbol.toStringTag]() { return 'RateLimit'; }
}

return { RateLimit };
