// Durable Objects: namespace bindings, ids and stubs (the caller's side), the object host (the
// side of the isolate that runs objects at their home PoP), storage, alarms and the input gate.
//
// Theory of operation. A stub call (`stub.fetch()`, `stub.method(...)`) is one binding
// operation for the host: `native.binding(<binding>, 'fetch' | 'call', <JSON>)`. The host routes
// it to the object's home PoP and begins an *object event* on that PoP's object host (a core of
// the same worker whose dispatch is `objectDispatch` below): a request with
// `x-edgert-do-{kind,class,id,name}` headers. The object host keeps one instance per id; an event
// runs at once unless the instance is inside `blockConcurrencyWhile`, in which case it queues
// (FIFO) until the block ends. Storage calls are synchronous native calls into the worker's
// Rust store (their promises settle in the same turn), so no other event can run between an
// object's storage operations; awaiting anything else (fetch, timers, another object) ends the
// turn and lets the host deliver the next event, as Workers' input gates do.
//
// Wire form of values (RPC arguments and results, stored values): JSON where JSON is exact;
// otherwise a tagged object `{"$": <tag>, "v": ...}` (tags: undefined, num (NaN, ±Infinity, -0),
// bigint, Date, RegExp, Map, Set, ArrayBuffer, <TypedArray name>, DataView, Error, Boolean,
// Number, String, Object (a plain object that has its own "$" key), ref (an earlier object:
// cycles and shared references), hole (an array hole)). Functions and symbols throw
// DataCloneError, as structured clone does.

const cloneError = (what) => new DOMException(`${what} could not be cloned.`, 'DataCloneError');
const toString = Object.prototype.toString;
const TYPED = { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView };
const ERRORS = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

const enc = (v, memo) => {
  switch (typeof v) {
    case 'string': case 'boolean': return v;
    case 'number': return Number.isFinite(v) && !Object.is(v, -0) ? v : { $: 'num', v: Object.is(v, -0) ? '-0' : String(v) };
    case 'undefined': return { $: 'undefined' };
    case 'bigint': return { $: 'bigint', v: v.toString() };
    case 'symbol': throw cloneError(String(v));
    case 'function': throw cloneError(v.name || 'function');
  }
  if (v === null) return null;
  const seen = memo.get(v);
  if (seen !== undefined) return { $: 'ref', v: seen };
  memo.set(v, memo.size);
  if (v instanceof DOMException) return { $: 'Error', v: { name: v.name, message: v.message, dom: true } };
  const tag = toString.call(v);
  switch (tag) {
    case '[object Array]': {
      const out = new Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = i in v ? enc(v[i], memo) : { $: 'hole' };
      return out;
    }
    case '[object Object]': {
      const out = {};
      for (const k of Object.keys(v)) out[k] = enc(v[k], memo);
      return Object.prototype.hasOwnProperty.call(out, '$') ? { $: 'Object', v: out } : out;
    }
    case '[object Date]': { const t = RealDate.prototype.getTime.call(v); return { $: 'Date', v: Number.isNaN(t) ? null : t }; }
    case '[object RegExp]': return { $: 'RegExp', v: [v.source, v.flags] };
    case '[object Map]': { const out = []; for (const [k, x] of v) out.push([enc(k, memo), enc(x, memo)]); return { $: 'Map', v: out }; }
    case '[object Set]': { const out = []; for (const x of v) out.push(enc(x, memo)); return { $: 'Set', v: out }; }
    case '[object ArrayBuffer]': return { $: 'ArrayBuffer', v: native.b64encode(new Uint8Array(v)) };
    case '[object Error]': {
      const out = { name: String(v.name), message: String(v.message) };
      if (v.stack !== undefined) out.stack = String(v.stack);
      return { $: 'Error', v: out };
    }
    case '[object Boolean]': return { $: 'Boolean', v: Boolean.prototype.valueOf.call(v) };
    case '[object Number]': return { $: 'Number', v: enc(Number.prototype.valueOf.call(v), memo) };
    case '[object String]': return { $: 'String', v: String.prototype.valueOf.call(v) };
  }
  if (ArrayBuffer.isView(v)) {
    const name = tag.slice(8, -1);
    if (TYPED[name]) return { $: name, v: native.b64encode(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  }
  if (v instanceof Error) return { $: 'Error', v: { name: String(v.name), message: String(v.message) } };
  throw cloneError(tag.slice(8, -1));
};

const dec = (w, table) => {
  if (w === null || typeof w !== 'object') return w;
  if (Array.isArray(w)) {
    const out = new Array(w.length); table.push(out);
    for (let i = 0; i < w.length; i++) {
      const x = w[i];
      if (x !== null && typeof x === 'object' && x.$ === 'hole') continue;
      out[i] = dec(x, table);
    }
    return out;
  }
  if (!Object.prototype.hasOwnProperty.call(w, '$')) {
    const out = {}; table.push(out);
    for (const k of Object.keys(w)) out[k] = dec(w[k], table);
    return out;
  }
  const v = w.v;
  switch (w.$) {
    case 'undefined': return undefined;
    case 'num': return v === '-0' ? -0 : Number(v);
    case 'bigint': return BigInt(v);
    case 'ref': return table[v];
    case 'Object': { const out = {}; table.push(out); for (const k of Object.keys(v)) out[k] = dec(v[k], table); return out; }
    case 'Date': { const out = new RealDate(v === null ? NaN : v); table.push(out); return out; }
    case 'RegExp': { const out = new RegExp(v[0], v[1]); table.push(out); return out; }
    case 'Map': { const out = new Map(); table.push(out); for (const [k, x] of v) out.set(dec(k, table), dec(x, table)); return out; }
    case 'Set': { const out = new Set(); table.push(out); for (const x of v) out.add(dec(x, table)); return out; }
    case 'ArrayBuffer': { const out = native.b64decode(v).buffer; table.push(out); return out; }
    case 'Error': {
      const out = v.dom ? new DOMException(v.message, v.name) : new (ERRORS[v.name] || Error)(v.message);
      if (!v.dom && !ERRORS[v.name]) out.name = v.name;
      if (v.stack !== undefined) Object.defineProperty(out, 'stack', { value: v.stack, writable: true, configurable: true });
      table.push(out); return out;
    }
    case 'Boolean': { const out = Object(v); table.push(out); return out; }
    case 'Number': { const out = Object(dec(v, [])); table.push(out); return out; }
    case 'String': { const out = Object(v); table.push(out); return out; }
  }
  const C = TYPED[w.$];
  if (C) {
    const bytes = native.b64decode(v);
    const out = C === DataView ? new DataView(bytes.buffer) : new C(bytes.buffer, 0, bytes.byteLength / C.BYTES_PER_ELEMENT);
    table.push(out); return out;
  }
  throw new DOMException(`unknown tag ${w.$} in a serialized value`, 'DataCloneError');
};

const serialize = (value) => JSON.stringify(enc(value, new Map()));
const deserialize = (text) => dec(JSON.parse(text), []);

// ---- ids, namespaces and stubs (the caller's side) -------------------------------------------

const kNs = Symbol('namespace');
const kFinish = Symbol('finish');
const HINTS = new Set(['wnam', 'enam', 'sam', 'weur', 'eeur', 'apac', 'oc', 'afr', 'me']);

class DurableObjectId {
  #hex; #name;
  constructor(key, ns, hex, name) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#hex = hex; this.#name = name;
    Object.defineProperty(this, kNs, { value: ns });
  }
  toString() { return this.#hex; }
  equals(other) { return other instanceof DurableObjectId && other.#hex === this.#hex; }
  get name() { return this.#name; }
  toJSON() { return this.#hex; }
}
const makeId = (ns, hex, name) => new DurableObjectId(kInternal, ns, hex, name);

const toArgs = (binding, id, hint, extra) => {
  const a = { id: id.toString(), cls: id[kNs], ...extra };
  if (id.name !== undefined) a.name = id.name;
  if (hint !== undefined) a.hint = hint;
  return JSON.stringify(a);
};
const rethrow = (e) => { throw dec(e, []); };

const NULL_BODY = new Set([101, 204, 205, 304]);
const stubFetch = async (binding, id, hint, input, init) => {
  const req = input instanceof Request && init === undefined ? input : new Request(input, init);
  const body = req.body === null ? null : native.b64encode(new Uint8Array(await req.arrayBuffer()));
  const out = await native.binding(binding, 'fetch', toArgs(binding, id, hint, {
    request: { method: req.method, url: req.url, headers: Headers.flat(req.headers), body },
  }));
  if (out.e !== undefined) rethrow(out.e);
  const r = out.r;
  const headers = new Headers();
  for (let i = 0; i < r.headers.length; i += 2) headers.append(r.headers[i], r.headers[i + 1]);
  const bytes = r.body === null || NULL_BODY.has(r.status) ? null : native.b64decode(r.body);
  if (r.status === 101 && headers.has('x-edgert-websocket')) {
    // The object accepted a WebSocket: the host holds its other end under this handle.
    const webSocket = lazyLoad('websocket').fromHandle(headers.get('x-edgert-websocket'));
    headers.delete('x-edgert-websocket');
    return new Response(null, { status: 101, statusText: r.statusText, headers, webSocket });
  }
  return new Response(bytes, { status: r.status, statusText: r.statusText, headers });
};
const stubCall = async (binding, id, hint, method, args) => {
  const out = await native.binding(binding, 'call', toArgs(binding, id, hint, { method, args: enc(args, new Map()) }));
  if (out.e !== undefined) rethrow(out.e);
  return dec(out.v, []);
};

const makeStub = (binding, id, hint) => {
  const base = Object.freeze({
    id, name: id.name,
    fetch: (input, init) => stubFetch(binding, id, hint, input, init),
  });
  return new Proxy(base, {
    get(target, prop) {
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      if (Object.prototype.hasOwnProperty.call(target, prop)) return target[prop];
      return (...args) => stubCall(binding, id, hint, prop, args);
    },
    set() { return false; },
  });
};

class DurableObjectNamespace {
  #binding; #ns;
  constructor(key, binding, ns) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#binding = binding; this.#ns = ns;
  }
  idFromName(name) {
    if (arguments.length < 1) throw new TypeError("Failed to execute 'idFromName': 1 argument required");
    name = String(name);
    return makeId(this.#ns, native.doIdFromName(this.#ns, name), name);
  }
  newUniqueId(options) {
    void options; // jurisdiction: one network, no jurisdictions
    return makeId(this.#ns, native.doNewUniqueId(this.#ns), undefined);
  }
  idFromString(id) {
    id = String(id);
    if (!native.doIdValid(this.#ns, id)) throw new TypeError('Invalid Durable Object ID: must be 64 hex digits of an id of this namespace');
    return makeId(this.#ns, id.toLowerCase(), undefined);
  }
  get(id, options) {
    if (!(id instanceof DurableObjectId)) throw new TypeError('get() expects a DurableObjectId');
    if (id[kNs] !== this.#ns) throw new TypeError('ID is not for this Durable Object class');
    let hint;
    if (isObject(options) && options.locationHint !== undefined) {
      hint = String(options.locationHint);
      if (!HINTS.has(hint)) throw new TypeError(`invalid locationHint ${JSON.stringify(hint)} (one of ${[...HINTS].join(', ')})`);
    }
    return makeStub(this.#binding, id, hint);
  }
  getByName(name, options) { return this.get(this.idFromName(name), options); }
  jurisdiction() { return this; }
}

// ---- the object's side: state, storage, the gate --------------------------------------------

const MAX_KEYS = 128;
const checkKey = (k) => {
  if (typeof k !== 'string') throw new TypeError('Durable Object storage keys must be strings');
  return k;
};
const checkKeys = (keys) => {
  if (keys.length > MAX_KEYS) throw new RangeError(`Maximum number of keys is ${MAX_KEYS}, ${keys.length} given`);
  return keys.map(checkKey);
};
const settled = (f) => { try { return Promise.resolve(f()); } catch (e) { return Promise.reject(e); } };
const listMap = (flat) => { const m = new Map(); for (let i = 0; i < flat.length; i += 2) m.set(flat[i], deserialize(flat[i + 1])); return m; };
const alarmTime = (t) => {
  const ms = t instanceof RealDate ? RealDate.prototype.getTime.call(t) : Number(t);
  if (!Number.isFinite(ms)) throw new TypeError('setAlarm() expects a Date or a number of ms since the epoch');
  return ms;
};

// Storage operations applied at once (see the theory of operation); `undo`, when given,
// records each key's previous serialized value the first time a write touches it.
const ops = (ns, id, undo) => {
  const before = (keys) => {
    if (!undo) return;
    const fresh = keys.filter((k) => !undo.has(k));
    if (fresh.length) { const old = native.doGet(ns, id, fresh); fresh.forEach((k, i) => undo.set(k, old[i])); }
  };
  return {
    get(key) {
      if (Array.isArray(key)) {
        const keys = checkKeys(key);
        const vals = native.doGet(ns, id, keys);
        const m = new Map();
        keys.map((k, i) => [k, vals[i]]).filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).forEach(([k, v]) => m.set(k, deserialize(v)));
        return m;
      }
      const v = native.doGet(ns, id, [checkKey(key)])[0];
      return v === undefined ? undefined : deserialize(v);
    },
    put(key, value) {
      let keys, values;
      if (isObject(key) && !Array.isArray(key)) {
        keys = checkKeys(Object.keys(key)); values = keys.map((k) => serialize(key[k]));
      } else {
        if (value === undefined) throw new TypeError('put() needs a value (undefined cannot be stored)');
        keys = [checkKey(key)]; values = [serialize(value)];
      }
      before(keys);
      native.doPut(ns, id, keys, values);
    },
    delete(key) {
      const many = Array.isArray(key);
      const keys = many ? checkKeys(key) : [checkKey(key)];
      before(keys);
      const n = native.doDelete(ns, id, keys);
      return many ? n : n > 0;
    },
    list(options = {}) {
      const o = isObject(options) ? options : {};
      const str = (x) => (x === undefined ? null : String(x));
      const limit = o.limit === undefined ? null : Number(o.limit);
      if (limit !== null && !(limit > 0)) throw new RangeError('list() limit must be a positive number');
      if (o.start !== undefined && o.startAfter !== undefined) throw new TypeError('list() takes start or startAfter, not both');
      // The key right after `startAfter` in byte order is `startAfter` + NUL.
      const start = o.startAfter !== undefined ? String(o.startAfter) + '\0' : str(o.start);
      return listMap(native.doList(ns, id, { prefix: str(o.prefix), start, end: str(o.end), limit, reverse: !!o.reverse }));
    },
  };
};

class DurableObjectTransaction {
  #ops; #undo; #ns; #id; #done = false;
  constructor(key, ns, id) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#ns = ns; this.#id = id; this.#undo = new Map(); this.#ops = ops(ns, id, this.#undo);
  }
  #live() { if (this.#done) throw new Error('Transaction is no longer active'); return this.#ops; }
  get(key, options) { void options; return settled(() => this.#live().get(key)); }
  put(key, value, options) { void options; return settled(() => this.#live().put(key, value)); }
  delete(key, options) { void options; return settled(() => this.#live().delete(key)); }
  list(options) { return settled(() => this.#live().list(options)); }
  getAlarm() { return Promise.resolve(native.doGetAlarm(this.#ns, this.#id) ?? null); }
  setAlarm(t) { return settled(() => native.doSetAlarm(this.#ns, this.#id, alarmTime(t))); }
  deleteAlarm() { return settled(() => native.doSetAlarm(this.#ns, this.#id, null)); }
  rollback() {
    if (this.#done) return;
    const puts = [], putVals = [], dels = [];
    for (const [k, v] of this.#undo) (v === undefined ? dels.push(k) : (puts.push(k), putVals.push(v)));
    for (let i = 0; i < puts.length; i += MAX_KEYS) native.doPut(this.#ns, this.#id, puts.slice(i, i + MAX_KEYS), putVals.slice(i, i + MAX_KEYS));
    for (let i = 0; i < dels.length; i += MAX_KEYS) native.doDelete(this.#ns, this.#id, dels.slice(i, i + MAX_KEYS));
    this.#done = true;
  }
  [kFinish]() { this.#done = true; }
}

class DurableObjectStorage {
  #ns; #id; #ops;
  constructor(key, ns, id) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#ns = ns; this.#id = id; this.#ops = ops(ns, id, null);
  }
  get(key, options) { void options; return settled(() => this.#ops.get(key)); }
  put(key, value, options) { void options; return settled(() => this.#ops.put(key, value)); }
  delete(key, options) { void options; return settled(() => this.#ops.delete(key)); }
  list(options) { return settled(() => this.#ops.list(options)); }
  deleteAll(options) { void options; return settled(() => native.doDeleteAll(this.#ns, this.#id)); }
  async transaction(fn) {
    const txn = new DurableObjectTransaction(kInternal, this.#ns, this.#id);
    try {
      const out = await fn(txn);
      txn[kFinish]();
      return out;
    } catch (e) {
      txn.rollback();
      throw e;
    }
  }
  transactionSync(fn) {
    const txn = new DurableObjectTransaction(kInternal, this.#ns, this.#id);
    try { const out = fn(); txn[kFinish](); return out; } catch (e) { txn.rollback(); throw e; }
  }
  getAlarm(options) { void options; return settled(() => native.doGetAlarm(this.#ns, this.#id) ?? null); }
  setAlarm(t, options) { void options; return settled(() => native.doSetAlarm(this.#ns, this.#id, alarmTime(t))); }
  deleteAlarm(options) { void options; return settled(() => native.doSetAlarm(this.#ns, this.#id, null)); }
  sync() { return Promise.resolve(); }
}

// One live object: its instance, its state and its input gate. An event that arrives while
// the gate is held (blockConcurrencyWhile) or while others wait queues; queued events start one
// per turn, in arrival order, each in a turn of its own task (`native.wake`), so the next one
// starts only once the previous one finished or awaits something other than storage.
class Live {
  constructor(ns, id, name, hub) {
    this.hub = hub;
    this.blocks = 0; this.queue = []; this.waking = false; this.instance = undefined; this.broken = false;
    this.inflight = 0; this.last = native.now();
    this.state = new DurableObjectState(kInternal, this, makeId(ns, id, name), new DurableObjectStorage(kInternal, ns, id));
  }
  // Idle: no event running or waiting, no block, and no event for EVICT_AFTER_MS.
  idle(now) {
    return this.inflight === 0 && this.blocks === 0 && !this.waking && !this.queue.length && now - this.last >= EVICT_AFTER_MS;
  }
  deliver(task, run) {
    if (this.blocks > 0 || this.waking || this.queue.length) { this.queue.push([task, run]); this.drain(); } else run();
  }
  drain() {
    if (this.blocks > 0 || this.waking || !this.queue.length) return;
    const [task, run] = this.queue.shift();
    this.waking = true;
    native.wake(task).then(() => {
      this.waking = false;
      if (this.blocks > 0) { this.queue.unshift([task, run]); return; }
      run();
      this.drain();
    });
  }
}

class DurableObjectState {
  #live; #id; #storage;
  constructor(key, live, id, storage) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#live = live; this.#id = id; this.#storage = storage;
  }
  get id() { return this.#id; }
  get storage() { return this.#storage; }
  // No other event is delivered to this object until `fn`'s promise settles; if it rejects,
  // the instance is reset (the next event constructs a new one), as on Workers.
  blockConcurrencyWhile(fn) {
    const live = this.#live;
    live.blocks += 1;
    let p;
    try { p = Promise.resolve(fn()); } catch (e) { p = Promise.reject(e); }
    const release = () => { live.blocks -= 1; live.drain(); };
    return p.then((v) => { release(); return v; }, (e) => { live.broken = true; release(); throw e; });
  }
  waitUntil(p) { Promise.resolve(p).catch(() => {}); } // an object outlives its events anyway
  // The WebSocket Hibernation API: the sockets live in the object's `Hub` (outside the
  // instance), so they survive the instance's eviction; their events re-create it.
  acceptWebSocket(ws, tags) {
    const hub = this.#live.hub;
    const list = tags === undefined ? [] : [...tags].map(String);
    if (list.length > 10) throw new RangeError('A WebSocket may have at most 10 tags.');
    for (const t of list) if (t.length > 256) throw new RangeError('A WebSocket tag may be at most 256 characters long.');
    if (hub.sockets.size >= 32768) throw new RangeError('A Durable Object may accept at most 32768 WebSockets.');
    lazyLoad('websocket').hibernate(ws, hub.handler);
    hub.sockets.set(ws, { tags: list, autoAt: null });
  }
  getWebSockets(tag) {
    const out = [];
    for (const [ws, meta] of this.#live.hub.sockets) {
      if (ws.readyState === 3) continue;
      if (tag === undefined || meta.tags.includes(String(tag))) out.push(ws);
    }
    return out;
  }
  getTags(ws) {
    const meta = this.#live.hub.sockets.get(ws);
    if (meta === undefined) throw new TypeError('getTags() expects a WebSocket accepted with acceptWebSocket()');
    return [...meta.tags];
  }
  setWebSocketAutoResponse(pair) {
    if (pair !== undefined && pair !== null && !(pair instanceof WebSocketRequestResponsePair)) throw new TypeError('setWebSocketAutoResponse() expects a WebSocketRequestResponsePair');
    this.#live.hub.auto = pair || null;
  }
  getWebSocketAutoResponse() { return this.#live.hub.auto; }
  getWebSocketAutoResponseTimestamp(ws) {
    const meta = this.#live.hub.sockets.get(ws);
    return meta === undefined || meta.autoAt === null ? null : new Date(meta.autoAt);
  }
  setHibernatableWebSocketEventTimeout(ms) { this.#live.hub.timeout = ms === undefined ? null : Number(ms); }
  getHibernatableWebSocketEventTimeout() { return this.#live.hub.timeout; }
  abort(reason) { this.#live.broken = true; void reason; }
}

// The base classes of `cloudflare:workers`.
class DurableObject {
  constructor(ctx, env) { this.ctx = ctx; this.env = env; }
}
class WorkerEntrypoint {
  constructor(ctx, env) { this.ctx = ctx; this.env = env; }
}
class RpcTarget {}
const workersModule = Object.freeze({ DurableObject, WorkerEntrypoint, RpcTarget });

// Puts a namespace binding on `env` for each durable_object_namespace binding.
const bind = (env, bindings) => {
  for (const b of bindings) {
    if (b.type === 'durable_object_namespace') env[b.name] = new DurableObjectNamespace(kInternal, b.name, b.class_name);
  }
};

// Workers evicts an object from memory after 70-140 s without events; edgert after 70 s
// (checked when an event for it arrives, and over all objects every 256 events). The next
// event constructs it again; its storage is untouched.
const EVICT_AFTER_MS = 70000;
const RESERVED = new Set(['constructor', 'fetch', 'alarm', 'webSocketMessage', 'webSocketClose', 'webSocketError']);
const settleJson = (task, value, failed) => {
  const headers = ['content-type', 'application/json'];
  if (failed) headers.push('x-edgert-do-error', '1');
  native.settle(task, failed ? 500 : 200, '', headers, value);
};
const errorJson = (e) => {
  let w;
  try { w = enc(e, new Map()); } catch (_) { w = { $: 'Error', v: { name: 'Error', message: String(e) } }; }
  return JSON.stringify({ e: w });
};

// The dispatch of an object host: each "request" is an event for one object.
const objectDispatch = (exports, env, tools) => {
  const live = new Map();
  // Per object id: its hibernatable WebSockets, auto-response and the handler their events go
  // to. Kept outside `Live`, so an evicted object's sockets stay open; an event re-creates it.
  const hubs = new Map();
  const hubOf = (cls, ns, id, name) => {
    let hub = hubs.get(id);
    if (hub !== undefined) return hub;
    hub = { sockets: new Map(), auto: null, timeout: null, handler: null };
    hub.handler = (ws, ev) => {
      const meta = hub.sockets.get(ws);
      if (ev.t === 'message' && hub.auto !== null && typeof ev.data === 'string' && ev.data === hub.auto.request) {
        // Answered without waking the object (Workers does this outside JavaScript).
        ws.send(hub.auto.response);
        if (meta) meta.autoAt = native.now();
        return undefined;
      }
      if (ev.t === 'close') hub.sockets.delete(ws);
      const task = currentTask;
      return new Promise((resolve, reject) => {
        let obj;
        try { obj = instanceOf(cls, ns, id, name); } catch (e) { reject(e); return; }
        obj.deliver(task, () => {
          obj.inflight += 1;
          const done = () => { obj.inflight -= 1; obj.last = native.now(); };
          let result;
          try {
            const o = obj.instance;
            if (ev.t === 'message') result = typeof o.webSocketMessage === 'function' ? o.webSocketMessage(ws, typeof ev.data === 'string' ? ev.data : ev.data.buffer) : undefined;
            else if (ev.t === 'close') result = typeof o.webSocketClose === 'function' ? o.webSocketClose(ws, ev.code, ev.reason, ev.clean) : undefined;
            else result = typeof o.webSocketError === 'function' ? o.webSocketError(ws, new Error(ev.message)) : undefined;
          } catch (e) { done(); reject(e); return; }
          Promise.resolve(result).then((v) => { done(); resolve(v); }, (e) => { done(); reject(e); });
        });
      });
    };
    hubs.set(id, hub);
    return hub;
  };
  let currentTask = 0;
  let events = 0;
  const instanceOf = (cls, ns, id, name) => {
    const now = native.now();
    if ((++events & 255) === 0) for (const [key, o] of live) if (o.idle(now)) live.delete(key);
    let obj = live.get(id);
    if (obj !== undefined && (obj.broken || obj.idle(now))) { live.delete(id); obj = undefined; }
    if (obj === undefined) {
      const C = exports && exports[cls];
      if (typeof C !== 'function') throw new Error(`the worker does not export a Durable Object class named ${cls}`);
      obj = new Live(ns, id, name, hubOf(cls, ns, id, name));
      live.set(id, obj);
      try { obj.instance = new C(obj.state, env); } catch (e) { live.delete(id); throw e; }
    }
    return obj;
  };
  return (task, method, url, text, body) => {
    if (method === null && url === 'websocket') {
      currentTask = task;
      try { lazyLoad('websocket').deliver(task, text, body); } finally { currentTask = 0; }
      return;
    }
    // The host passes the fields as `\nname:value...` text (see runtime.rs joined_headers).
    const flat = Headers.flat(Headers[kSym.fromText](text));
    const internal = {};
    const rest = [];
    for (let i = 0; i < flat.length; i += 2) {
      if (flat[i].startsWith('x-edgert-do-')) internal[flat[i].slice(12)] = flat[i + 1];
      else rest.push(flat[i], flat[i + 1]);
    }
    const kind = internal.kind;
    const fail = (e) => settleJson(task, errorJson(e), true);
    let obj;
    try { obj = instanceOf(internal.class, internal.class, internal.id, internal.name === undefined ? undefined : decodeURIComponent(internal.name)); } catch (e) { fail(e); return; }
    obj.deliver(task, () => {
      let result;
      obj.inflight += 1;
      const done = () => { obj.inflight -= 1; obj.last = native.now(); };
      try {
        const o = obj.instance;
        if (kind === 'fetch') {
          if (typeof o.fetch !== 'function') throw new TypeError(`Durable Object class ${internal.class} has no fetch() handler`);
          const request = Request[kInternal](method, url, rest, body, undefined, undefined);
          result = Promise.resolve(o.fetch(request)).then((r) => {
            if (!(r instanceof Response)) throw new TypeError('fetch() of a Durable Object must return a Response');
            tools.finish(new tools.ExecutionContext(task, []), r);
          });
        } else if (kind === 'call') {
          const call = JSON.parse(fromUtf8(body));
          if (!(o instanceof DurableObject)) throw new TypeError(`The receiving Durable Object does not support RPC, because its class was not declared with \`extends DurableObject\`.`);
          const f = o[call.method];
          if (typeof f !== 'function' || RESERVED.has(call.method) || call.method in Object.prototype) {
            throw new TypeError(`The RPC receiver does not implement the method "${call.method}".`);
          }
          result = Promise.resolve(f.apply(o, dec(call.args, []))).then((v) => settleJson(task, JSON.stringify({ v: enc(v, new Map()) }), false));
        } else if (kind === 'alarm') {
          if (typeof o.alarm !== 'function') throw new TypeError(`Durable Object class ${internal.class} has no alarm() handler`);
          const retryCount = Number(internal.retry || 0);
          result = Promise.resolve(o.alarm({ retryCount, isRetry: retryCount > 0 })).then(() => settleJson(task, '{"v":null}', false));
        } else {
          throw new Error(`unknown object event ${kind}`);
        }
      } catch (e) { fail(e); done(); return; }
      result.catch(fail).finally(done);
    });
  };
};

return { bind, objectDispatch, workersModule, serialize, deserialize, DurableObjectNamespace, DurableObjectId, DurableObjectState, DurableObjectStorage };
