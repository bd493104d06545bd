// End to end, plans, add-ons and removal through the demo (docs/widget.md, "Plans and
// add-ons"): the real proxy with the demo catalogue (crates/proxy/policy.demo.toml) and the
// sandbox. Each change's figures on screen are the verified preview's; the committed event
// and the webhook the demo merchant receives carry the same amounts, kind and products. A
// downgrade is offered at the next billing date only; a refused change is shown with its
// message. Screenshots of each state under tests/artifacts/plans-<locale>-<state>.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, openDemo, shot, part, useStack } from './helpers.mjs';
import { control, waitVerified, events, waitEvents, login, axe } from './widget-helpers.mjs';

const stack = useStack();
const plain = (s) => s.replace(/[\u00a0\u202f]/g, ' ');
/** A decimal string as en-US dollars (grouped by text, never through a float). */
const usd = (a) => { const [i, f] = a.split('.'); return '$' + i.replace(/\B(?=(\d{3})+$)/g, ',') + '.' + f; };
const escape = (s) => s.replace(/[$.]/g, '\\$&');
/** The success sentence (without the panel's button). */
const success = async (w) => plain(await part(w, 'success').locator('p').textContent());

/** Resolves with the first webhook of `type` the demo merchant received (verified by it). */
async function webhook(type) {
  for (let i = 0; i < 150; i++) {
    const e = stack.proxy.webhooks.received.find((w) => w.type === type);
    if (e) return e;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${type} webhook: ${stack.proxy.webhooks.received.map((w) => w.type)}`);
}

/** Mounts a widget for `subscription` on the embed page as `customer`, in `locale`. */
async function mountOn(page, id, subscription, customer, locale) {
  await page.goto(stack.proxy.base + '/embed.html');
  await page.locator('#jpy').getByRole('spinbutton').waitFor(); // the module is loaded
  const token = await login(stack.proxy.base, customer);
  await page.evaluate(async ([i, s, t, l]) => {
    const { mount } = await import('/pkg/seatquote.js');
    const el = document.createElement('div');
    el.id = i;
    document.querySelector('main').append(el);
    mount(el, { subscription: s, token: t, locale: l });
  }, [id, subscription, token, locale]);
  const w = page.locator('#' + id);
  await w.getByRole('spinbutton').waitFor();
  return w;
}

/** The figures on screen equal the verified preview's (en-US dollars). */
async function sameFigures(w, q) {
  assert.equal(await part(w, 'due').textContent(), usd(q.alignment.gross));
  assert.match(plain(await part(w, 'next').textContent()), new RegExp(`: ${escape(usd(q.nextBilling.gross))}$`));
  assert.equal(plain(await part(w, 'line').textContent()).split(' per ')[0],
    `${q.next.quantity} × ${usd(q.next.unitPrice)} = ${usd(q.next.total)}`);
}

test('upgrade Team → Business (en-US): the plans offered, the new line verified, committed, the webhook; the way back is a downgrade at renewal', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    const plans = w.getByRole('group', { name: 'Your plan' });
    await plans.waitFor();
    const team = plans.getByRole('radio', { name: /Cloud Storage – Team seat/ });
    const business = plans.getByRole('radio', { name: /Cloud Storage – Business seat/ });
    assert.equal(await team.isChecked(), true);
    assert.equal(plain(await plans.innerText()).replace(/\s+/g, ' ').trim(),
      'Your plan Cloud Storage – Team seat $1,200.00 per year · current plan '
      + 'Cloud Storage – Business seat $1,800.00 per year · upgrade');
    assert.deepEqual(await axe(page), []);
    // Keyboard: the arrow key moves the choice within the group.
    await team.focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await business.isChecked(), true);
    // The estimate at once (1 × 1,800.00; 600 × 184 / 365 = 302.47), then the verified preview.
    assert.equal(await part(w, 'due').textContent(), '$302.47');
    await waitVerified(w);
    const q = (await events(page, 'seatquote:quote')).at(-1).detail;
    assert.deepEqual([q.kind, q.productBefore?.productId, q.productAfter?.productId], ['plan', '294835', '294836']);
    await sameFigures(w, q);
    assert.equal(await w.getByRole('spinbutton').inputValue(), '1', 'the seats are kept');
    await shot(w, 'plans-en-US-upgrade');
    await w.getByRole('checkbox').check();
    await control(w, 'confirm').click();
    await part(w, 'success').waitFor();
    assert.match(await success(w),
      new RegExp(`^Done\\. Your plan is now Cloud Storage – Business seat\\. ${escape(usd(q.alignment.gross))} was charged today\\.`));
    const checkout = (await events(page, 'seatquote:checkout')).at(-1).detail;
    assert.deepEqual([checkout.kind, checkout.runningNumber, checkout.quote.quoteToken], ['plan', 1, q.quoteToken]);
    const committed = (await events(page, 'seatquote:committed')).at(-1).detail;
    assert.deepEqual([committed.kind, committed.productAfter.productId], ['plan', '294836']);
    assert.deepEqual(committed.quote.alignment, q.alignment);
    const hook = await webhook('plan.changed');
    assert.deepEqual([hook.data.subscriptionId, hook.data.runningNumber, hook.data.productBefore.productId,
      hook.data.productAfter.productId], ['S68841753', 1, '294835', '294836']);
    assert.deepEqual(hook.data.amounts.alignment, q.alignment);
    await shot(w, 'plans-en-US-upgraded');

    // Another change: Business now, Team is a downgrade, at the next billing date only.
    await control(w, 'again').click();
    const team2 = plans.getByRole('radio', { name: /Cloud Storage – Team seat/ });
    await team2.waitFor();
    assert.match(plain(await team2.locator('..').innerText()), /\$1,200\.00 per year · downgrade/);
    await team2.check();
    const note = w.getByText('This takes effect on Nov 13, 2026; nothing is refunded today.');
    await note.waitFor();
    assert.equal(await part(w, 'modes').isVisible(), false, 'no mode to choose');
    assert.equal(await part(w, 'due').isVisible(), false, 'nothing due today');
    await waitVerified(w);
    const down = (await events(page, 'seatquote:quote')).at(-1).detail;
    assert.deepEqual([down.kind, down.mode, down.productAfter.productId], ['plan', 'nextBilling', '294835']);
    await shot(w, 'plans-en-US-downgrade');
    // Confirmed: scheduled by the proxy for the next billing date; Business is kept until then.
    await w.getByRole('checkbox').check();
    await control(w, 'confirm').click();
    await part(w, 'success').waitFor();
    assert.match(await success(w), /^Done\. Your plan changes to Cloud Storage – Team seat on Nov 13, 2026\. Nothing was charged today\./);
    const scheduled = (await events(page, 'seatquote:committed')).at(-1).detail;
    assert.deepEqual([scheduled.status, scheduled.kind, scheduled.effectiveOn], ['scheduled', 'plan', '2026-11-13']);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('add Priority support (en-US): its price, a quantity within 1…5, the prorated amount today; committed and its webhook; a second tab is refused with its message', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  const other = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    const w2 = await openDemo(other.page, stack.proxy.base); // loaded before the add
    const adds = w.getByRole('group', { name: 'Add to your subscription' });
    const priority = adds.getByRole('radio', { name: /Priority support/ });
    assert.match(plain(await priority.locator('..').innerText()), /Priority support\s*\$1,000\.00 per year/);
    await priority.check();
    const qty = w.getByRole('spinbutton');
    assert.deepEqual([await qty.inputValue(), await qty.getAttribute('aria-valuemin'), await qty.getAttribute('aria-valuemax')],
      ['1', '1', '5']);
    await qty.fill('6');
    assert.equal(await w.getByText('Enter a whole number from 1 to 5.').isVisible(), true);
    await qty.fill('2');
    await waitVerified(w);
    const q = (await events(page, 'seatquote:quote')).at(-1).detail;
    assert.deepEqual([q.kind, q.productBefore, q.productAfter.productId, q.current.quantity, q.next.quantity],
      ['add', null, '294900', 0, 2]);
    await sameFigures(w, q);
    await shot(w, 'plans-en-US-add');
    await w.getByRole('checkbox').check();
    await control(w, 'confirm').click();
    await part(w, 'success').waitFor();
    assert.match(await success(w),
      new RegExp(`^Done\\. Priority support was added\\. ${escape(usd(q.alignment.gross))} was charged today\\.`));
    const committed = (await events(page, 'seatquote:committed')).at(-1).detail;
    assert.deepEqual([committed.kind, committed.quantity, committed.productAfter.productId], ['add', 2, '294900']);
    assert.ok(committed.runningNumber > 1, 'the new item');
    assert.deepEqual(committed.quote.alignment, q.alignment);
    const hook = await webhook('item.added');
    assert.deepEqual([hook.data.runningNumber, hook.data.fromQuantity, hook.data.quantity, hook.data.productAfter.productId],
      [committed.runningNumber, 0, 2, '294900']);
    assert.deepEqual(hook.data.amounts.alignment, q.alignment);

    // The tab loaded before still offers it: the proxy refuses, the widget says so.
    await w2.getByRole('radio', { name: /Priority support/ }).check();
    const refused = w2.getByText('This kind of change is not available for this product.');
    await refused.waitFor();
    const errors = (await events(other.page, 'seatquote:error')).map((e) => e.detail.code);
    assert.ok(errors.includes('addon_present'), errors.join());
    assert.equal(await w2.locator('[part~="badge"].verified').count(), 0, 'never shown as confirmed');
    assert.equal(await control(w2, 'confirm').isEnabled(), false);
    await shot(w2, 'plans-en-US-refused');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await other.context.close();
  }
});

test('remove S70000004\'s Backup add-on at the end of the period (de-DE): nothing due, committed, its webhook', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await mountOn(page, 'backup', 'S70000004', 'C-2002', 'de-DE');
    await w.getByRole('combobox', { name: 'Produkt' }).selectOption({ label: 'Backup add-on' });
    const plans = w.getByRole('group', { name: 'Ihr Tarif' });
    const drop = plans.getByRole('radio', { name: 'Zum Ende dieses Zeitraums entfernen' });
    await drop.check();
    assert.equal(await w.getByRole('spinbutton').isVisible(), false, 'no count to pick');
    await waitVerified(w);
    const q = (await events(page, 'seatquote:quote')).at(-1).detail;
    assert.deepEqual([q.kind, q.mode, q.next.quantity, q.productBefore.productId, q.productAfter],
      ['drop', 'nextBilling', 0, '310002', null]);
    assert.equal(await part(w, 'due').isVisible(), false, 'nothing due today');
    const date = new Date(q.nextBilling.date + 'T00:00:00Z').toLocaleDateString('de-DE', { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' });
    await w.getByText(`Dies gilt ab ${date}; heute wird nichts erstattet.`).waitFor();
    const next = plain(await part(w, 'next').textContent());
    assert.match(next, new RegExp(`${date.replace(/\./g, '\\.')}: ${q.nextBilling.gross.replace('.', ',')} €$`), next);
    assert.deepEqual(await axe(page), []);
    await shot(w, 'plans-de-DE-drop');
    await w.getByRole('checkbox').check();
    await control(w, 'confirm').click();
    await part(w, 'success').waitFor();
    assert.equal(await success(w), `Erledigt. Backup add-on endet am ${date}; heute wurde nichts berechnet.`);
    const committed = (await events(page, 'seatquote:committed')).at(-1).detail;
    assert.deepEqual([committed.kind, committed.runningNumber, committed.effectiveOn], ['drop', 2, q.nextBilling.date]);
    const hook = await webhook('item.deactivated');
    assert.deepEqual([hook.data.subscriptionId, hook.data.runningNumber, hook.data.quantity, hook.data.productAfter],
      ['S70000004', 2, 0, null]);
    await shot(w, 'plans-de-DE-dropped');
    // Removed already: no removal offered any more.
    await control(w, 'again').click();
    await w.getByRole('combobox', { name: 'Produkt' }).selectOption({ label: 'Backup add-on' });
    assert.equal(plain(await w.locator('.current').textContent()), `Aktueller Tarif: 2 Plätze bis ${date}, ohne Verlängerung`);
    assert.equal(await w.getByRole('radio', { name: 'Zum Ende dieses Zeitraums entfernen' }).count(), 0);
    // Its seats are fixed until it ends: no stepper, and no next billing is claimed for it.
    assert.equal(await w.getByRole('spinbutton').isVisible(), false);
    assert.equal(await part(w, 'next').isVisible(), false);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the plans in de-DE: texts, prices per period and the upgrade', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await mountOn(page, 'team', 'S68841753', 'C-1001', 'de-DE');
    const plans = w.getByRole('group', { name: 'Ihr Tarif' });
    assert.match(plain(await plans.innerText()).replace(/\s+/g, ' '),
      /Cloud Storage – Business seat 1\.800,00 \$ pro Jahr · Upgrade/);
    await plans.getByRole('radio', { name: /Business/ }).check();
    await waitVerified(w);
    const adds = w.getByRole('group', { name: 'Zu Ihrem Abonnement hinzufügen' });
    assert.equal(await adds.isVisible(), true);
    await shot(w, 'plans-de-DE-upgrade');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the plans at 320 px (200 % zoom of a 640 px window) and in dark mode: nothing clipped, labels beside their radios, axe clean', async () => {
  const { page, context, problems } = await newPage(stack.browser, { viewport: { width: 320, height: 900 } });
  try {
    await page.emulateMedia({ colorScheme: 'dark' });
    const w = await openDemo(page, stack.proxy.base);
    await w.getByRole('radio', { name: /Business/ }).check();
    await waitVerified(w);
    const clipped = await w.evaluate((host) => {
      const root = host.shadowRoot.querySelector('[part~="root"]').getBoundingClientRect();
      const out = [];
      for (const e of host.shadowRoot.querySelectorAll('*')) {
        if (!e.checkVisibility() || e.closest('svg') || e.classList.contains('sr-only')) continue;
        const r = e.getBoundingClientRect();
        if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible') out.push(`${e.tagName}.${e.className} scrolls`);
        if (r.right > root.right + 0.5 || r.left < root.left - 0.5) out.push(`${e.tagName}.${e.className} outside`);
      }
      return out;
    });
    assert.deepEqual(clipped, []);
    const under = await w.evaluate((host) => [...host.shadowRoot.querySelectorAll('[part~="plans"] .mode, [part~="add-ons"] .mode')]
      .filter((l) => {
        const radio = l.querySelector('input').getBoundingClientRect();
        return [...l.querySelectorAll('span')].some((s) => s.getBoundingClientRect().left < radio.right);
      }).length);
    assert.equal(under, 0, 'a label under its radio');
    assert.deepEqual(await axe(page), []);
    await shot(w, 'plans-en-US-320px-dark');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
