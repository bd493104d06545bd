// The packed package in a bundler project: install the `npm pack`ed tarball into a fresh
// project, bundle a page's script that imports `seatquote` with esbuild (from npm), serve
// it on loopback and run it in headless Chromium; the page prices the worked check.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('../../../', import.meta.url).pathname;
const golden = JSON.parse(readFileSync(join(root, 'tests/golden.json'), 'utf8'));
const project = mkdtempSync(join(tmpdir(), 'seatquote-bundler-'));
after(() => rmSync(project, { recursive: true, force: true }));

test('esbuild bundles `import init, { quote } from "seatquote"` and the page runs in Chromium', async () => {
  const tgz = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', project, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bundled-page', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(project, tgz)], { cwd: project, stdio: 'ignore' });
  const input = golden.cases[0].input;
  writeFileSync(join(project, 'main.js'), `
    import init, { quote, QuoteError } from 'seatquote';
    await init();
    const q = quote(${JSON.stringify(input)});
    let code = '';
    try { quote({}); } catch (e) { code = e instanceof QuoteError ? e.code : 'not a QuoteError'; }
    document.body.dataset.result = JSON.stringify({ gross: q.alignment.gross, code });
  `);
  execFileSync(join(root, 'node_modules/.bin/esbuild'), ['main.js', '--bundle', '--format=esm', '--platform=browser', '--outdir=dist'], { cwd: project, stdio: 'pipe' });
  // The module fetches its wasm next to itself (`new URL('quote_bg.wasm', import.meta.url)`).
  copyFileSync(join(project, 'node_modules/seatquote/quote_bg.wasm'), join(project, 'dist/quote_bg.wasm'));
  writeFileSync(join(project, 'dist/index.html'), '<!doctype html><title>bundled</title><script type="module" src="main.js"></script>');

  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const path = join(project, 'dist', req.url === '/' ? 'index.html' : req.url.slice(1));
    try {
      const body = readFileSync(path);
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => document.body?.dataset.result, null, { timeout: 30_000 });
    const result = JSON.parse(await page.evaluate(() => document.body.dataset.result));
    assert.deepEqual(result, { gross: golden.cases[0].output.alignment.gross, code: 'invalid_input' });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
