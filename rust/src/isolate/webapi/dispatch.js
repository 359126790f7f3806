// Entry points the isolate calls: init (bind the handler and env) and dispatch (one request).

let moduleExports = null;
api.setExports = (ns) => { moduleExports = ns; };
api.init = (handler, env, bindings) => {
  void bindings;
  Object.freeze(env);
  const listeners = () => (lazyLoaded('events') && lazyLoad('events').globalTarget[Symbol.for('edgert.listeners')].get('fetch')) || [];
  if (handler === undefined && !listeners().length)
    throw new Error('The worker has neither a default export with a fetch handler nor a "fetch" event listener.');
  if (handler !== undefined && (!isObject(handler) || typeof handler.fetch !== 'function')) {
    if (!listeners().length) throw new Error('The default export of the worker has no fetch() handler.');
    handler = undefined;
  }
  return (taskId, method, url, flat, body, cf) => {
    const request = Request[kInternal](method, url, flat, body, cf);
    let passThrough = false;
    const original = () => Request[kInternal](method, url, flat, body, cf);
    const ctx = {
      waitUntil(p) {
        native.waitUntilStart(taskId);
        Promise.resolve(p).then(() => native.waitUntilEnd(taskId), (e) => native.waitUntilEnd(taskId, e));
      },
      passThroughOnException() { passThrough = true; },
      props: {},
    };
    let result, threw = false, thrown;
    try {
      if (handler) result = handler.fetch(request, env, ctx);
      else {
        const ev = new (lazyLoad('fetchevent').FetchEvent)('fetch', { request, [kInternal]: ctx });
        lazyLoad('events').globalTarget.dispatchEvent(ev);
        // With no respondWith(), Workers forwards the request to the origin.
        result = ev[kSym.responded] ? ev[kSym.result] : fetch(original());
      }
    } catch (e) {
      threw = true;
      thrown = e;
    }
    const finish = (r) => {
      try {
        if (!(r instanceof Response)) {
          native.fail(taskId, 'invalid', new TypeError(`The handler resolved with ${r === null ? 'null' : typeof r === 'object' ? Object.prototype.toString.call(r) : typeof r}, not a Response`));
          return;
        }
        const b = r[kSym.getBody]();
        if (b.kind === 'none') native.settle(taskId, r.status, r.statusText, Headers.flat(r.headers), null);
        else if (b.kind !== 'stream' && !r.bodyUsed) native.settle(taskId, r.status, r.statusText, Headers.flat(r.headers), b.value);
        else r[kSym.consume]().then((bytes) => native.settle(taskId, r.status, r.statusText, Headers.flat(r.headers), bytes), onError);
      } catch (e) {
        native.fail(taskId, 'exception', e);
      }
    };
    const onError = (e) => {
      if (!passThrough) { native.fail(taskId, 'exception', e); return; }
      passThrough = false;
      native.log('warn', `passThroughOnException: forwarding to the origin after: ${inspect(e)}`);
      fetch(original()).then(finish, onError);
    };
    if (threw) onError(thrown);
    else if (result instanceof Response) finish(result);
    else if (isObject(result) && typeof result.then === 'function') {
      try { result.then(finish, onError); } catch (e) { onError(e); }
    }
    else finish(result);
  };
};

// What lazy modules may use from the prelude's scope.
internals = Object.freeze({ native, defineGlobal, kInternal, kSym, toUSV, isObject, lazyLoad, lazyLoaded, utf8, fromUtf8, asBytes, RealDate, inspect });
