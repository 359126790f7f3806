// Queuing strategies (Streams Standard section 7) and the queue-with-sizes that readable and
// writable controllers keep (section 8.1).

// A strategy dictionary read in WebIDL order (`highWaterMark`, then `size`), before the
// constructor reads its source or sink: { highWaterMark: number|undefined, size: fn|undefined }.
const readStrategy = (strategy) => {
  const s = dictArg(strategy, 'strategy');
  if (s === null) return { highWaterMark: undefined, size: undefined };
  const hwm = s.highWaterMark;
  const highWaterMark = hwm === undefined ? undefined : Number(hwm);
  const size = callbackMember(s, 'size', 'strategy');
  return { highWaterMark, size };
};
const extractHighWaterMark = (strategy, defaultHWM) => {
  if (strategy.highWaterMark === undefined) return defaultHWM;
  const hwm = strategy.highWaterMark;
  if (Number.isNaN(hwm) || hwm < 0) throw new RangeError('Invalid highWaterMark');
  return hwm;
};
const sizeOne = () => 1;
const extractSizeAlgorithm = (strategy) => {
  const size = strategy.size;
  if (size === undefined) return sizeOne;
  return (chunk) => reflectApply(size, undefined, [chunk]);
};

// ---- queue-with-sizes: `rec.queue` (values) and `rec.sizes` in step, with `queueTotalSize`.
const resetQueue = (rec) => { rec.queue = []; rec.sizes = []; rec.queueTotalSize = 0; };
const enqueueValueWithSize = (rec, value, size) => {
  size = Number(size);
  if (Number.isNaN(size) || size < 0 || size === Infinity) throw new RangeError('The chunk size must be a finite, non-negative number');
  rec.queue.push(value);
  rec.sizes.push(size);
  rec.queueTotalSize += size;
};
const dequeueValue = (rec) => {
  const value = rec.queue.shift();
  rec.queueTotalSize -= rec.sizes.shift();
  if (rec.queueTotalSize < 0) rec.queueTotalSize = 0; // rounding errors
  return value;
};
const peekQueueValue = (rec) => rec.queue[0];

// ---- the strategy classes: their `size` functions are shared per global, as the standard says.
// Method definitions: named "size", without a prototype, not constructors (as the standard's).
const countSize = { size() { return 1; } }.size;
const byteLengthSize = { size(chunk) { return chunk.byteLength; } }.size;
const strategyInit = (init, what) => {
  if (!isObj(init)) throw new TypeError(`Failed to construct '${what}': 1 argument required, an object with highWaterMark`);
  const hwm = init.highWaterMark;
  if (hwm === undefined) throw new TypeError(`Failed to construct '${what}': highWaterMark is required`);
  return Number(hwm);
};
class ByteLengthQueuingStrategy {
  constructor(init) { this[kS] = { kind: 'blqs', highWaterMark: strategyInit(init, 'ByteLengthQueuingStrategy') }; }
  get highWaterMark() { return recOf(this, 'blqs', 'ByteLengthQueuingStrategy').highWaterMark; }
  get size() { recOf(this, 'blqs', 'ByteLengthQueuingStrategy'); return byteLengthSize; }
}
class CountQueuingStrategy {
  constructor(init) { this[kS] = { kind: 'cqs', highWaterMark: strategyInit(init, 'CountQueuingStrategy') }; }
  get highWaterMark() { return recOf(this, 'cqs', 'CountQueuingStrategy').highWaterMark; }
  get size() { recOf(this, 'cqs', 'CountQueuingStrategy'); return countSize; }
}
