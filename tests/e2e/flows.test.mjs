// End to end, part 2: quote expiry, the item picker, dark theme + reduced motion, preview
// rate under rapid clicks, and a merchant taking over checkout. Same real proxy/sandbox
// (SEATQUOTE_TODAY=2026-05-13) and Chromium as widget.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, openDemo, shot, part, startProxy, useStack } from './helpers.mjs';
import { waitVerified, events, waitEvents, counters, login, axe } from './widget-helpers.mjs';


const stack = useStack();


test('quote expiry (TTL 3 s): an expired quote is re-previewed, never committed as-is; then exactly one commit', async () => {
  const p2 = await startProxy({ SEATQUOTE_QUOTE_TTL: '3', SEATQUOTE_CACHE_MS: '0' });
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const commitsSent = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/commit')) commitsSent.push({ key: r.headers()['idempotency-key'], token: JSON.parse(r.postData()).quoteToken });
    });
    const w = await openDemo(page, p2.base);
    const consent = w.getByRole('checkbox');
    const confirm = w.getByRole('button', { name: 'Confirm change' });
    const notice = part(w, 'notice');

    // 1. The widget's own deadline: once the quote expires it is dropped and re-previewed;
    //    the consent given for it is withdrawn and the customer is told why.
    await w.getByRole('button', { name: 'Add one seat' }).click();
    await waitVerified(w);
    await consent.check();
    assert.equal(await confirm.isEnabled(), true);
    await waitEvents(page, 'seatquote:quote', 2); // waits out the TTL
    await notice.getByText('The price quote expired').waitFor();
    assert.equal(await consent.isChecked(), false);
    assert.equal(await confirm.isDisabled(), true);
    let quotes = await events(page, 'seatquote:quote');
    assert.notEqual(quotes[1].detail.quoteToken, quotes[0].detail.quoteToken);
    await shot(w, 'widget-quote-expired');

    // 2. The proxy's deadline: the browser believes the quote is valid for an hour (the
    //    preview answer is rewritten in flight, as a skewed or sleeping clock would), the
    //    proxy refuses it with quote_expired → fresh preview, consent again, one commit.
    let realExpiry = 0;
    await page.route('**/preview', async (route) => {
      const response = await route.fetch();
      const json = await response.json();
      if (json.expiresAt) {
        realExpiry = Date.parse(json.expiresAt);
        json.expiresAt = new Date(Date.now() + 3600e3).toISOString();
      }
      await route.fulfill({ response, json });
    });
    let n = (await events(page, 'seatquote:quote')).length;
    await w.getByRole('button', { name: 'Remove one seat' }).click(); // back to 1 seat, then 2:
    await w.getByRole('button', { name: 'Add one seat' }).click(); // a fresh preview, through the route
    await waitEvents(page, 'seatquote:quote', n + 1);
    await waitVerified(w);
    const stale = (await events(page, 'seatquote:quote')).at(-1).detail.quoteToken;
    await consent.check();
    assert.equal(await notice.isVisible(), false, 'agreeing again clears the notice');
    // Let the real token expire (the proxy's clock is this machine's; second precision).
    await page.waitForTimeout(Math.max(0, realExpiry - Date.now()) + 300);
    n = (await events(page, 'seatquote:quote')).length;
    await confirm.click();
    await notice.getByText('The price quote expired').waitFor();
    await waitEvents(page, 'seatquote:quote', n + 1);
    await waitVerified(w);
    assert.equal(await consent.isChecked(), false, 'agreement asked again');
    assert.equal((await counters(p2.base)).commits.S68841753 ?? 0, 0, 'the expired quote was not committed');
    const errors = (await events(page, 'seatquote:error')).map((e) => e.detail.code);
    assert.ok(!errors.includes('quote_changed'), errors.join());
    // The last quote carries its real deadline again. With a 3 s lifetime a slow machine
    // can let even this one expire before Confirm reaches the proxy: then, as a customer
    // would, agree to the fresh one again (each refusal is an expiry and commits nothing).
    await page.unroute('**/preview');
    for (let attempt = 0; ; attempt++) {
      const seen = (await events(page, 'seatquote:quote')).length;
      await consent.check();
      await confirm.click();
      const outcome = await Promise.race([
        part(w, 'success').waitFor().then(() => 'done'),
        waitEvents(page, 'seatquote:quote', seen + 1).then(() => 'expired'),
      ]);
      if (outcome === 'done') break;
      assert.ok(attempt < 5, 'committed within a few fresh quotes');
      await waitVerified(w);
    }

    const c = await counters(p2.base);
    assert.equal(c.commits.S68841753, 1, 'exactly one upstream commit');
    assert.deepEqual(c.quantities.S68841753, { 1: 2 });
    assert.ok(commitsSent.length >= 2, 'the refused expired quote, then fresh ones');
    assert.equal(commitsSent[0].token, stale);
    assert.notEqual(commitsSent.at(-1).token, stale);
    assert.equal(new Set(commitsSent.map((s) => s.key)).size, commitsSent.length, 'each new quote gets a new Idempotency-Key');
    assert.equal(new Set(commitsSent.map((s) => s.token)).size, commitsSent.length);
    assert.equal((await events(page, 'seatquote:committed')).length, 1);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    // Chromium logs the refused commit (409) as a failed resource; nothing else may appear.
    assert.deepEqual(problems.filter((p) => !/status of 409 \(Conflict\)/.test(p)), []);
  } finally {
    await context.close();
    await p2.stop();
  }
});

test('item picker: two current items offered (not the retired one); switching updates product, seats and figures; `item` hides it', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const previews = [];
    page.on('request', (r) => { if (r.url().includes('/S70000004/') && r.url().endsWith('/preview')) previews.push(r.url()); });
    await page.goto(stack.proxy.base + '/embed.html');
    await page.locator('#jpy').getByRole('spinbutton').waitFor(); // the module is loaded
    const token = await login(stack.proxy.base, 'C-2002');
    await page.evaluate(async (t) => {
      const { mount } = await import('/pkg/seatquote.js');
      for (const [id, item] of [['multi', undefined], ['fixed', 2]]) {
        const el = document.createElement('div');
        el.id = id;
        document.querySelector('main').append(el);
        mount(el, { subscription: 'S70000004', token: t, locale: 'en-US', ...(item ? { item } : {}) });
      }
    }, token);
    const w = page.locator('#multi');
    const picker = w.getByRole('combobox', { name: 'Product' });
    await picker.waitFor();
    assert.deepEqual(await picker.locator('option').allTextContents(), ['Analytics Pro seat', 'Backup add-on']);
    const qty = w.getByRole('spinbutton', { name: 'Seats' });
    assert.equal(await part(w, 'header').textContent(), 'Analytics Pro seat');
    assert.equal(await qty.inputValue(), '10');
    assert.equal(await qty.getAttribute('aria-valuemax'), '250');
    assert.equal(await part(w, 'line').textContent(), '10 × €24.00 = €240.00 per year · plus 19% VAT');

    await picker.selectOption({ label: 'Backup add-on' });
    assert.equal(await part(w, 'header').textContent(), 'Backup add-on');
    assert.equal(await w.locator('.current').textContent(), 'Current plan: 2 seats');
    assert.equal(await qty.inputValue(), '2');
    assert.equal(await qty.getAttribute('aria-valuemax'), '50');
    assert.equal(await part(w, 'line').textContent(), '2 × €99.00 = €198.00 per year · plus 19% VAT');

    await w.getByRole('button', { name: 'Add one seat' }).click();
    assert.equal(await part(w, 'line').textContent(), '3 × €99.00 = €297.00 per year · plus 19% VAT');
    await waitVerified(w);
    assert.ok(previews.at(-1).endsWith('/items/2/preview'), previews.at(-1));
    const q = (await events(page, 'seatquote:quote')).at(-1).detail;
    assert.equal(q.next.quantity, 3);
    assert.equal(await part(w, 'due').textContent(), '€' + q.alignment.gross);
    await shot(w, 'widget-item-picker');

    // Back to the first item: its own seats and figures, nothing verified carried over.
    await picker.selectOption({ label: 'Analytics Pro seat' });
    assert.equal(await part(w, 'header').textContent(), 'Analytics Pro seat');
    assert.equal(await qty.inputValue(), '10');
    assert.equal(await part(w, 'line').textContent(), '10 × €24.00 = €240.00 per year · plus 19% VAT');
    assert.equal(await w.getByRole('button', { name: 'Confirm change' }).isVisible(), false);
    await w.getByRole('button', { name: 'Add one seat' }).click();
    await waitVerified(w);
    assert.ok(previews.at(-1).endsWith('/items/1/preview'), previews.at(-1));

    // `item` given: no picker, that item.
    const fixed = page.locator('#fixed');
    await fixed.getByRole('spinbutton').waitFor();
    assert.equal(await part(fixed, 'header').textContent(), 'Backup add-on');
    assert.equal(await fixed.getByRole('combobox').count(), 0);
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('dark theme and reduced motion: dark colours apply, no transition or animation runs, axe clean', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    await w.getByRole('button', { name: 'Add one seat' }).click();
    await waitVerified(w);
    const look = () => page.evaluate(() => {
      const root = document.querySelector('#seat-widget').shadowRoot;
      const cs = (sel) => getComputedStyle(root.querySelector(sel));
      const all = [...root.querySelectorAll('*')].map((e) => getComputedStyle(e));
      return {
        bg: cs('[part~="root"]').backgroundColor,
        fg: cs('[part~="root"]').color,
        confirm: cs('[part~="confirm"]').backgroundColor,
        moving: all.filter((s) => s.transitionDuration.split(',').some((d) => parseFloat(d) > 0)
          || s.animationName !== 'none').length,
      };
    });
    const light = await look();
    assert.equal(light.bg, 'rgb(255, 255, 255)');
    assert.ok(light.moving > 0, 'with motion allowed, the timeline and Confirm transition');

    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const dark = await look();
    assert.equal(dark.bg, 'rgb(17, 24, 39)', 'the dark background (differs from light)');
    assert.notEqual(dark.fg, light.fg);
    assert.notEqual(dark.confirm, light.confirm);
    assert.equal(dark.moving, 0, 'no transition or animation under reduced motion');
    // A change (timeline share moves, Confirm enables) starts no animation either.
    await w.getByRole('button', { name: 'Add one seat' }).click();
    await waitVerified(w);
    await w.getByRole('checkbox').check();
    assert.equal(await page.evaluate(() => document.querySelector('#seat-widget').shadowRoot.getAnimations().length), 0);
    assert.deepEqual(await axe(page), [], 'axe (colour contrast AA) in dark mode');
    await shot(w, 'widget-dark');
    await page.screenshot({ path: new URL('../artifacts/demo-page-dark.png', import.meta.url).pathname, fullPage: true });
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('30 rapid clicks send at most a few previews per second (and end on the right quantity)', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const previews = [];
    page.on('request', (r) => { if (r.url().endsWith('/preview')) previews.push({ t: Date.now(), q: JSON.parse(r.postData()).quantity }); });
    const w = await openDemo(page, stack.proxy.base);
    const before = (await counters(stack.proxy.base)).requests.previews ?? 0;
    await page.evaluate(async () => {
      const inc = document.querySelector('#seat-widget').shadowRoot.querySelector('[data-action="inc"]');
      for (let i = 0; i < 30; i++) {
        inc.click();
        await new Promise((r) => setTimeout(r, 40)); // ~25 clicks/s
      }
    });
    await waitVerified(w);
    assert.equal(await w.getByRole('spinbutton').inputValue(), '31');
    assert.equal(previews.at(-1).q, 31);
    const perSecond = Math.max(...previews.map((p) => previews.filter((o) => o.t >= p.t && o.t < p.t + 1000).length));
    assert.ok(perSecond <= 4, `${perSecond} previews in one second`);
    assert.ok(previews.length <= 6, `${previews.length} previews for 30 clicks`);
    const upstream = ((await counters(stack.proxy.base)).requests.previews ?? 0) - before;
    assert.ok(upstream >= 1 && upstream <= previews.length, `${upstream} upstream previews`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('seatquote:checkout preventDefault() hands off: no commit is sent', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  await context.addInitScript(() => {
    document.addEventListener('seatquote:checkout', (e) => { window.__handoff = e.detail; e.preventDefault(); });
  });
  try {
    const sent = [];
    page.on('request', (r) => { if (r.url().endsWith('/commit')) sent.push(r.url()); });
    const w = await openDemo(page, stack.proxy.base);
    await w.getByRole('button', { name: 'Add one seat' }).click();
    await waitVerified(w);
    await w.getByRole('checkbox').check();
    await w.getByRole('button', { name: 'Confirm change' }).click();
    await part(w, 'notice').getByText('Continuing to checkout').waitFor();
    const handoff = await page.evaluate(() => window.__handoff);
    assert.equal(handoff.quantity, 2);
    assert.equal(handoff.quote.alignment.gross, '604.93');
    assert.equal(typeof handoff.quoteToken, 'string');
    // A commit would have been sent within the click's task; a later round trip from the
    // page proves none is on its way.
    assert.equal(await page.evaluate(async () => (await fetch('/healthz')).status), 200);
    assert.deepEqual(sent, []);
    assert.equal((await counters(stack.proxy.base)).commits.S68841753 ?? 0, 0);
    assert.equal((await events(page, 'seatquote:committed')).length, 0);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
