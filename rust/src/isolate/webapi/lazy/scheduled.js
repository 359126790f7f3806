// Cron triggers: ScheduledController (module workers' `scheduled(controller, env, ctx)`),
// ScheduledEvent (service-worker `addEventListener('scheduled', ...)`), and the run of one event.
// As on Workers, the event's outcome waits for the handler and for every `waitUntil` promise; the
// task then settles with an empty 200 response (header `x-edgert-no-retry: 1` after noRetry()),
// or fails like a request that threw.
const { Event } = lazyLoad('events');

class ScheduledController {
  #cron; #time; #state;
  constructor(key, cron, time, state) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#cron = cron; this.#time = time; this.#state = state;
  }
  get cron() { return this.#cron; }
  get scheduledTime() { return this.#time; }
  get type() { return 'scheduled'; }
  noRetry() { this.#state.noRetry = true; }
  get [Symbol.toStringTag]() { return 'ScheduledController'; }
}

class ScheduledEvent extends Event {
  #controller; #ctx;
  constructor(type, init) {
    super(type);
    const internal = init && init[kInternal];
    if (!internal) throw new TypeError('Illegal constructor');
    this.#controller = internal.controller; this.#ctx = internal.ctx;
    lazyLoad('events').madeByRuntime(this); // dispatched by the runtime: trusted
  }
  get cron() { return this.#controller.cron; }
  get scheduledTime() { return this.#controller.scheduledTime; }
  noRetry() { this.#controller.noRetry(); }
  waitUntil(p) { this.#ctx.waitUntil(p); }
}

// Runs one event: `kind` "scheduled", `payload` JSON {cron, scheduledTime}.
const run = (task, kind, payloadJson, target, env, tools) => {
  const ctx = new tools.ExecutionContext(task, null);
  if (kind !== 'scheduled') { native.fail(task, 'exception', new TypeError(`edgert: unknown event kind ${kind}`)); return; }
  const pending = [];
  const register = ctx.waitUntil.bind(ctx);
  Object.defineProperty(ctx, 'waitUntil', { value: (p) => { const q = Promise.resolve(p); pending.push(q); register(q); }, configurable: true });
  let payload;
  try { payload = JSON.parse(payloadJson); } catch (e) { native.fail(task, 'exception', e); return; }
  const state = { noRetry: false };
  const controller = new ScheduledController(kInternal, String(payload.cron ?? ''), Number(payload.scheduledTime), state);
  let result;
  try {
    if (isObject(target) && typeof target.scheduled === 'function') result = target.scheduled(controller, env, ctx);
    else if (typeof target === 'function' && target.prototype && typeof target.prototype.scheduled === 'function') result = new target(ctx, env).scheduled(controller);
    else {
      const events = lazyLoad('events');
      const listeners = events.globalTarget[Symbol.for('edgert.listeners')].get('scheduled') || [];
      if (!listeners.length) throw new TypeError('Handler does not export a scheduled() function.');
      events.globalTarget.dispatchEvent(new ScheduledEvent('scheduled', { [kInternal]: { controller, ctx } }));
    }
  } catch (e) {
    tools.failed(ctx, e);
    return;
  }
  // The handler's promise, then every waitUntil promise (including ones added while waiting).
  const settleAll = async () => {
    await result;
    for (let i = 0; i < pending.length; i++) await pending[i];
  };
  settleAll().then(
    () => native.settle(task, 200, 'OK', state.noRetry ? ['x-edgert-no-retry', '1'] : [], null),
    (e) => tools.failed(ctx, e),
  );
};

defineGlobal('ScheduledController', ScheduledController);
defineGlobal('ScheduledEvent', ScheduledEvent);
return { ScheduledController, ScheduledEvent, run };
