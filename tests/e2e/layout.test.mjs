// The embed does not move the page when the widget mounts: the package's seatquote.css
// reserves the widget's first view (docs/widget.md, "Reserved space"). Measured in Chromium
// with the browser's own layout-shift entries (what Lighthouse's CLS adds up), at a phone's
// and a desktop's width, on both demo pages, until every widget shows its figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, useStack } from './helpers.mjs';

const stack = useStack({ reset: false });

/** Sum of the layout shifts not caused by the user's input since navigation. */
async function shifts(page) {
  return page.evaluate(() => new Promise((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve(total), 300);
  }));
}

for (const width of [412, 1350]) {
  test(`embed page at ${width} px: both widgets render without shifting the page`, async () => {
    const { page, problems } = await newPage(stack.browser, { viewport: { width, height: 900 } });
    await page.goto(stack.proxy.base + '/embed.html');
    for (const id of ['#eur', '#jpy']) await page.locator(id).getByRole('spinbutton').waitFor();
    const cls = await shifts(page);
    assert.ok(cls <= 0.01, `layout shift ${cls}`);
    // The reserve holds the first view: the rendered widget is not taller than its host.
    const fits = await page.evaluate(() => ['eur', 'jpy'].map((id) => {
      const host = document.getElementById(id);
      return host.shadowRoot.firstElementChild.getBoundingClientRect().height <= host.getBoundingClientRect().height + 0.5;
    }));
    assert.deepEqual(fits, [true, true]);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('account page: loading and signing in shift nothing the customer did not ask for', async () => {
  const { page, problems } = await newPage(stack.browser, { viewport: { width: 412, height: 900 } });
  await page.goto(stack.proxy.base + '/');
  await page.click('#sign-in');
  await page.locator('#seat-widget').getByRole('spinbutton').waitFor();
  const cls = await shifts(page);
  assert.ok(cls <= 0.01, `layout shift ${cls}`);
  assert.deepEqual(problems, []);
  await page.close();
});
