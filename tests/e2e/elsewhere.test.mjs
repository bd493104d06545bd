// End to end, a subscription changed elsewhere while the widget shows it (issue "What the
// customer is told is true", item 2): the proxy reuses a subscription read for 30 s (its
// default here), the seats are changed in the sandbox's own admin, and the widget still
// shows the old count. What is shown under "Confirmed price" is the price of the real
// change — the seats Cleverbridge holds now → the target — and that is what is charged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, openDemo, admin, shot, part, useStack } from './helpers.mjs';
import { control, waitVerified, events, counters } from './widget-helpers.mjs';

// The default caching (subscription reads reused for 30 s, previews shared for 2 s).
const stack = useStack({ env: {} });

/** Sets S68841753's seats at the sandbox, outside the proxy. */
const setSeats = (quantity) => admin(stack.proxy.base, 'quantity', { subscriptionId: 'S68841753', runningNumber: 1, quantity });

test('seats changed elsewhere before a preview: the plan is brought up to date and the confirmed price is 2 → 3 seats', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    assert.equal(await w.locator('.current').textContent(), 'Current plan: 1 seat');
    await setSeats(2);
    await w.getByRole('spinbutton').fill('3');
    await waitVerified(w);
    await part(w, 'notice').getByText('Your plan now has 2 seats.').waitFor();
    assert.equal(await w.locator('.current').textContent(), 'Current plan: 2 seats');
    assert.equal(await part(w, 'line').textContent(), '3 × $1,200.00 = $3,600.00 per year · incl. 19% VAT');
    // 2 → 3 seats: round(1200 × 184 / 365) = 604.93, not 1 → 3 (1,209.86).
    assert.equal(await part(w, 'due').textContent(), '$604.93');
    const q = (await events(page, 'seatquote:quote')).at(-1).detail;
    assert.equal(q.current.quantity, 2);
    assert.equal(q.alignment.gross, '604.93');
    await shot(w, 'elsewhere-before-preview');
    await w.getByLabel('I agree to pay $604.93 today and $3,600.00 on Nov 13, 2026.').check();
    await control(w, 'confirm').click();
    await part(w, 'success').getByText('$604.93 was charged today.').waitFor();
    const c = await counters(stack.proxy.base);
    assert.equal(c.commits.S68841753, 1);
    assert.deepEqual(c.quantities.S68841753, { 1: 3 });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('seats changed elsewhere after the preview: Confirm says the plan now has 2 seats (not "the price changed"), and the agreed 2 → 3 is charged', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    await w.getByRole('spinbutton').fill('3');
    await waitVerified(w);
    assert.equal(await part(w, 'due').textContent(), '$1,209.86', '1 → 3 seats');
    await w.getByRole('checkbox').check();
    await setSeats(2);
    await control(w, 'confirm').click();
    const notice = part(w, 'notice');
    await notice.getByText('Your plan now has 2 seats.').waitFor();
    assert.equal((await notice.textContent()).trim(), 'Your plan now has 2 seats. We fetched a fresh quote. Please review it and agree again.');
    assert.equal(await w.locator('.current').textContent(), 'Current plan: 2 seats');
    assert.equal(await part(w, 'due').textContent(), '$604.93');
    assert.equal(await w.getByRole('checkbox').isChecked(), false, 'agree again');
    assert.equal((await counters(stack.proxy.base)).commits.S68841753 ?? 0, 0, 'nothing committed');
    await shot(w, 'elsewhere-at-confirm');
    await w.getByLabel('I agree to pay $604.93 today and $3,600.00 on Nov 13, 2026.').check();
    await control(w, 'confirm').click();
    await part(w, 'success').getByText('$604.93 was charged today.').waitFor();
    const c = await counters(stack.proxy.base);
    assert.equal(c.commits.S68841753, 1);
    assert.deepEqual(c.quantities.S68841753, { 1: 3 });
    // Chromium logs the refused commit (409) as a failed resource; nothing else may appear.
    assert.deepEqual(problems.filter((p) => !/status of 409 \(Conflict\)/.test(p)), []);
  } finally {
    await context.close();
  }
});

test('a price changed elsewhere before a preview: the confirmed figures are all at the new price, and said', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    assert.equal(await part(w, 'line').textContent(), '1 × $1,200.00 = $1,200.00 per year · incl. 19% VAT');
    await admin(stack.proxy.base, 'price', { productId: 294835, unitPrice: '1500.00' });
    await control(w, 'inc').click();
    await waitVerified(w);
    await part(w, 'notice').getByText('The price is now $1,500.00 per seat.').waitFor();
    // One read: the line, today's amount and the next billing all at $1,500.00 a seat
    // (the sandbox reprices the current seat too: round((3000 − 1500) × 184 / 365) = 756.16).
    assert.equal(await part(w, 'line').textContent(), '2 × $1,500.00 = $3,000.00 per year · incl. 19% VAT');
    assert.equal(await part(w, 'due').textContent(), '$756.16');
    assert.equal(await part(w, 'next').textContent(), 'Next billing on Nov 13, 2026: $3,000.00');
    await w.getByLabel('I agree to pay $756.16 today and $3,000.00 on Nov 13, 2026.').check();
    await control(w, 'confirm').click();
    await part(w, 'success').getByText('$756.16 was charged today.').waitFor();
    const c = await counters(stack.proxy.base);
    assert.equal(c.commits.S68841753, 1);
    assert.deepEqual(c.quantities.S68841753, { 1: 2 });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
