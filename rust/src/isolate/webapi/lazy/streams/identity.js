// IdentityTransformStream and FixedLengthStream: Cloudflare Workers' byte transform streams
// (not in the Streams Standard; workerd's documented behaviour, "Streams - TransformStream").
//
// An IdentityTransformStream is a TransformStream whose writable side takes bytes
// (ArrayBuffer or ArrayBufferView chunks, copied; anything else is a TypeError that errors both
// sides) and whose readable side is a byte stream, so that it has BYOB readers, as workerd's
// has. A write resolves once its bytes are handed to the readable side, when that side pulls
// (a read waits, or its queue is under its high-water mark, 0 bytes by default): the writer
// waits for the reader, as in workerd. Closing the writable
// side closes the readable side; aborting it errors the readable side; cancelling the readable
// side errors the writable side.
//
// A FixedLengthStream is one with a length fixed up front (a non-negative integer, a number or
// a BigInt, at most 2^53 - 1): a write past it and a close short of it are TypeErrors that
// error both sides. Workers sends its length as the body's Content-Length; edgert reads a
// response's body before it answers, so every body has its length.

const TOO_MANY = 'Attempt to write too many bytes through a FixedLengthStream.';
const TOO_FEW = 'FixedLengthStream did not see all expected bytes before close().';
const NOT_BYTES = 'This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.';

// A chunk's bytes, copied (the writer may reuse its buffer once the write resolves).
const identityChunkBytes = (chunk) => {
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk.slice(0));
  if (ArrayBuffer.isView(chunk)) {
    const { buffer, byteOffset, byteLength } = viewParts(chunk);
    return new Uint8Array(buffer.slice(byteOffset, byteOffset + byteLength));
  }
  throw new TypeError(NOT_BYTES);
};

// Sets up `obj` (a new IdentityTransformStream or FixedLengthStream) as a transform stream
// record of kind 'ts' (so TransformStream.prototype's `readable` and `writable` read it) over a
// byte stream; `expected` is the fixed length, or undefined.
const setUpIdentityStream = (obj, highWaterMark, expected) => {
  const stream = { kind: 'ts', obj, readable: undefined, writable: undefined };
  obj[kS] = stream;
  let seen = 0;
  // A write's bytes wait in `held` (its promise's resolve in `waiter`) until the readable side
  // pulls; a pull with nothing held sets `wanted`, so that the next write goes through at once.
  let held;
  let waiter;
  let wanted = false;
  const readable = newStreamRecord(Object.create(ReadableStream.prototype));
  readable.obj[kS] = readable;
  const deliver = () => {
    const bytes = held, resolve = waiter;
    held = undefined;
    waiter = undefined;
    const c = readable.controller;
    if (readable.state === 'readable' && !c.closeRequested && bytes.length > 0) byteControllerEnqueue(c, bytes);
    resolve();
  };
  const release = () => { if (waiter !== undefined) { held = new Uint8Array(0); deliver(); } };
  // Errors the readable side with `e` and returns the rejection the writable side fails with.
  const fail = (e) => {
    if (readable.state === 'readable') byteControllerError(readable.controller, e);
    release();
    return rejectedWith(e);
  };
  const write = (chunk) => {
    let bytes;
    try { bytes = identityChunkBytes(chunk); } catch (e) { return fail(e); }
    seen += bytes.length;
    if (expected !== undefined && seen > expected) return fail(new TypeError(TOO_MANY));
    const cap = newCap();
    held = bytes;
    waiter = cap.resolve;
    if (wanted || readable.state !== 'readable') {
      wanted = false;
      deliver();
    }
    return cap.promise;
  };
  const close = () => {
    if (expected !== undefined && seen < expected) return fail(new TypeError(TOO_FEW));
    const c = readable.controller;
    if (readable.state === 'readable' && !c.closeRequested) byteControllerClose(c);
    return RESOLVED();
  };
  const abort = (reason) => {
    if (readable.state === 'readable') byteControllerError(readable.controller, reason);
    release();
    return RESOLVED();
  };
  const pull = () => {
    if (waiter !== undefined) deliver();
    else wanted = true;
    return RESOLVED();
  };
  const cancel = (reason) => {
    writableControllerErrorIfNeeded(stream.writable.controller, reason);
    release();
    return RESOLVED();
  };
  stream.writable = createWritableStream(noop, write, close, abort, 1, sizeOne);
  stream.readable = readable;
  setUpByteController(readable, newByteControllerRecord(), noop, pull, cancel, highWaterMark, undefined);
};

// The options dictionary of both constructors: `highWaterMark`, bytes (workerd's
// `IdentityTransformStreamQueuingStrategy`).
const identityHighWaterMark = (options) => {
  const d = dictArg(options, 'options');
  if (d === null || d.highWaterMark === undefined) return 0;
  return enforceRange(d.highWaterMark, 'highWaterMark');
};

// The length a FixedLengthStream's constructor hands to IdentityTransformStream's (its
// super()), which takes it before running any code of the worker.
let identityExpected;

class IdentityTransformStream extends TransformStream {
  constructor(options = undefined) {
    const expected = identityExpected;
    identityExpected = undefined;
    // TransformStream's constructor makes a default record; it is replaced here.
    super();
    setUpIdentityStream(this, identityHighWaterMark(options), expected);
  }
}

class FixedLengthStream extends IdentityTransformStream {
  constructor(expectedLength, options = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'FixedLengthStream': 1 argument required, but only 0 present.");
    const n = Number(expectedLength);
    if (!Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) {
      throw new TypeError('FixedLengthStream requires an integer expected length between 0 and 2^53 - 1.');
    }
    identityExpected = n;
    super(options);
  }
}
