// Shared e2e plumbing: the real proxy binary (sandbox mode, fixed clock) on port 0 and
// Debian's Chromium through playwright-core. Everything started here is stopped by stop().
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
// `npm test` points this at the binary `cargo test` has just built; by hand the release build.
const PROXY = process.env.SEATQUOTE_PROXY_BIN || join(ROOT, 'target', 'release', 'seatquote-proxy');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/** Starts the proxy in sandbox mode; resolves with { base, stop }. */
export async function startProxy(extraEnv = {}) {
  if (!existsSync(PROXY)) throw new Error(`${PROXY} is missing: cargo build --release -p seatquote-proxy (or set SEATQUOTE_PROXY_BIN)`);
  if (!existsSync(join(ROOT, 'pkg', 'widget_bg.wasm'))) throw new Error('pkg/ is missing: bash scripts/build.sh');
  const dataDir = mkdtempSync(join(tmpdir(), 'seatquote-e2e-'));
  const env = { ...process.env, PORT: '0', SEATQUOTE_SANDBOX_TODAY: '2026-05-13', SEATQUOTE_DATA_DIR: dataDir,
    SEATQUOTE_STATIC_DIR: join(ROOT, 'www'), SEATQUOTE_PKG_DIR: join(ROOT, 'pkg'), ...extraEnv };
  delete env.CLEVERBRIDGE_BASE_URL;
  const child = spawn(PROXY, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; if (stderr.length > 20000) stderr = stderr.slice(-10000); });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('proxy did not start: ' + stderr)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`proxy exited ${code}: ${stderr}`)); });
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { base, stop, logs: () => stderr };
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

/** Sandbox admin calls (same origin, sandbox mode only). */
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
