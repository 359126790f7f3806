// The streams module's globals and what the rest of the runtime uses (bodies, HTMLRewriter,
// compression and text streams).

// WebIDL shapes: operations and attributes are enumerable, the prototype has its
// @@toStringTag, `ReadableStream.prototype[@@asyncIterator]` is `values` itself.
const webidlInterface = (C, name) => {
  const proto = C.prototype;
  for (const key of Object.getOwnPropertyNames(proto)) {
    if (key === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(proto, key);
    d.enumerable = true;
    Object.defineProperty(proto, key, d);
  }
  for (const key of Object.getOwnPropertyNames(C)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    const d = Object.getOwnPropertyDescriptor(C, key);
    d.enumerable = true;
    Object.defineProperty(C, key, d);
  }
  Object.defineProperty(proto, Symbol.toStringTag, { value: name, configurable: true });
};
const INTERFACES = {
  ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader, ReadableStreamBYOBRequest,
  ReadableStreamDefaultController, ReadableByteStreamController,
  WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController,
  TransformStream, TransformStreamDefaultController,
  ByteLengthQueuingStrategy, CountQueuingStrategy,
  IdentityTransformStream, FixedLengthStream,
};
for (const name of Object.keys(INTERFACES)) webidlInterface(INTERFACES[name], name);
Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, { value: ReadableStream.prototype.values, writable: true, configurable: true });
for (const name of Object.keys(INTERFACES)) defineGlobal(name, INTERFACES[name]);

// ---- for the runtime
const isReadableStream = (v) => isObj(v) && v[kS] !== undefined && v[kS].kind === 'rs';
const streamRecord = (v) => v[kS];
// Fetch's "body is disturbed or locked".
const isDisturbed = (stream) => stream[kS].disturbed;
// A body stream over bytes the runtime holds (Fetch: a byte stream, "set up with byte reading
// support"); the bytes are copied in when first pulled, so `bytes` may be shared.
const bodyStream = (bytes) => {
  let done = false;
  const stream = createReadableByteStream(noop, () => {
    if (!done) {
      done = true;
      if (bytes.length) byteControllerEnqueue(stream.controller, bytes.slice());
      byteControllerClose(stream.controller);
    }
    return RESOLVED();
  }, RESOLVED);
  return stream.obj;
};
// Fetch's "fully read" of a body stream: every chunk must be a Uint8Array. Returns a promise
// of the bytes; or, given `onBytes` and `onError`, calls one of them instead and returns
// nothing (the body mixin: no promise is resolved with the bytes, so a `then` getter on
// Object.prototype cannot intercept them), with `convert(self, kind, bytes)` if given (its
// exception goes to `onError`).
const readAll = (streamObj, onBytes, onError, convert, self, kind) => {
  const reader = acquireDefaultReader(streamObj[kS]);
  const chunks = [];
  let total = 0;
  const cap = onBytes === undefined ? newCap() : {
    resolve: convert === undefined ? onBytes : (bytes) => {
      let out;
      try { out = convert(self, kind, bytes); } catch (e) { onError(e); return; }
      onBytes(out);
    },
    reject: onError,
    promise: undefined,
  };
  // Reads until a read has to wait; a chunk that arrives later starts the loop again (no
  // recursion per queued chunk).
  let waiting = false;
  const onChunk = (chunk) => {
    if (!(chunk instanceof Uint8Array)) {
      const e = new TypeError('This ReadableStream did not return bytes: a body stream\'s chunks must be Uint8Array');
      cap.reject(e);
      readerGenericCancel(reader, e);
      return false;
    }
    chunks.push(chunk);
    total += chunk.length;
    return true;
  };
  const request = {
    chunk: (chunk) => { if (onChunk(chunk)) { if (waiting) step(); else again = true; } },
    close: () => {
      if (chunks.length === 1) { cap.resolve(chunks[0]); return; }
      const out = new Uint8Array(total);
      let off = 0;
      for (const c of chunks) { out.set(c, off); off += c.length; }
      cap.resolve(out);
    },
    error: (e) => cap.reject(e),
  };
  let again = false;
  const step = () => {
    do {
      again = false;
      waiting = false;
      defaultReaderRead(reader, request);
      waiting = !again;
    } while (again);
  };
  step();
  return cap.promise;
};
// Fetch's tee of a body (Request/Response clone()): the second branch's chunks are
// structured clones (a byte stream's tee copies them anyway).
const teeBody = (streamObj) => {
  const [a, b] = readableStreamTee(streamObj[kS], true);
  return [a.obj, b.obj];
};
// Fetch's "create a proxy" of a body (a Request made from another): an identity transform the
// body is piped into, so the source is locked (and disturbed once read) and keeps its object.
const proxyBody = (streamObj) => {
  const ts = createTransformStream((chunk, c) => transformControllerEnqueue(c[kS], chunk));
  setHandled(readableStreamPipeTo(streamObj[kS], ts.writable, false, false, false, undefined));
  return ts.readable.obj;
};
// Fetch's "abort fetch" for a response's body: a readable body stream errors with `reason`.
const errorBody = (streamObj, reason) => {
  const s = streamObj[kS];
  if (s.state !== 'readable') return;
  if (s.controller.kind === 'rbsc') byteControllerError(s.controller, reason);
  else defaultControllerError(s.controller, reason);
};
// The stream of a body consumed already: read to its end, so locked and disturbed.
const consumedBody = () => {
  const obj = bodyStream(new Uint8Array(0));
  readAll(obj, noop, noop);
  return obj;
};
// A body stream that is already errored with `reason`.
const erroredBody = (reason) => {
  const obj = bodyStream(new Uint8Array(0));
  errorBody(obj, reason);
  return obj;
};
const transformStream = (transform, flush, cancel) => createTransformStream(transform, flush, cancel).obj;

return {
  ...INTERFACES, readAll, bodyStream, isReadableStream, isDisturbed, transformStream, streamRecord, teeBody, proxyBody, errorBody, erroredBody, consumedBody,
};
