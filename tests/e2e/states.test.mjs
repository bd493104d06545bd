// A screenshot of every state a customer can see — loading, estimate, checking, verified,
// confirming, success and each error — in en-US (the demo page) and de-DE (the custom
// element on the embed page), saved under tests/artifacts/state-<locale>-<state>.png on
// every run so a person can look. The states are produced by the sandbox's fault
// injection against the real proxy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, admin, shot, part, useStack } from './helpers.mjs';
import { control, waitVerified, visibleAlerts } from './widget-helpers.mjs';

const stack = useStack({ env: { SEATQUOTE_CACHE_MS: '0', SEATQUOTE_UPSTREAM_TIMEOUT_MS: '5000' } });

const fault = (body) => admin(stack.proxy.base, 'fault', body);
const SLOW = 2500; // upstream latency for the in-between states (below the 5 s timeout)

/** Walks `w` through every state, saving `state-<tag>-<name>.png`. */
async function walk(page, w, tag) {
  const snap = (name) => shot(w, `state-${tag}-${name}`);
  const notice = part(w, 'notice');
  // Estimate (the preview is slow), then "checking the price", then verified.
  await fault({ fault: 'latency', ms: SLOW, count: 1, target: 'preview' });
  await control(w, 'inc').click();
  assert.equal(await part(w, 'badge').getAttribute('class'), 'badge');
  await snap('estimate');
  await w.locator('#checking').waitFor();
  await snap('checking');
  await waitVerified(w);
  await snap('verified');
  // Confirming (the commit is slow), then success.
  await fault({ fault: 'latency', ms: SLOW, count: 1, target: 'commit' });
  await w.getByRole('checkbox').check();
  await control(w, 'confirm').click();
  await w.locator('[data-action="confirm"][aria-disabled="true"]').waitFor();
  await snap('confirming');
  await part(w, 'success').waitFor();
  await snap('success');
  // Error: the summary cannot be loaded; Try again.
  await fault({ fault: 'status500', count: 3, target: 'getsubscription' });
  await control(w, 'again').click();
  await part(w, 'error').waitFor();
  await snap('error-load');
  await control(w, 'retry').click();
  await w.getByRole('spinbutton').waitFor();
  // Error: the quantity box.
  await w.getByRole('spinbutton').fill('0');
  await snap('error-input');
  await control(w, 'inc').click();
  await waitVerified(w);
  // Error: the preview failed.
  await fault({ fault: 'status500', count: 3, target: 'preview' });
  await control(w, 'inc').click();
  await notice.waitFor();
  await snap('error-preview');
  await control(w, 'notice').click();
  await waitVerified(w);
  // Error: the commit was refused (nothing charged).
  // Retry-After 1 s: a 429 blocks every upstream request for that long (shared budget).
  await fault({ fault: 'status429', count: 1, target: 'commit', ms: 1000 });
  await w.getByRole('checkbox').check();
  await control(w, 'confirm').click();
  await notice.locator('[data-action="notice"]').waitFor();
  await snap('error-commit-refused');
  // Error: the outcome is unknown (applied, answer lost): only "Check again" — once the
  // 429's Retry-After has passed (until then every upstream request waits or is refused).
  await new Promise((r) => setTimeout(r, 1200));
  await fault({ fault: 'applyThenHang', count: 1, target: 'commit' });
  await control(w, 'notice').click();
  await notice.getByText(/may already have been applied|möglicherweise bereits erfolgt/).waitFor({ timeout: 15000 });
  await snap('error-commit-unknown');
  await control(w, 'notice').click();
  await part(w, 'success').waitFor();
  // Error: the price changed at Confirm.
  await control(w, 'again').click();
  await w.getByRole('spinbutton').waitFor();
  await control(w, 'inc').click();
  await waitVerified(w);
}

test('every state in en-US (demo page)', async () => {
  const { page, context } = await newPage(stack.browser);
  try {
    await fault({ fault: 'latency', ms: SLOW, count: 1, target: 'getsubscription' });
    await page.goto(stack.proxy.base + '/');
    await page.click('#sign-in');
    const w = page.locator('#seat-widget');
    await w.locator('.loading').waitFor();
    await shot(w, 'state-en-US-loading');
    await w.getByRole('spinbutton').waitFor();
    assert.deepEqual(await visibleAlerts(w), []);
    await walk(page, w, 'en-US');
    await admin(stack.proxy.base, 'price', { productId: 294835, unitPrice: '1500.00' });
    await w.getByRole('checkbox').check();
    await control(w, 'confirm').click();
    await part(w, 'notice').getByText('The price changed').waitFor();
    await shot(w, 'state-en-US-error-quote-changed');
    await configError(page, 'en-US');
  } finally {
    await context.close();
  }
});

test('every state in de-DE (custom element)', async () => {
  const { page, context } = await newPage(stack.browser);
  try {
    await fault({ fault: 'latency', ms: SLOW, count: 2, target: 'getsubscription' });
    await page.goto(stack.proxy.base + '/embed.html');
    const w = page.locator('#eur');
    await w.locator('.loading').waitFor();
    await shot(w, 'state-de-DE-loading');
    await w.getByRole('spinbutton').waitFor();
    assert.deepEqual(await visibleAlerts(w), []);
    await walk(page, w, 'de-DE');
    await admin(stack.proxy.base, 'price', { productId: 310001, unitPrice: '39.90' });
    await w.getByRole('checkbox').check();
    await control(w, 'confirm').click();
    await part(w, 'notice').getByText('Der Preis hat sich geändert').waitFor();
    await shot(w, 'state-de-DE-error-quote-changed');
    await configError(page, 'de-DE');
  } finally {
    await context.close();
  }
});

/** A widget with a bad option: the setup error, in the page's language. */
async function configError(page, locale) {
  await page.evaluate(async (l) => {
    const { mount } = await import('/pkg/seatquote.js');
    const el = document.createElement('div');
    el.id = 'bad';
    document.querySelector('main').prepend(el);
    mount(el, { subscription: 'S70000002', currencyDisplay: 'emoji', token: 't', locale: l });
  }, locale);
  const bad = page.locator('#bad');
  await part(bad, 'error').waitFor();
  const text = await part(bad, 'error').textContent();
  assert.match(text, locale === 'de-DE' ? /nicht richtig eingerichtet/ : /not set up correctly/);
  await shot(bad, `state-${locale}-error-config`);
}
