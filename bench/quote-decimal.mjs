// The comparison for `npm run bench`: the pricing rules of docs/pricing.md written by hand
// with decimal.js, the way a merchant's developer would write them instead of using the
// package. It validates what the rules say must be validated, computes with decimal.js
// (half away from zero, exact enough at 40 significant digits) and returns the same object
// as quote(). bench/quote-node.mjs checks it agrees with the engine on every input it times.
import Decimal from 'decimal.js';

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

// ISO 4217 minor units of the currencies a merchant sells in (here: the bench's).
const MINOR = { USD: 2, EUR: 2, GBP: 2, CHF: 2, JPY: 0, KRW: 0, KWD: 3, BHD: 3 };
const PRICE = /^\d+(\.\d{1,6})?$/;
const RATE = /^\d+(\.\d{1,6})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY = 86_400_000;

function fail(code, message) {
  const e = new Error(message);
  e.code = code;
  throw e;
}

function day(s) {
  const m = typeof s === 'string' && DATE.exec(s);
  if (!m) fail('invalid_date', 'dates must be YYYY-MM-DD');
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const d = new Date(t);
  if (d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) {
    fail('invalid_date', 'not a calendar date');
  }
  return t;
}

function iso(t) {
  return new Date(t).toISOString().slice(0, 10);
}

function addInterval(t, months, days) {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), last)) + days * DAY;
}

function price(p) {
  if (typeof p !== 'string' || !PRICE.test(p)) fail('invalid_price', 'bad unit price');
  const d = new D(p);
  if (d.gt(1_000_000_000)) fail('invalid_price', 'unit price too large');
  return d;
}

function quantity(q) {
  if (!Number.isInteger(q) || q < 1 || q > 1_000_000) fail('invalid_quantity', 'bad quantity');
  return q;
}

function split(a, gross, rate, minor) {
  if (gross) {
    const net = a.div(rate.plus(1)).toDecimalPlaces(minor);
    return { net, vat: a.minus(net), gross: a };
  }
  const vat = a.mul(rate).toDecimalPlaces(minor);
  return { net: a, vat, gross: a.plus(vat) };
}

export function quoteDecimal(input) {
  const minor = MINOR[input.currency];
  if (minor === undefined) fail('invalid_currency', 'unknown currency');
  if (input.taxMode !== 'gross' && input.taxMode !== 'net') fail('invalid_input', 'bad tax mode');
  const gross = input.taxMode === 'gross';
  if (typeof input.taxRate !== 'string' || !RATE.test(input.taxRate)) fail('invalid_tax_rate', 'bad rate');
  const rate = new D(input.taxRate);
  if (rate.gte(1)) fail('invalid_tax_rate', 'rate must be below 1');
  const start = day(input.periodStart);
  const nextBilling = day(input.nextBillingDate);
  const change = day(input.changeDate);
  const { months, days } = input.interval;
  if (!Number.isInteger(months) || !Number.isInteger(days) || months < 0 || months > 120 ||
      days < 0 || days > 3650 || months + days === 0) fail('invalid_interval', 'bad interval');
  const curUnit = price(input.current.unitPrice);
  const nextUnit = price(input.next.unitPrice);
  const curQty = quantity(input.current.quantity);
  const nextQty = quantity(input.next.quantity);
  let mode = input.alignment;
  if (typeof mode === 'object' && mode !== null) {
    const { alignToCurrentInterval: a, extendInterval: x = false } = mode;
    if (x && !a) fail('invalid_alignment', 'ExtendInterval requires AlignToCurrentInterval');
    mode = a ? (x ? 'extend' : 'immediate') : 'nextBilling';
  }
  if (mode !== 'immediate' && mode !== 'nextBilling' && mode !== 'extend') fail('invalid_alignment', 'bad mode');
  if (start >= nextBilling) fail('invalid_date', 'period ends before it starts');
  if (change < start || change >= nextBilling) fail('outside_period', 'change date outside the period');

  const remaining = (nextBilling - change) / DAY;
  const period = (nextBilling - start) / DAY;
  const curTotal = curUnit.mul(curQty).toDecimalPlaces(minor);
  const newTotal = nextUnit.mul(nextQty).toDecimalPlaces(minor);
  let due = new D(0);
  let nextDate = nextBilling;
  if (mode === 'immediate') {
    due = newTotal.minus(curTotal).mul(remaining).div(period).toDecimalPlaces(minor);
  } else if (mode === 'extend') {
    due = newTotal.minus(curTotal.mul(remaining).div(period)).toDecimalPlaces(minor);
    nextDate = addInterval(change, months, days);
  }
  if (due.isNegative() && !due.isZero()) fail('negative_alignment', 'negative amount due today');
  const today = split(due, gross, rate, minor);
  const later = split(newTotal, gross, rate, minor);
  const cmp = newTotal.cmp(curTotal);
  const money = (d) => d.toFixed(minor);
  const unit = (d) => d.toFixed(Math.max(minor, d.decimalPlaces()));
  return {
    currency: input.currency,
    updateAction: cmp > 0 ? 'upgrade' : cmp < 0 ? 'downgrade' : 'update',
    proration: { remainingDays: remaining, periodDays: period },
    current: { unitPrice: unit(curUnit), quantity: curQty, total: money(curTotal) },
    next: { unitPrice: unit(nextUnit), quantity: nextQty, total: money(newTotal) },
    alignment: { net: money(today.net), vat: money(today.vat), gross: money(today.gross) },
    nextBilling: { date: iso(nextDate), net: money(later.net), vat: money(later.vat), gross: money(later.gross) },
  };
}
