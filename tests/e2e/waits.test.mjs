// End to end, what the customer is told while waiting (docs/widget.md, "Behaviour" and
// "Confirming"): a 429 upstream reaches the widget as a 503 with `Retry-After` (the proxy
// exposes the header over CORS); the preview says how long and retries by itself, a refused
// commit says when Confirm works again and keeps it disabled until then. And the ja-JP
// widget: its texts are English, so its root says `lang="en"`; counts typed as it writes
// them (`1,000`) are taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, openDemo, admin, part, useStack } from './helpers.mjs';
import { control, waitVerified, focused } from './widget-helpers.mjs';

// Upstream timeout 1 s: the proxy retries a preview after a 429 itself only when the wait fits
// its retry budget (2 × that timeout, docs/proxy.md), so a 5 s wait reaches the widget.
const stack = useStack({ env: { SEATQUOTE_CACHE_MS: '0', SEATQUOTE_UPSTREAM_TIMEOUT_MS: '1000' } });

/** Page problems other than the browser's own log line for the expected 503. */
const unexpected = (problems) => problems.filter((p) => !/status of 503/.test(p));

async function sandboxSeats(id) {
  const res = await fetch(`${stack.proxy.base}/sandbox/subscription/getsubscription?subscriptionId=${id}`, {
    headers: { Authorization: 'Basic ' + Buffer.from('sandbox:sandbox').toString('base64'), Accept: 'application/json' },
  });
  return (await res.json()).Subscription.Items.map((i) => i.Quantity);
}

test('a preview refused with Retry-After says how long and is checked again by itself', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    // A 429 upstream blocks the proxy's budget for 5 s: the preview is answered 503 + Retry-After.
    await admin(stack.proxy.base, 'fault', { fault: 'status429', count: 1, ms: 5000 });
    await control(w, 'inc').click();
    const notice = part(w, 'notice');
    await notice.getByText(/The price is checked again by itself in [1-5] seconds?\./).waitFor();
    assert.equal(await control(w, 'notice').isVisible(), false, 'no Try again: it retries by itself');
    // Nothing is clicked: the preview comes back by itself after the wait.
    await waitVerified(w);
    assert.equal(await notice.isVisible(), false);
    assert.equal(await part(w, 'due').textContent(), '$604.93');
    assert.deepEqual(unexpected(problems), []);
  } finally {
    await context.close();
  }
});

test('a commit refused with Retry-After says when Confirm works again and keeps it disabled until then', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    await control(w, 'inc').click();
    await waitVerified(w);
    await admin(stack.proxy.base, 'fault', { fault: 'status429', count: 1, target: 'commit', ms: 3000 });
    await w.getByRole('checkbox').check();
    await control(w, 'confirm').click();
    const notice = part(w, 'notice');
    await notice.getByText(/nothing was charged\. The billing service is busy\. Confirm works again in [1-3] seconds?\./).waitFor();
    const confirm = control(w, 'confirm');
    assert.equal(await confirm.isDisabled(), true, 'Confirm waits');
    assert.ok(!['confirm', 'body'].includes(await focused(page)), 'the focus left the disabled Confirm for the notice');
    assert.deepEqual(await sandboxSeats('S68841753'), [1], 'nothing applied');
    // After the wait Confirm works again for the same agreed quote.
    await page.waitForFunction(() => {
      const b = document.querySelector('#seat-widget').shadowRoot.querySelector('[data-action="confirm"]');
      return b && !b.disabled;
    }, null, { timeout: 6000 });
    await confirm.click();
    await part(w, 'success').getByText('You now have 2 seats.').waitFor();
    assert.deepEqual(await sandboxSeats('S68841753'), [2]);
    assert.deepEqual(unexpected(problems), []);
  } finally {
    await context.close();
  }
});

test('ja-JP: English texts under lang="en"; a count typed as shown (1,000) is taken; no aria-valuenow while invalid', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    await page.goto(stack.proxy.base + '/embed.html');
    const jpy = page.locator('#jpy');
    const box = jpy.getByRole('spinbutton');
    await box.waitFor();
    assert.equal(await jpy.locator('[part~="root"]').getAttribute('lang'), 'en');
    assert.match(await jpy.locator('#range').textContent(), /1 to 1,000 seats/);
    await box.fill('abc');
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    assert.equal(await box.getAttribute('aria-valuenow'), null);
    await box.fill('1,000');
    await waitVerified(jpy);
    assert.equal(await box.getAttribute('aria-valuenow'), '1000');
    assert.match(await part(jpy, 'line').textContent(), /^1,000 × /);
    // The de-DE widget's texts are German: its lang stays the locale.
    assert.equal(await page.locator('#eur').locator('[part~="root"]').getAttribute('lang'), 'de-DE');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
