// Measures the widget (see bench/widget.sh). Prints one block of figures.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { startProxy, launch, newPage, ROOT } from '../tests/e2e/helpers.mjs';
import { audit } from './lighthouse.mjs';

const gz = (f) => gzipSync(readFileSync(join(ROOT, 'pkg', f)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
// Everything each embed needs to run, gzipped file by file (the JS glue is minified).
const quoteWasm = gz('quote_bg.wasm');
const quoteJs = gz('quote.js') + gz('quote-fast.js') + gz('index.js') + gz('engine.js');
const widgetWasm = gz('widget_bg.wasm');
const widgetJs = gz('widget.js') + gz('seatquote.js') + gz('engine.js') + gz('seatquote.css');
const ms = (n) => `${n.toFixed(2)} ms`;
const target = (ok) => (ok ? 'met' : 'MISSED');

const proxy = await startProxy({ SEATQUOTE_CACHE_MS: '0' });
const browser = await launch();
try {
  const { page, context } = await newPage(browser);
  // A fresh navigation to the embed page (custom element, de-DE): module + wasm load,
  // demo sign-in, summary fetch, first render; the widget marks `seatquote:ready`.
  await page.goto(proxy.base + '/embed.html');
  await page.locator('#eur').getByRole('spinbutton').waitFor();
  const firstRender = await page.evaluate(() => performance.getEntriesByName('seatquote:ready')[0]?.startTime);

  const clicks = await page.evaluate(() => {
    const root = document.getElementById('eur').shadowRoot;
    const inc = root.querySelector('[data-action="inc"]');
    const dec = root.querySelector('[data-action="dec"]');
    const due = root.querySelector('[part~="line"]');
    const times = [];
    for (let i = 0; i < 200; i++) {
      const before = due.textContent;
      const t0 = performance.now();
      (i % 2 ? dec : inc).click();
      const t1 = performance.now();
      if (due.textContent === before) throw new Error('estimate did not update');
      times.push(t1 - t0);
    }
    times.sort((a, b) => a - b);
    return { p50: times[99], p99: times[197], max: times[199] };
  });
  const quote = quoteWasm + quoteJs, widget = widgetWasm + widgetJs;
  console.log(`quote-only module (wasm ${kb(quoteWasm)} + JS ${kb(quoteJs)}, gzip -9): ${kb(quote)}  target ≤ 30 KB: ${target(quote <= 30 * 1024)}`);
  console.log(`full widget (wasm ${kb(widgetWasm)} + JS glue and CSS ${kb(widgetJs)}, gzip -9): ${kb(widget)}  target ≤ 72 KB: ${target(widget <= 72 * 1024)}`);
  console.log(`navigation → first rendered figures: ${ms(firstRender)}`);
  console.log(`stepper click → updated estimate over 200 clicks: p50 ${ms(clicks.p50)}, p99 ${ms(clicks.p99)}, max ${ms(clicks.max)}  (budget p99 16 ms)`);

  // Lighthouse on both demo pages, with its mobile defaults (simulated slow 4G, 4× CPU
  // slowdown) and its desktop preset. The account page is audited as it loads (signed out).
  await browser.close();
  for (const desktop of [false, true]) {
    for (const r of await audit([proxy.base + '/', proxy.base + '/embed.html'], { desktop })) {
      const ok = r.performance >= 0.95 && r.accessibility === 1 && r.bestPractices === 1 && r.cls <= 0.1;
      console.log(`lighthouse ${desktop ? 'desktop' : 'mobile '} ${new URL(r.url).pathname.padEnd(12)} performance ${r.performance.toFixed(2)}, ` +
        `accessibility ${r.accessibility.toFixed(2)}, best practices ${r.bestPractices.toFixed(2)}, CLS ${r.cls.toFixed(3)} ` +
        `(FCP ${ms(r.fcp)}, LCP ${ms(r.lcp)}, TBT ${ms(r.tbt)})  targets ≥ 0.95 / 1 / 1 / ≤ 0.1: ${target(ok)}` +
        (r.notPassed.length ? `; not passed: ${r.notPassed.join(', ')}` : ''));
    }
  }
} finally {
  await browser.close();
  await proxy.stop();
}
