// End to end, the widget under quick hands (issue "What the customer sees is what is
// charged", bugs 4–8): no alert before input, typed numbers, one widget per element,
// focus, long names and narrow screens. Real proxy + sandbox, Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newPage, openDemo, admin, shot, part, ROOT, startProxy, useStack } from './helpers.mjs';
import { control, waitVerified, events, focused, visibleAlerts, login } from './widget-helpers.mjs';

const stack = useStack();

test('bug 4: no visible alert on first load of every demo widget (en, de, ja), nor after Try again on a failed load', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    assert.deepEqual(await visibleAlerts(w), [], 'en-US');
    await page.goto(stack.proxy.base + '/embed.html');
    for (const id of ['eur', 'jpy']) {
      await page.locator('#' + id).getByRole('spinbutton').waitFor();
      assert.deepEqual(await visibleAlerts(page.locator('#' + id)), [], id);
    }
    // A failed load (3 × 500: the proxy's read retries exhausted), then Try again.
    await admin(stack.proxy.base, 'fault', { fault: 'status500', count: 3, target: 'getsubscription' });
    await page.evaluate(() => window.seatquoteHandles.jpy.refresh());
    const jpy = page.locator('#jpy');
    await part(jpy, 'error').waitFor();
    assert.equal((await visibleAlerts(jpy)).length, 1, 'the load error itself is the one alert');
    await control(jpy, 'retry').click();
    await jpy.getByRole('spinbutton').waitFor();
    assert.deepEqual(await visibleAlerts(jpy), [], 'after Try again');
    assert.deepEqual(problems.filter((p) => !/status of 502/.test(p)), []);
  } finally {
    await context.close();
  }
});

test('bug 5: a typed number outside the limits or not whole shows the message and no price; full-width digits count', async () => {
  const { page, context } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    const qty = w.getByRole('spinbutton');
    await qty.fill('10');
    await waitVerified(w);
    for (const text of ['101', '2.5', '99999999999999999999']) {
      await qty.fill('');
      await qty.pressSequentially(text);
      assert.deepEqual(await visibleAlerts(w), ['Enter a whole number from 1 to 100.'], text);
      assert.equal(await qty.getAttribute('aria-invalid'), 'true');
      for (const name of ['summary', 'badge', 'confirm', 'consent']) {
        assert.equal(await part(w, name).isVisible(), false, `${name} hidden for ${text}`);
      }
      assert.equal((await part(w, 'line').innerText()).trim(), '', `no line for ${text}`);
      await qty.blur();
      assert.equal(await qty.inputValue(), text, 'the box keeps what was typed');
      assert.equal(await part(w, 'summary').isVisible(), false);
    }
    await shot(w, 'input-invalid');
    const before = (await events(page, 'seatquote:quote')).length;
    await qty.fill('１２');
    assert.deepEqual(await visibleAlerts(w), []);
    assert.match(await part(w, 'line').textContent(), /^12 × \$1,200\.00 = \$14,400\.00/);
    await waitVerified(w);
    const quotes = await events(page, 'seatquote:quote');
    assert.equal(quotes.length, before + 1);
    assert.equal(quotes.at(-1).detail.next.quantity, 12);
    await qty.blur();
    assert.equal(await qty.inputValue(), '12');
  } finally {
    await context.close();
  }
});

test('bug 6: mount() twice on one element runs one widget (one preview, one quote event, one checkout)', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const previews = [];
    page.on('request', (r) => { if (r.url().includes('/S70000006/') && r.url().endsWith('/preview')) previews.push(r.url()); });
    await page.goto(stack.proxy.base + '/embed.html');
    await page.locator('#jpy').getByRole('spinbutton').waitFor();
    const token = await login(stack.proxy.base, 'C-1001');
    const same = await page.evaluate(async (t) => {
      const { mount } = await import('/pkg/seatquote.js');
      const el = document.createElement('div');
      el.id = 'twice';
      document.querySelector('main').append(el);
      window.__checkouts = 0;
      el.addEventListener('seatquote:checkout', (e) => { window.__checkouts++; e.preventDefault(); });
      const a = mount(el, { subscription: 'S70000006', token: t, locale: 'en-US' });
      const b = mount(el, { subscription: 'S70000006', token: t, locale: 'en-US' });
      return el.shadowRoot.childNodes.length === 1 && a !== undefined && b !== undefined;
    }, token);
    assert.ok(same);
    const w = page.locator('#twice');
    await w.getByRole('spinbutton').waitFor();
    await control(w, 'inc').click();
    await waitVerified(w);
    await page.waitForTimeout(600); // a second widget's debounced preview would have gone out
    assert.equal(previews.length, 1);
    const quotes = (await events(page, 'seatquote:quote')).filter((e) => e.detail.next.quantity === 3);
    assert.equal(quotes.length, 1);
    await w.getByRole('checkbox').check();
    await control(w, 'confirm').click();
    await part(w, 'notice').getByText('Continuing to checkout').waitFor();
    assert.equal(await page.evaluate(() => window.__checkouts), 1);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('bug 7: focus stays on a control when the focused one is disabled or replaced', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    await control(w, 'inc').focus();
    await page.keyboard.press('Enter'); // 2
    await control(w, 'dec').focus();
    await page.keyboard.press('Enter'); // 1 = the minimum: − is disabled
    assert.equal(await control(w, 'dec').isDisabled(), true);
    assert.equal(await focused(page), 'qty');
    await w.getByRole('spinbutton').fill('99');
    await control(w, 'inc').focus();
    await page.keyboard.press('Space'); // 100 = the maximum
    assert.equal(await control(w, 'inc').isDisabled(), true);
    assert.equal(await focused(page), 'qty');
    await w.getByRole('spinbutton').fill('2');
    await waitVerified(w);
    await w.getByRole('checkbox').check();
    await control(w, 'confirm').focus();
    await page.keyboard.press('Enter');
    await part(w, 'success').waitFor();
    assert.notEqual(await focused(page), 'body', 'the success message takes the focus');
    await control(w, 'again').focus();
    await page.keyboard.press('Enter'); // "Make another change"
    await w.getByRole('spinbutton').waitFor();
    await page.waitForFunction(() => {
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      return a && a.id === 'qty';
    });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('bug 8 and 320 px: a 60-letter unbroken product name wraps (360 and 1280 px); mode labels do not wrap under their radio', async () => {
  const name = 'Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenträ'.slice(0, 60);
  assert.equal([...name].length, 60);
  const fixture = JSON.parse(readFileSync(join(ROOT, 'crates/sandbox/fixtures/sandbox.json'), 'utf8'));
  fixture.subscriptions[0].items[0].productName = name;
  const dir = mkdtempSync(join(tmpdir(), 'seatquote-fixture-'));
  writeFileSync(join(dir, 'sandbox.json'), JSON.stringify(fixture));
  const p2 = await startProxy({ SEATQUOTE_SANDBOX_FIXTURE: join(dir, 'sandbox.json') });
  try {
    for (const width of [320, 360, 1280]) {
      const { page, context } = await newPage(stack.browser, { viewport: { width, height: 900 } });
      try {
        const w = await openDemo(page, p2.base);
        await control(w, 'inc').click();
        await waitVerified(w);
        assert.equal(await part(w, 'header').textContent(), name);
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
        assert.deepEqual(clipped, [], `${width}px`);
        const wrapped = await w.evaluate((host) => [...host.shadowRoot.querySelectorAll('.mode')].filter((l) => {
          const radio = l.querySelector('input').getBoundingClientRect();
          return [...l.querySelectorAll('span')].some((s) => s.getBoundingClientRect().left < radio.right);
        }).length);
        assert.equal(wrapped, 0, `${width}px: mode text under the radio`);
        await shot(w, `long-name-${width}px`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await p2.stop();
  }
});
