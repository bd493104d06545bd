// The built, packed package in a plain Node ESM project: `npm pack pkg/`, install the
// tarball into a temporary project, import it there the way a merchant would, and run
// the golden table (tests/golden.json) through quote().
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
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

test('the packed fast path and the exact object reader agree on answers and errors', async () => {
  const { quote, QuoteError } = await load();
  const exact = (await import(join(project, 'node_modules/seatquote/quote.js'))).quote;
  const spec = golden.cases[0].input;
  const inputs = [
    ...golden.cases.map((c) => c.input),
    // Inputs the packer hands to the exact reader, and near misses it handles itself.
    { ...spec, extra: 1 },
    { ...spec, extra: undefined },
    { ...spec, interval: undefined },
    { ...spec, interval: [12, 0] },
    { ...spec, current: { ...spec.current, currency: 'USD' } },
    { ...spec, next: { ...spec.next, currency: undefined } },
    { ...spec, next: { ...spec.next, isGross: 'yes' } },
    { ...spec, alignment: ['immediate'] },
    { ...spec, alignment: { alignToCurrentInterval: 'yes' } },
    { ...spec, alignment: { alignToCurrentInterval: true, extendInterval: true, more: 1 } },
    { ...spec, alignment: null },
    { ...spec, alignment: 7 },
    { ...spec, currency: 'US\x1fD' },
    { ...spec, taxRate: '0.19\x1e' },
    { ...spec, taxMode: 'undefined' },
    { ...spec, current: { unitPrice: 1200, quantity: 1 } },
    { ...spec, current: { unitPrice: '1200.00', quantity: 1.5 } },
    { ...spec, current: { unitPrice: '1200.00', quantity: -0 } },
    { ...spec, next: { unitPrice: '1200.00', quantity: 2n } },
    Object.assign(Object.create({ inherited: 1 }), spec),
    new (class Input { constructor() { Object.assign(this, spec); } })(),
  ];
  for (const input of inputs) {
    let want;
    try {
      want = { ok: exact(input) };
    } catch (e) {
      want = { code: e.code, message: e.message };
    }
    let got;
    try {
      got = { ok: quote(input) };
    } catch (e) {
      assert.ok(e instanceof QuoteError && e instanceof Error, 'a QuoteError');
      got = { code: e.code, message: e.message };
    }
    assert.deepEqual(got, want, JSON.stringify(input, (k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
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
