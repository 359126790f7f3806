// MessageChannel, MessagePort and MessageEvent (HTML Standard, "Web messaging": channel
// messaging), within one isolate, as on Workers.
//
// Theory of operation. A port's state lives in a record that a MessagePort object fronts;
// transferring the port (a transfer list of postMessage() or structuredClone()) moves the
// record, with the messages queued in it, to a new MessagePort object and detaches the old one
// (the standard's transfer steps: the port message queue travels with the port). A record is:
//
//   entangled (with the other end's record) --close() on either end--> disentangled
//   its message queue: disabled --start(), or setting onmessage--> enabled
//
// postMessage() clones the message at once (structured serialization with transfer: transferred
// ArrayBuffers and ports are detached when the clone succeeded) and, if the port is entangled
// and the target end was not itself in the transfer list, appends it to the other record's queue.
// An enabled queue is drained one message per task (a zero-delay timer of the host, so a message
// event runs after the microtasks of the code that posted it, as the standard's task source
// does), each firing a trusted `message` MessageEvent at the record's port of the moment (whoever
// holds it after transfers), with `ports` the ports transferred with that message. close()
// detaches the port and disentangles both ends: what was queued for the closed end and not yet
// delivered is dropped, later posts from the other end are discarded. No `close` event fires
// (the standard has none; Workers fires one on both ends: a documented deviation, docs/compat.md).
const { Event, EventTarget, madeByRuntime, defineEventHandler } = lazyLoad('events');
const kInit = Symbol('init');
const records = new WeakMap(); // MessagePort -> its record (absent: detached)

const recordOf = (port, what) => {
  if (!(port instanceof MessagePort)) throw new TypeError(`Illegal invocation: ${what} called on an object that is not a MessagePort.`);
  return records.get(port);
};

class MessagePort extends EventTarget {
  constructor(token = undefined) {
    if (token !== kInit) throw new TypeError('Illegal constructor');
    super();
  }
  postMessage(message, transferOrOptions = undefined) {
    const r = recordOf(this, 'postMessage');
    if (arguments.length === 0) throw new TypeError("Failed to execute 'postMessage' on 'MessagePort': 1 argument required, but only 0 present.");
    const what = "Failed to execute 'postMessage' on 'MessagePort'";
    let transfer = [];
    if (transferOrOptions === null) throw new TypeError(`${what}: The provided value cannot be converted to a sequence.`);
    if (transferOrOptions !== undefined) {
      if (!isObject(transferOrOptions)) throw new TypeError(`${what}: The provided value is not of type '(sequence<object> or StructuredSerializeOptions)'.`);
      const list = typeof transferOrOptions[Symbol.iterator] === 'function' ? transferOrOptions : transferOrOptions.transfer;
      if (list !== undefined) transfer = lazyLoad('clone').toTransferList(list, what);
    }
    if (transfer.includes(this)) throw new DOMException('Port at index ' + transfer.indexOf(this) + ' contains the source port.', 'DataCloneError');
    const target = r === undefined ? null : r.peer;
    const doomed = target !== null && transfer.includes(target.port);
    const { value, ports } = lazyLoad('clone').serializeWithTransfer(message, transfer);
    if (target === null || doomed) return;
    target.queue.push({ data: value, ports });
    pump(target);
  }
  start() {
    const r = recordOf(this, 'start');
    if (r === undefined || r.enabled) return;
    r.enabled = true;
    pump(r);
  }
  close() {
    const r = recordOf(this, 'close');
    if (r === undefined) return;
    records.delete(this);
    r.port = null;
    r.queue.length = 0;
    if (r.peer !== null) { r.peer.peer = null; r.peer = null; }
  }
}
defineEventHandler(MessagePort.prototype, 'message');
defineEventHandler(MessagePort.prototype, 'messageerror');
{
  // Setting onmessage enables the port's message queue (the standard: "the first time ... is set").
  const desc = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage');
  const set = desc.set;
  Object.defineProperty(MessagePort.prototype, 'onmessage', { ...desc, set: function onmessage(v) { set.call(this, v); this.start(); } });
}
Object.defineProperty(MessagePort.prototype, Symbol.toStringTag, { value: 'MessagePort', configurable: true });

const newRecord = (port) => {
  const r = { port, peer: null, queue: [], enabled: false, scheduled: false };
  records.set(port, r);
  return r;
};

// Delivers the head of an enabled queue in a task of its own, then the next, one per task.
const pump = (r) => {
  if (!r.enabled || r.scheduled || r.queue.length === 0) return;
  r.scheduled = true;
  lazyLoad('timers').schedule(() => {
    r.scheduled = false;
    const m = r.queue.shift();
    if (m === undefined || r.port === null) return;
    const port = r.port;
    pump(r);
    const ev = new MessageEvent('message', { data: m.data, ports: m.ports });
    madeByRuntime(ev);
    port.dispatchEvent(ev);
  }, 0, [], false);
};

class MessageChannel {
  #port1; #port2;
  constructor() {
    this.#port1 = new MessagePort(kInit);
    this.#port2 = new MessagePort(kInit);
    const a = newRecord(this.#port1), b = newRecord(this.#port2);
    a.peer = b; b.peer = a;
  }
  get port1() { return this.#port1; }
  get port2() { return this.#port2; }
}
Object.defineProperty(MessageChannel.prototype, Symbol.toStringTag, { value: 'MessageChannel', configurable: true });

// For structured serialization with transfer (clone.js): a port can be transferred once.
const isPort = (v) => v instanceof MessagePort;
const isDetachedPort = (port) => !records.has(port);
// A port for a transfer, detached until `movePort` gives it a record.
const blankPort = () => new MessagePort(kInit);
// The transfer steps and transfer-receiving steps in one: `port`'s record (its queue and its
// entanglement) now belongs to `fresh`; `port` is detached.
const movePort = (port, fresh) => {
  const r = records.get(port);
  records.delete(port);
  r.port = fresh;
  records.set(fresh, r);
};

class MessageEvent extends Event {
  #data; #origin; #lastEventId; #source; #ports;
  constructor(type, eventInitDict = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'MessageEvent': 1 argument required, but only 0 present.");
    super(type, eventInitDict);
    const init = eventInitDict === undefined || eventInitDict === null ? {} : eventInitDict;
    this.#data = init.data === undefined ? null : init.data;
    this.#origin = init.origin === undefined ? '' : toUSV(init.origin);
    this.#lastEventId = init.lastEventId === undefined ? '' : `${init.lastEventId}`;
    this.#source = source(init.source);
    this.#ports = frozenPorts(init.ports);
  }
  get data() { return this.#data; }
  get origin() { return this.#origin; }
  get lastEventId() { return this.#lastEventId; }
  get source() { return this.#source; }
  get ports() { return this.#ports; }
  initMessageEvent(type, bubbles = false, cancelable = false, data = null, origin = '', lastEventId = '', src = null, ports = []) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'initMessageEvent' on 'MessageEvent': 1 argument required, but only 0 present.");
    this.initEvent(type, bubbles, cancelable);
    this.#data = data;
    this.#origin = toUSV(origin);
    this.#lastEventId = `${lastEventId}`;
    this.#source = source(src);
    this.#ports = frozenPorts(ports);
  }
}
Object.defineProperty(MessageEvent.prototype, Symbol.toStringTag, { value: 'MessageEvent', configurable: true });

// MessageEventSource here is a MessagePort (a worker has no WindowProxy or ServiceWorker).
const source = (v) => {
  if (v === undefined || v === null) return null;
  if (!(v instanceof MessagePort)) throw new TypeError("Failed to construct 'MessageEvent': The provided value is not of type '(MessagePort or ServiceWorker or WindowProxy)'.");
  return v;
};
// sequence<MessagePort>, as a FrozenArray (the same array every time it is read).
const frozenPorts = (v) => {
  if (v === undefined) return Object.freeze([]);
  if (!isObject(v) || typeof v[Symbol.iterator] !== 'function') throw new TypeError("Failed to construct 'MessageEvent': The provided value cannot be converted to a sequence.");
  const out = [];
  for (const p of v) {
    if (!(p instanceof MessagePort)) throw new TypeError("Failed to construct 'MessageEvent': Failed to convert value to 'MessagePort'.");
    out.push(p);
  }
  return Object.freeze(out);
};

defineGlobal('MessageChannel', MessageChannel);
defineGlobal('MessagePort', MessagePort);
defineGlobal('MessageEvent', MessageEvent);
return { MessageChannel, MessagePort, MessageEvent, isPort, isDetachedPort, blankPort, movePort };
