// The packed package loaded the plainest way: its files unpacked next to a page that uses
// `<script type="module">` (no bundler, no import map), served on loopback under a strict
// CSP and run in headless Chromium. A page with the widget and quote() downloads one wasm
// module (the widget's, which carries the quote exports); a page with quote() alone
// downloads the quote module only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('../../../', import.meta.url).pathname;
const golden = JSON.parse(readFileSync(join(root, 'tests/golden.json'), 'utf8'));
const site = mkdtempSync(join(tmpdir(), 'seatquote-script-'));
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'";
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
let server, base, browser;

before(async () => {
  const tgz = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', site, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', join(site, tgz), '-C', site]); // → site/package/
  const input = JSON.stringify(golden.cases[0].input);
  const report = `document.body.dataset.result = JSON.stringify({ gross: q.alignment.gross, code, widget: !!customElements.get('seat-quote') });`;
  const tryBad = `let code = ''; try { quote({}); } catch (e) { code = e instanceof QuoteError ? e.code : 'not a QuoteError'; }`;
  mkdirSync(join(site, 'both'));
  writeFileSync(join(site, 'both', 'index.html'), `<!doctype html><html lang="en"><title>both</title>
<link rel="stylesheet" href="/package/seatquote.css"><script type="module" src="main.js"></script>`);
  writeFileSync(join(site, 'both', 'main.js'), `import init, { quote, QuoteError } from '/package/index.js';
import { mount } from '/package/seatquote.js';
await init();
const q = quote(${input});
${tryBad}
${report}`);
  mkdirSync(join(site, 'quote'));
  writeFileSync(join(site, 'quote', 'index.html'), '<!doctype html><html lang="en"><title>quote</title><script type="module" src="main.js"></script>');
  writeFileSync(join(site, 'quote', 'main.js'), `import init, { quote, QuoteError } from '/package/index.js';
await init();
const q = quote(${input});
${tryBad}
${report}`);
  server = createServer((req, res) => {
    if (req.url === '/favicon.ico') return void res.writeHead(204).end();
    const path = normalize(join(site, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    const file = path.endsWith(sep) ? join(path, 'index.html') : path;
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  await browser?.close();
  server?.close();
  rmSync(site, { recursive: true, force: true });
});

async function run(path) {
  const page = await browser.newPage();
  const problems = [];
  const wasm = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
  await page.goto(base + path);
  await page.waitForFunction(() => document.body?.dataset.result, null, { timeout: 30_000 });
  const result = JSON.parse(await page.evaluate(() => document.body.dataset.result));
  await page.close();
  return { result, wasm, problems };
}

test('<script type="module"> with the widget and quote(): one wasm module, the widget\'s, prices exactly', async () => {
  const { result, wasm, problems } = await run('/both/');
  assert.deepEqual(result, { gross: golden.cases[0].output.alignment.gross, code: 'invalid_input', widget: true });
  assert.deepEqual(wasm, ['/package/widget_bg.wasm']);
  assert.deepEqual(problems, []);
});

test('<script type="module"> with quote() alone: the quote module only', async () => {
  const { result, wasm, problems } = await run('/quote/');
  assert.deepEqual(result, { gross: golden.cases[0].output.alignment.gross, code: 'invalid_input', widget: false });
  assert.deepEqual(wasm, ['/package/quote_bg.wasm']);
  assert.deepEqual(problems, []);
});
