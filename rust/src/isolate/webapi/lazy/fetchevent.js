// FetchEvent, for the service-worker format.
const { Event } = lazyLoad('events');
class FetchEvent extends Event {
  #request; #ctx; #response = null; #responded = false;
  constructor(type, init = {}) {
    super(type);
    this.#request = init.request; this.#ctx = init[kInternal];
    if (this.#ctx !== undefined) lazyLoad('events').madeByRuntime(this); // dispatched by the runtime: trusted
  }
  get request() { return this.#request; }
  respondWith(r) {
    if (this.#responded) throw new DOMException('respondWith() was already called', 'InvalidStateError');
    this.#responded = true;
    this.#response = r;
  }
  waitUntil(p) { this.#ctx.waitUntil(p); }
  passThroughOnException() { this.#ctx.passThroughOnException(); }
  get [kSym.result]() { return this.#responded ? this.#response : undefined; }
  get [kSym.responded]() { return this.#responded; }
}
defineGlobal('FetchEvent', FetchEvent);
return { FetchEvent };
