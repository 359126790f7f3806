// WritableStream, WritableStreamDefaultWriter and WritableStreamDefaultController (Streams
// Standard section 5).
//
// Theory of operation. A writable stream is a state machine over `state`:
//   "writable" --close completes--> "closed"
//   "writable" --sink error, controller.error(), abort()--> "erroring" --> "errored"
// "erroring" waits for the write or close in flight (the sink is never interrupted), then
// becomes "errored": queued writes reject, and a pending abort runs the sink's abort().
// The controller queues chunks with their sizes (queuing.js) and a close marker, and hands
// the sink one operation at a time: `inFlightWriteRequest` / `inFlightCloseRequest` hold the
// promise of the operation the sink is doing, `writeRequests` those still waiting. After
// `start()` settles, `advanceQueueIfNeeded` starts the next operation whenever none is in
// flight. Backpressure: when the queue's total size reaches the high-water mark the writer's
// `ready` promise is replaced by a pending one, resolved when the queue drains below it.
// abort(reason): signals the controller's AbortSignal, moves to "erroring" and records a
// pending abort request; close(): queues the close marker and makes `ready` resolve.

const WS = 'WritableStream';
const closeSentinel = Symbol('close sentinel');

const newWritableRecord = (obj) => ({
  kind: 'ws', obj, state: 'writable', storedError: undefined, writer: undefined, controller: undefined,
  inFlightWriteRequest: undefined, closeRequest: undefined, inFlightCloseRequest: undefined,
  pendingAbortRequest: undefined, writeRequests: [], backpressure: false,
});
const writableIsLocked = (stream) => stream.writer !== undefined;

const createWritableStream = (startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark = 1, sizeAlgorithm = sizeOne) => {
  const obj = Object.create(WritableStream.prototype);
  const stream = newWritableRecord(obj);
  obj[kS] = stream;
  setUpWritableController(stream, newWritableControllerRecord(), startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
};

const writableStreamAbort = (stream, reason) => {
  if (stream.state === 'closed' || stream.state === 'errored') return RESOLVED();
  writableControllerSignalAbort(stream.controller, reason);
  const state = stream.state;
  if (state === 'closed' || state === 'errored') return RESOLVED();
  if (stream.pendingAbortRequest !== undefined) return stream.pendingAbortRequest.cap.promise;
  let wasAlreadyErroring = false;
  if (state === 'erroring') { wasAlreadyErroring = true; reason = undefined; }
  const cap = newCap();
  stream.pendingAbortRequest = { cap, reason, wasAlreadyErroring };
  if (!wasAlreadyErroring) writableStreamStartErroring(stream, reason);
  return cap.promise;
};
const writableStreamClose = (stream) => {
  const state = stream.state;
  if (state === 'closed' || state === 'errored') return rejectedWith(new TypeError('The stream is closed or errored'));
  const cap = newCap();
  stream.closeRequest = cap;
  const writer = stream.writer;
  if (writer !== undefined && stream.backpressure && state === 'writable') writer.ready.resolve(undefined);
  writableControllerClose(stream.controller);
  return cap.promise;
};
const writableStreamAddWriteRequest = (stream) => {
  const cap = newCap();
  stream.writeRequests.push(cap);
  return cap.promise;
};
const writableStreamDealWithRejection = (stream, error) => {
  if (stream.state === 'writable') { writableStreamStartErroring(stream, error); return; }
  writableStreamFinishErroring(stream);
};
const writableStreamStartErroring = (stream, reason) => {
  const controller = stream.controller;
  stream.state = 'erroring';
  stream.storedError = reason;
  const writer = stream.writer;
  if (writer !== undefined) writerEnsureReadyPromiseRejected(writer, reason);
  if (!writableStreamHasOperationMarkedInFlight(stream) && controller.started) writableStreamFinishErroring(stream);
};
const writableStreamFinishErroring = (stream) => {
  stream.state = 'errored';
  stream.controller.errorSteps();
  const storedError = stream.storedError;
  for (const r of stream.writeRequests) r.reject(storedError);
  stream.writeRequests = [];
  if (stream.pendingAbortRequest === undefined) { writableStreamRejectCloseAndClosedPromiseIfNeeded(stream); return; }
  const abortRequest = stream.pendingAbortRequest;
  stream.pendingAbortRequest = undefined;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.cap.reject(storedError);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  const promise = stream.controller.abortSteps(abortRequest.reason);
  upon(promise, () => {
    abortRequest.cap.resolve(undefined);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
  }, (reason) => {
    abortRequest.cap.reject(reason);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
  });
};
const writableStreamFinishInFlightWrite = (stream) => {
  stream.inFlightWriteRequest.resolve(undefined);
  stream.inFlightWriteRequest = undefined;
};
const writableStreamFinishInFlightWriteWithError = (stream, error) => {
  stream.inFlightWriteRequest.reject(error);
  stream.inFlightWriteRequest = undefined;
  writableStreamDealWithRejection(stream, error);
};
const writableStreamFinishInFlightClose = (stream) => {
  stream.inFlightCloseRequest.resolve(undefined);
  stream.inFlightCloseRequest = undefined;
  if (stream.state === 'erroring') {
    stream.storedError = undefined;
    if (stream.pendingAbortRequest !== undefined) {
      stream.pendingAbortRequest.cap.resolve(undefined);
      stream.pendingAbortRequest = undefined;
    }
  }
  stream.state = 'closed';
  const writer = stream.writer;
  if (writer !== undefined) writer.closed.resolve(undefined);
};
const writableStreamFinishInFlightCloseWithError = (stream, error) => {
  stream.inFlightCloseRequest.reject(error);
  stream.inFlightCloseRequest = undefined;
  if (stream.pendingAbortRequest !== undefined) {
    stream.pendingAbortRequest.cap.reject(error);
    stream.pendingAbortRequest = undefined;
  }
  writableStreamDealWithRejection(stream, error);
};
const writableStreamCloseQueuedOrInFlight = (stream) => stream.closeRequest !== undefined || stream.inFlightCloseRequest !== undefined;
const writableStreamHasOperationMarkedInFlight = (stream) => stream.inFlightWriteRequest !== undefined || stream.inFlightCloseRequest !== undefined;
const writableStreamMarkCloseRequestInFlight = (stream) => {
  stream.inFlightCloseRequest = stream.closeRequest;
  stream.closeRequest = undefined;
};
const writableStreamMarkFirstWriteRequestInFlight = (stream) => { stream.inFlightWriteRequest = stream.writeRequests.shift(); };
const writableStreamRejectCloseAndClosedPromiseIfNeeded = (stream) => {
  if (stream.closeRequest !== undefined) {
    stream.closeRequest.reject(stream.storedError);
    stream.closeRequest = undefined;
  }
  const writer = stream.writer;
  if (writer !== undefined) {
    writer.closed.reject(stream.storedError);
    setHandled(writer.closed.promise);
  }
};
const writableStreamUpdateBackpressure = (stream, backpressure) => {
  const writer = stream.writer;
  if (writer !== undefined && backpressure !== stream.backpressure) {
    if (backpressure) writer.ready = newCap();
    else writer.ready.resolve(undefined);
  }
  stream.backpressure = backpressure;
};

// ---- the writer
const newWriterRecord = (obj) => ({ kind: 'wsw', obj, stream: undefined, ready: undefined, closed: undefined });
const setUpWriter = (writer, stream) => {
  if (writableIsLocked(stream)) throw new TypeError('WritableStream is locked');
  writer.stream = stream;
  stream.writer = writer;
  const state = stream.state;
  if (state === 'writable') {
    writer.ready = !writableStreamCloseQueuedOrInFlight(stream) && stream.backpressure ? newCap() : resolvedCap(undefined);
    writer.closed = newCap();
  } else if (state === 'erroring') {
    writer.ready = rejectedCap(stream.storedError);
    writer.closed = newCap();
  } else if (state === 'closed') {
    writer.ready = resolvedCap(undefined);
    writer.closed = resolvedCap(undefined);
  } else {
    writer.ready = rejectedCap(stream.storedError);
    writer.closed = rejectedCap(stream.storedError);
  }
};
const acquireWriter = (stream) => {
  const obj = Object.create(WritableStreamDefaultWriter.prototype);
  const writer = newWriterRecord(obj);
  setUpWriter(writer, stream);
  obj[kS] = writer;
  return writer;
};
const writerClose = (writer) => writableStreamClose(writer.stream);
const writerCloseWithErrorPropagation = (writer) => {
  const stream = writer.stream;
  const state = stream.state;
  if (writableStreamCloseQueuedOrInFlight(stream) || state === 'closed') return RESOLVED();
  if (state === 'errored') return rejectedWith(stream.storedError);
  return writerClose(writer);
};
const writerEnsureClosedPromiseRejected = (writer, error) => {
  if (writer.closed.pending) writer.closed.reject(error);
  else writer.closed = rejectedCap(error);
  setHandled(writer.closed.promise);
};
const writerEnsureReadyPromiseRejected = (writer, error) => {
  if (writer.ready.pending) writer.ready.reject(error);
  else writer.ready = rejectedCap(error);
  setHandled(writer.ready.promise);
};
const writerGetDesiredSize = (writer) => {
  const stream = writer.stream;
  const state = stream.state;
  if (state === 'errored' || state === 'erroring') return null;
  if (state === 'closed') return 0;
  return writableControllerGetDesiredSize(stream.controller);
};
const writerRelease = (writer) => {
  const stream = writer.stream;
  const releasedError = new TypeError('The writer was released');
  writerEnsureReadyPromiseRejected(writer, releasedError);
  writerEnsureClosedPromiseRejected(writer, releasedError);
  stream.writer = undefined;
  writer.stream = undefined;
};
const writerWrite = (writer, chunk) => {
  const stream = writer.stream;
  const controller = stream.controller;
  const chunkSize = writableControllerGetChunkSize(controller, chunk);
  if (stream !== writer.stream) return rejectedWith(new TypeError('The writer was released'));
  const state = stream.state;
  if (state === 'errored') return rejectedWith(stream.storedError);
  if (writableStreamCloseQueuedOrInFlight(stream) || state === 'closed') return rejectedWith(new TypeError('The stream is closing or closed'));
  if (state === 'erroring') return rejectedWith(stream.storedError);
  const promise = writableStreamAddWriteRequest(stream);
  writableControllerWrite(controller, chunk, chunkSize);
  return promise;
};

const WSW = 'WritableStreamDefaultWriter';
class WritableStreamDefaultWriter {
  constructor(stream) {
    const s = recOf(stream, 'ws', WS);
    const writer = newWriterRecord(this);
    setUpWriter(writer, s);
    this[kS] = writer;
  }
  get closed() {
    const w = recOrReject(this, 'wsw', WSW);
    return w ? w.closed.promise : illegal(WSW);
  }
  get desiredSize() {
    const w = recOf(this, 'wsw', WSW);
    if (w.stream === undefined) throw new TypeError('The writer was released');
    return writerGetDesiredSize(w);
  }
  get ready() {
    const w = recOrReject(this, 'wsw', WSW);
    return w ? w.ready.promise : illegal(WSW);
  }
  abort(reason = undefined) {
    const w = recOrReject(this, 'wsw', WSW);
    if (!w) return illegal(WSW);
    if (w.stream === undefined) return rejectedWith(new TypeError('The writer was released'));
    return writableStreamAbort(w.stream, reason);
  }
  close() {
    const w = recOrReject(this, 'wsw', WSW);
    if (!w) return illegal(WSW);
    const stream = w.stream;
    if (stream === undefined) return rejectedWith(new TypeError('The writer was released'));
    if (writableStreamCloseQueuedOrInFlight(stream)) return rejectedWith(new TypeError('The stream is already closing'));
    return writerClose(w);
  }
  releaseLock() {
    const w = recOf(this, 'wsw', WSW);
    if (w.stream !== undefined) writerRelease(w);
  }
  write(chunk = undefined) {
    const w = recOrReject(this, 'wsw', WSW);
    if (!w) return illegal(WSW);
    if (w.stream === undefined) return rejectedWith(new TypeError('The writer was released'));
    return writerWrite(w, chunk);
  }
}

// ---- the controller
const newWritableControllerRecord = () => {
  const obj = Object.create(WritableStreamDefaultController.prototype);
  const c = {
    kind: 'wsdc', obj, stream: undefined, queue: undefined, sizes: undefined, queueTotalSize: 0,
    abortController: undefined, abortReason: undefined, aborted: false, started: false,
    strategySizeAlgorithm: undefined, strategyHWM: 1, writeAlgorithm: undefined, closeAlgorithm: undefined, abortAlgorithm: undefined,
    abortSteps: (reason) => {
      const result = c.abortAlgorithm(reason);
      writableControllerClearAlgorithms(c);
      return result;
    },
    errorSteps: () => resetQueue(c),
  };
  obj[kS] = c;
  return c;
};
// The controller's AbortSignal is made when first read (a stream nobody asks for it costs no
// AbortController); one read after the abort is already aborted, with the same reason.
const writableControllerSignalAbort = (c, reason) => {
  if (c.aborted) return;
  c.aborted = true;
  c.abortReason = reason;
  if (c.abortController !== undefined) c.abortController.abort(reason);
};
const writableControllerSignal = (c) => {
  if (c.abortController === undefined) {
    c.abortController = new (lazyLoad('events').AbortController)();
    if (c.aborted) c.abortController.abort(c.abortReason);
  }
  return c.abortController.signal;
};
const setUpWritableController = (stream, c, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) => {
  c.stream = stream;
  stream.controller = c;
  resetQueue(c);
  c.started = false;
  c.strategySizeAlgorithm = sizeAlgorithm;
  c.strategyHWM = highWaterMark;
  c.writeAlgorithm = writeAlgorithm;
  c.closeAlgorithm = closeAlgorithm;
  c.abortAlgorithm = abortAlgorithm;
  writableStreamUpdateBackpressure(stream, writableControllerGetBackpressure(c));
  const startResult = startAlgorithm();
  upon(resolvedWith(startResult), () => {
    c.started = true;
    writableControllerAdvanceQueueIfNeeded(c);
  }, (r) => {
    c.started = true;
    writableStreamDealWithRejection(stream, r);
  });
};
const setUpWritableControllerFromSink = (stream, sink, dict, highWaterMark, sizeAlgorithm) => {
  const c = newWritableControllerRecord();
  let startAlgorithm = noop, writeAlgorithm = RESOLVED, closeAlgorithm = RESOLVED, abortAlgorithm = RESOLVED;
  if (dict.start !== undefined) startAlgorithm = () => reflectApply(dict.start, sink, [c.obj]);
  if (dict.write !== undefined) writeAlgorithm = (chunk) => promiseCall(dict.write, sink, [chunk, c.obj]);
  if (dict.close !== undefined) closeAlgorithm = () => promiseCall(dict.close, sink, []);
  if (dict.abort !== undefined) abortAlgorithm = (reason) => promiseCall(dict.abort, sink, [reason]);
  setUpWritableController(stream, c, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
};
const writableControllerAdvanceQueueIfNeeded = (c) => {
  const stream = c.stream;
  if (!c.started || stream.inFlightWriteRequest !== undefined) return;
  if (stream.state === 'erroring') { writableStreamFinishErroring(stream); return; }
  if (c.queue.length === 0) return;
  const value = peekQueueValue(c);
  if (value === closeSentinel) writableControllerProcessClose(c);
  else writableControllerProcessWrite(c, value);
};
const writableControllerClearAlgorithms = (c) => {
  c.writeAlgorithm = undefined;
  c.closeAlgorithm = undefined;
  c.abortAlgorithm = undefined;
  c.strategySizeAlgorithm = undefined;
};
const writableControllerClose = (c) => {
  enqueueValueWithSize(c, closeSentinel, 0);
  writableControllerAdvanceQueueIfNeeded(c);
};
const writableControllerError = (c, error) => {
  writableControllerClearAlgorithms(c);
  writableStreamStartErroring(c.stream, error);
};
const writableControllerErrorIfNeeded = (c, error) => {
  if (c.stream.state === 'writable') writableControllerError(c, error);
};
const writableControllerGetBackpressure = (c) => writableControllerGetDesiredSize(c) <= 0;
const writableControllerGetChunkSize = (c, chunk) => {
  if (c.strategySizeAlgorithm === undefined) return 1;
  try {
    return c.strategySizeAlgorithm(chunk);
  } catch (e) {
    writableControllerErrorIfNeeded(c, e);
    return 1;
  }
};
const writableControllerGetDesiredSize = (c) => c.strategyHWM - c.queueTotalSize;
const writableControllerProcessClose = (c) => {
  const stream = c.stream;
  writableStreamMarkCloseRequestInFlight(stream);
  dequeueValue(c);
  const sinkClosePromise = c.closeAlgorithm();
  writableControllerClearAlgorithms(c);
  upon(sinkClosePromise, () => writableStreamFinishInFlightClose(stream), (reason) => writableStreamFinishInFlightCloseWithError(stream, reason));
};
const writableControllerProcessWrite = (c, chunk) => {
  const stream = c.stream;
  writableStreamMarkFirstWriteRequestInFlight(stream);
  const sinkWritePromise = c.writeAlgorithm(chunk);
  upon(sinkWritePromise, () => {
    writableStreamFinishInFlightWrite(stream);
    const state = stream.state;
    dequeueValue(c);
    if (!writableStreamCloseQueuedOrInFlight(stream) && state === 'writable') {
      writableStreamUpdateBackpressure(stream, writableControllerGetBackpressure(c));
    }
    writableControllerAdvanceQueueIfNeeded(c);
  }, (reason) => {
    if (stream.state === 'writable') writableControllerClearAlgorithms(c);
    writableStreamFinishInFlightWriteWithError(stream, reason);
  });
};
const writableControllerWrite = (c, chunk, chunkSize) => {
  try {
    enqueueValueWithSize(c, chunk, chunkSize);
  } catch (e) {
    writableControllerErrorIfNeeded(c, e);
    return;
  }
  const stream = c.stream;
  if (!writableStreamCloseQueuedOrInFlight(stream) && stream.state === 'writable') {
    writableStreamUpdateBackpressure(stream, writableControllerGetBackpressure(c));
  }
  writableControllerAdvanceQueueIfNeeded(c);
};

class WritableStreamDefaultController {
  constructor() { throw new TypeError('Illegal constructor'); }
  get signal() { return writableControllerSignal(recOf(this, 'wsdc', 'WritableStreamDefaultController')); }
  error(e = undefined) {
    const c = recOf(this, 'wsdc', 'WritableStreamDefaultController');
    if (c.stream.state !== 'writable') return;
    writableControllerError(c, e);
  }
}

// ---- the underlying sink dictionary, read in WebIDL order
const readSink = (sink) => {
  const d = dictArg(sink, 'underlyingSink');
  if (d === null) return { abort: undefined, close: undefined, start: undefined, type: undefined, write: undefined };
  const abort = callbackMember(d, 'abort', 'underlyingSink');
  const close = callbackMember(d, 'close', 'underlyingSink');
  const start = callbackMember(d, 'start', 'underlyingSink');
  const type = d.type;
  const write = callbackMember(d, 'write', 'underlyingSink');
  return { abort, close, start, type, write };
};

class WritableStream {
  constructor(underlyingSink = undefined, strategy = undefined) {
    if (underlyingSink === null || (underlyingSink !== undefined && !isObj(underlyingSink))) throw new TypeError('underlyingSink must be an object');
    const strat = readStrategy(strategy);
    const dict = readSink(underlyingSink);
    if (dict.type !== undefined) throw new RangeError('Invalid type is specified');
    const stream = newWritableRecord(this);
    this[kS] = stream;
    const sizeAlgorithm = extractSizeAlgorithm(strat);
    const highWaterMark = extractHighWaterMark(strat, 1);
    setUpWritableControllerFromSink(stream, underlyingSink, dict, highWaterMark, sizeAlgorithm);
  }
  get locked() { return writableIsLocked(recOf(this, 'ws', WS)); }
  abort(reason = undefined) {
    const s = recOrReject(this, 'ws', WS);
    if (!s) return illegal(WS);
    if (writableIsLocked(s)) return rejectedWith(new TypeError('Cannot abort a locked WritableStream'));
    return writableStreamAbort(s, reason);
  }
  close() {
    const s = recOrReject(this, 'ws', WS);
    if (!s) return illegal(WS);
    if (writableIsLocked(s)) return rejectedWith(new TypeError('Cannot close a locked WritableStream'));
    if (writableStreamCloseQueuedOrInFlight(s)) return rejectedWith(new TypeError('Cannot close an already-closing stream'));
    return writableStreamClose(s);
  }
  getWriter() { return acquireWriter(recOf(this, 'ws', WS)).obj; }
}
