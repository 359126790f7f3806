// Globals shared by the prelude: the host clock (Date, performance), Math.random from the
// host's seed, console capture, navigator, self.
// One descriptor object reused by every definition (Object.defineProperty only reads it): a new
// one per global cost ~3.5k instructions per isolate each.
const dataDesc = { value: undefined, writable: true, configurable: true, enumerable: false };
const defineGlobal = (name, value) => {
  dataDesc.value = value;
  try { Object.defineProperty(globalThis, name, dataDesc); } finally { dataDesc.value = undefined; }
};
const toUSV = (v) => String(v).toWellFormed();
// Lazy modules: a module's classes are created the first time one of its globals is read (or
// an internal caller loads it), so a cold isolate only pays for what its worker uses; the
// globals themselves are native accessors (isolate/lazy_globals.rs).
// Each lazy module is its own bytecode, read and run by `native.loadModule` on first use.
let internals = null;
const lazyCache = Object.create(null);
const lazyLoad = (name) => lazyCache[name] || (lazyCache[name] = native.loadModule(name, native)(internals));
const lazyLoaded = (name) => name in lazyCache;
const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');
const kInternal = Symbol('edgert.internal');
// An object literal (not fromEntries over pairs: 16 arrays and a closure call fewer per isolate).
const kSym = Object.freeze({
  setBody: Symbol('setBody'),
  getBody: Symbol('getBody'),
  consume: Symbol('consume'),
  cloneBody: Symbol('cloneBody'),
  result: Symbol('result'),
  responded: Symbol('responded'),
  trustedAppend: Symbol('trustedAppend'),
  hasName: Symbol('hasName'),
  signalOrNull: Symbol('signalOrNull'),
  task: Symbol('task'),
  passThrough: Symbol('passThrough'),
  original: Symbol('original'),
  fromText: Symbol('fromText'),
  markUsed: Symbol('markUsed'),
  copy: Symbol('copy'),
  sorted: Symbol('sorted'),
});

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

// ---- timers: lazy/timers.js (each expiry a Timer operation the host completes)

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

// ---- globals of lazy modules: native accessors that load their module on first use (see
// isolate/lazy_globals.rs for the list, including the timers and the global event target's
// addEventListener/removeEventListener/dispatchEvent).
native.lazyGlobals(lazyLoad);
