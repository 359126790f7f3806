// ReadableStream.prototype.pipeTo / pipeThrough: ReadableStreamPipeTo (Streams Standard 4.9.1).
//
// Theory of operation. The source is locked to a reader and the destination to a writer for
// the whole pipe. The loop waits for the writer's `ready` (the destination's backpressure),
// reads one chunk and writes it without awaiting the write (`currentWrite` keeps the last
// one), and repeats. Four conditions end it, checked when they are already true at the start
// and whenever they become true:
//   1. the source errors      -> abort the destination (unless preventAbort)
//   2. the destination errors -> cancel the source (unless preventCancel)
//   3. the source closes      -> close the destination (unless preventClose)
//   4. the destination closes or is closing -> cancel the source with a TypeError (unless
//      preventCancel)
// and an abort of `signal` aborts the destination and cancels the source (each unless
// prevented). Shutting down happens once (`shuttingDown`): no read starts after it; the
// writes of chunks already read finish first when the destination is still writable; then the
// action runs, both locks are released and the pipe's promise settles with the original
// error, or with the action's own error if it failed.

const readableStreamPipeTo = (source, dest, preventClose, preventAbort, preventCancel, signal) => {
  const reader = acquireDefaultReader(source);
  const writer = acquireWriter(dest);
  source.disturbed = true;
  let shuttingDown = false;
  let currentWrite = RESOLVED();
  const cap = newCap();
  let abortAlgorithm;

  const waitForWritesToFinish = () => {
    const oldCurrentWrite = currentWrite;
    return upon(currentWrite, () => (oldCurrentWrite !== currentWrite ? waitForWritesToFinish() : undefined));
  };
  const finalize = (isError, error) => {
    writerRelease(writer);
    defaultReaderRelease(reader);
    if (signal !== undefined) signal.removeEventListener('abort', abortAlgorithm);
    if (isError) cap.reject(error); else cap.resolve(undefined);
  };
  const shutdownWithAction = (action, originalIsError, originalError) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const doTheRest = () => {
      upon(action(), () => finalize(originalIsError, originalError), (newError) => finalize(true, newError));
    };
    if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) upon(waitForWritesToFinish(), doTheRest);
    else doTheRest();
  };
  const shutdown = (isError, error) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) upon(waitForWritesToFinish(), () => finalize(isError, error));
    else finalize(isError, error);
  };

  if (signal !== undefined) {
    abortAlgorithm = () => {
      const error = signal.reason;
      const actions = [];
      if (!preventAbort) actions.push(() => (dest.state === 'writable' ? writableStreamAbort(dest, error) : RESOLVED()));
      if (!preventCancel) actions.push(() => (source.state === 'readable' ? readableStreamCancel(source, error) : RESOLVED()));
      shutdownWithAction(() => waitForAll(actions.map((a) => a())), true, error);
    };
    if (signal.aborted) { abortAlgorithm(); return cap.promise; }
    signal.addEventListener('abort', abortAlgorithm);
  }

  // One step of the loop: resolves true when the loop must stop.
  const pipeStep = () => {
    if (shuttingDown) return resolvedWith(true);
    return upon(writer.ready.promise, () => {
      const step = newCap();
      defaultReaderRead(reader, {
        // The write starts in a microtask: a source's enqueue() never runs the sink's write()
        // synchronously. `currentWrite` covers the chunk from now on.
        chunk: (chunk) => {
          const written = newCap();
          currentWrite = written.promise;
          queueMicrotaskNow(() => upon(writerWrite(writer, chunk), written.resolve, written.resolve));
          step.resolve(false);
        },
        close: () => step.resolve(true),
        error: step.reject,
      });
      return step.promise;
    });
  };
  const pipeLoop = () => {
    const next = (done) => {
      if (done) return;
      upon(pipeStep(), next, noop);
    };
    next(false);
  };

  // The four conditions: at once if already true, else when they become true.
  const whenErrored = (stream, promise, action) => {
    if (stream.state === 'errored') action(stream.storedError);
    else upon(promise, undefined, action);
  };
  whenErrored(source, reader.closed.promise, (storedError) => {
    if (!preventAbort) shutdownWithAction(() => writableStreamAbort(dest, storedError), true, storedError);
    else shutdown(true, storedError);
  });
  whenErrored(dest, writer.closed.promise, (storedError) => {
    if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, storedError), true, storedError);
    else shutdown(true, storedError);
  });
  const onSourceClosed = () => {
    if (!preventClose) shutdownWithAction(() => writerCloseWithErrorPropagation(writer));
    else shutdown();
  };
  if (source.state === 'closed') onSourceClosed();
  else upon(reader.closed.promise, onSourceClosed, noop);
  if (writableStreamCloseQueuedOrInFlight(dest) || dest.state === 'closed') {
    const destClosed = new TypeError('The destination writable stream closed before all data could be piped to it');
    if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, destClosed), true, destClosed);
    else shutdown(true, destClosed);
  }

  setHandled(currentWrite);
  pipeLoop();
  return cap.promise;
};
