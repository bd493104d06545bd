// End to end, what the widget says before the customer picks anything (issue "What the
// customer is told is true", items 5 and 3): a subscription that cannot be changed shows
// why and nothing else; a change in progress (confirmed in another tab) shows as such
// after a reload or in a second tab, and the page updates by itself when it settles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, admin, shot, part, useStack } from './helpers.mjs';
import { control, waitVerified, counters, login, visibleAlerts } from './widget-helpers.mjs';

// Upstream timeout 8 s: above the 4 s latency of the slowed commit.
const stack = useStack({ env: { SEATQUOTE_CACHE_MS: '0', SEATQUOTE_UPSTREAM_TIMEOUT_MS: '8000' } });

/** Mounts a widget for `subscription` with `token` on the embed page; resolves with it. */
async function mountOn(page, id, subscription, token) {
  await page.evaluate(async ([i, s, t]) => {
    const { mount } = await import('/pkg/seatquote.js');
    const el = document.createElement('div');
    el.id = i;
    document.querySelector('main').append(el);
    mount(el, { subscription: s, token: t, locale: 'en-US' });
  }, [id, subscription, token]);
  return page.locator('#' + id);
}

test('a subscription that cannot be changed says why at once: no stepper, no estimate, no Try again', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    await page.goto(stack.proxy.base + '/embed.html');
    await page.locator('#jpy').getByRole('spinbutton').waitFor(); // the module is loaded
    const before = await counters(stack.proxy.base);
    // Grace (C-2002's S70000003): the summary says it cannot change.
    const grace = await mountOn(page, 'grace', 'S70000003', await login(stack.proxy.base, 'C-2002'));
    await part(grace, 'error').waitFor();
    assert.equal((await part(grace, 'error').innerText()).trim(),
      'This subscription is not active, so its seats cannot be changed right now.');
    assert.equal(await control(grace, 'retry').isVisible(), false, 'no Try again that cannot work');
    assert.equal(await grace.getByRole('spinbutton').isVisible(), false);
    assert.equal(await part(grace, 'summary').isVisible(), false);
    await shot(grace, 'pending-not-active');
    // Not the customer's: refused as such, nothing to try again either.
    const other = await mountOn(page, 'other', 'S70000003', await login(stack.proxy.base, 'C-1001'));
    await part(other, 'error').waitFor();
    assert.equal((await part(other, 'error').innerText()).trim(), 'This account cannot change this subscription.');
    assert.equal(await control(other, 'retry').isVisible(), false);
    const after = await counters(stack.proxy.base);
    assert.equal(after.attempts.preview, before.attempts.preview, 'nothing was priced');
    assert.deepEqual(after.quantities.S70000003, before.quantities.S70000003);
    const codes = await page.evaluate(() => window.__events.filter((e) => e.type === 'seatquote:error').map((e) => e.detail.code));
    assert.deepEqual(codes, ['subscription_not_active', 'forbidden']);
    // Chromium logs the refused summary (403) as a failed resource; nothing else may appear.
    assert.deepEqual(problems.filter((p) => !/status of 403/.test(p)), []);
  } finally {
    await context.close();
  }
});

test('a change in progress shows in a second tab as being processed, and that tab updates when it settles', async () => {
  const first = await newPage(stack.browser);
  const second = await newPage(stack.browser);
  try {
    const { page } = first;
    await page.goto(stack.proxy.base + '/');
    await page.click('#sign-in');
    const w = page.locator('#seat-widget');
    await w.getByRole('spinbutton').waitFor();
    await control(w, 'inc').click();
    await waitVerified(w);
    // Cleverbridge slow to answer the commit: the change stays in flight for 4 s.
    await admin(stack.proxy.base, 'fault', { fault: 'latency', ms: 4000, count: 1, target: 'commit' });
    await w.getByRole('checkbox').check();
    await control(w, 'confirm').click();
    await w.getByRole('button', { name: 'Confirming…' }).waitFor();

    // The second tab loads meanwhile: the change in flight, not the old count to change.
    const p2 = second.page;
    await p2.goto(stack.proxy.base + '/');
    await p2.click('#sign-in');
    const w2 = p2.locator('#seat-widget');
    const notice = part(w2, 'notice');
    await notice.getByText('A change to 2 seats is being processed.').waitFor();
    assert.equal(await w2.locator('.current').textContent(), 'Current plan: 1 seat');
    assert.equal(await w2.getByRole('spinbutton').isVisible(), false, 'no stepper while it is processed');
    assert.equal(await control(w2, 'confirm').isVisible(), false);
    assert.equal(await part(w2, 'summary').isVisible(), false, 'no figures for a change that may not stand');
    assert.equal((await counters(stack.proxy.base)).quantities.S68841753['1'], 1, 'not applied yet');
    await shot(w2, 'pending-in-progress');

    // The first tab's change is applied; the second tab says so by itself.
    await part(w, 'success').waitFor({ timeout: 15000 });
    await notice.getByText('Your plan now has 2 seats.').waitFor({ timeout: 10000 });
    assert.equal(await w2.locator('.current').textContent(), 'Current plan: 2 seats');
    assert.equal(await w2.getByRole('spinbutton').inputValue(), '2');
    assert.deepEqual(await visibleAlerts(w2), ['Your plan now has 2 seats.']);
    const c = await counters(stack.proxy.base);
    assert.equal(c.commits.S68841753, 1, 'applied once');
    assert.deepEqual(c.quantities.S68841753, { 1: 2 });
    assert.deepEqual(first.problems, []);
    assert.deepEqual(second.problems, []);
  } finally {
    await first.context.close();
    await second.context.close();
  }
});
