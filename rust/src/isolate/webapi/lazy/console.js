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
const console = {};
for (const [method, level] of [['log', 'log'], ['info', 'info'], ['warn', 'warn'], ['error', 'error'], ['debug', 'debug'], ['trace', 'debug']]) {
  console[method] = (...args) => native.log(level, format(args));
}
console.assert = (cond, ...args) => { if (!cond) native.log('error', 'Assertion failed' + (args.length ? ': ' + format(args) : '')); };
console.dir = (v) => native.log('log', formatValue(v));
console.table = (v) => native.log('log', formatValue(v));
console.count = (label = 'default') => { const n = (counters.get(label) || 0) + 1; counters.set(label, n); native.log('info', `${label}: ${n}`); };
console.countReset = (label = 'default') => counters.delete(label);
console.time = (label = 'default') => timersLabel.set(label, native.now());
console.timeEnd = (label = 'default') => { const t = timersLabel.get(label); timersLabel.delete(label); native.log('info', `${label}: ${t === undefined ? 0 : native.now() - t}ms`); };
console.timeLog = (label = 'default', ...a) => { const t = timersLabel.get(label); native.log('info', `${label}: ${t === undefined ? 0 : native.now() - t}ms${a.length ? ' ' + format(a) : ''}`); };
console.group = console.groupCollapsed = console.groupEnd = () => {};
defineGlobal('console', console);
return { console, inspect: formatValue };

