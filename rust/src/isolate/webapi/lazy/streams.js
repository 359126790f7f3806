// A compact ReadableStream / WritableStream / TransformStream (Streams Standard, the default
// reader and writer paths that workers use). Bodies are complete byte arrays in this version;
// a stream body is read to its end before it crosses to the host.
class ReadableStreamDefaultController {
  #s;
  constructor(key, s) { if (key !== kInternal) throw new TypeError('Illegal constructor'); this.#s = s; }
  get desiredSize() { return this.#s[kInternal].state === 'readable' ? 1 - this.#s[kInternal].queue.length : 0; }
  enqueue(chunk) { const st = this.#s[kInternal]; if (st.state !== 'readable' || st.closeRequested) throw new TypeError('The stream is closed'); st.queue.push(chunk); st.flush(); }
  close() { const st = this.#s[kInternal]; if (st.state !== 'readable' || st.closeRequested) throw new TypeError('The stream is closed'); st.closeRequested = true; st.flush(); }
  error(e) { const st = this.#s[kInternal]; if (st.state !== 'readable') return; st.state = 'errored'; st.error = e; st.queue = []; st.flush(); }
}
class ReadableStreamDefaultReader {
  #stream; #closed;
  constructor(stream) {
    if (!(stream instanceof ReadableStream)) throw new TypeError('Not a ReadableStream');
    if (stream.locked) throw new TypeError('ReadableStream is locked');
    this.#stream = stream;
    stream[kInternal].reader = this;
    this.#closed = new Promise((res, rej) => { stream[kInternal].closedWaiters.push([res, rej]); });
    this.#closed.catch(() => {});
  }
  get closed() { return this.#closed; }
  read() {
    if (!this.#stream) return Promise.reject(new TypeError('The reader was released'));
    const st = this.#stream[kInternal];
    return new Promise((resolve, reject) => { st.reads.push([resolve, reject]); st.flush(); });
  }
  releaseLock() { if (this.#stream) { this.#stream[kInternal].reader = null; this.#stream = null; } }
  cancel(reason) { return this.#stream ? this.#stream.cancel(reason, kInternal) : Promise.resolve(); }
}
class ReadableStream {
  constructor(source = {}, strategy = {}) {
    void strategy;
    const st = {
      state: 'readable', queue: [], reads: [], reader: null, closeRequested: false, error: undefined,
      closedWaiters: [], pulling: false, source,
      flush: () => {
        while (st.reads.length && st.queue.length) st.reads.shift()[0]({ value: st.queue.shift(), done: false });
        if (st.state === 'errored') { for (const [, rej] of st.reads.splice(0)) rej(st.error); for (const [, rej] of st.closedWaiters.splice(0)) rej(st.error); return; }
        if (st.closeRequested && !st.queue.length) {
          st.state = 'closed';
          for (const [res] of st.reads.splice(0)) res({ value: undefined, done: true });
          for (const [res] of st.closedWaiters.splice(0)) res();
          return;
        }
        if (st.reads.length && !st.queue.length && typeof source.pull === 'function' && !st.pulling && st.started) {
          st.pulling = true;
          Promise.resolve().then(() => source.pull(controller)).then(() => { st.pulling = false; st.flush(); }, (e) => controller.error(e));
        }
      },
    };
    Object.defineProperty(this, kInternal, { value: st });
    const controller = new ReadableStreamDefaultController(kInternal, this);
    const started = typeof source.start === 'function' ? source.start(controller) : undefined;
    Promise.resolve(started).then(() => { st.started = true; st.flush(); }, (e) => controller.error(e));
  }
  static from(iterable) {
    const it = iterable[Symbol.asyncIterator] ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]();
    return new ReadableStream({ async pull(c) { const { value, done } = await it.next(); if (done) c.close(); else c.enqueue(value); } });
  }
  get locked() { return this[kInternal].reader !== null; }
  getReader(options) {
    if (options && options.mode === 'byob') throw new TypeError('BYOB readers are not supported');
    return new ReadableStreamDefaultReader(this);
  }
  cancel(reason, key) {
    if (this.locked && key !== kInternal) return Promise.reject(new TypeError('ReadableStream is locked'));
    const st = this[kInternal];
    st.queue = []; st.closeRequested = true; st.flush();
    return Promise.resolve(typeof st.source.cancel === 'function' ? st.source.cancel(reason) : undefined).then(() => undefined);
  }
  tee() {
    const reader = this.getReader();
    const branches = [];
    let c1, c2;
    const pump = async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) { c1.close(); c2.close(); return; }
        c1.enqueue(value); c2.enqueue(value);
      }
    };
    branches.push(new ReadableStream({ start(c) { c1 = c; } }));
    branches.push(new ReadableStream({ start(c) { c2 = c; } }));
    pump().catch((e) => { c1.error(e); c2.error(e); });
    return branches;
  }
  async pipeTo(dest, options = {}) {
    const reader = this.getReader();
    const writer = dest.getWriter();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        await writer.write(value);
      }
      if (!options.preventClose) await writer.close();
    } catch (e) {
      if (!options.preventAbort) await writer.abort(e);
      throw e;
    } finally {
      reader.releaseLock();
      writer.releaseLock();
    }
  }
  pipeThrough(transform, options) {
    this.pipeTo(transform.writable, options).catch(() => {});
    return transform.readable;
  }
  async *values() {
    const reader = this.getReader();
    try {
      for (;;) { const { value, done } = await reader.read(); if (done) return; yield value; }
    } finally { reader.releaseLock(); }
  }
  [Symbol.asyncIterator]() { return this.values(); }
}
class WritableStreamDefaultWriter {
  #s;
  constructor(stream) { if (stream.locked) throw new TypeError('WritableStream is locked'); this.#s = stream; stream[kInternal].writer = this; }
  get ready() { return Promise.resolve(); }
  get closed() { return this.#s ? this.#s[kInternal].closed : Promise.resolve(); }
  get desiredSize() { return 1; }
  write(chunk) { return this.#s[kInternal].enqueue(() => this.#s[kInternal].sink.write ? this.#s[kInternal].sink.write(chunk, this.#s[kInternal].controller) : undefined); }
  close() { const st = this.#s[kInternal]; return st.enqueue(() => (st.sink.close ? st.sink.close() : undefined)).then(st.resolveClosed); }
  abort(reason) { const st = this.#s[kInternal]; return Promise.resolve(st.sink.abort ? st.sink.abort(reason) : undefined).then(() => undefined); }
  releaseLock() { if (this.#s) { this.#s[kInternal].writer = null; this.#s = null; } }
}
class WritableStream {
  constructor(sink = {}) {
    let resolveClosed;
    const closed = new Promise((r) => { resolveClosed = r; });
    let chain = Promise.resolve(typeof sink.start === 'function' ? sink.start({ error() {} }) : undefined);
    const st = { sink, writer: null, closed, resolveClosed, controller: { error() {} }, enqueue: (fn) => (chain = chain.then(fn)) };
    Object.defineProperty(this, kInternal, { value: st });
  }
  get locked() { return this[kInternal].writer !== null; }
  getWriter() { return new WritableStreamDefaultWriter(this); }
  close() { return this.getWriter().close(); }
  abort(reason) { return this.getWriter().abort(reason); }
}
class TransformStream {
  constructor(transformer = {}) {
    let rc;
    this.readable = new ReadableStream({ start(c) { rc = c; } });
    const tc = { enqueue: (c) => rc.enqueue(c), error: (e) => rc.error(e), terminate: () => rc.close(), get desiredSize() { return rc.desiredSize; } };
    if (typeof transformer.start === 'function') transformer.start(tc);
    this.writable = new WritableStream({
      write: (chunk) => (typeof transformer.transform === 'function' ? transformer.transform(chunk, tc) : tc.enqueue(chunk)),
      close: async () => { if (typeof transformer.flush === 'function') await transformer.flush(tc); rc.close(); },
      abort: (e) => rc.error(e),
    });
  }
}
defineGlobal('ReadableStream', ReadableStream);
defineGlobal('ReadableStreamDefaultReader', ReadableStreamDefaultReader);
defineGlobal('WritableStream', WritableStream);
defineGlobal('TransformStream', TransformStream);
const readAll = async (stream) => {
  const chunks = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? utf8(chunk) : asBytes(chunk);
    chunks.push(bytes);
    total += bytes.length;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
};
return { ReadableStream, ReadableStreamDefaultReader, WritableStream, TransformStream, readAll };
