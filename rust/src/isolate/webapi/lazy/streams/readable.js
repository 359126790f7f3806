// ReadableStream, its default controller and default reader (Streams Standard section 4).
//
// Theory of operation. A readable stream is a state machine over `state`:
//   "readable" --close (queue drained)--> "closed"
//   "readable" --error / start or pull rejected--> "errored" (storedError kept)
// Nothing leaves "closed" or "errored". The controller owns the queue (values with sizes, see
// queuing.js) and the underlying source's algorithms; the reader owns the pending reads
// (`readRequests`, each { chunk, close, error } steps) and the `closed` promise.
// - A read takes from the queue when it has chunks, else waits as a read request; `enqueue`
//   hands a chunk straight to the oldest waiting read when there is one, else queues it.
// - Pulling: after start settles, and after every enqueue or read, `callPullIfNeeded` asks the
//   source for more when a read is waiting or the queue is below the high-water mark
//   (`desiredSize > 0`). One pull runs at a time: a request made while one runs sets `pullAgain`
//   and is honoured when that pull's promise fulfils. A pull that enqueues nothing therefore
//   ends the cycle until the next read or enqueue asks again (no busy loop).
// - close(): `closeRequested`; the stream closes when the queue drains. error(): the queue is
//   dropped and every waiting read rejects. cancel(): the stream closes at once, the queue is
//   dropped and the source's cancel runs.
// Byte streams (byte_stream.js) use the same stream record with another controller kind.

const RS = 'ReadableStream';

// ---- the stream record
const newStreamRecord = (obj) => ({
  kind: 'rs', obj, state: 'readable', reader: undefined, storedError: undefined, disturbed: false, controller: undefined,
});
const isLocked = (stream) => stream.reader !== undefined;

// CreateReadableStream: a stream with a default controller over algorithms (for tee, from,
// TransformStream and the runtime's bodies).
const createReadableStream = (startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 1, sizeAlgorithm = sizeOne) => {
  const obj = Object.create(ReadableStream.prototype);
  const stream = newStreamRecord(obj);
  obj[kS] = stream;
  const controller = newDefaultControllerRecord();
  setUpDefaultController(stream, controller, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
};

const readableStreamCancel = (stream, reason) => {
  stream.disturbed = true;
  if (stream.state === 'closed') return RESOLVED();
  if (stream.state === 'errored') return rejectedWith(stream.storedError);
  readableStreamClose(stream);
  const reader = stream.reader;
  if (reader !== undefined && reader.kind === 'byob') {
    const requests = reader.readIntoRequests;
    reader.readIntoRequests = [];
    for (const r of requests) r.close(undefined);
  }
  const sourceCancelPromise = stream.controller.cancelSteps(reason);
  return upon(sourceCancelPromise, noop);
};
const readableStreamClose = (stream) => {
  stream.state = 'closed';
  const reader = stream.reader;
  if (reader === undefined) return;
  reader.closed.resolve(undefined);
  if (reader.kind === 'default') {
    const requests = reader.readRequests;
    reader.readRequests = [];
    for (const r of requests) r.close();
  }
};
const readableStreamError = (stream, e) => {
  stream.state = 'errored';
  stream.storedError = e;
  const reader = stream.reader;
  if (reader === undefined) return;
  reader.closed.reject(e);
  setHandled(reader.closed.promise);
  if (reader.kind === 'default') defaultReaderErrorReadRequests(reader, e);
  else byobReaderErrorReadIntoRequests(reader, e);
};
const addReadRequest = (stream, readRequest) => { stream.reader.readRequests.push(readRequest); };
const fulfillReadRequest = (stream, chunk, done) => {
  const readRequest = stream.reader.readRequests.shift();
  if (done) readRequest.close(); else readRequest.chunk(chunk);
};
const numReadRequests = (stream) => stream.reader.readRequests.length;
const hasDefaultReader = (stream) => stream.reader !== undefined && stream.reader.kind === 'default';

// ---- readers (generic part shared with BYOB readers)
const readerGenericInitialize = (reader, stream) => {
  reader.stream = stream;
  stream.reader = reader;
  if (stream.state === 'readable') reader.closed = newCap();
  else if (stream.state === 'closed') reader.closed = resolvedCap(undefined);
  else reader.closed = rejectedCap(stream.storedError);
};
const readerGenericCancel = (reader, reason) => readableStreamCancel(reader.stream, reason);
const readerGenericRelease = (reader) => {
  const stream = reader.stream;
  const e = new TypeError('The reader was released');
  if (stream.state === 'readable') reader.closed.reject(e);
  else reader.closed = rejectedCap(e);
  setHandled(reader.closed.promise);
  stream.controller.releaseSteps();
  stream.reader = undefined;
  reader.stream = undefined;
};
const defaultReaderErrorReadRequests = (reader, e) => {
  const requests = reader.readRequests;
  reader.readRequests = [];
  for (const r of requests) r.error(e);
};
const defaultReaderRelease = (reader) => {
  readerGenericRelease(reader);
  defaultReaderErrorReadRequests(reader, new TypeError('The reader was released'));
};
const defaultReaderRead = (reader, readRequest) => {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === 'closed') readRequest.close();
  else if (stream.state === 'errored') readRequest.error(stream.storedError);
  else stream.controller.pullSteps(readRequest);
};
const newDefaultReaderRecord = (obj) => ({ kind: 'default', obj, stream: undefined, closed: undefined, readRequests: [] });
const setUpDefaultReader = (reader, stream) => {
  if (isLocked(stream)) throw new TypeError('ReadableStream is locked');
  readerGenericInitialize(reader, stream);
  reader.readRequests = [];
};
const acquireDefaultReader = (stream) => {
  const obj = Object.create(ReadableStreamDefaultReader.prototype);
  const reader = newDefaultReaderRecord(obj);
  setUpDefaultReader(reader, stream);
  obj[kS] = reader;
  return reader;
};
// A read request settling a promise with { value, done } (the reader's read()).
const promiseReadRequest = (cap) => ({
  chunk: (value) => cap.resolve({ value, done: false }),
  close: () => cap.resolve({ value: undefined, done: true }),
  error: (e) => cap.reject(e),
});

class ReadableStreamDefaultReader {
  constructor(stream) {
    const s = recOf(stream, 'rs', RS);
    const reader = newDefaultReaderRecord(this);
    setUpDefaultReader(reader, s);
    this[kS] = reader;
  }
  get closed() {
    const r = recOrReject(this, 'default', 'ReadableStreamDefaultReader');
    return r ? r.closed.promise : illegal('ReadableStreamDefaultReader');
  }
  read() {
    const r = recOrReject(this, 'default', 'ReadableStreamDefaultReader');
    if (!r) return illegal('ReadableStreamDefaultReader');
    if (r.stream === undefined) return rejectedWith(new TypeError('The reader was released'));
    const cap = newCap();
    defaultReaderRead(r, promiseReadRequest(cap));
    return cap.promise;
  }
  releaseLock() {
    const r = recOf(this, 'default', 'ReadableStreamDefaultReader');
    if (r.stream !== undefined) defaultReaderRelease(r);
  }
  cancel(reason) {
    const r = recOrReject(this, 'default', 'ReadableStreamDefaultReader');
    if (!r) return illegal('ReadableStreamDefaultReader');
    if (r.stream === undefined) return rejectedWith(new TypeError('The reader was released'));
    return readerGenericCancel(r, reason);
  }
}

// ---- the default controller
const newDefaultControllerRecord = () => {
  const obj = Object.create(ReadableStreamDefaultController.prototype);
  const c = {
    kind: 'rsdc', obj, stream: undefined, queue: undefined, sizes: undefined, queueTotalSize: 0,
    started: false, closeRequested: false, pullAgain: false, pulling: false,
    strategySizeAlgorithm: undefined, strategyHWM: 0, pullAlgorithm: undefined, cancelAlgorithm: undefined,
    cancelSteps: (reason) => {
      resetQueue(c);
      const result = c.cancelAlgorithm(reason);
      defaultControllerClearAlgorithms(c);
      return result;
    },
    pullSteps: (readRequest) => {
      const stream = c.stream;
      if (c.queue.length > 0) {
        const chunk = dequeueValue(c);
        if (c.closeRequested && c.queue.length === 0) {
          defaultControllerClearAlgorithms(c);
          readableStreamClose(stream);
        } else defaultControllerCallPullIfNeeded(c);
        readRequest.chunk(chunk);
      } else {
        addReadRequest(stream, readRequest);
        defaultControllerCallPullIfNeeded(c);
      }
    },
    releaseSteps: noop,
  };
  obj[kS] = c;
  return c;
};
const defaultControllerCallPullIfNeeded = (c) => {
  if (!defaultControllerShouldCallPull(c)) return;
  if (c.pulling) { c.pullAgain = true; return; }
  c.pulling = true;
  upon(c.pullAlgorithm(), () => {
    c.pulling = false;
    if (c.pullAgain) { c.pullAgain = false; defaultControllerCallPullIfNeeded(c); }
  }, (e) => defaultControllerError(c, e));
};
const defaultControllerShouldCallPull = (c) => {
  const stream = c.stream;
  if (!defaultControllerCanCloseOrEnqueue(c) || !c.started) return false;
  if (isLocked(stream) && numReadRequests(stream) > 0) return true;
  return defaultControllerGetDesiredSize(c) > 0;
};
const defaultControllerClearAlgorithms = (c) => {
  c.pullAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
  c.strategySizeAlgorithm = undefined;
};
const defaultControllerClose = (c) => {
  if (!defaultControllerCanCloseOrEnqueue(c)) return;
  c.closeRequested = true;
  if (c.queue.length === 0) {
    defaultControllerClearAlgorithms(c);
    readableStreamClose(c.stream);
  }
};
const defaultControllerEnqueue = (c, chunk) => {
  if (!defaultControllerCanCloseOrEnqueue(c)) return;
  const stream = c.stream;
  if (isLocked(stream) && numReadRequests(stream) > 0) fulfillReadRequest(stream, chunk, false);
  else {
    let chunkSize;
    try {
      chunkSize = c.strategySizeAlgorithm(chunk);
    } catch (e) {
      defaultControllerError(c, e);
      throw e;
    }
    try {
      enqueueValueWithSize(c, chunk, chunkSize);
    } catch (e) {
      defaultControllerError(c, e);
      throw e;
    }
  }
  defaultControllerCallPullIfNeeded(c);
};
const defaultControllerError = (c, e) => {
  const stream = c.stream;
  if (stream.state !== 'readable') return;
  resetQueue(c);
  defaultControllerClearAlgorithms(c);
  readableStreamError(stream, e);
};
const defaultControllerGetDesiredSize = (c) => {
  const state = c.stream.state;
  if (state === 'errored') return null;
  if (state === 'closed') return 0;
  return c.strategyHWM - c.queueTotalSize;
};
const defaultControllerHasBackpressure = (c) => !defaultControllerShouldCallPull(c);
const defaultControllerCanCloseOrEnqueue = (c) => !c.closeRequested && c.stream.state === 'readable';
const setUpDefaultController = (stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm) => {
  c.stream = stream;
  resetQueue(c);
  c.strategySizeAlgorithm = sizeAlgorithm;
  c.strategyHWM = highWaterMark;
  c.pullAlgorithm = pullAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
  stream.controller = c;
  const startResult = startAlgorithm();
  upon(resolvedWith(startResult), () => {
    c.started = true;
    defaultControllerCallPullIfNeeded(c);
  }, (r) => defaultControllerError(c, r));
};
const setUpDefaultControllerFromSource = (stream, source, dict, highWaterMark, sizeAlgorithm) => {
  const c = newDefaultControllerRecord();
  let startAlgorithm = noop, pullAlgorithm = RESOLVED, cancelAlgorithm = RESOLVED;
  if (dict.start !== undefined) startAlgorithm = () => reflectApply(dict.start, source, [c.obj]);
  if (dict.pull !== undefined) pullAlgorithm = () => promiseCall(dict.pull, source, [c.obj]);
  if (dict.cancel !== undefined) cancelAlgorithm = (reason) => promiseCall(dict.cancel, source, [reason]);
  setUpDefaultController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
};

class ReadableStreamDefaultController {
  constructor() { throw new TypeError('Illegal constructor'); }
  get desiredSize() { return defaultControllerGetDesiredSize(recOf(this, 'rsdc', 'ReadableStreamDefaultController')); }
  close() {
    const c = recOf(this, 'rsdc', 'ReadableStreamDefaultController');
    if (!defaultControllerCanCloseOrEnqueue(c)) throw new TypeError('The stream is not in a state that permits close');
    defaultControllerClose(c);
  }
  enqueue(chunk) {
    const c = recOf(this, 'rsdc', 'ReadableStreamDefaultController');
    if (!defaultControllerCanCloseOrEnqueue(c)) throw new TypeError('The stream is not in a state that permits enqueue');
    defaultControllerEnqueue(c, chunk);
  }
  error(e) { defaultControllerError(recOf(this, 'rsdc', 'ReadableStreamDefaultController'), e); }
}

// ---- the underlying source dictionary, read in WebIDL order
const readSource = (source) => {
  const d = dictArg(source, 'underlyingSource');
  if (d === null) return { autoAllocateChunkSize: undefined, cancel: undefined, pull: undefined, start: undefined, type: undefined };
  const aacs = d.autoAllocateChunkSize;
  const autoAllocateChunkSize = aacs === undefined ? undefined : enforceRange(aacs, 'autoAllocateChunkSize');
  const cancel = callbackMember(d, 'cancel', 'underlyingSource');
  const pull = callbackMember(d, 'pull', 'underlyingSource');
  const start = callbackMember(d, 'start', 'underlyingSource');
  let type = d.type;
  if (type !== undefined) {
    type = String(type);
    if (type !== 'bytes') throw new TypeError(`'${type}' is not a valid ReadableStreamType`);
  }
  return { autoAllocateChunkSize, cancel, pull, start, type };
};
const readPipeOptions = (options) => {
  const d = dictArg(options, 'options');
  if (d === null) return { preventAbort: false, preventCancel: false, preventClose: false, signal: undefined };
  const preventAbort = !!d.preventAbort;
  const preventCancel = !!d.preventCancel;
  const preventClose = !!d.preventClose;
  const signal = d.signal;
  if (signal !== undefined) {
    // WebIDL's interface check: a real AbortSignal (its `aborted` getter accepts it).
    const AbortSignalCtor = lazyLoad('events').AbortSignal;
    const aborted = Object.getOwnPropertyDescriptor(AbortSignalCtor.prototype, 'aborted').get;
    let ok = signal instanceof AbortSignalCtor;
    if (ok) { try { reflectApply(aborted, signal, []); } catch { ok = false; } }
    if (!ok) throw new TypeError('options.signal must be an AbortSignal');
  }
  return { preventAbort, preventCancel, preventClose, signal };
};

class ReadableStream {
  constructor(underlyingSource = undefined, strategy = undefined) {
    if (underlyingSource === null) throw new TypeError('underlyingSource must be an object');
    if (underlyingSource !== undefined && !isObj(underlyingSource)) throw new TypeError('underlyingSource must be an object');
    const strat = readStrategy(strategy);
    const dict = readSource(underlyingSource);
    const stream = newStreamRecord(this);
    this[kS] = stream;
    if (dict.type === 'bytes') {
      if (strat.size !== undefined) throw new RangeError('The strategy for a byte stream cannot have a size function');
      const highWaterMark = extractHighWaterMark(strat, 0);
      setUpByteControllerFromSource(stream, underlyingSource, dict, highWaterMark);
    } else {
      const sizeAlgorithm = extractSizeAlgorithm(strat);
      const highWaterMark = extractHighWaterMark(strat, 1);
      setUpDefaultControllerFromSource(stream, underlyingSource, dict, highWaterMark, sizeAlgorithm);
    }
  }
  static from(asyncIterable) { return readableStreamFromIterable(asyncIterable).obj; }
  get locked() { return isLocked(recOf(this, 'rs', RS)); }
  cancel(reason = undefined) {
    const s = recOrReject(this, 'rs', RS);
    if (!s) return illegal(RS);
    if (isLocked(s)) return rejectedWith(new TypeError('Cannot cancel a locked ReadableStream'));
    return readableStreamCancel(s, reason);
  }
  getReader(options = undefined) {
    const s = recOf(this, 'rs', RS);
    const d = dictArg(options, 'options');
    let mode = d === null ? undefined : d.mode;
    if (mode !== undefined) {
      mode = String(mode);
      if (mode !== 'byob') throw new TypeError(`'${mode}' is not a valid ReadableStreamReaderMode`);
      return acquireBYOBReader(s).obj;
    }
    return acquireDefaultReader(s).obj;
  }
  pipeThrough(transform, options = undefined) {
    const s = recOf(this, 'rs', RS);
    if (!isObj(transform)) throw new TypeError('pipeThrough needs a { readable, writable } pair');
    const readable = transform.readable;
    const r = isObj(readable) ? readable[kS] : undefined;
    if (r === undefined || r.kind !== 'rs') throw new TypeError('transform.readable must be a ReadableStream');
    const writable = transform.writable;
    const w = isObj(writable) ? writable[kS] : undefined;
    if (w === undefined || w.kind !== 'ws') throw new TypeError('transform.writable must be a WritableStream');
    const o = readPipeOptions(options);
    if (isLocked(s)) throw new TypeError('Cannot pipe a locked ReadableStream');
    if (writableIsLocked(w)) throw new TypeError('Cannot pipe to a locked WritableStream');
    const promise = readableStreamPipeTo(s, w, o.preventClose, o.preventAbort, o.preventCancel, o.signal);
    setHandled(promise);
    return readable;
  }
  pipeTo(destination, options = undefined) {
    const s = recOrReject(this, 'rs', RS);
    if (!s) return illegal(RS);
    const w = isObj(destination) ? destination[kS] : undefined;
    if (w === undefined || w.kind !== 'ws') return rejectedWith(new TypeError('pipeTo destination must be a WritableStream'));
    let o;
    try { o = readPipeOptions(options); } catch (e) { return rejectedWith(e); }
    if (isLocked(s)) return rejectedWith(new TypeError('Cannot pipe a locked ReadableStream'));
    if (writableIsLocked(w)) return rejectedWith(new TypeError('Cannot pipe to a locked WritableStream'));
    return readableStreamPipeTo(s, w, o.preventClose, o.preventAbort, o.preventCancel, o.signal);
  }
  tee() {
    const s = recOf(this, 'rs', RS);
    const [a, b] = readableStreamTee(s, false);
    return [a.obj, b.obj];
  }
  values(options = undefined) {
    const s = recOf(this, 'rs', RS);
    const d = dictArg(options, 'options');
    const preventCancel = d === null ? false : !!d.preventCancel;
    return createStreamAsyncIterator(s, preventCancel);
  }
}
ReadableStream.prototype[Symbol.asyncIterator] = ReadableStream.prototype.values;
