// Async iteration of a ReadableStream (`values({ preventCancel })`, `[Symbol.asyncIterator]`):
// the WebIDL asynchronous iterator protocol over a default reader.
//
// Theory of operation. The iterator holds a reader and an `ongoing` promise. `next()` and
// `return()` are queued behind the ongoing one so that calls made without awaiting are served
// in order. A read that reaches the end releases the reader and marks the iterator finished;
// an error does the same and rejects. `return(value)` marks it finished, cancels the stream
// (unless `preventCancel`) and releases the reader; after that `next()` answers done.

const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);
const END = Symbol('end of iteration');

const iteratorNextSteps = (it) => {
  if (it.finished) return resolvedWith({ value: undefined, done: true });
  const reader = it.reader;
  const cap = newCap();
  defaultReaderRead(reader, {
    chunk: (chunk) => cap.resolve(chunk),
    close: () => { defaultReaderRelease(reader); cap.resolve(END); },
    error: (e) => { defaultReaderRelease(reader); cap.reject(e); },
  });
  return upon(cap.promise, (v) => {
    it.ongoing = undefined;
    if (v === END) { it.finished = true; return { value: undefined, done: true }; }
    return { value: v, done: false };
  }, (e) => {
    it.ongoing = undefined;
    it.finished = true;
    throw e;
  });
};
const iteratorReturnSteps = (it, value) => {
  if (it.finished) return resolvedWith({ value, done: true });
  it.finished = true;
  const reader = it.reader;
  if (reader.stream === undefined) return RESOLVED();
  if (!it.preventCancel) {
    const result = readerGenericCancel(reader, value);
    defaultReaderRelease(reader);
    return result;
  }
  defaultReaderRelease(reader);
  return RESOLVED();
};

const ReadableStreamAsyncIteratorPrototype = Object.create(AsyncIteratorPrototype);
const iteratorMethods = {
  next() {
    const it = recOrReject(this, 'rsiter', 'ReadableStream async iterator');
    if (!it) return illegal('ReadableStream async iterator');
    const steps = () => iteratorNextSteps(it);
    it.ongoing = it.ongoing !== undefined ? upon(it.ongoing, steps, steps) : steps();
    return it.ongoing;
  },
  return(value) {
    const it = recOrReject(this, 'rsiter', 'ReadableStream async iterator');
    if (!it) return illegal('ReadableStream async iterator');
    const steps = () => iteratorReturnSteps(it, value);
    it.ongoing = it.ongoing !== undefined ? upon(it.ongoing, steps, steps) : steps();
    return upon(it.ongoing, () => ({ value, done: true }));
  },
};
for (const name of ['next', 'return']) {
  Object.defineProperty(ReadableStreamAsyncIteratorPrototype, name, { value: iteratorMethods[name], writable: true, enumerable: true, configurable: true });
}
Object.defineProperty(ReadableStreamAsyncIteratorPrototype, Symbol.toStringTag, { value: 'ReadableStream AsyncIterator', configurable: true });

const createStreamAsyncIterator = (stream, preventCancel) => {
  const reader = acquireDefaultReader(stream);
  const obj = Object.create(ReadableStreamAsyncIteratorPrototype);
  obj[kS] = { kind: 'rsiter', obj, reader, preventCancel, ongoing: undefined, finished: false };
  return obj;
};
