// WebSocket, WebSocketPair, WebSocketRequestResponsePair, CloseEvent, ErrorEvent (Workers'
// WebSocket API; the wire is the host's). Its message events are messaging.js's MessageEvent.
//
// Theory of operation. `new WebSocketPair()` makes two linked ends. Each end is in one of
// these states:
//
//   fresh --accept()--> accepted --close()/close event--> closed
//     |                    ^
//     +--handOff()---------|--> handed off (returned in a 101 Response: the host holds it)
//
// While neither end is handed off, what one end sends is queued on the other end (its
// `inbox`) and dispatched there once it is accepted, asynchronously (a microtask), as between
// two local ends on Workers. When an end is handed off (`finish` in dispatch.js settles a 101
// response with it), its peer gets a *socket id* from the isolate (`native.wsOpen`): the queue
// of the handed-off end becomes operations (`native.wsSend`/`wsClose`), and so does every later
// send of the peer; the host delivers what the other side sends as events
// (`Isolate::deliver_ws` -> `deliver` below), each in a task of its own that settles once the
// listeners ran (for a Durable Object's hibernatable socket, once its handler's promise
// settled). A socket the host hands the worker (a Durable Object's 101 response, an outgoing
// `fetch()` with `Upgrade: websocket`) is an end with a *handle*: handed off again it passes the
// handle on; accepted, it gets a socket id and the host links the two (`native.wsAttach`).
// A `close` event (from the host, or from a local peer) ends the socket: readyState CLOSED, the
// id forgotten (`native.wsForget`: the isolate no longer needs to stay in its pool for it).
//
// `new WebSocket(url, protocols)` (the WHATWG client constructor) is an end of its own kind:
//
//   connecting --fetch() answers 101 with a webSocket--> open (handle adopted, `open` fired)
//        |                                                 |
//        +--fetch() fails or answers otherwise--> closed   +--close event--> closed
//        (`error`, then `close` 1006 not clean)
//
// It connects with `fetch(url, { headers: { Upgrade: 'websocket' } })` (so the egress policy and
// the host's outgoing upgrade are the same as a worker's own fetch), then adopts the answer's
// socket as `accept()` would. close() while connecting fails the connection (WHATWG 'fail the
// WebSocket connection'): `error` and `close` 1006 once the fetch settles.

const CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3;
const MAX_MESSAGE = 1 << 20;
const kIncoming = Symbol('incoming');
const kHandOff = Symbol('handOff');
const kHibernate = Symbol('hibernate');
const kMake = Symbol('make');
const kAdopt = Symbol('adopt');
// A subprotocol is an RFC 9110 token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// Host socket id -> the worker's end.
const sockets = new Map();

const { MessageEvent } = lazyLoad('messaging');
class CloseEvent extends Event {
  #code; #reason; #wasClean;
  constructor(type, init = {}) {
    super(type, init);
    this.#code = init.code === undefined ? 0 : Number(init.code);
    this.#reason = init.reason === undefined ? '' : String(init.reason);
    this.#wasClean = !!init.wasClean;
  }
  get code() { return this.#code; }
  get reason() { return this.#reason; }
  get wasClean() { return this.#wasClean; }
}
class ErrorEvent extends Event {
  #message; #error;
  constructor(type, init = {}) { super(type, init); this.#message = init.message === undefined ? '' : String(init.message); this.#error = init.error; }
  get message() { return this.#message; }
  get error() { return this.#error; }
}

// A close code the worker may send: 1000-1003, 1007-1014, 3000-4999 (1004-1006 and 1015 are
// reserved for the endpoints' own reports, RFC 6455 7.4.1); none (1005 on the wire: no code).
const checkCode = (code) => {
  if (code === undefined) return 1005;
  code = Number(code);
  if (!Number.isInteger(code) || !((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999))) {
    throw new TypeError(`Invalid WebSocket close code: ${code}.`);
  }
  return code;
};

const messageData = (data) => {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return toUSV(data);
};
const sizeOf = (data) => (typeof data === 'string' ? utf8(data).byteLength : data.byteLength);

class WebSocket extends EventTarget {
  static get CONNECTING() { return CONNECTING; }
  static get OPEN() { return OPEN; }
  static get CLOSING() { return CLOSING; }
  static get CLOSED() { return CLOSED; }
  #s;
  constructor(url, protocols) {
    super();
    this.#s = { readyState: OPEN, accepted: false, peer: null, sid: null, handle: null, handedOff: false, inbox: [], attachment: null, hib: null, url: null, protocol: '', extensions: '', client: false, binaryType: 'arraybuffer', buffered: 0, failOnOpen: false };
    if (url === kMake) return;
    if (arguments.length === 0) throw new TypeError("Failed to construct 'WebSocket': 1 argument required, but only 0 present.");
    // WHATWG WebSockets, the constructor: parse, map http(s) to ws(s), no fragment.
    const text = toUSV(url);
    let parsed;
    try { parsed = new URL(text); } catch { throw new DOMException(`Failed to construct 'WebSocket': the URL '${text}' is invalid.`, 'SyntaxError'); }
    if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
    else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new DOMException(`Failed to construct 'WebSocket': the URL's scheme must be 'ws' or 'wss'. '${parsed.protocol.slice(0, -1)}' is not allowed.`, 'SyntaxError');
    }
    if (parsed.href.includes('#')) throw new DOMException("Failed to construct 'WebSocket': the URL contains a fragment identifier.", 'SyntaxError');
    const list = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : Array.from(protocols, (p) => toUSV(p));
    for (let i = 0; i < list.length; i++) {
      if (!TOKEN.test(list[i])) throw new DOMException(`Failed to construct 'WebSocket': the subprotocol '${list[i]}' is invalid.`, 'SyntaxError');
      if (list.indexOf(list[i]) !== i) throw new DOMException(`Failed to construct 'WebSocket': the subprotocol '${list[i]}' is duplicated.`, 'SyntaxError');
    }
    const s = this.#s;
    s.url = parsed.href; s.readyState = CONNECTING; s.client = true; s.binaryType = 'blob';
    const target = new URL(parsed.href);
    target.protocol = parsed.protocol === 'wss:' ? 'https:' : 'http:';
    const headers = { Upgrade: 'websocket' };
    if (list.length) headers['Sec-WebSocket-Protocol'] = list.join(', ');
    // The task that constructed the socket stays open until it opened or failed (the fetch's
    // answer and the open event run in it), as if passed to ctx.waitUntil.
    const task = native.wsHold();
    fetch(target.href, { headers })
      .then((response) => this.#opened(response, list), () => this.#fail())
      .finally(() => native.waitUntilEnd(task));
  }
  // The client constructor's fetch answered: adopt its socket, or fail.
  #opened(response, list) {
    const s = this.#s;
    const peer = response.webSocket;
    const chosen = response.headers.get('Sec-WebSocket-Protocol') || '';
    // RFC 6455 4.1: a subprotocol the client did not offer fails the connection.
    if (response.status !== 101 || !(peer instanceof WebSocket) || peer.#s.handle === null || (chosen !== '' && !list.includes(chosen))) {
      if (response.body) response.body.cancel().catch(() => {});
      this.#fail();
      return;
    }
    const handle = peer.#s.handle;
    peer.#s.handle = null; peer.#s.handedOff = true;
    s.protocol = chosen;
    s.extensions = response.headers.get('Sec-WebSocket-Extensions') || '';
    s.accepted = true;
    s.sid = native.wsOpen();
    sockets.set(s.sid, this);
    native.wsAttach(s.sid, handle);
    if (s.failOnOpen) { native.wsClose(s.sid, 1000, ''); this.#fail(); return; }
    s.readyState = OPEN;
    this.dispatchEvent(new Event('open'));
  }
  // WHATWG 'fail the WebSocket connection' for a client socket: `error`, then `close` 1006.
  #fail() {
    const s = this.#s;
    if (s.readyState === CLOSED) return;
    s.readyState = CLOSED;
    if (s.sid !== null) { sockets.delete(s.sid); native.wsForget(s.sid); }
    this.dispatchEvent(new Event('error'));
    this.dispatchEvent(new CloseEvent('close', { code: 1006, reason: '', wasClean: false }));
  }
  get CONNECTING() { return CONNECTING; }
  get OPEN() { return OPEN; }
  get CLOSING() { return CLOSING; }
  get CLOSED() { return CLOSED; }
  get readyState() { return this.#s.readyState; }
  get url() { return this.#s.url; }
  get protocol() { return this.#s.protocol; }
  get extensions() { return this.#s.extensions; }
  get binaryType() { return this.#s.binaryType; }
  // A WebIDL enumeration attribute: other values are ignored.
  set binaryType(v) { v = String(v); if (v === 'blob' || v === 'arraybuffer') this.#s.binaryType = v; }
  get bufferedAmount() { return this.#s.buffered; }

  accept(options) {
    void options;
    const s = this.#s;
    if (s.handedOff) throw new TypeError('Can\'t accept() a WebSocket that was returned in a Response.');
    if (s.accepted) throw new TypeError('accept() was already called on this WebSocket.');
    s.accepted = true;
    if (s.handle !== null) {
      // A socket the host handed us: link it to an id of this isolate.
      s.sid = native.wsOpen();
      sockets.set(s.sid, this);
      native.wsAttach(s.sid, s.handle);
      s.handle = null;
    }
    const queued = s.inbox.splice(0);
    if (queued.length) Promise.resolve().then(() => { for (const ev of queued) this.#fire(ev); });
  }

  send(data) {
    const s = this.#s;
    if (s.client) {
      // WHATWG: an error before open; after close() the data is counted and dropped.
      if (s.readyState === CONNECTING) throw new DOMException("Failed to execute 'send' on 'WebSocket': still in CONNECTING state.", 'InvalidStateError');
      if (s.readyState !== OPEN) { s.buffered += data instanceof Blob ? data.size : sizeOf(messageData(data)); return; }
      if (data instanceof Blob) throw new TypeError('send(Blob) is not supported: send an ArrayBuffer (await blob.arrayBuffer())');
    }
    if (!s.accepted) throw new TypeError('You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.');
    if (s.readyState !== OPEN) throw new TypeError('Can\'t call WebSocket send() after close().');
    const message = messageData(data);
    const size = sizeOf(message);
    if (size > MAX_MESSAGE) throw new RangeError(`WebSocket message of ${size} bytes is over the limit of ${MAX_MESSAGE} bytes`);
    if (s.sid !== null) native.wsSend(s.sid, message);
    else if (s.peer !== null) s.peer[kIncoming]({ t: 'message', data: message });
  }

  close(code, reason) {
    const s = this.#s;
    if (s.client) {
      // WHATWG: 1000 or 3000-4999 (InvalidAccessError); reason up to 123 bytes (SyntaxError).
      if (code !== undefined && (code = Number(code), !(Number.isInteger(code) && (code === 1000 || (code >= 3000 && code <= 4999))))) {
        throw new DOMException(`Failed to execute 'close' on 'WebSocket': the code must be either 1000, or between 3000 and 4999. ${code} is neither.`, 'InvalidAccessError');
      }
      if (reason !== undefined && utf8(toUSV(reason)).byteLength > 123) throw new DOMException("Failed to execute 'close' on 'WebSocket': the reason is longer than 123 bytes.", 'SyntaxError');
      if (s.readyState === CONNECTING) { s.readyState = CLOSING; s.failOnOpen = true; return; }
    }
    const c = checkCode(code);
    const r = reason === undefined ? '' : toUSV(reason);
    if (utf8(r).byteLength > 123) throw new TypeError('WebSocket close reason is longer than 123 bytes.');
    if (s.readyState === CLOSING || s.readyState === CLOSED) return;
    if (!s.accepted && !s.handedOff) throw new TypeError('You must call accept() on this WebSocket before closing it.');
    s.readyState = CLOSING;
    if (s.sid !== null) native.wsClose(s.sid, c, r);
    else if (s.peer !== null) {
      // Two local ends: the peer sees the close at once and the closing handshake is done.
      s.peer[kIncoming]({ t: 'close', code: c, reason: r, clean: true });
      const self = this;
      Promise.resolve().then(() => self.#closed({ t: 'close', code: c, reason: r, clean: true }, false));
    }
  }

  serializeAttachment(value) {
    const text = lazyLoad('durable').serialize(value);
    if (utf8(text).byteLength > 2048) throw new RangeError('A WebSocket attachment may not be larger than 2048 bytes serialized.');
    this.#s.attachment = text;
  }
  deserializeAttachment() {
    const text = this.#s.attachment;
    return text === null ? null : lazyLoad('durable').deserialize(text);
  }

  // An event for this end: fired now if accepted (asynchronously for a local peer), else queued.
  [kIncoming](ev, sync) {
    const s = this.#s;
    if (s.handedOff) return;
    if (!s.accepted) { s.inbox.push(ev); return; }
    if (sync) return this.#fire(ev);
    Promise.resolve().then(() => this.#fire(ev));
    return undefined;
  }

  #closed(ev, fire) {
    const s = this.#s;
    if (s.readyState === CLOSED) return undefined;
    s.readyState = CLOSED;
    if (s.sid !== null) { sockets.delete(s.sid); native.wsForget(s.sid); }
    if (!fire) return undefined;
    if (s.hib) return s.hib(this, ev);
    this.dispatchEvent(new CloseEvent('close', { code: ev.code, reason: ev.reason, wasClean: ev.clean }));
    return undefined;
  }

  // Fires one event; returns a promise when a Durable Object's handler runs it.
  #fire(ev) {
    const s = this.#s;
    if (ev.t === 'close') return this.#closed(ev, true);
    if (s.readyState === CLOSED) return undefined;
    if (s.hib) return s.hib(this, ev);
    if (ev.t === 'message') {
      const data = typeof ev.data === 'string' ? ev.data : s.binaryType === 'blob' ? new Blob([ev.data]) : ev.data.buffer;
      this.dispatchEvent(new MessageEvent('message', { data, origin: s.client ? new URL(s.url).origin : '' }));
    }
    else if (ev.t === 'error') this.dispatchEvent(new ErrorEvent('error', { message: ev.message, error: new Error(ev.message) }));
    return undefined;
  }

  // Returned in a 101 response: what the host is told (a new socket id of the peer, or the
  // handle of a socket the host handed us).
  [kHandOff]() {
    const s = this.#s;
    if (s.accepted) throw new TypeError('A WebSocket returned in a Response must not be accepted: accept() its pair\'s other end.');
    if (s.handedOff) throw new TypeError('This WebSocket was already returned in a Response.');
    s.handedOff = true;
    if (s.handle !== null) return s.handle;
    const peer = s.peer;
    return peer[kAdopt](s.inbox.splice(0));
  }

  // The peer of a handed-off end: gets its socket id; what it sent so far leaves as operations.
  [kAdopt](queued) {
    const s = this.#s;
    s.sid = native.wsOpen();
    sockets.set(s.sid, this);
    s.peer = null;
    for (const ev of queued) {
      if (ev.t === 'message') native.wsSend(s.sid, ev.data);
      else if (ev.t === 'close') native.wsClose(s.sid, ev.code, ev.reason);
    }
    return String(s.sid);
  }

  // A Durable Object's ctx.acceptWebSocket(): accepted, events go to `handler(ws, ev)`.
  [kHibernate](handler) {
    const s = this.#s;
    if (s.handedOff) throw new TypeError('Can\'t accept a WebSocket that was returned in a Response.');
    if (s.accepted) throw new TypeError('This WebSocket was already accepted.');
    s.hib = handler;
    this.accept();
  }

  static [kMake](peer, handle) {
    const ws = new WebSocket(kMake);
    ws.#s.peer = peer;
    if (handle !== undefined) ws.#s.handle = handle;
    return ws;
  }
  static [kInternal](a, b) { a.#s.peer = b; b.#s.peer = a; }
  get [Symbol.toStringTag]() { return 'WebSocket'; }
}
for (const type of ['open', 'message', 'close', 'error']) lazyLoad('events').defineEventHandler(WebSocket.prototype, type);

class WebSocketPair {
  constructor() {
    const a = WebSocket[kMake](null);
    const b = WebSocket[kMake](null);
    WebSocket[kInternal](a, b);
    this[0] = a;
    this[1] = b;
  }
  *[Symbol.iterator]() { yield this[0]; yield this[1]; }
}

class WebSocketRequestResponsePair {
  #request; #response;
  constructor(request, response) {
    if (typeof request !== 'string' || typeof response !== 'string') throw new TypeError('WebSocketRequestResponsePair takes two strings');
    this.#request = request; this.#response = response;
  }
  get request() { return this.#request; }
  get response() { return this.#response; }
}

// An event from the host (Isolate::deliver_ws): settles the task once the socket's listeners
// (or its Durable Object handler) have run.
const deliver = (task, meta, data) => {
  const m = JSON.parse(meta);
  const ws = sockets.get(m.s);
  const done = () => native.settle(task, 200, '', [], null);
  const failed = (e) => native.fail(task, 'exception', e);
  if (ws === undefined) { done(); return; }
  const ev = m.t === 'message' ? { t: 'message', data } : m.t === 'close' ? { t: 'close', code: m.code, reason: m.reason, clean: m.clean } : { t: 'error', message: m.message };
  let out;
  try { out = ws[kIncoming](ev, true); } catch (e) { failed(e); return; }
  if (out && typeof out.then === 'function') out.then(done, failed); else done();
};

defineGlobal('WebSocket', WebSocket);
defineGlobal('WebSocketPair', WebSocketPair);
defineGlobal('WebSocketRequestResponsePair', WebSocketRequestResponsePair);
defineGlobal('CloseEvent', CloseEvent);
defineGlobal('ErrorEvent', ErrorEvent);

const handOff = (ws) => {
  if (!(ws instanceof WebSocket)) throw new TypeError('webSocket must be a WebSocket');
  return ws[kHandOff]();
};
const fromHandle = (handle) => WebSocket[kMake](null, String(handle));
const hibernate = (ws, handler) => {
  if (!(ws instanceof WebSocket)) throw new TypeError('acceptWebSocket() expects a WebSocket');
  ws[kHibernate](handler);
};
return { WebSocket, WebSocketPair, deliver, handOff, fromHandle, hibernate, sockets };
