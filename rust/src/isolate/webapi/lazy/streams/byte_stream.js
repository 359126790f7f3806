// Readable byte streams: ReadableByteStreamController, ReadableStreamBYOBReader and
// ReadableStreamBYOBRequest (Streams Standard sections 4.5-4.7 and 4.9).
//
// Theory of operation. A byte stream is a readable stream (readable.js: same states, same
// stream record) whose controller queues byte ranges ({ buffer, byteOffset, byteLength }) and
// keeps `pendingPullIntos`: descriptors of buffers waiting to be filled, oldest first, each
// with `bytesFilled`, the `minimumFill` its read needs, its element size and view constructor,
// and the kind of reader that made it ("default", "byob", or "none" once that reader released).
// - A BYOB read transfers the caller's buffer into a descriptor. If bytes are queued it is
//   filled from the queue at once; otherwise it waits (a read-into request) and the source
//   sees it as `controller.byobRequest`, a view of the unfilled part.
// - The source answers with `byobRequest.respond(n)` (it wrote n bytes into the view) or
//   `respondWithNewView(view)` (a view over the same, transferred, buffer), or with
//   `enqueue(chunk)`, which transfers the chunk's buffer and copies from the queue into the
//   waiting descriptors. A descriptor is committed (its read fulfilled) once it holds at least
//   `minimumFill` bytes, in whole elements; a partial element left over is re-queued.
// - A default reader on a byte stream reads whole queued chunks; with `autoAllocateChunkSize`
//   the controller allocates a buffer per read and shows it as a byobRequest.
// - Every buffer that crosses the API is transferred (the old ArrayBuffer is detached), so a
//   caller's buffer is never written behind its back.
// - close() with a partly filled element pending is an error; after close, a pending BYOB
//   read is answered with an empty view (`respond(0)`), done.

const RBSC = 'ReadableByteStreamController';

const isTypedArray = (v) => isView(v) && !(v instanceof DataView);
const viewArg = (view, what) => {
  if (!isView(view)) throw new TypeError(`${what} must be an ArrayBufferView`);
  return view;
};

// ---- the controller
const newByteControllerRecord = () => {
  const obj = Object.create(ReadableByteStreamController.prototype);
  const c = {
    kind: 'rbsc', obj, stream: undefined, autoAllocateChunkSize: undefined, byobRequest: null,
    cancelAlgorithm: undefined, pullAlgorithm: undefined, closeRequested: false, pullAgain: false,
    pulling: false, started: false, pendingPullIntos: [], queue: [], queueTotalSize: 0, strategyHWM: 0,
    cancelSteps: (reason) => {
      byteControllerClearPendingPullIntos(c);
      c.queue = []; c.queueTotalSize = 0;
      const result = c.cancelAlgorithm(reason);
      byteControllerClearAlgorithms(c);
      return result;
    },
    pullSteps: (readRequest) => {
      const stream = c.stream;
      if (c.queueTotalSize > 0) { byteControllerFillReadRequestFromQueue(c, readRequest); return; }
      const size = c.autoAllocateChunkSize;
      if (size !== undefined) {
        let buffer;
        try { buffer = new ArrayBufferCtor(size); } catch (e) { readRequest.error(e); return; }
        c.pendingPullIntos.push({
          buffer, bufferByteLength: size, byteOffset: 0, byteLength: size, bytesFilled: 0,
          minimumFill: 1, elementSize: 1, viewConstructor: Uint8Array, readerType: 'default',
        });
      }
      addReadRequest(stream, readRequest);
      byteControllerCallPullIfNeeded(c);
    },
    releaseSteps: () => {
      if (c.pendingPullIntos.length > 0) {
        const first = c.pendingPullIntos[0];
        first.readerType = 'none';
        c.pendingPullIntos = [first];
      }
    },
  };
  obj[kS] = c;
  return c;
};
const byteControllerCallPullIfNeeded = (c) => {
  if (!byteControllerShouldCallPull(c)) return;
  if (c.pulling) { c.pullAgain = true; return; }
  c.pulling = true;
  upon(c.pullAlgorithm(), () => {
    c.pulling = false;
    if (c.pullAgain) { c.pullAgain = false; byteControllerCallPullIfNeeded(c); }
  }, (e) => byteControllerError(c, e));
};
const byteControllerClearAlgorithms = (c) => { c.pullAlgorithm = undefined; c.cancelAlgorithm = undefined; };
const byteControllerClearPendingPullIntos = (c) => { byteControllerInvalidateBYOBRequest(c); c.pendingPullIntos = []; };
const byteControllerClose = (c) => {
  const stream = c.stream;
  if (c.closeRequested || stream.state !== 'readable') return;
  if (c.queueTotalSize > 0) { c.closeRequested = true; return; }
  if (c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    if (first.bytesFilled % first.elementSize !== 0) {
      const e = new TypeError('Insufficient bytes to fill elements in the given buffer');
      byteControllerError(c, e);
      throw e;
    }
  }
  byteControllerClearAlgorithms(c);
  readableStreamClose(stream);
};
const byteControllerCommitPullIntoDescriptor = (stream, pid) => {
  let done = false;
  if (stream.state === 'closed') done = true;
  const filledView = byteControllerConvertPullIntoDescriptor(pid);
  if (pid.readerType === 'default') fulfillReadRequest(stream, filledView, done);
  else fulfillReadIntoRequest(stream, filledView, done);
};
const byteControllerConvertPullIntoDescriptor = (pid) => {
  const buffer = transferBuffer(pid.buffer);
  return new pid.viewConstructor(buffer, pid.byteOffset, pid.bytesFilled / pid.elementSize);
};
const byteControllerEnqueue = (c, chunk) => {
  const stream = c.stream;
  if (c.closeRequested || stream.state !== 'readable') return;
  const { buffer, byteOffset, byteLength } = viewParts(chunk);
  if (isDetached(buffer)) throw new TypeError('The chunk\'s buffer is detached');
  const transferredBuffer = transferBuffer(buffer);
  if (c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    if (isDetached(first.buffer)) throw new TypeError('The BYOB request\'s buffer is detached');
    byteControllerInvalidateBYOBRequest(c);
    first.buffer = transferBuffer(first.buffer);
    if (first.readerType === 'none') byteControllerEnqueueDetachedPullIntoToQueue(c, first);
  }
  if (hasDefaultReader(stream)) {
    byteControllerProcessReadRequestsUsingQueue(c);
    if (numReadRequests(stream) === 0) byteControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength);
    else {
      if (c.pendingPullIntos.length > 0) byteControllerShiftPendingPullInto(c);
      fulfillReadRequest(stream, new Uint8Array(transferredBuffer, byteOffset, byteLength), false);
    }
  } else if (hasBYOBReader(stream)) {
    byteControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength);
    const filled = byteControllerProcessPullIntoDescriptorsUsingQueue(c);
    for (const pid of filled) byteControllerCommitPullIntoDescriptor(stream, pid);
  } else {
    byteControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength);
  }
  byteControllerCallPullIfNeeded(c);
};
const byteControllerEnqueueChunkToQueue = (c, buffer, byteOffset, byteLength) => {
  c.queue.push({ buffer, byteOffset, byteLength });
  c.queueTotalSize += byteLength;
};
const byteControllerEnqueueClonedChunkToQueue = (c, buffer, byteOffset, byteLength) => {
  let clone;
  try {
    clone = buffer.slice(byteOffset, byteOffset + byteLength);
  } catch (e) {
    byteControllerError(c, e);
    throw e;
  }
  byteControllerEnqueueChunkToQueue(c, clone, 0, byteLength);
};
const byteControllerEnqueueDetachedPullIntoToQueue = (c, pid) => {
  if (pid.bytesFilled > 0) byteControllerEnqueueClonedChunkToQueue(c, pid.buffer, pid.byteOffset, pid.bytesFilled);
  byteControllerShiftPendingPullInto(c);
};
const byteControllerFillPullIntoDescriptorFromQueue = (c, pid) => {
  const maxBytesToCopy = Math.min(c.queueTotalSize, pid.byteLength - pid.bytesFilled);
  const maxBytesFilled = pid.bytesFilled + maxBytesToCopy;
  let totalBytesToCopyRemaining = maxBytesToCopy;
  let ready = false;
  const remainderBytes = maxBytesFilled % pid.elementSize;
  const maxAlignedBytes = maxBytesFilled - remainderBytes;
  if (maxAlignedBytes >= pid.minimumFill) {
    totalBytesToCopyRemaining = maxAlignedBytes - pid.bytesFilled;
    ready = true;
  }
  const queue = c.queue;
  while (totalBytesToCopyRemaining > 0) {
    const head = queue[0];
    const bytesToCopy = Math.min(totalBytesToCopyRemaining, head.byteLength);
    const destStart = pid.byteOffset + pid.bytesFilled;
    copyBytes(pid.buffer, destStart, head.buffer, head.byteOffset, bytesToCopy);
    if (head.byteLength === bytesToCopy) queue.shift();
    else { head.byteOffset += bytesToCopy; head.byteLength -= bytesToCopy; }
    c.queueTotalSize -= bytesToCopy;
    byteControllerFillHeadPullIntoDescriptor(c, bytesToCopy, pid);
    totalBytesToCopyRemaining -= bytesToCopy;
  }
  return ready;
};
const byteControllerFillReadRequestFromQueue = (c, readRequest) => {
  const entry = c.queue.shift();
  c.queueTotalSize -= entry.byteLength;
  byteControllerHandleQueueDrain(c);
  readRequest.chunk(new Uint8Array(entry.buffer, entry.byteOffset, entry.byteLength));
};
const byteControllerGetBYOBRequest = (c) => {
  if (c.byobRequest === null && c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    const view = new Uint8Array(first.buffer, first.byteOffset + first.bytesFilled, first.byteLength - first.bytesFilled);
    const obj = Object.create(ReadableStreamBYOBRequest.prototype);
    obj[kS] = { kind: 'byobreq', obj, controller: c, view };
    c.byobRequest = obj;
  }
  return c.byobRequest;
};
const byteControllerGetDesiredSize = (c) => {
  const state = c.stream.state;
  if (state === 'errored') return null;
  if (state === 'closed') return 0;
  return c.strategyHWM - c.queueTotalSize;
};
const byteControllerHandleQueueDrain = (c) => {
  if (c.queueTotalSize === 0 && c.closeRequested) {
    byteControllerClearAlgorithms(c);
    readableStreamClose(c.stream);
  } else byteControllerCallPullIfNeeded(c);
};
const byteControllerInvalidateBYOBRequest = (c) => {
  if (c.byobRequest === null) return;
  const r = c.byobRequest[kS];
  r.controller = undefined;
  r.view = null;
  c.byobRequest = null;
};
const byteControllerProcessPullIntoDescriptorsUsingQueue = (c) => {
  const filled = [];
  while (c.pendingPullIntos.length > 0) {
    if (c.queueTotalSize === 0) break;
    const pid = c.pendingPullIntos[0];
    if (byteControllerFillPullIntoDescriptorFromQueue(c, pid)) {
      byteControllerShiftPendingPullInto(c);
      filled.push(pid);
    }
  }
  return filled;
};
const byteControllerProcessReadRequestsUsingQueue = (c) => {
  const reader = c.stream.reader;
  while (reader.readRequests.length > 0) {
    if (c.queueTotalSize === 0) return;
    byteControllerFillReadRequestFromQueue(c, reader.readRequests.shift());
  }
};
const byteControllerPullInto = (c, view, min, readIntoRequest) => {
  const stream = c.stream;
  const parts = viewParts(view);
  const elementSize = parts.elementSize;
  const ctor = parts.ctor;
  const minimumFill = min * elementSize;
  let buffer;
  try { buffer = transferBuffer(parts.buffer); } catch (e) { readIntoRequest.error(e); return; }
  const pid = {
    buffer, bufferByteLength: bufferByteLength(buffer), byteOffset: parts.byteOffset, byteLength: parts.byteLength,
    bytesFilled: 0, minimumFill, elementSize, viewConstructor: ctor, readerType: 'byob',
  };
  if (c.pendingPullIntos.length > 0) {
    c.pendingPullIntos.push(pid);
    addReadIntoRequest(stream, readIntoRequest);
    return;
  }
  if (stream.state === 'closed') {
    readIntoRequest.close(new ctor(pid.buffer, pid.byteOffset, 0));
    return;
  }
  if (c.queueTotalSize > 0) {
    if (byteControllerFillPullIntoDescriptorFromQueue(c, pid)) {
      const filledView = byteControllerConvertPullIntoDescriptor(pid);
      byteControllerHandleQueueDrain(c);
      readIntoRequest.chunk(filledView);
      return;
    }
    if (c.closeRequested) {
      const e = new TypeError('Insufficient bytes to fill elements in the given buffer');
      byteControllerError(c, e);
      readIntoRequest.error(e);
      return;
    }
  }
  c.pendingPullIntos.push(pid);
  addReadIntoRequest(stream, readIntoRequest);
  byteControllerCallPullIfNeeded(c);
};
const byteControllerRespond = (c, bytesWritten) => {
  const first = c.pendingPullIntos[0];
  if (c.stream.state === 'closed') {
    if (bytesWritten !== 0) throw new TypeError('bytesWritten must be 0 when calling respond() on a closed stream');
  } else {
    if (bytesWritten === 0) throw new TypeError('bytesWritten must be greater than 0 when calling respond() on a readable stream');
    if (first.bytesFilled + bytesWritten > first.byteLength) throw new RangeError('bytesWritten out of range');
  }
  first.buffer = transferBuffer(first.buffer);
  byteControllerRespondInternal(c, bytesWritten);
};
const byteControllerRespondInClosedState = (c, first) => {
  if (first.readerType === 'none') byteControllerShiftPendingPullInto(c);
  const stream = c.stream;
  if (hasBYOBReader(stream)) {
    while (numReadIntoRequests(stream) > 0) byteControllerCommitPullIntoDescriptor(stream, byteControllerShiftPendingPullInto(c));
  }
};
const byteControllerRespondInReadableState = (c, bytesWritten, pid) => {
  byteControllerFillHeadPullIntoDescriptor(c, bytesWritten, pid);
  if (pid.readerType === 'none') {
    byteControllerEnqueueDetachedPullIntoToQueue(c, pid);
    for (const filled of byteControllerProcessPullIntoDescriptorsUsingQueue(c)) byteControllerCommitPullIntoDescriptor(c.stream, filled);
    return;
  }
  if (pid.bytesFilled < pid.minimumFill) return;
  byteControllerShiftPendingPullInto(c);
  const remainderSize = pid.bytesFilled % pid.elementSize;
  if (remainderSize > 0) {
    const end = pid.byteOffset + pid.bytesFilled;
    byteControllerEnqueueClonedChunkToQueue(c, pid.buffer, end - remainderSize, remainderSize);
  }
  pid.bytesFilled -= remainderSize;
  const filledPullIntos = byteControllerProcessPullIntoDescriptorsUsingQueue(c);
  byteControllerCommitPullIntoDescriptor(c.stream, pid);
  for (const filled of filledPullIntos) byteControllerCommitPullIntoDescriptor(c.stream, filled);
};
const byteControllerRespondInternal = (c, bytesWritten) => {
  const first = c.pendingPullIntos[0];
  byteControllerInvalidateBYOBRequest(c);
  if (c.stream.state === 'closed') byteControllerRespondInClosedState(c, first);
  else byteControllerRespondInReadableState(c, bytesWritten, first);
  byteControllerCallPullIfNeeded(c);
};
const byteControllerRespondWithNewView = (c, view) => {
  const first = c.pendingPullIntos[0];
  const parts = viewParts(view);
  if (c.stream.state === 'closed') {
    if (parts.byteLength !== 0) throw new TypeError('The view\'s length must be 0 when calling respondWithNewView() on a closed stream');
  } else if (parts.byteLength === 0) {
    throw new TypeError('The view\'s length must be greater than 0 when calling respondWithNewView() on a readable stream');
  }
  if (first.byteOffset + first.bytesFilled !== parts.byteOffset) throw new RangeError('The region specified by view does not match byobRequest');
  if (first.bufferByteLength !== bufferByteLength(parts.buffer)) throw new RangeError('The buffer of view has different capacity than byobRequest');
  if (first.bytesFilled + parts.byteLength > first.byteLength) throw new RangeError('The region specified by view is larger than byobRequest');
  const viewByteLength = parts.byteLength;
  first.buffer = transferBuffer(parts.buffer);
  byteControllerRespondInternal(c, viewByteLength);
};
const byteControllerShiftPendingPullInto = (c) => c.pendingPullIntos.shift();
const byteControllerShouldCallPull = (c) => {
  const stream = c.stream;
  if (stream.state !== 'readable' || c.closeRequested || !c.started) return false;
  if (hasDefaultReader(stream) && numReadRequests(stream) > 0) return true;
  if (hasBYOBReader(stream) && numReadIntoRequests(stream) > 0) return true;
  return byteControllerGetDesiredSize(c) > 0;
};
const byteControllerError = (c, e) => {
  const stream = c.stream;
  if (stream.state !== 'readable') return;
  byteControllerClearPendingPullIntos(c);
  c.queue = []; c.queueTotalSize = 0;
  byteControllerClearAlgorithms(c);
  readableStreamError(stream, e);
};
const byteControllerFillHeadPullIntoDescriptor = (c, size, pid) => { pid.bytesFilled += size; };
const setUpByteController = (stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, autoAllocateChunkSize) => {
  c.stream = stream;
  c.strategyHWM = highWaterMark;
  c.pullAlgorithm = pullAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
  c.autoAllocateChunkSize = autoAllocateChunkSize;
  stream.controller = c;
  const startResult = startAlgorithm();
  upon(resolvedWith(startResult), () => {
    c.started = true;
    byteControllerCallPullIfNeeded(c);
  }, (r) => byteControllerError(c, r));
};
const setUpByteControllerFromSource = (stream, source, dict, highWaterMark) => {
  const c = newByteControllerRecord();
  let startAlgorithm = noop, pullAlgorithm = RESOLVED, cancelAlgorithm = RESOLVED;
  if (dict.start !== undefined) startAlgorithm = () => reflectApply(dict.start, source, [c.obj]);
  if (dict.pull !== undefined) pullAlgorithm = () => promiseCall(dict.pull, source, [c.obj]);
  if (dict.cancel !== undefined) cancelAlgorithm = (reason) => promiseCall(dict.cancel, source, [reason]);
  const autoAllocateChunkSize = dict.autoAllocateChunkSize;
  if (autoAllocateChunkSize === 0) throw new TypeError('autoAllocateChunkSize must be greater than 0');
  setUpByteController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, autoAllocateChunkSize);
};
// CreateReadableByteStream (for tee of byte streams).
const createReadableByteStream = (startAlgorithm, pullAlgorithm, cancelAlgorithm) => {
  const obj = Object.create(ReadableStream.prototype);
  const stream = newStreamRecord(obj);
  obj[kS] = stream;
  setUpByteController(stream, newByteControllerRecord(), startAlgorithm, pullAlgorithm, cancelAlgorithm, 0, undefined);
  return stream;
};

class ReadableByteStreamController {
  constructor() { throw new TypeError('Illegal constructor'); }
  get byobRequest() { return byteControllerGetBYOBRequest(recOf(this, 'rbsc', RBSC)); }
  get desiredSize() { return byteControllerGetDesiredSize(recOf(this, 'rbsc', RBSC)); }
  close() {
    const c = recOf(this, 'rbsc', RBSC);
    if (c.closeRequested) throw new TypeError('The stream has already been closed');
    if (c.stream.state !== 'readable') throw new TypeError('The stream is not readable');
    byteControllerClose(c);
  }
  enqueue(chunk) {
    const c = recOf(this, 'rbsc', RBSC);
    viewArg(chunk, 'chunk');
    const parts = viewParts(chunk);
    if (parts.byteLength === 0) throw new TypeError('The chunk must have a non-zero byteLength');
    if (bufferByteLength(parts.buffer) === 0) throw new TypeError('The chunk\'s buffer must have a non-zero byteLength');
    if (c.closeRequested) throw new TypeError('The stream has already been closed');
    if (c.stream.state !== 'readable') throw new TypeError('The stream is not readable');
    byteControllerEnqueue(c, chunk);
  }
  error(e = undefined) { byteControllerError(recOf(this, 'rbsc', RBSC), e); }
}

class ReadableStreamBYOBRequest {
  constructor() { throw new TypeError('Illegal constructor'); }
  get view() { return recOf(this, 'byobreq', 'ReadableStreamBYOBRequest').view; }
  respond(bytesWritten) {
    const r = recOf(this, 'byobreq', 'ReadableStreamBYOBRequest');
    const n = enforceRange(bytesWritten, 'bytesWritten');
    if (r.controller === undefined) throw new TypeError('This BYOB request has been invalidated');
    if (isDetached(viewParts(r.view).buffer)) throw new TypeError('The BYOB request\'s buffer has been detached');
    byteControllerRespond(r.controller, n);
  }
  respondWithNewView(view) {
    const r = recOf(this, 'byobreq', 'ReadableStreamBYOBRequest');
    viewArg(view, 'view');
    if (r.controller === undefined) throw new TypeError('This BYOB request has been invalidated');
    if (isDetached(viewParts(view).buffer)) throw new TypeError('The given view\'s buffer has been detached');
    byteControllerRespondWithNewView(r.controller, view);
  }
}

// ---- the BYOB reader
const addReadIntoRequest = (stream, r) => { stream.reader.readIntoRequests.push(r); };
const fulfillReadIntoRequest = (stream, chunk, done) => {
  const r = stream.reader.readIntoRequests.shift();
  if (done) r.close(chunk); else r.chunk(chunk);
};
const numReadIntoRequests = (stream) => stream.reader.readIntoRequests.length;
const hasBYOBReader = (stream) => stream.reader !== undefined && stream.reader.kind === 'byob';
const byobReaderErrorReadIntoRequests = (reader, e) => {
  const requests = reader.readIntoRequests;
  reader.readIntoRequests = [];
  for (const r of requests) r.error(e);
};
const byobReaderRelease = (reader) => {
  readerGenericRelease(reader);
  byobReaderErrorReadIntoRequests(reader, new TypeError('The reader was released'));
};
const byobReaderRead = (reader, view, min, readIntoRequest) => {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === 'errored') readIntoRequest.error(stream.storedError);
  else byteControllerPullInto(stream.controller, view, min, readIntoRequest);
};
const newBYOBReaderRecord = (obj) => ({ kind: 'byob', obj, stream: undefined, closed: undefined, readIntoRequests: [] });
const setUpBYOBReader = (reader, stream) => {
  if (isLocked(stream)) throw new TypeError('ReadableStream is locked');
  if (stream.controller.kind !== 'rbsc') throw new TypeError('Cannot get a BYOB reader for a stream that is not a byte stream');
  readerGenericInitialize(reader, stream);
  reader.readIntoRequests = [];
};
const acquireBYOBReader = (stream) => {
  const obj = Object.create(ReadableStreamBYOBReader.prototype);
  const reader = newBYOBReaderRecord(obj);
  setUpBYOBReader(reader, stream);
  obj[kS] = reader;
  return reader;
};

class ReadableStreamBYOBReader {
  constructor(stream) {
    const s = recOf(stream, 'rs', RS);
    const reader = newBYOBReaderRecord(this);
    setUpBYOBReader(reader, s);
    this[kS] = reader;
  }
  get closed() {
    const r = recOrReject(this, 'byob', 'ReadableStreamBYOBReader');
    return r ? r.closed.promise : illegal('ReadableStreamBYOBReader');
  }
  read(view, options = undefined) {
    const r = recOrReject(this, 'byob', 'ReadableStreamBYOBReader');
    if (!r) return illegal('ReadableStreamBYOBReader');
    let min = 1, parts;
    try {
      viewArg(view, 'view');
      const d = dictArg(options, 'options');
      if (d !== null && d.min !== undefined) min = enforceRange(d.min, 'min');
      parts = viewParts(view);
    } catch (e) { return rejectedWith(e); }
    if (parts.byteLength === 0) return rejectedWith(new TypeError('view must have non-zero byteLength'));
    if (bufferByteLength(parts.buffer) === 0) {
      return rejectedWith(new TypeError(isDetached(parts.buffer) ? 'view\'s buffer has been detached' : 'view\'s buffer must have non-zero byteLength'));
    }
    if (isDetached(parts.buffer)) return rejectedWith(new TypeError('view\'s buffer has been detached'));
    if (min === 0) return rejectedWith(new TypeError('options.min must be greater than 0'));
    if (isTypedArray(view)) {
      if (min > view.length) return rejectedWith(new RangeError('options.min must be less than or equal to view\'s length'));
    } else if (min > parts.byteLength) return rejectedWith(new RangeError('options.min must be less than or equal to view\'s byteLength'));
    if (r.stream === undefined) return rejectedWith(new TypeError('The reader was released'));
    const cap = newCap();
    byobReaderRead(r, view, min, {
      chunk: (value) => cap.resolve({ value, done: false }),
      close: (value) => cap.resolve({ value, done: true }),
      error: (e) => cap.reject(e),
    });
    return cap.promise;
  }
  releaseLock() {
    const r = recOf(this, 'byob', 'ReadableStreamBYOBReader');
    if (r.stream !== undefined) byobReaderRelease(r);
  }
  cancel(reason = undefined) {
    const r = recOrReject(this, 'byob', 'ReadableStreamBYOBReader');
    if (!r) return illegal('ReadableStreamBYOBReader');
    if (r.stream === undefined) return rejectedWith(new TypeError('The reader was released'));
    return readerGenericCancel(r, reason);
  }
}
