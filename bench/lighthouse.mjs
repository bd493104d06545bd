// Lighthouse (npm `lighthouse`, pinned in package.json) against the system Chromium,
// headless, on loopback only. Used by bench/widget.mjs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/** Starts a headless Chromium with a DevTools port; resolves with { port, stop }. */
async function startChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'seatquote-lighthouse-'));
  const child = spawn(CHROMIUM, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error('Chromium did not start:\n' + err)), 30_000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited (${code}):\n${err}`)));
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(profile, { recursive: true, force: true });
  };
  return { port, stop };
}

/**
 * Audits each URL (performance, accessibility, best practices) with Lighthouse's default
 * mobile settings (simulated slow 4G and 4× CPU slowdown) or, with `desktop`, its desktop
 * preset. Resolves with one row per URL: scores 0–1 and the page's metrics.
 */
export async function audit(urls, { desktop = false } = {}) {
  const chrome = await startChromium();
  const rows = [];
  try {
    for (const url of urls) {
      const config = desktop ? desktopConfig : undefined;
      const result = await lighthouse(url, {
        port: chrome.port, output: 'json', logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
      }, config);
      const { categories: c, audits: a } = result.lhr;
      const failed = (cat) => c[cat].auditRefs
        .filter((r) => r.weight > 0 && a[r.id].score !== null && a[r.id].score < 1)
        .map((r) => r.id);
      rows.push({
        url,
        performance: c.performance.score,
        accessibility: c.accessibility.score,
        bestPractices: c['best-practices'].score,
        cls: a['cumulative-layout-shift'].numericValue,
        fcp: a['first-contentful-paint'].numericValue,
        lcp: a['largest-contentful-paint'].numericValue,
        tbt: a['total-blocking-time'].numericValue,
        notPassed: [...failed('accessibility'), ...failed('best-practices')],
      });
    }
  } finally {
    await chrome.stop();
  }
  return rows;
}
