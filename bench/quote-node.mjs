// `npm run bench` (Node part): in one Node process, on the same inputs, the package's
// quote() and quoteMany() against a hand-written decimal.js version of the same rules
// (bench/quote-decimal.mjs). Before timing, it asserts that both agree on every input.
//
// Run with: node bench/quote-node.mjs   (after `npm run build`)
// SEATQUOTE_PKG=/path/to/node.js measures another build of the package.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import { quoteDecimal } from './quote-decimal.mjs';

const pkg = process.env.SEATQUOTE_PKG ? pathToFileURL(process.env.SEATQUOTE_PKG).href : '../pkg/node.js';
const seatquote = await import(pkg);
const { quote } = seatquote;
const SECONDS = Number(process.env.SEATQUOTE_BENCH_SECONDS ?? 2);

// The inputs: every valid golden case, plus generated valid changes (a fixed seed, so every
// run times the same work): six currencies, both tax modes, all three alignments, month ends.
const golden = JSON.parse(readFileSync(new URL('../tests/golden.json', import.meta.url), 'utf8'));
function generated(n) {
  let s = 0x9e3779b9;
  const rnd = (k) => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s % k;
  };
  const cur = [['USD', 2], ['EUR', 2], ['JPY', 0], ['KWD', 3], ['GBP', 2], ['KRW', 0]];
  const modes = ['immediate', 'nextBilling', 'extend', { alignToCurrentInterval: true, extendInterval: false }];
  const out = [];
  while (out.length < n) {
    const [currency, minor] = cur[rnd(cur.length)];
    const months = [1, 3, 12][rnd(3)];
    const start = new Date(Date.UTC(2024 + rnd(3), rnd(12), 1 + rnd(31)));
    const next = new Date(start); next.setUTCMonth(next.getUTCMonth() + months);
    const period = Math.round((next - start) / 86_400_000);
    if (period < 2) continue;
    const change = new Date(start.getTime() + rnd(period) * 86_400_000);
    const digits = rnd(minor + 3);
    const unit = (rnd(500_000) / 10 ** digits).toFixed(digits);
    const unit2 = rnd(4) === 0 ? (rnd(500_000) / 10 ** digits).toFixed(digits) : unit;
    const qty = 1 + rnd(50);
    const input = {
      currency, taxMode: rnd(2) ? 'gross' : 'net', taxRate: ['0.19', '0.2', '0.07', '0', '0.1', '0.0825'][rnd(6)],
      periodStart: start.toISOString().slice(0, 10), nextBillingDate: next.toISOString().slice(0, 10),
      interval: { months, days: 0 }, changeDate: change.toISOString().slice(0, 10),
      current: { unitPrice: unit, quantity: qty },
      next: { unitPrice: unit2, quantity: Math.max(1, qty + rnd(20) - 5) },
      alignment: modes[rnd(modes.length)],
    };
    try { quote(input); out.push(input); } catch (e) { if (e.code !== 'negative_alignment') throw e; }
  }
  return out;
}
const inputs = [...golden.cases.filter((c) => c.output).map((c) => c.input), ...generated(1000)];

// Agreement: the hand-written version must give the engine's answer on every input.
for (const input of inputs) assert.deepEqual(quoteDecimal(input), quote(input), JSON.stringify(input));
if (seatquote.quoteMany) assert.deepEqual(seatquote.quoteMany(inputs), inputs.map((i) => quote(i)));

/** Calls per second of `f` over the inputs, for about SECONDS seconds after a warm-up. */
function rate(f) {
  for (let i = 0; i < 30_000; i++) f(inputs[i % inputs.length]);
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < BigInt(SECONDS * 1e9)) {
    for (const input of inputs) sink += f(input).proration.periodDays;
    n += inputs.length;
    elapsed = process.hrtime.bigint() - start;
  }
  if (sink === 0) console.log('');
  return n / (Number(elapsed) / 1e9);
}

function rateMany(batch) {
  const chunks = [];
  for (let i = 0; i < inputs.length; i += batch) chunks.push(inputs.slice(i, i + batch));
  for (let i = 0; i < 20; i++) for (const c of chunks) seatquote.quoteMany(c);
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < BigInt(SECONDS * 1e9)) {
    for (const c of chunks) n += seatquote.quoteMany(c).length;
    elapsed = process.hrtime.bigint() - start;
  }
  return n / (Number(elapsed) / 1e9);
}

const fmt = (x) => `${(x / 1000).toFixed(0).padStart(6)} k/s`;
const engine = rate(quote);
const decimal = rate(quoteDecimal);
console.log(`inputs: ${inputs.length} valid changes (golden + generated); decimal.js agrees on every one`);
console.log(`node quote() (object in → object out):   ${fmt(engine)}   target ≥ 200 k/s: ${engine >= 200_000 ? 'met' : 'MISSED'}`);
console.log(`hand-written decimal.js, same inputs:     ${fmt(decimal)}`);
console.log(`quote() ÷ decimal.js:                     ${(engine / decimal).toFixed(2).padStart(6)} ×     target ≥ 3×: ${engine / decimal >= 3 ? 'met' : 'MISSED'}`);
// The step before: the same engine build reading the object field by field from wasm
// (builds that still export that reader; it is no longer shipped, see src/packed.rs).
const raw = await import(new URL('./quote.js', new URL(pkg, import.meta.url)).href);
if (typeof raw.quote === 'function') {
  const reader = rate(raw.quote);
  console.log(`field-by-field object reader (before):    ${fmt(reader)}`);
}
if (seatquote.quoteMany) {
  const many = rateMany(100);
  console.log(`node quoteMany() in batches of 100:       ${fmt(many)}   (${(many / decimal).toFixed(2)} × decimal.js)`);
}
