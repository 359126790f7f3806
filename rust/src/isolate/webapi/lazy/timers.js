// Timers (setTimeout, setInterval, their clear functions, scheduler.wait): each expiry is a
// Timer operation the host completes at its time.
let nextTimer = 1;
const timers = new Map();
const arm = (id, entry) => {
  const [op, promise] = native.timer(entry.delay);
  entry.op = op;
  promise.then(() => {
    if (timers.get(id) !== entry) return;
    if (entry.repeat) arm(id, entry); else timers.delete(id);
    entry.fn.apply(globalThis, entry.args);
  });
};
const schedule = (fn, delay, args, repeat) => {
  if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
  const id = nextTimer++;
  const entry = { fn, args, repeat, delay: Math.max(0, Number(delay) || 0), op: 0 };
  timers.set(id, entry);
  arm(id, entry);
  return id;
};
const clear = (id) => {
  const entry = timers.get(typeof id === 'object' && id !== null ? id[kInternal] : id);
  if (!entry) return;
  timers.delete(id);
  native.cancel(entry.op);
};
defineGlobal('setTimeout', (fn, delay, ...args) => schedule(fn, delay, args, false));
defineGlobal('setInterval', (fn, delay, ...args) => schedule(fn, delay, args, true));
defineGlobal('clearTimeout', clear);
defineGlobal('clearInterval', clear);
defineGlobal('scheduler', { wait: (ms) => new Promise((resolve) => schedule(resolve, ms, [], false)) });
return { schedule };
