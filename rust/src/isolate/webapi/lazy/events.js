// Event, EventTarget, AbortController and AbortSignal (DOM Standard, the parts workers use).
class Event {
  #type; #cancelable; #defaultPrevented = false; #stop = false; #bubbles;
  constructor(type, init = {}) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': 1 argument required");
    this.#type = String(type);
    this.#cancelable = !!init.cancelable;
    this.#bubbles = !!init.bubbles;
    this.timeStamp = performance.now();
  }
  get type() { return this.#type; }
  get cancelable() { return this.#cancelable; }
  get bubbles() { return this.#bubbles; }
  get defaultPrevented() { return this.#defaultPrevented; }
  preventDefault() { if (this.#cancelable) this.#defaultPrevented = true; }
  stopImmediatePropagation() { this.#stop = true; }
  stopPropagation() {}
  get [kInternal]() { return this.#stop; }
}
class EventTarget {
  #listeners = new Map();
  addEventListener(type, listener, options = {}) {
    if (listener == null) return;
    const once = typeof options === 'object' && !!options.once;
    const signal = typeof options === 'object' ? options.signal : undefined;
    if (signal && signal.aborted) return;
    let list = this.#listeners.get(type);
    if (!list) this.#listeners.set(type, (list = []));
    if (list.some((l) => l.listener === listener)) return;
    const entry = { listener, once };
    list.push(entry);
    if (signal) signal.addEventListener('abort', () => this.removeEventListener(type, listener));
  }
  removeEventListener(type, listener) {
    const list = this.#listeners.get(type);
    if (!list) return;
    const i = list.findIndex((l) => l.listener === listener);
    if (i >= 0) list.splice(i, 1);
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new TypeError('dispatchEvent expects an Event');
    const handler = this['on' + event.type];
    const list = [...(this.#listeners.get(event.type) || [])];
    if (typeof handler === 'function') list.unshift({ listener: handler, once: false });
    for (const entry of list) {
      if (entry.once) this.removeEventListener(event.type, entry.listener);
      const l = entry.listener;
      if (typeof l === 'function') l.call(this, event); else if (l && typeof l.handleEvent === 'function') l.handleEvent(event);
      if (event[kInternal]) break;
    }
    return !event.defaultPrevented;
  }
  get [Symbol.for('edgert.listeners')]() { return this.#listeners; }
}
class AbortSignal extends EventTarget {
  #aborted = false; #reason = undefined;
  constructor(key) { super(); if (key !== kInternal) throw new TypeError('Illegal constructor'); this.onabort = null; }
  get aborted() { return this.#aborted; }
  get reason() { return this.#reason; }
  throwIfAborted() { if (this.#aborted) throw this.#reason; }
  [kInternal](reason) {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.dispatchEvent(new Event('abort'));
  }
  static abort(reason) { const s = new AbortSignal(kInternal); s[kInternal](reason); return s; }
  static timeout(ms) {
    const s = new AbortSignal(kInternal);
    setTimeout(() => s[kInternal](new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
    return s;
  }
  static any(signals) {
    const s = new AbortSignal(kInternal);
    for (const x of signals) {
      if (x.aborted) { s[kInternal](x.reason); return s; }
      x.addEventListener('abort', () => s[kInternal](x.reason), { once: true });
    }
    return s;
  }
}
class AbortController {
  #signal = new AbortSignal(kInternal);
  get signal() { return this.#signal; }
  abort(reason) { this.#signal[kInternal](reason); }
}
defineGlobal('Event', Event);
defineGlobal('EventTarget', EventTarget);
defineGlobal('AbortSignal', AbortSignal);
defineGlobal('AbortController', AbortController);

// The global scope is an event target for the service-worker format.
const globalTarget = new EventTarget();
defineGlobal('addEventListener', (type, listener, options) => globalTarget.addEventListener(type, listener, options));
defineGlobal('removeEventListener', (type, listener) => globalTarget.removeEventListener(type, listener));
defineGlobal('dispatchEvent', (event) => globalTarget.dispatchEvent(event));
return { Event, EventTarget, AbortSignal, AbortController, globalTarget };
