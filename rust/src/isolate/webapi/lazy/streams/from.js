// ReadableStream.from(asyncIterable) (Streams Standard: ReadableStreamFromIterable), with the
// async-from-sync iterator wrapping of ECMAScript's GetIterator(obj, async) for sync iterables.

// GetIterator(obj, async): { iterator, next } (ECMAScript 7.4.3).
const getAsyncIteratorRecord = (obj) => {
  const method = obj === null || obj === undefined ? undefined : obj[Symbol.asyncIterator];
  if (method === undefined || method === null) {
    const syncMethod = obj === null || obj === undefined ? undefined : obj[Symbol.iterator];
    if (syncMethod === undefined || syncMethod === null) throw new TypeError('ReadableStream.from() needs an async iterable or an iterable');
    if (typeof syncMethod !== 'function') throw new TypeError('Symbol.iterator is not a function');
    const syncIterator = reflectApply(syncMethod, obj, []);
    if (!isObj(syncIterator)) throw new TypeError('The iterator is not an object');
    return asyncFromSyncIterator(syncIterator, syncIterator.next);
  }
  if (typeof method !== 'function') throw new TypeError('Symbol.asyncIterator is not a function');
  const iterator = reflectApply(method, obj, []);
  if (!isObj(iterator)) throw new TypeError('The async iterator is not an object');
  return { iterator, next: iterator.next };
};
// CreateAsyncFromSyncIterator (ECMAScript 27.1.6): next/return answer promises; a rejected
// value closes the sync iterator.
const asyncFromSyncIterator = (syncIterator, syncNext) => {
  const continuation = (result, closeOnRejection) => {
    const done = !!result.done;
    const value = result.value;
    let valueWrapper;
    try {
      valueWrapper = promiseResolveNow(value);
    } catch (e) {
      if (!done && closeOnRejection) closeSyncIterator();
      throw e;
    }
    return upon(valueWrapper, (v) => ({ value: v, done }), (e) => {
      if (!done && closeOnRejection) closeSyncIterator();
      throw e;
    });
  };
  const closeSyncIterator = () => {
    try {
      const ret = syncIterator.return;
      if (ret !== undefined && ret !== null) reflectApply(ret, syncIterator, []);
    } catch { /* the rejection's reason wins */ }
  };
  const iterator = {
    next(v) {
      try {
        const result = arguments.length ? reflectApply(syncNext, syncIterator, [v]) : reflectApply(syncNext, syncIterator, []);
        if (!isObj(result)) throw new TypeError('The iterator result is not an object');
        return continuation(result, true);
      } catch (e) { return rejectedWith(e); }
    },
    return(v) {
      try {
        const ret = syncIterator.return;
        if (ret === undefined || ret === null) return resolvedWith({ value: v, done: true });
        const result = arguments.length ? reflectApply(ret, syncIterator, [v]) : reflectApply(ret, syncIterator, []);
        if (!isObj(result)) throw new TypeError('The iterator result is not an object');
        return continuation(result, false);
      } catch (e) { return rejectedWith(e); }
    },
  };
  return { iterator, next: iterator.next };
};

const readableStreamFromIterable = (asyncIterable) => {
  let stream;
  const record = getAsyncIteratorRecord(asyncIterable);
  const pullAlgorithm = () => {
    let nextResult;
    try {
      if (typeof record.next !== 'function') throw new TypeError('The iterator\'s next is not a function');
      nextResult = reflectApply(record.next, record.iterator, []);
    } catch (e) { return rejectedWith(e); }
    return upon(resolvedWith(nextResult), (iterResult) => {
      if (!isObj(iterResult)) throw new TypeError('The promise returned by the iterator.next() method must fulfill with an object');
      if (iterResult.done) defaultControllerClose(stream.controller);
      else defaultControllerEnqueue(stream.controller, iterResult.value);
    });
  };
  const cancelAlgorithm = (reason) => {
    const iterator = record.iterator;
    let returnResult;
    try {
      const returnMethod = iterator.return;
      if (returnMethod === undefined || returnMethod === null) return RESOLVED();
      if (typeof returnMethod !== 'function') throw new TypeError('The iterator\'s return is not a function');
      returnResult = reflectApply(returnMethod, iterator, [reason]);
    } catch (e) { return rejectedWith(e); }
    return upon(resolvedWith(returnResult), (iterResult) => {
      if (!isObj(iterResult)) throw new TypeError('The promise returned by the iterator.return() method must fulfill with an object');
    });
  };
  stream = createReadableStream(noop, pullAlgorithm, cancelAlgorithm, 0);
  return stream;
};
