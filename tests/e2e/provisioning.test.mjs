// End to end, provisioning (docs/webhooks.md): the demo account page's "Seats provisioned"
// is what the demo merchant's backend recorded from the proxy's signed webhooks
// (demo/webhooks.mjs verifies them with the `standardwebhooks` package). It follows a
// change committed in the widget, and a change made only in the sandbox's admin (no
// browser event at all), which reaches the merchant as `subscription.changed_outside`
// through the sandbox's notification to the proxy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, openDemo, admin, useStack } from './helpers.mjs';
import { control, waitVerified, waitEvents } from './widget-helpers.mjs';

const stack = useStack({ env: {}, reset: false });

const provisioned = (page, n) => page.waitForFunction(
  (want) => document.getElementById('provisioned')?.textContent === want, String(n), { timeout: 15000 });

test('"Seats provisioned" follows a committed change and an outside change, from the webhooks', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    await provisioned(page, 1);
    await control(w, 'inc').click();
    await waitVerified(w);
    await w.getByRole('checkbox').check();
    await control(w, 'confirm').click();
    await waitEvents(page, 'seatquote:committed', 1);
    await provisioned(page, 2);
    const applied = stack.proxy.webhooks.received.find((e) => e.type === 'seat_change.applied');
    assert.equal(applied.data.quantity, 2);
    assert.equal(applied.data.fromQuantity, 1);
    assert.equal(applied.data.amounts.alignment.gross, '604.93');

    // Changed only in the sandbox's admin: no widget, no browser event.
    await admin(stack.proxy.base, 'quantity', { subscriptionId: 'S68841753', runningNumber: 1, quantity: 5 });
    await provisioned(page, 5);
    const outside = stack.proxy.webhooks.received.find((e) => e.type === 'subscription.changed_outside');
    assert.deepEqual([outside.data.fromQuantity, outside.data.quantity], [2, 5]);
    assert.equal((await page.evaluate(() => window.__events.filter((e) => e.type === 'seatquote:committed').length)), 1);
    assert.deepEqual(problems, []);
  } catch (e) {
    console.log(stack.proxy.logs());
    throw e;
  } finally {
    await context.close();
  }
});

test('the provisioned figures are the signed-in customer\'s own only', async () => {
  const other = await fetch(stack.proxy.base + '/demo/provisioned?subscription=S68841753');
  assert.equal(other.status, 401);
  const res = await fetch(stack.proxy.base + '/demo/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ customerId: 'C-2002' }),
  });
  const { token } = await res.json();
  const forbidden = await fetch(stack.proxy.base + '/demo/provisioned?subscription=S68841753', { headers: { Authorization: 'Bearer ' + token } });
  assert.equal(forbidden.status, 403);
});
