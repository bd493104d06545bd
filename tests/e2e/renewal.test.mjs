// End to end, a decrease at renewal carried through the renewal (DESIGN.md, "Scheduled
// changes"): scheduled in the widget, the customer keeps the seats while the clocks move
// towards the next billing date, the proxy's scheduler makes the change once within the
// lead (SEATQUOTE_SCHEDULE_LEAD_HOURS, 24 h), and the sandbox bills the renewal at the new
// count. Both clocks move forward: the sandbox's (POST /sandbox/_admin/clock, which bills
// the renewals it passes) and the proxy's pinned today (POST /api/_test/clock, fixed-clock
// builds only; docs/proxy.md, "One clock"). The demo merchant's received webhooks show
// the order; the page, after a reload, the new count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, admin, useStack } from './helpers.mjs';
import { control, waitVerified, counters } from './widget-helpers.mjs';

const stack = useStack();
const plain = (s) => s.replace(/[\u00a0\u202f]/g, ' ');
const SUB = 'S70000001';
const RENEWAL = '2026-05-31';

/** Moves both clocks to `today` (the sandbox's first); resolves with the sandbox's answer. */
async function moveClocks(today) {
  const moved = await admin(stack.proxy.base, 'clock', { today });
  const res = await fetch(stack.proxy.proxy + '/api/_test/clock', {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + stack.proxy.adminToken, 'Content-Type': 'application/json' },
    body: JSON.stringify({ today }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.equal(JSON.parse(text).today, today);
  return moved;
}

/** Polls `f` every 100 ms until it is truthy (then resolves with it) or `ms` pass. */
async function until(f, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The demo merchant's received webhooks about SUB, in the order they arrived. */
const hooks = () => stack.proxy.webhooks.received.filter((e) => e.data?.subscriptionId === SUB);

test('a decrease at renewal: seats kept until the scheduler makes it once, the renewal billed at the new count', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    await page.goto(stack.proxy.base + '/embed.html');
    const eur = page.locator('#eur');
    const current = eur.locator('.current');
    await eur.getByRole('spinbutton').waitFor();
    // 5 → 4 at the next billing date.
    await eur.getByRole('spinbutton').press('ArrowDown');
    await waitVerified(eur);
    await eur.getByRole('checkbox').check();
    await control(eur, 'confirm').click();
    await eur.locator('[part~="success"]').first().waitFor();

    // Two days before the renewal, outside the 24 h lead: nothing sent, the five seats kept.
    await moveClocks('2026-05-29');
    await new Promise((r) => setTimeout(r, 2500)); // the scheduler polls every second
    let c = await counters(stack.proxy.base);
    assert.equal(c.quantities[SUB]['1'], 5);
    assert.equal(c.commitsReceived, 0);
    await page.reload();
    await eur.getByRole('spinbutton').waitFor();
    assert.equal(plain(await current.textContent()), 'Aktueller Tarif: 5 Plätze bis 31.05.2026, danach 4');
    assert.deepEqual(hooks().map((e) => e.type), ['seat_change.scheduled']);

    // The day before: within the lead, the scheduler makes the change, once.
    await moveClocks('2026-05-30');
    c = await until(async () => { const k = await counters(stack.proxy.base); return k.quantities[SUB]['1'] === 4 && k; },
      15000, 'the scheduled change at the sandbox');
    assert.deepEqual([c.commitsReceived, c.commitsApplied], [1, 1]);
    await until(() => hooks().some((e) => e.type === 'seat_change.applied'), 15000, 'seat_change.applied');

    // Past the next billing date: the sandbox bills the renewal at four seats.
    const moved = await moveClocks('2026-06-01');
    const renewals = moved.renewals.filter((r) => r.subscriptionId === SUB);
    assert.equal(renewals.length, 1, JSON.stringify(moved));
    assert.equal(renewals[0].date, RENEWAL);
    assert.deepEqual(renewals[0].items.map((i) => [i.quantity, i.net]), [[4, '119.60']], '4 × 29,90 € net');
    c = await counters(stack.proxy.base);
    assert.deepEqual(c.renewals.filter((r) => r.subscriptionId === SUB), renewals, "the sandbox's record");

    // The merchant's webhooks, in order: scheduled, applied (once each), then the renewal's payment.
    await until(() => hooks().some((e) => e.type === 'payment.succeeded'), 15000, 'payment.succeeded');
    const kinds = hooks().map((e) => e.type);
    assert.deepEqual(kinds.filter((k) => k.startsWith('seat_change.')), ['seat_change.scheduled', 'seat_change.applied'], kinds.join());
    assert.ok(kinds.indexOf('seat_change.applied') < kinds.indexOf('payment.succeeded'), kinds.join());
    assert.ok(!kinds.includes('subscription.changed_outside'), kinds.join());
    const applied = hooks().find((e) => e.type === 'seat_change.applied').data;
    assert.deepEqual([applied.fromQuantity, applied.quantity], [5, 4]);

    // After a reload: four seats, nothing pending, the next billing one month on at four seats.
    await page.reload();
    await eur.getByRole('spinbutton').waitFor();
    assert.equal(plain(await current.textContent()), 'Aktueller Tarif: 4 Plätze');
    assert.equal(await control(eur, 'cancel-scheduled').isVisible(), false);
    assert.match(plain(await eur.locator('[part~="next"]').first().textContent()), /30\.06\.2026: 142,32 €$/);
    c = await counters(stack.proxy.base);
    assert.deepEqual([c.commitsReceived, c.commitsApplied, c.quantities[SUB]['1']], [1, 1, 4], 'made exactly once');
    assert.deepEqual(problems, []);
  } catch (e) {
    console.log(stack.proxy.logs());
    throw e;
  } finally {
    await context.close();
  }
});
