// ReadableStream.prototype.tee (Streams Standard 4.9.1: ReadableStreamDefaultTee and
// ReadableByteStreamTee).
//
// Theory of operation. The source stream is locked to one reader; two branches are created
// whose pull algorithms share one read at a time (`reading`). A chunk read is enqueued in both
// branches (for bytes, the second branch gets a copy), in a microtask so that a branch reading
// synchronously from its own pull sees a settled state; a pull that arrives while a read is
// in flight sets `readAgain` and is served when that read completes. Cancelling one branch only
// records its reason; when both are cancelled the source is cancelled with [reason1, reason2]
// and both cancel promises settle with that result. Closing or erroring the source closes or
// errors both branches. The byte version switches between a default and a BYOB reader on the
// source, following which kind of read the pulling branch has pending.

const readableStreamTee = (stream, cloneForBranch2) => (stream.controller.kind === 'rbsc'
  ? readableByteStreamTee(stream)
  : readableStreamDefaultTee(stream, cloneForBranch2));

// `cloneForBranch2` (a body's clone(), Fetch Standard): the second branch gets a structured
// clone of each chunk; a chunk that cannot be cloned errors both branches and cancels the source.
const readableStreamDefaultTee = (stream, cloneForBranch2) => {
  const reader = acquireDefaultReader(stream);
  let reading = false, readAgain = false, canceled1 = false, canceled2 = false;
  let reason1, reason2, branch1, branch2;
  const cancelCap = newCap();
  const pullAlgorithm = () => {
    if (reading) { readAgain = true; return RESOLVED(); }
    reading = true;
    defaultReaderRead(reader, {
      chunk: (chunk) => queueMicrotaskNow(() => {
        readAgain = false;
        let chunk2 = chunk;
        if (cloneForBranch2 && !canceled2) {
          try {
            chunk2 = lazyLoad('clone').clone(chunk);
          } catch (e) {
            defaultControllerError(branch1.controller, e);
            defaultControllerError(branch2.controller, e);
            cancelCap.resolve(readableStreamCancel(stream, e));
            return;
          }
        }
        if (!canceled1) defaultControllerEnqueue(branch1.controller, chunk);
        if (!canceled2) defaultControllerEnqueue(branch2.controller, chunk2);
        reading = false;
        if (readAgain) pullAlgorithm();
      }),
      close: () => {
        reading = false;
        if (!canceled1) defaultControllerClose(branch1.controller);
        if (!canceled2) defaultControllerClose(branch2.controller);
        if (!canceled1 || !canceled2) cancelCap.resolve(undefined);
      },
      error: () => { reading = false; },
    });
    return RESOLVED();
  };
  const cancel1Algorithm = (reason) => {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelCap.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelCap.promise;
  };
  const cancel2Algorithm = (reason) => {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelCap.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelCap.promise;
  };
  branch1 = createReadableStream(noop, pullAlgorithm, cancel1Algorithm);
  branch2 = createReadableStream(noop, pullAlgorithm, cancel2Algorithm);
  upon(reader.closed.promise, undefined, (r) => {
    defaultControllerError(branch1.controller, r);
    defaultControllerError(branch2.controller, r);
    if (!canceled1 || !canceled2) cancelCap.resolve(undefined);
  });
  return [branch1, branch2];
};

const cloneAsUint8Array = (view) => {
  const { buffer, byteOffset, byteLength } = viewParts(view);
  return new Uint8Array(buffer.slice(byteOffset, byteOffset + byteLength));
};

const readableByteStreamTee = (stream) => {
  let reader = acquireDefaultReader(stream);
  let reading = false, readAgainForBranch1 = false, readAgainForBranch2 = false;
  let canceled1 = false, canceled2 = false, reason1, reason2, branch1, branch2;
  const cancelCap = newCap();
  const forwardReaderError = (thisReader) => {
    upon(thisReader.closed.promise, undefined, (r) => {
      if (thisReader !== reader) return;
      byteControllerError(branch1.controller, r);
      byteControllerError(branch2.controller, r);
      if (!canceled1 || !canceled2) cancelCap.resolve(undefined);
    });
  };
  const cloneOrCancel = (chunk) => {
    try {
      return cloneAsUint8Array(chunk);
    } catch (e) {
      byteControllerError(branch1.controller, e);
      byteControllerError(branch2.controller, e);
      cancelCap.resolve(readableStreamCancel(stream, e));
      return undefined;
    }
  };
  const pullAgain = () => {
    if (readAgainForBranch1) pull1Algorithm();
    else if (readAgainForBranch2) pull2Algorithm();
  };
  const pullWithDefaultReader = () => {
    if (reader.kind === 'byob') {
      byobReaderRelease(reader);
      reader = acquireDefaultReader(stream);
      forwardReaderError(reader);
    }
    defaultReaderRead(reader, {
      chunk: (chunk) => queueMicrotaskNow(() => {
        readAgainForBranch1 = false;
        readAgainForBranch2 = false;
        let chunk2 = chunk;
        if (!canceled1 && !canceled2) {
          chunk2 = cloneOrCancel(chunk);
          if (chunk2 === undefined) return;
        }
        if (!canceled1) byteControllerEnqueue(branch1.controller, chunk);
        if (!canceled2) byteControllerEnqueue(branch2.controller, chunk2);
        reading = false;
        pullAgain();
      }),
      close: () => {
        reading = false;
        if (!canceled1) byteControllerClose(branch1.controller);
        if (!canceled2) byteControllerClose(branch2.controller);
        if (branch1.controller.pendingPullIntos.length > 0) byteControllerRespond(branch1.controller, 0);
        if (branch2.controller.pendingPullIntos.length > 0) byteControllerRespond(branch2.controller, 0);
        if (!canceled1 || !canceled2) cancelCap.resolve(undefined);
      },
      error: () => { reading = false; },
    });
  };
  const pullWithBYOBReader = (view, forBranch2) => {
    if (reader.kind === 'default') {
      defaultReaderRelease(reader);
      reader = acquireBYOBReader(stream);
      forwardReaderError(reader);
    }
    const byobBranch = forBranch2 ? branch2 : branch1;
    const otherBranch = forBranch2 ? branch1 : branch2;
    byobReaderRead(reader, view, 1, {
      chunk: (chunk) => queueMicrotaskNow(() => {
        readAgainForBranch1 = false;
        readAgainForBranch2 = false;
        const byobCanceled = forBranch2 ? canceled2 : canceled1;
        const otherCanceled = forBranch2 ? canceled1 : canceled2;
        if (!otherCanceled) {
          const cloned = cloneOrCancel(chunk);
          if (cloned === undefined) return;
          if (!byobCanceled) byteControllerRespondWithNewView(byobBranch.controller, chunk);
          byteControllerEnqueue(otherBranch.controller, cloned);
        } else if (!byobCanceled) byteControllerRespondWithNewView(byobBranch.controller, chunk);
        reading = false;
        pullAgain();
      }),
      close: (chunk) => {
        reading = false;
        const byobCanceled = forBranch2 ? canceled2 : canceled1;
        const otherCanceled = forBranch2 ? canceled1 : canceled2;
        if (!byobCanceled) byteControllerClose(byobBranch.controller);
        if (!otherCanceled) byteControllerClose(otherBranch.controller);
        if (chunk !== undefined) {
          if (!byobCanceled) byteControllerRespondWithNewView(byobBranch.controller, chunk);
          if (!otherCanceled && otherBranch.controller.pendingPullIntos.length > 0) byteControllerRespond(otherBranch.controller, 0);
        }
        if (!byobCanceled || !otherCanceled) cancelCap.resolve(undefined);
      },
      error: () => { reading = false; },
    });
  };
  const pull1Algorithm = () => {
    if (reading) { readAgainForBranch1 = true; return RESOLVED(); }
    reading = true;
    const byobRequest = byteControllerGetBYOBRequest(branch1.controller);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequest[kS].view, false);
    return RESOLVED();
  };
  const pull2Algorithm = () => {
    if (reading) { readAgainForBranch2 = true; return RESOLVED(); }
    reading = true;
    const byobRequest = byteControllerGetBYOBRequest(branch2.controller);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequest[kS].view, true);
    return RESOLVED();
  };
  const cancel1Algorithm = (reason) => {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelCap.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelCap.promise;
  };
  const cancel2Algorithm = (reason) => {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelCap.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelCap.promise;
  };
  branch1 = createReadableByteStream(noop, pull1Algorithm, cancel1Algorithm);
  branch2 = createReadableByteStream(noop, pull2Algorithm, cancel2Algorithm);
  forwardReaderError(reader);
  return [branch1, branch2];
};
