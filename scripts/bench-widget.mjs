// Measures the widget (see scripts/bench-widget.sh). Prints one block of figures.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { startProxy, launch, newPage, ROOT } from '../tests/e2e/helpers.mjs';

const gz = (f) => gzipSync(readFileSync(join(ROOT, 'pkg', f)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const quote = gz('quote_bg.wasm') + gz('quote.js');
const widgetWasm = gz('widget_bg.wasm');
const widgetJs = gz('widget.js') + gz('seatquote.js');

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
  const ms = (n) => `${n.toFixed(2)} ms`;
  console.log(`quote-only module (wasm + JS, gzip -9): ${kb(quote)}  (budget 40 KB)`);
  console.log(`full widget (wasm ${kb(widgetWasm)} + JS glue ${kb(widgetJs)}, gzip -9): ${kb(widgetWasm + widgetJs)}  (budget 90 KB)`);
  console.log(`navigation → first rendered figures: ${ms(firstRender)}`);
  console.log(`stepper click → updated estimate over 200 clicks: p50 ${ms(clicks.p50)}, p99 ${ms(clicks.p99)}, max ${ms(clicks.max)}  (budget p99 16 ms)`);
} finally {
  await browser.close();
  await proxy.stop();
}
