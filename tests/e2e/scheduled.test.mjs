// End to end, a decrease at renewal (DESIGN.md, "Scheduled changes"): the proxy schedules
// it instead of sending it, so the customer keeps the seats until the next billing date and
// the widget says so; after a reload the current plan shows the scheduled change, and
// "Cancel this change" takes it back. The sandbox's counters prove nothing was sent.
// (That the scheduler then makes it once before the renewal, under faults, and that the
// renewal bills the new count: crates/proxy/tests/proxy/schedule/; through the demo:
// renewal.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, shot, part, useStack } from './helpers.mjs';
import { control, waitVerified, counters, events } from './widget-helpers.mjs';

const stack = useStack();
const plain = (s) => s.replace(/[\u00a0\u202f]/g, ' ');

test('a decrease at renewal keeps the seats until the date; the plan shows it; Cancel takes it back', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    await page.goto(stack.proxy.base + '/embed.html');
    const eur = page.locator('#eur');
    await eur.getByRole('spinbutton').waitFor();
    assert.equal(await control(eur, 'cancel-scheduled').isVisible(), false, 'nothing scheduled yet');
    await eur.getByRole('spinbutton').press('ArrowDown');
    await waitVerified(eur);
    await eur.getByRole('checkbox').check();
    await control(eur, 'confirm').click();
    await part(eur, 'success').waitFor();
    const success = plain(await part(eur, 'success').textContent());
    assert.match(success, /^Erledigt\. Sie behalten 5 Plätze bis 31\.05\.2026, danach 4\. Heute wurde nichts berechnet\./, success);
    const committed = (await events(page, 'seatquote:committed')).map((e) => e.detail);
    assert.equal(committed.length, 1);
    assert.deepEqual([committed[0].status, committed[0].effectiveOn, committed[0].quantity], ['scheduled', '2026-05-31', 4]);
    // Nothing went to Cleverbridge: the five seats are still there.
    let c = await counters(stack.proxy.base);
    assert.equal(c.quantities.S70000001['1'], 5);
    assert.equal(c.commitsReceived, 0);

    // A reload shows the scheduled change with the current plan, and Cancel.
    await page.reload();
    await eur.getByRole('spinbutton').waitFor();
    const current = eur.locator('.current');
    assert.equal(plain(await current.textContent()), 'Aktueller Tarif: 5 Plätze bis 31.05.2026, danach 4');
    // The next billing is for the four seats (4 × 29,90 € net + 19 % VAT), not the five.
    assert.match(plain(await part(eur, 'next').textContent()), /31\.05\.2026: 142,32 €$/);
    const cancel = control(eur, 'cancel-scheduled');
    assert.equal(await cancel.textContent(), 'Änderung zurücknehmen');
    await shot(eur, 'scheduled-de-DE');
    await cancel.click();
    await eur.getByText('Aktueller Tarif: 5 Plätze', { exact: true }).waitFor();
    assert.equal(await cancel.isVisible(), false);
    assert.match(plain(await part(eur, 'next').textContent()), /31\.05\.2026: 177,91 €$/);
    c = await counters(stack.proxy.base);
    assert.equal(c.quantities.S70000001['1'], 5);
    assert.equal(c.commitsReceived, 0, 'cancelled without a call to Cleverbridge');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
