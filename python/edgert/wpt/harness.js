// edgert's WPT harness (python/edgert/wpt/script.py fills in the /*@...@*/ markers).
// A classic (service-worker format) script: the test file runs inside the fetch handler, so its
// timers, promises and fetches are the request's, under the request's CPU limit, as a worker's
// code is. The response is every subtest's result, taken from testharness.js's completion
// callback.
self.GLOBAL = { isWindow: () => false, isWorker: () => true, isShadowRealm: () => false };
// The worker global scope wptserve runs an `.any.js` file in has `self.location`, a
// WorkerLocation of the worker's script URL. It is this harness's own global (edgert defines
// no `location`, as Workers does not); the isolate's API base URL, which `new Request(url)`,
// `fetch(url)` and `Response.redirect(url)` resolve relative URLs against, is the same URL,
// given by the driver as an `edgert:api-base-url` binding.
(() => {
  class WorkerLocation {
    #url;
    constructor(url) { this.#url = new URL(url); }
    get href() { return this.#url.href; }
    get origin() { return this.#url.origin; }
    get protocol() { return this.#url.protocol; }
    get host() { return this.#url.host; }
    get hostname() { return this.#url.hostname; }
    get port() { return this.#url.port; }
    get pathname() { return this.#url.pathname; }
    get search() { return this.#url.search; }
    get hash() { return this.#url.hash; }
    toString() { return this.#url.href; }
    get [Symbol.toStringTag]() { return 'WorkerLocation'; }
  }
  const workerLocation = new WorkerLocation(/*@URL@*/);
  Object.defineProperty(self, 'location', { get() { return workerLocation; }, enumerable: true, configurable: true });
  Object.defineProperty(self, 'WorkerLocation', { value: WorkerLocation, writable: true, configurable: true });
})();
self.META_TITLE = /*@TITLE@*/;
addEventListener('fetch', (event) => event.respondWith(new Promise((resolve) => {
  const errors = [];
  let finished = false;
  const finish = (tests, status) => {
    if (finished) return;
    finished = true;
    const out = tests.map((t) => ({ name: String(t.name), status: t.status, message: t.message === null || t.message === undefined ? null : String(t.message) }));
    resolve(new Response(JSON.stringify({ tests: out, status: status.status, message: status.message === null || status.message === undefined ? null : String(status.message), errors })));
  };
  (function () {
/*@TESTHARNESS@*/
  }).call(self);
  setup({ explicit_timeout: true });
  add_completion_callback(finish);
  // The time limit of the file's tests, in the driver's virtual time (a test waiting on
  // something that never happens times out here, as under wptserve's runner).
  setTimeout(() => { timeout(); }, /*@TIMEOUT_MS@*/);
  try {
    (function () {
/*@BODY@*/
    }).call(self);
  } catch (e) {
    errors.push(`uncaught at load: ${e && e.name}: ${e && e.message}`);
    done();
  }
})));
