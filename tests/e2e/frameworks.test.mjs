// The packed package in a merchant's frontend projects (tests/merchant, quoted by
// docs/widget.md): a Vite + TypeScript page built with `vite build`, and a React 19 app
// bundled with esbuild and its documented copy step. Each is served on loopback under the
// strict CSP docs/widget.md recommends (its /api/* and /demo/* forwarded to the demo
// merchant) and makes one full seat change in Chromium against the real proxy and sandbox.
// Then the token source set late (after the module defined <seat-quote>), and missing (a
// short error state, with no space reserve left under it).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { newPage, useStack } from './helpers.mjs';
import { control, events, waitVerified } from './widget-helpers.mjs';
import { merchantProject, PATH } from '../merchant/project.mjs';

const stack = useStack();
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; object-src 'none'";
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
const cleanup = [];
after(async () => { for (const f of cleanup) await f(); });

/**
 * One request on a connection of its own (`agent: false`): a pooled keep-alive connection
 * can be reused just as the demo merchant closes it for idleness, which resets the request.
 */
function forward(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const out = request(url, { method, headers, agent: false }, (up) => {
      const chunks = [];
      up.on('data', (c) => chunks.push(c));
      up.on('end', () => resolve({ status: up.statusCode, type: up.headers['content-type'], body: Buffer.concat(chunks) }));
      up.on('error', reject);
    });
    out.on('error', reject);
    out.end(body === undefined ? undefined : Buffer.from(body));
  });
}

/** Serves `dir` under the CSP; /api/* and /demo/* go to the demo merchant. Resolves with the origin. */
async function serve(dir) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    if (path.startsWith('/api/') || path.startsWith('/demo/')) {
      const body = req.method === 'GET' ? undefined : await new Response(req).arrayBuffer();
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)));
      const upstream = await forward(req.method, stack.proxy.base + req.url, headers, body);
      res.writeHead(upstream.status, { 'content-type': upstream.type ?? 'application/json' });
      return void res.end(upstream.body);
    }
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return `http://127.0.0.1:${server.address().port}`;
}

/** Adds one seat, agrees and confirms in the widget `w` (S68841753: 1 → 2 seats, 604.93 today). */
async function changeSeats(w) {
  await w.getByRole('spinbutton').waitFor({ timeout: 15_000 });
  await control(w, 'inc').click();
  await waitVerified(w);
  await w.getByLabel('I agree to pay $604.93 today and $2,400.00 on Nov 13, 2026.').check();
  // "Confirm seats": the `messages` the example sets as a property.
  await w.getByRole('button', { name: 'Confirm seats' }).click();
  await w.locator('[part~="success"]').waitFor();
}

test('Vite + TypeScript: vite build, then one seat change under the strict CSP', async () => {
  const project = merchantProject('vite');
  cleanup.push(project.remove);
  execFileSync('vite', ['build', '--logLevel', 'warn'], { cwd: project.dir, env: { ...process.env, PATH }, stdio: 'pipe' });
  const base = await serve(join(project.dir, 'dist'));
  const { page, problems } = await newPage(stack.browser);
  await page.goto(base + '/');
  await changeSeats(page.locator('seat-quote'));
  const committed = await events(page, 'seatquote:committed');
  assert.equal(committed.length, 1);
  assert.equal(committed[0].detail.quote.alignment.gross, '604.93');
  assert.deepEqual(await events(page, 'seatquote:error'), []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('React 19 + esbuild (with the wasm copy step): properties through JSX, events through a ref', async () => {
  const project = merchantProject('react');
  cleanup.push(project.remove);
  execFileSync('sh', ['build.sh'], { cwd: project.dir, env: { ...process.env, PATH }, stdio: 'pipe' });
  const base = await serve(join(project.dir, 'dist'));
  const { page, problems } = await newPage(stack.browser);
  await page.goto(base + '/');
  await changeSeats(page.locator('seat-quote'));
  await page.waitForFunction(() => document.body.dataset.committed);
  const body = await page.evaluate(() => ({ ...document.body.dataset }));
  assert.equal(body.error, undefined, 'no seatquote:error, the first load included');
  assert.equal(JSON.parse(body.committed).quantity, 2);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await page.close();
});

/** A page of the demo merchant whose module imports the widget and then runs `script`. */
async function pageWith(script) {
  const { page, problems } = await newPage(stack.browser);
  const base = stack.proxy.base;
  await page.route(base + '/late.html', (r) => r.fulfill({ contentType: 'text/html', headers: { 'content-security-policy': CSP },
    body: '<!doctype html><html lang="en"><title>late</title><seat-quote subscription="S68841753"></seat-quote><script type="module" src="/late.js"></script>' }));
  await page.route(base + '/late.js', (r) => r.fulfill({ contentType: 'text/javascript',
    body: `import { getToken, signIn } from '/demo-auth.js';\nimport '/pkg/seatquote.js';\nsignIn();\n${script}` }));
  await page.goto(base + '/late.html');
  return { page, problems, w: page.locator('seat-quote') };
}

test('a token source set after the import (even a moment later) is waited for: no error, the widget loads', async () => {
  const { page, problems, w } = await pageWith(`const el = document.querySelector('seat-quote');
setTimeout(() => { el.getToken = getToken; }, 300);`);
  await w.getByRole('spinbutton').waitFor();
  assert.deepEqual(await events(page, 'seatquote:error'), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('no token source at refresh(): token_source_missing and a console error naming getToken; setting it recovers', async () => {
  const { page, problems, w } = await pageWith(`document.querySelector('seat-quote').refresh();`);
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'seatquote:error'));
  const [error] = await events(page, 'seatquote:error');
  assert.equal(error.detail.code, 'token_source_missing');
  assert.equal(error.detail.message, 'This seat calculator is not set up correctly.');
  assert.equal(problems.length, 1);
  assert.match(problems[0], /getToken/);
  // A short state after mount: seatquote.css's reserve is gone, no blank space under it.
  await w.locator('[part~="error"]').waitFor();
  const [host, shown] = await w.evaluate((el) => [el.getBoundingClientRect().height,
    el.shadowRoot.firstElementChild.getBoundingClientRect().height]);
  assert.ok(Math.abs(host - shown) <= 1 && host < 16 * 23, `host ${host} px, widget ${shown} px`);
  await page.evaluate(async () => {
    const { getToken } = await import('/demo-auth.js');
    document.querySelector('seat-quote').getToken = getToken;
  });
  await w.getByRole('spinbutton').waitFor();
  await page.close();
});
