// console: captured per request with its level, never printed by the core. Lazy: built the
// first time a worker reads `console` (or the runtime formats a value).
const formatValue = (v, seen = new Set(), depth = 0) => {
  if (typeof v === 'string') return depth ? JSON.stringify(v) : v;
  if (typeof v === 'function') return `[Function: ${v.name || 'anonymous'}]`;
  if (typeof v === 'symbol' || typeof v === 'bigint') return v.toString() + (typeof v === 'bigint' ? 'n' : '');
  if (!isObject(v)) return String(v);
  if (v instanceof Error) return v.stack ? `${v.name}: ${v.message}\n${v.stack}`.trimEnd() : `${v.name}: ${v.message}`;
  if (seen.has(v)) return '[Circular]';
  if (depth > 4) return Array.isArray(v) ? '[Array]' : '[Object]';
  seen.add(v);
  try {
    if (Array.isArray(v)) return `[ ${v.map((x) => formatValue(x, seen, depth + 1)).join(', ')} ]`;
    if (v instanceof Map) return `Map(${v.size}) { ${[...v].map(([k, x]) => `${formatValue(k, seen, depth + 1)} => ${formatValue(x, seen, depth + 1)}`).join(', ')} }`;
    if (v instanceof Set) return `Set(${v.size}) { ${[...v].map((x) => formatValue(x, seen, depth + 1)).join(', ')} }`;
    if (v instanceof RealDate) return v.toISOString();
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length}) [ ${Array.prototype.slice.call(v, 0, 50).join(', ')} ]`;
    const name = v.constructor && v.constructor !== Object ? v.constructor.name + ' ' : '';
    const keys = Object.keys(v);
    if (!keys.length) return `${name}{}`;
    return `${name}{ ${keys.map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${formatValue(v[k], seen, depth + 1)}`).join(', ')} }`;
  } finally {
    seen.delete(v);
  }
};
const format = (args) => {
  if (args.length && typeof args[0] === 'string' && /%[sdifoOjc%]/.test(args[0])) {
    let i = 1;
    const head = args[0].replace(/%([sdifoOjc%])/g, (m, c) => {
      if (c === '%') return '%';
      if (i >= args.length) return m;
      const a = args[i++];
      switch (c) {
        case 's': return typeof a === 'string' ? a : formatValue(a, new Set(), 1);
        case 'd': case 'i': return String(c === 'i' ? parseInt(a) : Number(a));
        case 'f': return String(parseFloat(a));
        case 'j': try { return JSON.stringify(a); } catch { return '[Circular]'; }
        case 'c': return '';
        default: return formatValue(a, new Set(), 1);
      }
    });
    return [head, ...args.slice(i).map((a) => formatValue(a))].join(' ');
  }
  return args.map((a) => formatValue(a)).join(' ');
};
const counters = new Map();
const timersLabel = new Map();
// A namespace object (Console Standard): for historical reasons its [[Prototype]] is an empty
// object whose own [[Prototype]] is %Object.prototype%; labels are DOMStrings (converted with
// ToString before use, so a throwing toString() propagates).
const console = Object.create(Object.create(Object.prototype));
Object.defineProperty(console, Symbol.toStringTag, { value: 'console', writable: false, enumerable: false, configurable: true });
const label = (v) => (v === undefined ? 'default' : `${v}`);
for (const [method, level] of [['log', 'log'], ['info', 'info'], ['warn', 'warn'], ['error', 'error'], ['debug', 'debug'], ['trace', 'debug']]) {
  console[method] = { [method]: (...args) => native.log(level, format(args)) }[method];
}
Object.assign(console, {
  assert(cond = false, ...args) { if (!cond) native.log('error', 'Assertion failed' + (args.length ? ': ' + format(args) : '')); },
  dir(v) { native.log('log', formatValue(v)); },
  dirxml(...args) { native.log('log', format(args)); },
  table(v) { native.log('log', formatValue(v)); },
  clear() {},
  count(l = undefined) { const k = label(l); const n = (counters.get(k) || 0) + 1; counters.set(k, n); native.log('info', `${k}: ${n}`); },
  countReset(l = undefined) { const k = label(l); if (!counters.has(k)) native.log('warn', `Count for '${k}' does not exist`); else counters.set(k, 0); },
  time(l = undefined) { const k = label(l); if (timersLabel.has(k)) native.log('warn', `Timer '${k}' already exists`); else timersLabel.set(k, native.now()); },
  timeEnd(l = undefined) { const k = label(l); const t = timersLabel.get(k); timersLabel.delete(k); native.log('info', `${k}: ${t === undefined ? 0 : native.now() - t}ms`); },
  timeLog(l = undefined, ...a) { const k = label(l); const t = timersLabel.get(k); native.log('info', `${k}: ${t === undefined ? 0 : native.now() - t}ms${a.length ? ' ' + format(a) : ''}`); },
  group() {}, groupCollapsed() {}, groupEnd() {},
});
defineGlobal('console', console);
return { console, inspect: formatValue };

