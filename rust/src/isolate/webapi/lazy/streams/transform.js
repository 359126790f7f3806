// TransformStream and TransformStreamDefaultController (Streams Standard section 6).
//
// Theory of operation. A transform stream is a writable side and a readable side made by
// createWritableStream / createReadableStream over the transformer's algorithms:
// - A write waits while `backpressure` is true (the readable side's queue is at its
//   high-water mark), then runs `transform(chunk)`, whose `controller.enqueue()` goes to the
//   readable side. `backpressure` starts true; a pull from the readable side clears it and
//   resolves `backpressureChangePromise`, which releases a waiting write. An enqueue that fills
//   the readable side's queue sets it again.
// - Closing the writable side runs `flush()` then closes the readable side; aborting it runs
//   `cancel(reason)` and errors the readable side; cancelling the readable side runs
//   `cancel(reason)` and errors the writable side. Whichever of these comes first owns
//   `finishPromise`, which the others return, so the transformer's flush or cancel runs once.
// - controller.error() / terminate() error both sides (terminate closes the readable side and
//   errors the writable side with a TypeError).

const TS = 'TransformStream';
const TSDC = 'TransformStreamDefaultController';

const initializeTransformStream = (stream, startCap, writableHWM, writableSize, readableHWM, readableSize) => {
  const startAlgorithm = () => startCap.promise;
  stream.writable = createWritableStream(startAlgorithm,
    (chunk) => transformSinkWrite(stream, chunk),
    () => transformSinkClose(stream),
    (reason) => transformSinkAbort(stream, reason),
    writableHWM, writableSize);
  stream.readable = createReadableStream(startAlgorithm,
    () => transformSourcePull(stream),
    (reason) => transformSourceCancel(stream, reason),
    readableHWM, readableSize);
  stream.backpressure = undefined;
  stream.backpressureChange = undefined;
  transformStreamSetBackpressure(stream, true);
  stream.controller = undefined;
};
const transformStreamError = (stream, e) => {
  defaultControllerError(stream.readable.controller, e);
  transformStreamErrorWritableAndUnblockWrite(stream, e);
};
const transformStreamErrorWritableAndUnblockWrite = (stream, e) => {
  transformControllerClearAlgorithms(stream.controller);
  writableControllerErrorIfNeeded(stream.writable.controller, e);
  transformStreamUnblockWrite(stream);
};
const transformStreamUnblockWrite = (stream) => {
  if (stream.backpressure) transformStreamSetBackpressure(stream, false);
};
const transformStreamSetBackpressure = (stream, backpressure) => {
  if (stream.backpressureChange !== undefined) stream.backpressureChange.resolve(undefined);
  stream.backpressureChange = newCap();
  stream.backpressure = backpressure;
};

// ---- the controller
const newTransformControllerRecord = () => {
  const obj = Object.create(TransformStreamDefaultController.prototype);
  const c = { kind: 'tsdc', obj, stream: undefined, finishPromise: undefined, transformAlgorithm: undefined, flushAlgorithm: undefined, cancelAlgorithm: undefined };
  obj[kS] = c;
  return c;
};
const setUpTransformController = (stream, c, transformAlgorithm, flushAlgorithm, cancelAlgorithm) => {
  c.stream = stream;
  stream.controller = c;
  c.transformAlgorithm = transformAlgorithm;
  c.flushAlgorithm = flushAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
};
const setUpTransformControllerFromTransformer = (stream, transformer, dict) => {
  const c = newTransformControllerRecord();
  let transformAlgorithm = (chunk) => {
    try {
      transformControllerEnqueue(c, chunk);
      return RESOLVED();
    } catch (e) { return rejectedWith(e); }
  };
  let flushAlgorithm = RESOLVED, cancelAlgorithm = RESOLVED;
  if (dict.transform !== undefined) transformAlgorithm = (chunk) => promiseCall(dict.transform, transformer, [chunk, c.obj]);
  if (dict.flush !== undefined) flushAlgorithm = () => promiseCall(dict.flush, transformer, [c.obj]);
  if (dict.cancel !== undefined) cancelAlgorithm = (reason) => promiseCall(dict.cancel, transformer, [reason]);
  setUpTransformController(stream, c, transformAlgorithm, flushAlgorithm, cancelAlgorithm);
};
const transformControllerClearAlgorithms = (c) => {
  c.transformAlgorithm = undefined;
  c.flushAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
};
const transformControllerEnqueue = (c, chunk) => {
  const stream = c.stream;
  const readableController = stream.readable.controller;
  if (!defaultControllerCanCloseOrEnqueue(readableController)) throw new TypeError('The readable side is not in a state that permits enqueue');
  try {
    defaultControllerEnqueue(readableController, chunk);
  } catch (e) {
    transformStreamErrorWritableAndUnblockWrite(stream, e);
    throw stream.readable.storedError;
  }
  const backpressure = defaultControllerHasBackpressure(readableController);
  if (backpressure !== stream.backpressure) transformStreamSetBackpressure(stream, true);
};
const transformControllerError = (c, e) => transformStreamError(c.stream, e);
const transformControllerPerformTransform = (c, chunk) => upon(c.transformAlgorithm(chunk), undefined, (r) => {
  transformStreamError(c.stream, r);
  throw r;
});
const transformControllerTerminate = (c) => {
  const stream = c.stream;
  defaultControllerClose(stream.readable.controller);
  transformStreamErrorWritableAndUnblockWrite(stream, new TypeError('The transform stream has been terminated'));
};

// ---- the algorithms of the two sides
const transformSinkWrite = (stream, chunk) => {
  const c = stream.controller;
  if (stream.backpressure) {
    return upon(stream.backpressureChange.promise, () => {
      const writable = stream.writable;
      if (writable.state === 'erroring') throw writable.storedError;
      return transformControllerPerformTransform(c, chunk);
    });
  }
  return transformControllerPerformTransform(c, chunk);
};
const transformSinkAbort = (stream, reason) => {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const readable = stream.readable;
  c.finishPromise = newCap();
  const cancelPromise = c.cancelAlgorithm(reason);
  transformControllerClearAlgorithms(c);
  upon(cancelPromise, () => {
    if (readable.state === 'errored') c.finishPromise.reject(readable.storedError);
    else {
      defaultControllerError(readable.controller, reason);
      c.finishPromise.resolve(undefined);
    }
  }, (r) => {
    defaultControllerError(readable.controller, r);
    c.finishPromise.reject(r);
  });
  return c.finishPromise.promise;
};
const transformSinkClose = (stream) => {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const readable = stream.readable;
  c.finishPromise = newCap();
  const flushPromise = c.flushAlgorithm();
  transformControllerClearAlgorithms(c);
  upon(flushPromise, () => {
    if (readable.state === 'errored') c.finishPromise.reject(readable.storedError);
    else {
      defaultControllerClose(readable.controller);
      c.finishPromise.resolve(undefined);
    }
  }, (r) => {
    defaultControllerError(readable.controller, r);
    c.finishPromise.reject(r);
  });
  return c.finishPromise.promise;
};
const transformSourcePull = (stream) => {
  transformStreamSetBackpressure(stream, false);
  return stream.backpressureChange.promise;
};
const transformSourceCancel = (stream, reason) => {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const writable = stream.writable;
  c.finishPromise = newCap();
  const cancelPromise = c.cancelAlgorithm(reason);
  transformControllerClearAlgorithms(c);
  upon(cancelPromise, () => {
    if (writable.state === 'errored') c.finishPromise.reject(writable.storedError);
    else {
      writableControllerErrorIfNeeded(writable.controller, reason);
      transformStreamUnblockWrite(stream);
      c.finishPromise.resolve(undefined);
    }
  }, (r) => {
    writableControllerErrorIfNeeded(writable.controller, r);
    transformStreamUnblockWrite(stream);
    c.finishPromise.reject(r);
  });
  return c.finishPromise.promise;
};

class TransformStreamDefaultController {
  constructor() { throw new TypeError('Illegal constructor'); }
  get desiredSize() {
    const c = recOf(this, 'tsdc', TSDC);
    return defaultControllerGetDesiredSize(c.stream.readable.controller);
  }
  enqueue(chunk = undefined) { transformControllerEnqueue(recOf(this, 'tsdc', TSDC), chunk); }
  error(reason = undefined) { transformControllerError(recOf(this, 'tsdc', TSDC), reason); }
  terminate() { transformControllerTerminate(recOf(this, 'tsdc', TSDC)); }
}

// ---- the transformer dictionary, read in WebIDL order
const readTransformer = (transformer) => {
  const d = dictArg(transformer, 'transformer');
  if (d === null) return { cancel: undefined, flush: undefined, readableType: undefined, start: undefined, transform: undefined, writableType: undefined };
  const cancel = callbackMember(d, 'cancel', 'transformer');
  const flush = callbackMember(d, 'flush', 'transformer');
  const readableType = d.readableType;
  const start = callbackMember(d, 'start', 'transformer');
  const transform = callbackMember(d, 'transform', 'transformer');
  const writableType = d.writableType;
  return { cancel, flush, readableType, start, transform, writableType };
};

// A transform stream record from algorithms (TextDecoderStream, CompressionStream... and the
// runtime's own transforms); `transform(chunk, c)` and `flush(c)` may return promises.
const createTransformStream = (transform, flush, cancel, writableHWM = 1, readableHWM = 0) => {
  const obj = Object.create(TransformStream.prototype);
  const stream = { kind: 'ts', obj };
  obj[kS] = stream;
  const startCap = newCap();
  initializeTransformStream(stream, startCap, writableHWM, sizeOne, readableHWM, sizeOne);
  const c = newTransformControllerRecord();
  setUpTransformController(stream, c,
    (chunk) => promiseCall(transform, undefined, [chunk, c.obj]),
    flush ? () => promiseCall(flush, undefined, [c.obj]) : RESOLVED,
    cancel ? (reason) => promiseCall(cancel, undefined, [reason]) : RESOLVED);
  startCap.resolve(undefined);
  return stream;
};

class TransformStream {
  constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
    if (transformer === null || (transformer !== undefined && !isObj(transformer))) throw new TypeError('transformer must be an object');
    const wStrat = readStrategy(writableStrategy);
    const rStrat = readStrategy(readableStrategy);
    const dict = readTransformer(transformer);
    if (dict.readableType !== undefined) throw new RangeError('Invalid readableType specified');
    if (dict.writableType !== undefined) throw new RangeError('Invalid writableType specified');
    const readableHWM = extractHighWaterMark(rStrat, 0);
    const readableSize = extractSizeAlgorithm(rStrat);
    const writableHWM = extractHighWaterMark(wStrat, 1);
    const writableSize = extractSizeAlgorithm(wStrat);
    const stream = { kind: 'ts', obj: this };
    this[kS] = stream;
    const startCap = newCap();
    initializeTransformStream(stream, startCap, writableHWM, writableSize, readableHWM, readableSize);
    setUpTransformControllerFromTransformer(stream, transformer, dict);
    if (dict.start !== undefined) startCap.resolve(reflectApply(dict.start, transformer, [stream.controller.obj]));
    else startCap.resolve(undefined);
  }
  get readable() { return recOf(this, 'ts', TS).readable.obj; }
  get writable() { return recOf(this, 'ts', TS).writable.obj; }
}
