// fetch(): an outbound request becomes a Fetch operation the host performs.
const hostFetch = async (request) => {
  const signal = request[kSym.signalOrNull];
  // Abort fetch before it started: throws the reason.
  if (signal && signal.aborted) lazyLoad('fetchinit').abortBeforeFetch(request[kSym.getBody](), signal.reason);
  const b = await request[kSym.consume]();
  const body = request.method === 'GET' || request.method === 'HEAD' ? null : typeof b === 'string' ? (b === '' && request[kSym.getBody]().kind === 'none' ? null : b) : b;
  const cf = request.cf;
  const cfJson = cf === undefined || cf === null ? undefined : JSON.stringify(cf);
  // Through the PoP's cache a hit comes back at once as a response's parts; anything else is
  // a promise the host's operation settles.
  const sent = native.fetch(request.method, request.url, Headers.flat(request.headers), body, cfJson);
  const pending = Array.isArray(sent) ? Promise.resolve(api.makeResponse(sent[0], sent[1], sent[2], sent[3])) : sent;
  if (!signal) return await pending;
  const response = await new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    pending.then(resolve, reject);
  });
  // Abort fetch after the response came: its body errors with the reason.
  lazyLoad('fetchinit').abortBodyOn(signal, response);
  return response;
};
defineGlobal('fetch', function fetch(input, init) {
  try {
    return hostFetch(new Request(input, init));
  } catch (e) {
    return Promise.reject(e);
  }
});
