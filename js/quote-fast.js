// quote() and quoteMany() with one boundary crossing per call: the input object is read
// here, in JavaScript (its shape: objects where objects belong, no unknown fields, the
// alignment flags), and packed into one string of tagged scalars; the engine validates and
// prices it and answers with one string. The packed format is described in src/packed.rs;
// why, and the figures, in DESIGN.md ("Size and speed").
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

// The shape errors, in the order the fields are read: the top object, interval, current,
// next, alignment, then unknown top-level fields.
function object(v, message) {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new QuoteError('invalid_input', message);
  return v;
}

const topKey = (k) => k === 'currency' || k === 'taxMode' || k === 'taxRate' || k === 'periodStart' ||
  k === 'nextBillingDate' || k === 'interval' || k === 'changeDate' || k === 'current' || k === 'next' ||
  k === 'alignment';
const intervalKey = (k) => k === 'months' || k === 'days';
const priceKey = (k) => k === 'unitPrice' || k === 'quantity' || k === 'currency' || k === 'isGross';
const flagKey = (k) => k === 'alignToCurrentInterval' || k === 'extendInterval';

// Refuses the first own enumerable field of `o` that is not a known one. The common case
// costs no allocation: `for…in` sees a superset of the own keys; only when it meets an
// unknown key (perhaps an inherited one, which is allowed) are the own keys listed.
function onlyKnown(o, known) {
  for (const k in o) {
    if (!known(k)) {
      for (const own of Object.keys(o)) {
        if (!known(own)) throw new QuoteError('invalid_input', 'unknown field `' + own + '`');
      }
      return;
    }
  }
}

// One scalar: a tag and a payload. With `clean`, the separator characters inside a string
// become U+001D (just as invalid in every field; no message repeats the value).
function scalar(v, clean) {
  switch (typeof v) {
    case 'string':
      return clean ? 's' + v.replace(/[\x1e\x1f]/g, '\x1d') : 's' + v;
    case 'number':
      return Number.isSafeInteger(v) ? 'i' + v : 'n';
    case 'boolean':
      return v ? 't' : 'f';
    default:
      return 'o';
  }
}
const guard = (v, clean) => (v === undefined ? 'u' : scalar(v, clean));

function flags(a) {
  const at = a.alignToCurrentInterval, ex = a.extendInterval;
  if (typeof at !== 'boolean' || (ex !== undefined && typeof ex !== 'boolean')) {
    throw new QuoteError('invalid_alignment', 'alignment flags must be true or false');
  }
  onlyKnown(a, flagKey);
  return at ? (ex ? 'F11' : 'F10') : (ex ? 'F01' : 'F00');
}

/** Reads one input's shape and packs it (throws its shape error as a `QuoteError`). */
function pack(input, clean) {
  object(input, 'quote() takes an object');
  const interval = object(input.interval, 'interval must be an object { months, days }');
  onlyKnown(interval, intervalKey);
  const cur = object(input.current, 'current must be an object');
  onlyKnown(cur, priceKey);
  const next = object(input.next, 'next must be an object');
  onlyKnown(next, priceKey);
  const alignment = input.alignment;
  let a;
  if (typeof alignment === 'object' && alignment !== null) {
    if (Array.isArray(alignment)) throw new QuoteError('invalid_input', 'alignment must be a mode or an object');
    a = flags(alignment);
  } else {
    a = scalar(alignment, clean);
  }
  onlyKnown(input, topKey);
  return scalar(input.currency, clean) + US + scalar(input.taxMode, clean) + US + scalar(input.taxRate, clean) + US +
    scalar(input.periodStart, clean) + US + scalar(input.nextBillingDate, clean) + US + scalar(input.changeDate, clean) + US +
    scalar(interval.months, clean) + US + scalar(interval.days, clean) + US +
    scalar(cur.unitPrice, clean) + US + scalar(cur.quantity, clean) + US + guard(cur.currency, clean) + US + guard(cur.isGross, clean) + US +
    scalar(next.unitPrice, clean) + US + scalar(next.quantity, clean) + US + guard(next.currency, clean) + US + guard(next.isGross, clean) + US +
    a;
}

// The object for one packed answer; undefined for `?` (a separator inside a string moved
// the fields: the caller packs again with `clean`).
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

function again(input) {
  const q = answer(engine().quotePacked(pack(input, true)));
  if (q === undefined) throw new Error('seatquote: the engine could not read a packed input');
  return q;
}

/**
 * Prices a seat change (docs/pricing.md). Money and rates are decimal strings.
 * Throws a `QuoteError` whose `code` says what is wrong.
 */
export function quote(input) {
  return answer(engine().quotePacked(pack(input, false))) ?? again(input);
}

/**
 * Prices many seat changes in one call (one boundary crossing for the batch). Returns the
 * quotes in order; throws the first input's error (in input order) as a `QuoteError`
 * with `index` set to that input's position.
 */
export function quoteMany(inputs) {
  const n = inputs.length;
  const packed = new Array(n);
  const shape = new Array(n);
  for (let i = 0; i < n; i++) {
    try {
      const p = pack(inputs[i], false);
      // A record separator inside a string would split the batch.
      packed[i] = p.indexOf(RS) === -1 ? p : pack(inputs[i], true);
    } catch (e) {
      if (!(e instanceof QuoteError)) throw e;
      shape[i] = e;
      packed[i] = 'o';
    }
  }
  const texts = n === 0 ? [] : engine().quoteManyPacked(packed.join(RS)).split(RS);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    try {
      if (shape[i]) throw shape[i];
      out[i] = answer(texts[i]) ?? again(inputs[i]);
    } catch (e) {
      if (e instanceof QuoteError) e.index = i;
      throw e;
    }
  }
  return out;
}
