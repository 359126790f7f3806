// Globals shared by the prelude: the host clock (Date, performance), Math.random from the
// host's seed, console capture, timers as host operations, navigator, self.
// One descriptor object reused by every definition (Object.defineProperty only reads it): a new
// one per global cost ~3.5k instructions per isolate each.
const dataDesc = { value: undefined, writable: true, configurable: true, enumerable: false };
const defineGlobal = (name, value) => {
  dataDesc.value = value;
  try { Object.defineProperty(globalThis, name, dataDesc); } finally { dataDesc.value = undefined; }
};
const toUSV = (v) => String(v).toWellFormed();
// Lazy modules: a module's classes are created the first time one of its globals is read (or
// an internal caller loads it), so a cold isolate only pays for what its worker uses.
// Each lazy module is its own bytecode, read and run by `native.loadModule` on first use.
let internals = null;
const lazyCache = Object.create(null);
const lazyLoad = (name) => lazyCache[name] || (lazyCache[name] = native.loadModule(name)(internals));
const lazyLoaded = (name) => name in lazyCache;
const accessorDesc = { get: undefined, set: undefined, configurable: true, enumerable: false };
const lazyGlobals = (module, names) => {
  for (const n of names) {
    accessorDesc.get = () => { lazyLoad(module); return globalThis[n]; };
    accessorDesc.set = (v) => { defineGlobal(n, v); };
    Object.defineProperty(globalThis, n, accessorDesc);
  }
  accessorDesc.get = accessorDesc.set = undefined;
};
const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');
const kInternal = Symbol('edgert.internal');
const kSym = Object.freeze(Object.fromEntries(['setBody', 'getBody', 'consume', 'cloneBody', 'result', 'responded', 'trustedAppend', 'hasName', 'signalOrNull', 'task', 'passThrough', 'original', 'fromText'].map((n) => [n, Symbol(n)])));

// ---- time: the host's clock, standing still during a turn (as on Workers)
const RealDate = Date;
function EdgeDate(...args) {
  if (!new.target) return new RealDate(native.now()).toString();
  if (args.length === 0) return Reflect.construct(RealDate, [native.now()], new.target);
  return Reflect.construct(RealDate, args, new.target);
}
Object.setPrototypeOf(EdgeDate, RealDate);
EdgeDate.prototype = RealDate.prototype;
Object.defineProperty(RealDate.prototype, 'constructor', { value: EdgeDate, writable: true, configurable: true });
EdgeDate.now = () => Math.floor(native.now());
EdgeDate.parse = RealDate.parse;
EdgeDate.UTC = RealDate.UTC;
defineGlobal('Date', EdgeDate);
// As on Workers: timeOrigin is 0 and performance.now() reads the same frozen clock as Date.now().
const performance = {
  now: () => native.now(),
  get timeOrigin() { return 0; },
  toJSON() { return { timeOrigin: 0 }; },
};
defineGlobal('performance', performance);
Math.random = () => native.random();

// ---- console (lazy/console.js): captured per request with its level, never printed
const inspect = (v) => lazyLoad('console').inspect(v);

// ---- timers: each expiry is a Timer operation the host completes at its time
let nextTimer = 1;
const timers = new Map();
const arm = (id, entry) => {
  const [op, promise] = native.timer(entry.delay);
  entry.op = op;
  promise.then(() => {
    if (timers.get(id) !== entry) return;
    if (entry.repeat) arm(id, entry); else timers.delete(id);
    entry.fn.apply(globalThis, entry.args);
  });
};
const schedule = (fn, delay, args, repeat) => {
  if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
  const id = nextTimer++;
  const entry = { fn, args, repeat, delay: Math.max(0, Number(delay) || 0), op: 0 };
  timers.set(id, entry);
  arm(id, entry);
  return id;
};
const clear = (id) => {
  const entry = timers.get(typeof id === 'object' && id !== null ? id[kInternal] : id);
  if (!entry) return;
  timers.delete(id);
  native.cancel(entry.op);
};
defineGlobal('setTimeout', (fn, delay, ...args) => schedule(fn, delay, args, false));
defineGlobal('setInterval', (fn, delay, ...args) => schedule(fn, delay, args, true));
defineGlobal('clearTimeout', clear);
defineGlobal('clearInterval', clear);
defineGlobal('scheduler', { wait: (ms) => new Promise((resolve) => schedule(resolve, ms, [], false)) });

defineGlobal('navigator', Object.freeze({ userAgent: 'Cloudflare-Workers', language: 'en', hardwareConcurrency: 1 }));
defineGlobal('self', globalThis);

// ---- encoding helpers used everywhere
const asBytes = (input) => {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer) return new Uint8Array(input);
  throw new TypeError('The "input" argument must be an ArrayBuffer or ArrayBufferView');
};
const utf8 = (s) => native.encode(toUSV(s));
const fromUtf8 = (b) => native.decode(b, false, false);

// ---- globals of lazy modules
lazyGlobals('console', ['console']);
lazyGlobals('crypto', ['crypto', 'Crypto']);
lazyGlobals('events', ['Event', 'EventTarget', 'AbortSignal', 'AbortController']);
lazyGlobals('encoding', ['TextEncoder', 'TextDecoder']);
lazyGlobals('url', ['URL', 'URLSearchParams']);
lazyGlobals('streams', ['ReadableStream', 'ReadableStreamDefaultReader', 'WritableStream', 'TransformStream']);
lazyGlobals('blob', ['Blob', 'File']);
lazyGlobals('clone', ['structuredClone']);
lazyGlobals('fetchevent', ['FetchEvent']);
lazyGlobals('cache', ['caches', 'Cache', 'CacheStorage']);
lazyGlobals('subtle', ['CryptoKey', 'SubtleCrypto']);
defineGlobal('addEventListener', (type, listener, options) => lazyLoad('events').globalTarget.addEventListener(type, listener, options));
defineGlobal('removeEventListener', (type, listener) => lazyLoad('events').globalTarget.removeEventListener(type, listener));
defineGlobal('dispatchEvent', (event) => lazyLoad('events').globalTarget.dispatchEvent(event));
