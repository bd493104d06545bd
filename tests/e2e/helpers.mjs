// Shared e2e plumbing: the whole demo — the Cleverbridge sandbox, the proxy pointed at it
// (fixed clock) and the demo merchant serving the pages and forwarding /api/* — on port 0
// (demo/launch.mjs), and Debian's Chromium through playwright-core. Everything started here
// is stopped by stop().
import { before, after, beforeEach } from 'node:test';
import { mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startDemo, binaries } from '../../demo/launch.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/**
 * Starts the sandbox, the proxy and the demo merchant; resolves with { base, stop, logs }
 * where `base` is the merchant's origin (pages, /pkg/, /api/* forwarded to the proxy, and
 * /sandbox/* forwarded to the sandbox). `extraEnv` goes to the sandbox and the proxy.
 * `npm test` points SEATQUOTE_PROXY_BIN at the binaries `cargo test` has just built
 * (SEATQUOTE_SANDBOX_BIN defaults to its sibling); by hand the release builds.
 */
export async function startProxy(extraEnv = {}) {
  if (!existsSync(join(ROOT, 'pkg', 'widget_bg.wasm'))) throw new Error('pkg/ is missing: bash scripts/build.sh');
  return startDemo({ ...binaries(), env: { SEATQUOTE_TODAY: '2026-05-13', ...extraEnv } });
}

/** Launches Chromium. */
export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A new page that records CSP violations, page errors and console errors. */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1000 }, ...opts });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
    window.__events = [];
    for (const n of ['seatquote:quote', 'seatquote:checkout', 'seatquote:committed', 'seatquote:error']) {
      document.addEventListener(n, (e) => window.__events.push({ type: n, detail: JSON.parse(JSON.stringify(e.detail ?? null)) }));
    }
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push('pageerror: ' + e.stack));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  return { page, context, problems };
}

/** Loads the demo account page and signs in as C-1001; resolves when the widget shows the stepper. */
export async function openDemo(page, base) {
  await page.goto(base + '/');
  await page.click('#sign-in');
  try {
    await page.locator('#seat-widget').getByRole('spinbutton').waitFor({ timeout: 10000 });
  } catch (e) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'failed-open-demo.png'), fullPage: true });
    throw e;
  }
  return page.locator('#seat-widget');
}

/** Sandbox admin calls (through the demo merchant's /sandbox/* pass-through). */
export async function admin(base, path, body) {
  const res = await fetch(base + '/sandbox/_admin/' + path, body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`admin ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Saves a screenshot of `locator` under tests/artifacts/. */
export async function shot(locator, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await locator.screenshot({ path: join(ARTIFACTS, name + '.png') });
}

/** The text of the widget's part `name` (pierces the open shadow root). */
export function part(widget, name) {
  return widget.locator(`[part~="${name}"]`).first();
}

/**
 * The stack a test file runs against: the demo (sandbox, proxy, merchant page; `env` as for
 * `startProxy`) and one Chromium, started before the file's tests and stopped after them.
 * With `reset`, the sandbox is reset before each test. `stack.proxy` and `stack.browser`
 * are set once the file's `before` hook has run.
 */
export function useStack({ env = { SEATQUOTE_CACHE_MS: '0' }, reset = true } = {}) {
  const stack = {};
  before(async () => {
    [stack.proxy, stack.browser] = await Promise.all([startProxy(env), launch()]);
  });
  after(async () => {
    await stack.browser?.close();
    await stack.proxy?.stop();
  });
  if (reset) beforeEach(async () => { await admin(stack.proxy.base, 'reset', {}); });
  return stack;
}

