// quote() calls per second in Node, through the built package (pkg/node.js).
// Run with: node benches/quote-node.mjs   (after `npm run build`)
// SEATQUOTE_PKG=/path/to/node.js compares another build of the package.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const pkg = process.env.SEATQUOTE_PKG ? pathToFileURL(process.env.SEATQUOTE_PKG).href : '../pkg/node.js';
const { quote } = await import(pkg);

const golden = JSON.parse(readFileSync(new URL('../tests/golden.json', import.meta.url), 'utf8'));
const input = golden.cases[0].input; // the worked check of docs/pricing.md

for (let i = 0; i < 20_000; i++) quote(input); // warm up
let n = 0;
const start = process.hrtime.bigint();
let elapsed = 0n;
while (elapsed < 2_000_000_000n) {
  for (let i = 0; i < 5_000; i++) quote(input);
  n += 5_000;
  elapsed = process.hrtime.bigint() - start;
}
const perSec = n / (Number(elapsed) / 1e9);
console.log(`node quote() (object in → object out):      ${perSec.toFixed(0).padStart(12)} calls/s`);
