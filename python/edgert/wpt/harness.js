// edgert's WPT harness (python/edgert/wpt/script.py fills in the /*@...@*/ markers).
// A classic (service-worker format) script: the test file runs inside the fetch handler, so its
// timers, promises and fetches are the request's, under the request's CPU limit, as a worker's
// code is. The response is every subtest's result, taken from testharness.js's completion
// callback.
self.GLOBAL = { isWindow: () => false, isWorker: () => true, isShadowRealm: () => false };
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
  // The harness's own `location` (the test's URL): testharness helpers such as
  // common/subset-tests.js read it. It is a variable of this function, not a global of the
  // isolate: `self.location` stays undefined, as on Workers.
  // eslint-disable-next-line no-unused-vars
  var location = (() => { const u = new URL(/*@URL@*/); return { href: u.href, origin: u.origin, protocol: u.protocol, host: u.host, hostname: u.hostname, port: u.port, pathname: u.pathname, search: '', hash: '', toString() { return u.href; } }; })();
  // Likewise the harness's `fetch` resolves a relative URL string against the test's URL, so
  // tests can load their data files (the driver serves the suite's static files); the global
  // fetch and the Request constructor are untouched (`new Request('/x')` throws, as on Workers).
  var fetch = function fetch(input, init) {
    try {
      return self.fetch(typeof input === 'string' || input instanceof URL ? new URL(String(input), location.href).href : input, init);
    } catch (e) {
      return Promise.reject(e);
    }
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
