// quote() and quoteMany() with one boundary crossing per call: the input object is read
// here, in JavaScript, and packed into one string; the engine answers with one string.
// Anything this packer does not handle exactly (an unknown field, a non-object where an
// object belongs, a separator character inside a string) goes to the engine's own
// object reader instead, which gives the same answers and the same errors.
// The packed format is described in src/packed.rs; why, and the figures, in DESIGN.md.
// The engine is the quote module's or, on a page with the widget, the widget's (engine.js).
import { current } from './engine.js';

function engine() {
  const e = current();
  if (e === undefined) throw new Error('seatquote: call `await init()` before quote()');
  return e;
}

const US = '\x1f';
const RS = '\x1e';

/** The error every seatquote call throws: a real `Error` with a stable machine `code`. */
export class QuoteError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'QuoteError';
    this.code = code;
  }
}

function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// One scalar: a tag and a payload. A string holding a separator shifts the packed fields;
// the engine notices (the field count) and answers `?`, and the exact reader takes over.
function scalar(v) {
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return Number.isSafeInteger(v) ? 'i' + v : 'n';
    case 'boolean':
      return v ? 't' : 'f';
    default:
      return 'o';
  }
}

// Every enumerable key of `o` (own or inherited: a superset of what the exact reader
// checks) is one of the known ones; no allocation.
function onlyKeys(o, known) {
  for (const k in o) if (!known(k)) return false;
  return true;
}
const topKey = (k) => k === 'currency' || k === 'taxMode' || k === 'taxRate' || k === 'periodStart' ||
  k === 'nextBillingDate' || k === 'interval' || k === 'changeDate' || k === 'current' || k === 'next' ||
  k === 'alignment';
const intervalKey = (k) => k === 'months' || k === 'days';
const currentKey = (k) => k === 'unitPrice' || k === 'quantity';
const nextKey = (k) => k === 'unitPrice' || k === 'quantity' || k === 'currency' || k === 'isGross';
const flagKey = (k) => k === 'alignToCurrentInterval' || k === 'extendInterval';

/** The packed form of one input, or undefined when the exact reader must handle it. */
function pack(input) {
  if (!isObject(input) || !onlyKeys(input, topKey)) return undefined;
  const interval = input.interval, current = input.current, next = input.next, alignment = input.alignment;
  if (!isObject(interval) || !isObject(current) || !isObject(next)) return undefined;
  if (!onlyKeys(interval, intervalKey) || !onlyKeys(current, currentKey) || !onlyKeys(next, nextKey)) return undefined;
  if (current.currency !== undefined || current.isGross !== undefined) return undefined;
  let a;
  if (typeof alignment === 'object' && alignment !== null) {
    if (Array.isArray(alignment) || !onlyKeys(alignment, flagKey)) return undefined;
    const at = alignment.alignToCurrentInterval, ex = alignment.extendInterval;
    if (typeof at !== 'boolean' || (ex !== undefined && typeof ex !== 'boolean')) return undefined;
    a = at ? (ex ? 'F11' : 'F10') : (ex ? 'F01' : 'F00');
  } else {
    a = scalar(alignment);
  }
  const nc = next.currency, ng = next.isGross;
  const p = scalar(input.currency) + US + scalar(input.taxMode) + US + scalar(input.taxRate) + US +
    scalar(input.periodStart) + US + scalar(input.nextBillingDate) + US + scalar(input.changeDate) + US +
    scalar(interval.months) + US + scalar(interval.days) + US +
    scalar(current.unitPrice) + US + scalar(current.quantity) + US +
    scalar(next.unitPrice) + US + scalar(next.quantity) + US +
    (nc === undefined ? 'u' : scalar(nc)) + US + (ng === undefined ? 'u' : scalar(ng)) + US + a;
  return p;
}

// The object for one packed answer; undefined for `?` (not unpackable: use the reader).
function answer(text) {
  const first = text.charCodeAt(0);
  if (first === 63 /* ? */) return undefined;
  if (first === 33 /* ! */) {
    const sep = text.indexOf(US);
    throw new QuoteError(text.slice(1, sep), text.slice(sep + 1));
  }
  const v = text.split(US);
  return {
    currency: v[0],
    updateAction: v[1],
    proration: { remainingDays: +v[2], periodDays: +v[3] },
    current: { unitPrice: v[4], quantity: +v[5], total: v[6] },
    next: { unitPrice: v[7], quantity: +v[8], total: v[9] },
    alignment: { net: v[10], vat: v[11], gross: v[12] },
    nextBilling: { date: v[13], net: v[14], vat: v[15], gross: v[16] },
  };
}

function exact(input) {
  try {
    return engine().quote(input);
  } catch (e) {
    if (e && typeof e.code === 'string') throw new QuoteError(e.code, e.message);
    throw e;
  }
}

/**
 * Prices a seat change (docs/pricing.md). Money and rates are decimal strings.
 * Throws a `QuoteError` whose `code` says what is wrong.
 */
export function quote(input) {
  const packed = pack(input);
  const q = packed === undefined ? undefined : answer(engine().quotePacked(packed));
  return q === undefined ? exact(input) : q;
}

/**
 * Prices many seat changes in one call (one boundary crossing for the batch). Returns the
 * quotes in order; throws the first input's error (in input order) as a `QuoteError`
 * with `index` set to that input's position.
 */
export function quoteMany(inputs) {
  const n = inputs.length;
  const packed = new Array(n);
  const slow = [];
  for (let i = 0; i < n; i++) {
    const p = pack(inputs[i]);
    // A record separator inside a string would split the batch: such inputs go to the reader.
    const ok = p !== undefined && p.indexOf(RS) === -1;
    if (!ok) slow.push(i);
    packed[i] = ok ? p : 'o';
  }
  const texts = n === 0 ? [] : engine().quoteManyPacked(packed.join(RS)).split(RS);
  const out = new Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    try {
      out[i] = slow[s] === i ? (s++, exact(inputs[i])) : (answer(texts[i]) ?? exact(inputs[i]));
    } catch (e) {
      if (e instanceof QuoteError) e.index = i;
      throw e;
    }
  }
  return out;
}
