// Entry points the isolate calls: init (bind the handler and env) and dispatch (one request).

// The `ctx` argument of a module worker's fetch handler.
// `passThroughOnException()` marks the context in `passingThrough` (a WeakSet, not a field:
// each field an instance gets costs every request ~0.4k instructions, and few workers call it;
// made on the first call, so a new isolate makes none).
let passingThrough = null;
class ExecutionContext {
  #task; #input;
  constructor(task, input) { this.#task = task; this.#input = input; }
  waitUntil(p) {
    const task = this.#task;
    native.waitUntilStart(task);
    Promise.resolve(p).then(() => native.waitUntilEnd(task), (e) => native.waitUntilEnd(task, e));
  }
  passThroughOnException() { if (this.#task !== undefined) (passingThrough || (passingThrough = new WeakSet())).add(this); }
  get props() { return {}; }
  get [kSym.task]() { return this.#task; }
  // Whether to forward to the origin after an error (once).
  [kSym.passThrough]() { return passingThrough !== null && passingThrough.delete(this); }
  [kSym.original]() { return Request[kInternal](...this.#input); }
}

// Hands a settled response to the host; a body still streaming is read to its end first.
const finish = (ctx, r) => {
  const task = ctx[kSym.task];
  try {
    if (!(r instanceof Response)) {
      failed(ctx, new TypeError(`The handler resolved with ${r === null ? 'null' : typeof r === 'object' ? Object.prototype.toString.call(r) : typeof r}, not a Response`), 'invalid');
      return;
    }
    if (r.status === 101) {
      // A WebSocket: the host is told which socket to connect the client to.
      if (r.webSocket === null) { native.fail(task, 'invalid', new TypeError('A 101 response needs a webSocket')); return; }
      const ref = lazyLoad('websocket').handOff(r.webSocket);
      native.settle(task, 101, r.statusText, [...Headers.flat(r.headers), 'x-edgert-websocket', ref], null);
      return;
    }
    const b = r[kSym.getBody]();
    // The header list as Headers keeps it ([[name, value], ...]: isolate/settle.rs reads it).
    if (b.kind === 'none') native.settle(task, r.status, r.statusText, entriesOf(r.headers), null);
    else if (b.kind !== 'stream' && !r.bodyUsed) native.settle(task, r.status, r.statusText, entriesOf(r.headers), b.value);
    else r[kSym.consume]().then((bytes) => native.settle(task, r.status, r.statusText, entriesOf(r.headers), bytes), (e) => failed(ctx, e));
  } catch (e) {
    failed(ctx, e);
  }
};
// The handler failed (threw, rejected, resolved with no Response, its body failed): a 500, or,
// after passThroughOnException(), the request goes on to the origin as if no worker ran. The
// forwarded request carries PASS_THROUGH so that the host sends it to the origin (whatever the
// host of its URL, and never back into this worker); the host removes the field.
const PASS_THROUGH = 'x-edgert-pass-through';
const toOrigin = (ctx) => {
  const original = ctx[kSym.original]();
  const headers = new Headers(original.headers);
  headers.set(PASS_THROUGH, '1');
  return fetch(new Request(original, { headers }));
};
const failed = (ctx, e, kind = 'exception') => {
  if (!ctx[kSym.passThrough]()) { native.fail(ctx[kSym.task], kind, e); return; }
  native.log('warn', `passThroughOnException: forwarding to the origin after: ${inspect(e)}`);
  let forwarded;
  try { forwarded = toOrigin(ctx); } catch (e2) { native.fail(ctx[kSym.task], kind, e2); return; }
  forwarded.then((r) => finish(ctx, r), (e2) => failed(ctx, e2));
};

// KV namespace bindings (`{"name", "type": "kv", "namespace"}`): `env.NAME` (and a global of
// that name for service-worker scripts), created on first use so that a worker that never
// touches KV never loads the module.
const bindKv = (env, bindings, asGlobals) => {
  for (const b of Array.isArray(bindings) ? bindings : []) {
    if (!isObject(b) || b.type !== 'kv') continue;
    let ns;
    const get = () => ns || (ns = new (lazyLoad('kv').KVNamespace)(kInternal, String(b.namespace)));
    Object.defineProperty(env, b.name, { enumerable: true, get });
    if (asGlobals) Object.defineProperty(globalThis, b.name, { configurable: true, get });
  }
};

// Rate limiting bindings (`{"name", "type": "ratelimit", "store", "namespace_id", "limit",
// "period"}`): `env.NAME`, created on first use (lazy/ratelimit.js).
const bindRatelimit = (env, bindings, asGlobals) => {
  for (const b of Array.isArray(bindings) ? bindings : []) {
    if (!isObject(b) || b.type !== 'ratelimit') continue;
    let rl;
    const get = () => rl || (rl = new (lazyLoad('ratelimit').RateLimit)(kInternal, b));
    Object.defineProperty(env, b.name, { enumerable: true, get });
    if (asGlobals) Object.defineProperty(globalThis, b.name, { configurable: true, get });
  }
};

// D1 bindings (`{"name", "type": "d1", "database", "region", "local"}`): `env.NAME`, created on
// first use like KV's.
const bindD1 = (env, bindings, asGlobals) => {
  for (const b of Array.isArray(bindings) ? bindings : []) {
    if (!isObject(b) || b.type !== 'd1') continue;
    let db;
    const get = () => db || (db = new (lazyLoad('d1').D1Database)(kInternal, b));
    Object.defineProperty(env, b.name, { enumerable: true, get });
    if (asGlobals) Object.defineProperty(globalThis, b.name, { configurable: true, get });
  }
};

let moduleExports = null;
const PENDING = Symbol('pending');
api.setExports = (ns) => { moduleExports = ns; };
// `import { DurableObject } from "cloudflare:workers"` (see isolate/modules.rs).
api.cloudflareWorkers = () => lazyLoad('durable').workersModule;
// `import { Buffer } from "node:buffer"` (isolate/modules.rs).
api.cloudflareWorkers.buffer = () => lazyLoad('buffer');
api.init = (handler, env, bindings) => {
  // Durable Object namespaces; an object host (type "edgert:objects") dispatches object events.
  // `{"type": "edgert:api-base-url", "url"}`: the environment's API base URL (core.js `apiBase`).
  let objectHost = false, durable = false;
  for (let i = 0; i < bindings.length; i++) {
    const type = bindings[i].type;
    if (type === 'edgert:objects') objectHost = true;
    else if (type === 'durable_object_namespace') durable = true;
    else if (type === 'edgert:api-base-url') apiBase = lazyLoad('fetchinit').apiBaseURL(bindings[i].url);
  }
  if (objectHost || durable) lazyLoad('durable').bind(env, bindings);
  bindKv(env, bindings, handler === undefined);
  bindRatelimit(env, bindings, handler === undefined);
  bindD1(env, bindings, handler === undefined);
  Object.freeze(env);
  if (objectHost) return lazyLoad('durable').objectDispatch(moduleExports, env, { finish, ExecutionContext });
  // Non-HTTP events (cron triggers) go to the default export as written (lazy/scheduled.js).
  const eventTarget = handler;
  // `export default class extends WorkerEntrypoint { fetch(request) {} }`: one instance per request.
  if (typeof handler === 'function' && handler.prototype && typeof handler.prototype.fetch === 'function') {
    const Entrypoint = handler;
    handler = { fetch: (request, env2, ctx) => new Entrypoint(ctx, env2).fetch(request) };
  }
  const listenersOf = (type) => (lazyLoaded('events') && lazyLoad('events').globalTarget[Symbol.for('edgert.listeners')].get(type)) || [];
  const listeners = () => listenersOf('fetch');
  // A worker may handle only cron triggers (a `scheduled` handler or listener and no fetch).
  const scheduledOnly = () => (isObject(eventTarget) && (typeof eventTarget.scheduled === 'function' || (eventTarget.prototype && typeof eventTarget.prototype.scheduled === 'function'))) || listenersOf('scheduled').length > 0;
  if (handler === undefined && !listeners().length && !scheduledOnly())
    throw new Error('The worker has neither a default export with a fetch handler nor a "fetch" event listener.');
  if (handler !== undefined && (!isObject(handler) || typeof handler.fetch !== 'function')) {
    if (!listeners().length && !scheduledOnly()) throw new Error('The default export of the worker has no fetch() handler.');
    handler = listeners().length ? undefined : { fetch() { throw new TypeError('Handler does not export a fetch() function.'); } };
  }
  return (taskId, method, url, flat, body, cf, claims) => { // cf, claims: JSON text or undefined
    // An event from the host (Isolate::begin_event): (task, null, kind, payload JSON).
    if (method === null && url === 'websocket') { lazyLoad('websocket').deliver(taskId, flat, body); return; }
    if (method === null) { lazyLoad('scheduled').run(taskId, url, flat, eventTarget, env, { ExecutionContext, failed }); return; }
    const request = Request[kInternal](method, url, flat, body, cf, claims);
    const ctx = new ExecutionContext(taskId, [method, url, flat, body, cf, claims]);
    let result;
    try {
      if (handler) result = handler.fetch(request, env, ctx);
      else {
        const ev = new (lazyLoad('fetchevent').FetchEvent)('fetch', { request, [kInternal]: ctx });
        lazyLoad('events').globalTarget.dispatchEvent(ev);
        // With no respondWith(), Workers forwards the request to the origin.
        result = ev[kSym.responded] ? ev[kSym.result] : toOrigin(ctx);
      }
    } catch (e) {
      failed(ctx, e);
      return;
    }
    if (result instanceof Response) { finish(ctx, result); return; }
    let then;
    try { then = isObject(result) ? result.then : undefined; } catch (e) { failed(ctx, e); return; }
    if (typeof then !== 'function') { finish(ctx, result); return; }
    // An `async fetch()` that awaited nothing: its promise is already fulfilled, and (when
    // `then` would run no user code and no job is queued) finishing now is what the reaction
    // job would do next (isolate/promise_fast.rs).
    const value = native.fulfilledOr(result, then, PENDING);
    if (value !== PENDING) { finish(ctx, value); return; }
    try { result.then((r) => finish(ctx, r), (e) => failed(ctx, e)); } catch (e) { failed(ctx, e); }
  };
};

// What lazy modules may use from the prelude's scope.
internals = Object.freeze({ native, defineGlobal, kInternal, kSym, toUSV, isObject, lazyLoad, lazyLoaded, utf8, fromUtf8, asBytes, RealDate, inspect });
