// Event, CustomEvent, EventTarget, AbortController and AbortSignal (DOM Standard, sections 2
// and 3), and the global scope's event target.
//
// Theory of operation. A worker's event targets have no tree, so an event's path is its target
// alone and dispatch is the standard's algorithm with a path of one: the event is at its target
// (`eventPhase` AT_TARGET), the capture listeners run first (the "capturing" pass), then the
// others (the "bubbling" pass), each pass over a copy of the listener list taken when it starts
// (listeners added during dispatch do not run; removed ones are flagged and skipped).
// Event states: initialized (constructed) -> dispatching (dispatch flag set; a second
// dispatchEvent is an InvalidStateError) -> dispatched (target kept, currentTarget, path and the
// stop flags cleared; may be dispatched again). The canceled flag is set by preventDefault() or
// `returnValue = false` only when the event is cancelable and the running listener is not
// passive. An exception in a listener propagates out of dispatchEvent once the event's dispatch
// state is reset (the standard reports it to the global's `error` event, which a worker does
// not have; a `fetch` listener's exception so fails its request, as on Workers).
// AbortSignal: not aborted -> aborted (once; the reason is kept). "Signal abort" marks the signal
// and every signal made by AbortSignal.any() from it aborted before any abort event fires, then
// runs each one's abort steps (internal algorithms, then the trusted `abort` event) in order:
// the source first, then its dependents in the order they were made. A dependent signal
// follows only source signals (never another dependent one), so chains stay one level deep.

const NONE = 0, CAPTURING_PHASE = 1, AT_TARGET = 2, BUBBLING_PHASE = 3;
const kAlgorithm = Symbol('abortAlgorithm'); // signal[kAlgorithm](fn): run fn when it aborts
const isCallable = (v) => typeof v === 'function';
const toDOMString = (v) => `${v}`; // ToString: throws on symbols, as WebIDL's DOMString does
const dictionary = (v, what) => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' && typeof v !== 'function') throw new TypeError(`${what} is not an object.`);
  return v;
};

// Events the runtime made (FetchEvent, ScheduledEvent) and dispatches next: that dispatch is
// trusted; any other dispatchEvent() makes an event untrusted, as the standard says.
const runtimeMade = new WeakSet();
const madeByRuntime = (event) => { runtimeMade.add(event); };
// isTrusted is [LegacyUnforgeable]: an own accessor of each event, with one getter for all.
const trustedOf = new WeakMap();
const isTrustedDesc = { get: function isTrusted() { return trustedOf.get(this) === true; }, enumerable: true, configurable: false };

class Event {
  #type = ''; #bubbles = false; #cancelable = false; #composed = false;
  #target = null; #currentTarget = null; #phase = NONE; #path = false;
  #stop = false; #stopImmediate = false; #canceled = false; #passive = false;
  #dispatching = false; #initialized = false; #timeStamp;
  constructor(type, eventInitDict = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
    Object.defineProperty(this, 'isTrusted', isTrustedDesc);
    this.#type = toDOMString(type);
    const init = dictionary(eventInitDict, "Failed to construct 'Event': The provided value");
    if (init !== undefined) {
      this.#bubbles = !!init.bubbles;
      this.#cancelable = !!init.cancelable;
      this.#composed = !!init.composed;
    }
    this.#initialized = true;
    this.#timeStamp = performance.now();
  }
  get type() { return this.#type; }
  get target() { return this.#target; }
  get srcElement() { return this.#target; }
  get currentTarget() { return this.#currentTarget; }
  composedPath() { return this.#path && this.#currentTarget !== null ? [this.#currentTarget] : []; }
  get eventPhase() { return this.#phase; }
  stopPropagation() { this.#stop = true; }
  get cancelBubble() { return this.#stop; }
  set cancelBubble(v) { if (v) this.#stop = true; }
  stopImmediatePropagation() { this.#stop = true; this.#stopImmediate = true; }
  get bubbles() { return this.#bubbles; }
  get cancelable() { return this.#cancelable; }
  get returnValue() { return !this.#canceled; }
  set returnValue(v) { if (!v) this.#cancel(); }
  preventDefault() { this.#cancel(); }
  get defaultPrevented() { return this.#canceled; }
  get composed() { return this.#composed; }
  get timeStamp() { return this.#timeStamp; }
  initEvent(type, bubbles = false, cancelable = false) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'initEvent' on 'Event': 1 argument required, but only 0 present.");
    if (this.#dispatching) return;
    this.#initialized = true;
    this.#stop = false; this.#stopImmediate = false; this.#canceled = false;
    trustedOf.delete(this);
    this.#target = null;
    this.#type = toDOMString(type);
    this.#bubbles = !!bubbles;
    this.#cancelable = !!cancelable;
  }
  #cancel() { if (this.#cancelable && !this.#passive) this.#canceled = true; }

  // Dispatch (the standard's "dispatch" with a path of one, see the theory above).
  static [kInternal](event, target, trusted) {
    if (!(event instanceof Event)) throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
    if (event.#dispatching || !event.#initialized) throw new DOMException("Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being dispatched.", 'InvalidStateError');
    if (trusted) trustedOf.set(event, true); else trustedOf.delete(event);
    event.#dispatching = true;
    event.#target = target;
    event.#path = true;
    try {
      event.#phase = AT_TARGET;
      Event.#invoke(event, target, true);
      Event.#invoke(event, target, false);
    } finally {
      event.#phase = NONE;
      event.#currentTarget = null;
      event.#path = false;
      event.#dispatching = false;
      event.#stop = false;
      event.#stopImmediate = false;
      event.#passive = false;
    }
    return !event.#canceled;
  }
  static #invoke(event, target, capture) {
    if (event.#stop) return;
    event.#currentTarget = target;
    const list = listenersOf(target).get(event.#type);
    if (list === undefined) return;
    for (const l of list.slice()) {
      if (l.removed || l.capture !== capture) continue;
      if (l.once) removeEntry(target, event.#type, l);
      const callback = l.callback;
      if (l.passive) event.#passive = true;
      try {
        if (isCallable(callback)) callback.call(target, event);
        else {
          const handleEvent = callback.handleEvent;
          if (!isCallable(handleEvent)) throw new TypeError("'handleEvent' property of the event listener is not callable.");
          handleEvent.call(callback, event);
        }
      } finally {
        event.#passive = false;
      }
      if (event.#stopImmediate) break;
    }
  }
}
for (const [name, value] of Object.entries({ NONE, CAPTURING_PHASE, AT_TARGET, BUBBLING_PHASE })) {
  const desc = { value, writable: false, enumerable: true, configurable: false };
  Object.defineProperty(Event, name, desc);
  Object.defineProperty(Event.prototype, name, desc);
}
Object.defineProperty(Event.prototype, Symbol.toStringTag, { value: 'Event', configurable: true });

class CustomEvent extends Event {
  #detail = null;
  constructor(type, eventInitDict = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'CustomEvent': 1 argument required, but only 0 present.");
    super(type, eventInitDict);
    const init = dictionary(eventInitDict, "Failed to construct 'CustomEvent': The provided value");
    if (init !== undefined && init.detail !== undefined) this.#detail = init.detail;
  }
  get detail() { return this.#detail; }
  initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'initCustomEvent' on 'CustomEvent': 1 argument required, but only 0 present.");
    if (this.eventPhase !== NONE) return; // being dispatched
    this.initEvent(type, bubbles, cancelable);
    this.#detail = detail;
  }
}
Object.defineProperty(CustomEvent.prototype, Symbol.toStringTag, { value: 'CustomEvent', configurable: true });

// Listener lists: type -> entries { callback, capture, passive, once, signal, removed }.
const listenerMaps = new WeakMap();
const listenersOf = (target) => {
  const map = listenerMaps.get(target);
  if (map === undefined) throw new TypeError('Illegal invocation: not an EventTarget');
  return map;
};
const removeEntry = (target, type, entry) => {
  entry.removed = true;
  const list = listenersOf(target).get(type);
  const i = list === undefined ? -1 : list.indexOf(entry);
  if (i >= 0) list.splice(i, 1);
};
const checkCallback = (callback, what) => {
  if (callback !== null && callback !== undefined && typeof callback !== 'object' && typeof callback !== 'function') {
    throw new TypeError(`Failed to execute '${what}' on 'EventTarget': parameter 2 is not of type 'EventListener'.`);
  }
  return callback === undefined ? null : callback;
};

class EventTarget {
  constructor() { listenerMaps.set(this, new Map()); }
  addEventListener(type, callback, options = undefined) {
    if (arguments.length < 2) throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': 2 arguments required.");
    type = toDOMString(type);
    callback = checkCallback(callback, 'addEventListener');
    // "Flatten more": capture, then once, passive, signal (the dictionaries' member order).
    let capture = false, once = false, passive = false, signal = null;
    if (typeof options === 'object' && options !== null) {
      capture = !!options.capture;
      once = !!options.once;
      passive = !!options.passive;
      const s = options.signal;
      if (s !== undefined) {
        if (!(s instanceof AbortSignal)) throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': member signal is not of type AbortSignal.");
        signal = s;
      }
    } else if (typeof options === 'function') {
      capture = !!options.capture; once = !!options.once; passive = !!options.passive;
    } else {
      capture = !!options;
    }
    if (signal !== null && signal.aborted) return;
    if (callback === null) return;
    const map = listenersOf(this);
    let list = map.get(type);
    if (list === undefined) map.set(type, (list = []));
    if (list.some((l) => l.callback === callback && l.capture === capture)) return;
    const entry = { callback, capture, passive, once, signal, removed: false };
    list.push(entry);
    if (signal !== null) signal[kAlgorithm](() => removeEntry(this, type, entry));
  }
  removeEventListener(type, callback, options = undefined) {
    if (arguments.length < 2) throw new TypeError("Failed to execute 'removeEventListener' on 'EventTarget': 2 arguments required.");
    type = toDOMString(type);
    callback = checkCallback(callback, 'removeEventListener');
    const capture = (typeof options === 'object' && options !== null) || typeof options === 'function' ? !!options.capture : !!options;
    const list = listenersOf(this).get(type);
    if (list === undefined) return;
    const entry = list.find((l) => l.callback === callback && l.capture === capture);
    if (entry !== undefined) removeEntry(this, type, entry);
  }
  dispatchEvent(event) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': 1 argument required, but only 0 present.");
    return Event[kInternal](event, this, runtimeMade.delete(event));
  }
  // The prelude reads the global target's listeners (how many `fetch` ones there are).
  get [Symbol.for('edgert.listeners')]() { return listenersOf(this); }
}
Object.defineProperty(EventTarget.prototype, Symbol.toStringTag, { value: 'EventTarget', configurable: true });

// Event handler IDL attributes (`onabort`...): the handler's listener takes its place in the
// list when first set to a callable, keeps it when replaced, and leaves it when set to null.
const handlers = new WeakMap();
const defineEventHandler = (proto, type) => {
  const name = 'on' + type;
  Object.defineProperty(proto, name, {
    get() { const h = handlers.get(this); return (h && h[name] && h[name].value) || null; },
    set(v) {
      let h = handlers.get(this);
      if (h === undefined) handlers.set(this, (h = Object.create(null)));
      const value = isCallable(v) || (typeof v === 'object' && v !== null) ? v : null;
      const slot = h[name];
      if (value === null) {
        if (slot) { this.removeEventListener(type, slot.listener); h[name] = undefined; }
        return;
      }
      if (slot) { slot.value = value; return; }
      const s = { value, listener: null };
      s.listener = function (event) {
        const f = s.value;
        if (!isCallable(f)) return undefined;
        const r = f.call(this, event);
        if (r === false) event.preventDefault();
        return r;
      };
      h[name] = s;
      this.addEventListener(type, s.listener);
    },
    enumerable: true,
    configurable: true,
  });
};

// WebIDL [EnforceRange] unsigned long long.
const enforceRange = (v, what) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new TypeError(`${what} is not a finite number.`);
  const t = Math.trunc(n);
  if (t < 0 || t > Number.MAX_SAFE_INTEGER) throw new TypeError(`${what} is outside the range of an unsigned long long.`);
  return t;
};

class AbortSignal extends EventTarget {
  #aborted = false; #reason = undefined; #algorithms = []; #dependent = false; #sources = []; #dependents = [];
  constructor(key) { if (key !== kInternal) throw new TypeError('Illegal constructor'); super(); }
  get aborted() { return this.#aborted; }
  get reason() { return this.#reason; }
  throwIfAborted() { if (this.#aborted) throw this.#reason; }
  // Internal abort algorithms (run before the abort event; listeners cannot stop them).
  [kAlgorithm](algorithm) { if (!this.#aborted) this.#algorithms.push(algorithm); }
  // "Signal abort".
  [kInternal](reason) {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    const toAbort = [];
    for (const d of this.#dependents) {
      if (d.#aborted) continue;
      d.#aborted = true;
      d.#reason = this.#reason;
      toAbort.push(d);
    }
    this.#dependents = [];
    this.#abortSteps();
    for (const d of toAbort) d.#abortSteps();
  }
  #abortSteps() {
    const algorithms = this.#algorithms;
    this.#algorithms = [];
    this.#sources = [];
    for (const a of algorithms) a(this.#reason);
    Event[kInternal](new Event('abort'), this, true);
  }
  static abort(reason = undefined) {
    const s = new AbortSignal(kInternal);
    s.#aborted = true;
    s.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    return s;
  }
  static timeout(milliseconds) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'timeout' on 'AbortSignal': 1 argument required, but only 0 present.");
    const ms = enforceRange(milliseconds, "Failed to execute 'timeout' on 'AbortSignal': Value");
    const s = new AbortSignal(kInternal);
    lazyLoad('timers').schedule(() => s[kInternal](new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms, [], false);
    return s;
  }
  static any(signals) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'any' on 'AbortSignal': 1 argument required, but only 0 present.");
    if (!isObject(signals) || !isCallable(signals[Symbol.iterator])) throw new TypeError("Failed to execute 'any' on 'AbortSignal': The provided value cannot be converted to a sequence.");
    const list = [];
    for (const x of signals) {
      if (!(x instanceof AbortSignal)) throw new TypeError("Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'.");
      list.push(x);
    }
    const result = new AbortSignal(kInternal);
    for (const x of list) {
      if (x.#aborted) { result.#aborted = true; result.#reason = x.#reason; return result; }
    }
    result.#dependent = true;
    const follow = (source) => {
      if (result.#sources.includes(source)) return;
      result.#sources.push(source);
      source.#dependents.push(result);
    };
    for (const x of list) {
      if (!x.#dependent) follow(x);
      else for (const source of x.#sources) follow(source);
    }
    return result;
  }
}
defineEventHandler(AbortSignal.prototype, 'abort');
Object.defineProperty(AbortSignal.prototype, Symbol.toStringTag, { value: 'AbortSignal', configurable: true });

class AbortController {
  #signal = new AbortSignal(kInternal);
  get signal() { return this.#signal; }
  abort(reason = undefined) { this.#signal[kInternal](reason); }
}
Object.defineProperty(AbortController.prototype, Symbol.toStringTag, { value: 'AbortController', configurable: true });

defineGlobal('Event', Event);
defineGlobal('CustomEvent', CustomEvent);
defineGlobal('EventTarget', EventTarget);
defineGlobal('AbortSignal', AbortSignal);
defineGlobal('AbortController', AbortController);

// The global scope is an event target for the service-worker format.
const globalTarget = new EventTarget();
defineGlobal('addEventListener', function addEventListener(type, listener, options) { return globalTarget.addEventListener(...arguments); });
defineGlobal('removeEventListener', function removeEventListener(type, listener, options) { return globalTarget.removeEventListener(...arguments); });
defineGlobal('dispatchEvent', function dispatchEvent(event) { return globalTarget.dispatchEvent(...arguments); });
return { Event, CustomEvent, EventTarget, AbortSignal, AbortController, globalTarget, defineEventHandler, madeByRuntime };
