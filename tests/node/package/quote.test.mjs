// The built, packed package in a plain Node ESM project: `npm pack pkg/`, install the
// tarball into a temporary project, import it there the way a merchant would, and run
// the golden table (tests/golden.json) through quote().
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
const golden = JSON.parse(readFileSync(join(root, 'tests/golden.json'), 'utf8'));
let project;
let seatquote;

before(() => {
  project = mkdtempSync(join(tmpdir(), 'seatquote-pack-'));
  const tgz = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', project, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(project, tgz)], { cwd: project, stdio: 'ignore' });
});

async function load() {
  seatquote ??= await import(join(project, 'node_modules/seatquote/node.js'));
  return seatquote;
}

test('bare specifier resolves through the exports map (node condition) and prints the worked check', () => {
  const script = `import { quote } from 'seatquote'; const input = ${JSON.stringify(golden.cases[0].input)}; console.log(JSON.stringify(quote(input)));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: project, encoding: 'utf8' });
  assert.equal(out.trim(), JSON.stringify(golden.cases[0].output));
});

test('golden table: every case gives its output or its error code', async () => {
  const { quote } = await load();
  assert.ok(golden.cases.length >= 60);
  for (const c of golden.cases) {
    if (c.output) {
      assert.deepEqual(quote(c.input), c.output, c.name);
      assert.equal(JSON.stringify(quote(c.input)), JSON.stringify(c.output), c.name);
    } else {
      assert.throws(() => quote(c.input), (e) => {
        assert.ok(e instanceof Error, `${c.name}: an Error`);
        assert.equal(e.code, c.error, `${c.name}: ${e.message}`);
        assert.ok(e.message.length > 0);
        return true;
      }, c.name);
    }
  }
});

test('hostile inputs throw invalid_input-style errors and never break the module', async () => {
  const { quote } = await load();
  const spec = golden.cases[0].input;
  const hostile = [
    undefined, null, 42, 'text', [], () => 1, Symbol('x'),
    { ...spec, current: { unitPrice: '1200.00', quantity: NaN } },
    { ...spec, current: { unitPrice: '1200.00', quantity: Infinity } },
    { ...spec, next: { unitPrice: '9'.repeat(1_000_000), quantity: 2 } },
    { ...spec, taxRate: '1e400' },
    { ...spec, interval: { months: 1e300, days: 0 } },
    { ...spec, changeDate: new Date() },
    { ...spec, current: { unitPrice: '1200.00', quantity: 2 ** 60 } },
  ];
  for (const input of hostile) {
    assert.throws(() => quote(input), (e) => typeof e.code === 'string' && e.code.length > 0);
  }
  // Still alive and exact afterwards.
  assert.equal(quote(spec).alignment.gross, '604.93');
});

// quote() reads the input's shape in JavaScript (js/quote-fast.js) and crosses into the
// engine once, packed. Until this package version the engine also exported a field-by-field
// object reader (src/js_value.rs, now for Rust callers only), and inputs the packer could not
// represent went through it; the answers below were recorded from that reader, so the JS
// shape checks keep its answers, codes, messages and order exactly.
test('shape errors and odd inputs: the answers of the field-by-field reader, code and message', async () => {
  const { quote, QuoteError } = await load();
  const spec = golden.cases[0].input;
  const getter = { ...spec };
  Object.defineProperty(getter, 'taxRate', { get: () => '0.19', enumerable: true });
  const cases = [
    ['extra top field', { ...spec, extra: 1 },
      { code: "invalid_input", message: "unknown field `extra`" }],
    ['extra field set to undefined', { ...spec, extra: undefined },
      { code: "invalid_input", message: "unknown field `extra`" }],
    ['interval missing', { ...spec, interval: undefined },
      { code: "invalid_input", message: "interval must be an object { months, days }" }],
    ['interval an array', { ...spec, interval: [12, 0] },
      { code: "invalid_input", message: "interval must be an object { months, days }" }],
    ['interval null', { ...spec, interval: null },
      { code: "invalid_input", message: "interval must be an object { months, days }" }],
    ['interval extra field', { ...spec, interval: { months: 12, days: 0, weeks: 1 } },
      { code: "invalid_input", message: "unknown field `weeks`" }],
    ['current with currency', { ...spec, current: { ...spec.current, currency: 'USD' } },
      { code: "invalid_input", message: "current takes only unitPrice and quantity" }],
    ['current with isGross', { ...spec, current: { ...spec.current, isGross: true } },
      { code: "invalid_input", message: "current takes only unitPrice and quantity" }],
    ['current a string', { ...spec, current: '1200.00' },
      { code: "invalid_input", message: "current must be an object" }],
    ['current extra field', { ...spec, current: { ...spec.current, tax: 1 } },
      { code: "invalid_input", message: "unknown field `tax`" }],
    ['next currency undefined', { ...spec, next: { ...spec.next, currency: undefined } },
      { gross: "604.93" }],
    ['next isGross a string', { ...spec, next: { ...spec.next, isGross: 'yes' } },
      { code: "invalid_input", message: "next.isGross must be true or false" }],
    ['next a function', { ...spec, next: () => 1 },
      { code: "invalid_input", message: "next must be an object" }],
    ['next extra field', { ...spec, next: { ...spec.next, gross: true } },
      { code: "invalid_input", message: "unknown field `gross`" }],
    ['alignment an array', { ...spec, alignment: ['immediate'] },
      { code: "invalid_input", message: "alignment must be a mode or an object" }],
    ['alignment flag a string', { ...spec, alignment: { alignToCurrentInterval: 'yes' } },
      { code: "invalid_alignment", message: "alignment flags must be true or false" }],
    ['alignment flags missing', { ...spec, alignment: {} },
      { code: "invalid_alignment", message: "alignment flags must be true or false" }],
    ['alignment extend a number', { ...spec, alignment: { alignToCurrentInterval: true, extendInterval: 1 } },
      { code: "invalid_alignment", message: "alignment flags must be true or false" }],
    ['alignment extra flag', { ...spec, alignment: { alignToCurrentInterval: true, extendInterval: true, more: 1 } },
      { code: "invalid_input", message: "unknown field `more`" }],
    ['alignment flags only extend', { ...spec, alignment: { alignToCurrentInterval: false, extendInterval: true } },
      { code: "invalid_alignment", message: "ExtendInterval requires AlignToCurrentInterval" }],
    ['alignment flags', { ...spec, alignment: { alignToCurrentInterval: true } },
      { gross: "604.93" }],
    ['alignment null', { ...spec, alignment: null },
      { code: "invalid_alignment", message: "alignment must be \"immediate\", \"nextBilling\" or \"extend\"" }],
    ['alignment a number', { ...spec, alignment: 7 },
      { code: "invalid_alignment", message: "alignment must be \"immediate\", \"nextBilling\" or \"extend\"" }],
    ['unit separator in currency', { ...spec, currency: 'US\x1fD' },
      { code: "invalid_currency", message: "currency is not an ISO 4217 code" }],
    ['record separator in taxRate', { ...spec, taxRate: '0.19\x1e' },
      { code: "invalid_tax_rate", message: "taxRate must be a decimal string with 0 ≤ rate < 1 and at most 6 decimals" }],
    ['separators in a date', { ...spec, changeDate: '2026-05\x1e-13\x1f' },
      { code: "invalid_date", message: "dates must be real calendar dates written YYYY-MM-DD (years 1900 to 9999)" }],
    ['taxMode "undefined"', { ...spec, taxMode: 'undefined' },
      { code: "invalid_input", message: "taxMode must be \"gross\" or \"net\"" }],
    ['numeric unit price', { ...spec, current: { unitPrice: 1200, quantity: 1 } },
      { code: "invalid_price", message: "unitPrice must be a decimal string from 0 to 1000000000 with at most 6 decimals" }],
    ['fractional quantity', { ...spec, current: { unitPrice: '1200.00', quantity: 1.5 } },
      { code: "invalid_quantity", message: "quantity must be a whole number from 0 to 1000000" }],
    ['negative zero quantity is 0: an add, 0 → 2 seats', { ...spec, current: { unitPrice: '1200.00', quantity: -0 } },
      { gross: "1209.86" }],
    ['a drop with immediate', { ...spec, next: { unitPrice: '1200.00', quantity: 0 } },
      { code: "invalid_alignment", message: "an item is dropped at the next billing date: alignment must be \"nextBilling\"" }],
    ['a drop at the next billing date', { ...spec, next: { unitPrice: '1200.00', quantity: 0 }, alignment: 'nextBilling' },
      { gross: "0.00" }],
    ['0 → 0', { ...spec, current: { unitPrice: '1200.00', quantity: 0 }, next: { unitPrice: '1200.00', quantity: -0 } },
      { code: "empty_change", message: "current and next quantity are both 0: nothing changes" }],
    ['negative quantity', { ...spec, next: { unitPrice: '1200.00', quantity: -1 } },
      { code: "invalid_quantity", message: "quantity must be a whole number from 0 to 1000000" }],
    ['bigint quantity', { ...spec, next: { unitPrice: '1200.00', quantity: 2n } },
      { code: "invalid_quantity", message: "quantity must be a whole number from 0 to 1000000" }],
    ['unsafe integer quantity', { ...spec, next: { unitPrice: '1200.00', quantity: 2 ** 60 } },
      { code: "invalid_quantity", message: "quantity must be a whole number from 0 to 1000000" }],
    ['NaN months', { ...spec, interval: { months: NaN, days: 0 } },
      { code: "invalid_interval", message: "interval months and days must be whole numbers (months 0–120, days 0–3650)" }],
    ['inherited enumerable field', Object.assign(Object.create({ inherited: 1 }), spec),
      { gross: "604.93" }],
    ['inherited known field', Object.assign(Object.create({ currency: 'USD' }), { ...spec, currency: undefined }),
      { code: "invalid_currency", message: "currency is not an ISO 4217 code" }],
    ['class instance', new (class Input { constructor() { Object.assign(this, spec); } })(),
      { gross: "604.93" }],
    ['getter field', getter,
      { gross: "604.93" }],
    ['symbol currency', { ...spec, currency: Symbol('USD') },
      { code: "invalid_currency", message: "currency is not an ISO 4217 code" }],
    ['null', null,
      { code: "invalid_input", message: "quote() takes an object" }],
    ['undefined', undefined,
      { code: "invalid_input", message: "quote() takes an object" }],
    ['a string', 'USD',
      { code: "invalid_input", message: "quote() takes an object" }],
    ['an array', [spec],
      { code: "invalid_input", message: "quote() takes an object" }],
    ['empty object', {},
      { code: "invalid_input", message: "interval must be an object { months, days }" }],
    ['only currency', { currency: 'USD' },
      { code: "invalid_input", message: "interval must be an object { months, days }" }],
    ['interval bad and extra top field', { ...spec, interval: 5, extra: 1 },
      { code: "invalid_input", message: "interval must be an object { months, days }" }],
    ['current bad and next bad', { ...spec, current: 1, next: 2 },
      { code: "invalid_input", message: "current must be an object" }],
    ['next extra and alignment bad', { ...spec, next: { ...spec.next, x: 1 }, alignment: [] },
      { code: "invalid_input", message: "unknown field `x`" }],
  ];
  for (const [name, input, want] of cases) {
    let got;
    try {
      got = { gross: quote(input).alignment.gross };
    } catch (e) {
      assert.ok(e instanceof QuoteError && e instanceof Error, `${name}: a QuoteError`);
      got = { code: e.code, message: e.message };
    }
    assert.deepEqual(got, want, name);
  }
});

test('quoteMany(): the same answers as quote(), in order; the first error with its index', async () => {
  const { quote, quoteMany, QuoteError } = await load();
  const valid = golden.cases.filter((c) => c.output).map((c) => c.input);
  assert.deepEqual(quoteMany(valid), valid.map((i) => quote(i)));
  assert.deepEqual(quoteMany([]), []);
  const bad = golden.cases.find((c) => c.error === 'invalid_price').input;
  assert.throws(() => quoteMany([valid[0], { ...valid[1], extra: 1 }, bad]), (e) => {
    assert.ok(e instanceof QuoteError);
    assert.equal(e.code, 'invalid_input');
    assert.equal(e.index, 1);
    return true;
  });
  assert.throws(() => quoteMany([valid[0], bad, valid[2]]), (e) => e.code === 'invalid_price' && e.index === 1);
});
