// End to end: the demo pages in real Chromium against the real release proxy with its
// in-process Cleverbridge sandbox (SEATQUOTE_TODAY=2026-05-13: S68841753, 1 → 2 seats costs 604.93 today; docs/proxy.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newPage, openDemo, admin, shot, part, ROOT, startProxy, useStack } from './helpers.mjs';
import { axe } from './widget-helpers.mjs';


const stack = useStack();

const badge = (w) => part(w, 'badge');
async function waitVerified(w) {
  await w.locator('[part~="badge"].verified').waitFor();
}
async function csp(page) {
  return page.evaluate(() => window.__csp);
}
async function events(page, type) {
  return page.evaluate((t) => window.__events.filter((e) => !t || e.type === t), type);
}
async function sandboxSeats(id) {
  const res = await fetch(`${stack.proxy.base}/sandbox/subscription/getsubscription?subscriptionId=${id}`, {
    headers: { Authorization: 'Basic ' + Buffer.from('sandbox:sandbox').toString('base64'), Accept: 'application/json' },
  });
  const body = await res.json();
  return body.Subscription.Items.map((i) => i.Quantity);
}
async function commits(id) {
  return (await admin(stack.proxy.base, 'counters')).commits[id] ?? 0;
}
// The text catalogues, read from src/widget/view/i18n/texts.rs: { EN: {key: template}, DE: …, FR: … }.
const CATALOGUES = (() => {
  const src = readFileSync(join(ROOT, 'src', 'widget', 'view', 'i18n', 'texts.rs'), 'utf8');
  const out = {};
  // Each catalogue is a `catalogue!(… NAME { key: "text", … })` block.
  for (const [, name, body] of src.matchAll(/^    ([A-Z]+) \{\n([\s\S]*?)\n    \}\n\);/gm)) {
    out[name] = Object.fromEntries([...body.matchAll(/^ +(\w+): "((?:[^"\\]|\\.)*)",$/gm)].map(([, k, v]) => [k, JSON.parse(`"${v}"`)]));
  }
  for (const lang of ['EN', 'DE', 'FR']) {
    if (Object.keys(out[lang] ?? {}).length < 60) throw new Error(`could not read the ${lang} catalogue from i18n/texts.rs`);
  }
  return out;
})();
/** The strings of `lang`'s rendering that match an English template `lang` words otherwise. */
function englishLeaks(strings, lang) {
  const esc = (t) => t.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  const leaks = [];
  for (const [key, en] of Object.entries(CATALOGUES.EN)) {
    if (CATALOGUES[lang][key] === en) continue; // the same in both (e.g. the "line" template)
    const pattern = en.split(/\{\w+\}/).map(esc).join('[\\s\\S]+?');
    const re = new RegExp(`(?<!\\p{L})${pattern}(?!\\p{L})`, 'u');
    for (const s of strings) if (re.test(s)) leaks.push(`${key}: ${s}`);
  }
  return leaks;
}
/** Visible texts and accessible-name attributes in a widget (the merchant's product name excluded). */
function visibleStrings(widget) {
  return widget.evaluate((host) => {
    const out = [];
    const walk = (node) => {
      for (const c of node.childNodes) {
        if (c.nodeType === Node.TEXT_NODE) {
          const t = c.textContent.trim();
          if (t && c.parentElement.checkVisibility() && !c.parentElement.closest('[part~="header"], option')) out.push(t);
        } else if (c.nodeType === Node.ELEMENT_NODE) {
          if (c.checkVisibility?.() ?? true) {
            for (const a of ['aria-label', 'title', 'placeholder', 'aria-valuetext']) {
              if (c.getAttribute(a)) out.push(c.getAttribute(a));
            }
          }
          walk(c);
        }
      }
    };
    walk(host.shadowRoot);
    return out;
  });
}

test('demo: 1 → 2 seats shows the estimate, then the verified figures (604.93 today), and commits', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    await shot(w, 'widget-initial');
    assert.match(await part(w, 'header').textContent(), /Cloud Storage – Team seat/);
    // The estimate renders in the same task as the click (before any network answer).
    const sameFrame = await page.evaluate(() => {
      const root = document.querySelector('#seat-widget').shadowRoot;
      root.querySelector('[data-action="inc"]').click();
      return { total: root.querySelector('[part~="due"]').textContent, badge: root.querySelector('[part~="badge"]').textContent };
    });
    assert.deepEqual(sameFrame, { total: '$604.93', badge: 'Estimate' });
    await shot(w, 'widget-estimate');
    await waitVerified(w);
    const summary = await part(w, 'summary').innerText();
    for (const s of ['$604.93', '$508.34', '$96.59', 'Nov 13, 2026: $2,400.00', '184 of 365 days']) {
      assert.ok(summary.includes(s), `${s} in ${summary}`);
    }
    assert.equal(await part(w, 'line').textContent(), '2 × $1,200.00 = $2,400.00 per year · incl. 19% VAT');
    assert.equal(await badge(w).textContent(), 'Confirmed price');
    assert.match(await w.locator('[role="status"][aria-live="polite"]').textContent(), /Due today: \$604\.93/);
    const svg = w.locator('svg[role="img"]');
    assert.match(await svg.getAttribute('aria-label'), /184 of 365 days remain/);
    assert.deepEqual(await axe(page), []);
    await shot(w, 'widget-verified');

    const confirm = w.getByRole('button', { name: 'Confirm change' });
    assert.equal(await confirm.isDisabled(), true, 'confirm needs consent');
    const consent = w.getByLabel('I agree to pay $604.93 today and $2,400.00 on Nov 13, 2026.');
    await consent.check();
    await shot(w, 'widget-consent');
    // A double click commits once.
    await confirm.dblclick();
    await part(w, 'success').waitFor();
    assert.match(await part(w, 'success').textContent(), /You now have 2 seats/);
    await shot(w, 'widget-success');
    await page.screenshot({ path: join(ROOT, 'tests', 'artifacts', 'demo-page.png'), fullPage: true });
    const committed = await events(page, 'seatquote:committed');
    assert.equal(committed.length, 1);
    assert.equal(committed[0].detail.quantity, 2);
    assert.equal(committed[0].detail.quote.alignment.gross, '604.93');
    assert.equal((await events(page, 'seatquote:checkout')).length, 1);
    assert.deepEqual(await sandboxSeats('S68841753'), [2]);
    assert.equal(await commits('S68841753'), 1);
    assert.deepEqual(await csp(page), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('keyboard only: step with arrows, consent with Space, confirm with Enter', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    await page.goto(stack.proxy.base + '/');
    await page.keyboard.press('Tab'); // skip links in the top bar
    const focusIs = (sel) => page.evaluate((s) => {
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      return !!a && a.matches(s);
    }, sel);
    for (let i = 0; i < 10 && !(await focusIs('#sign-in')); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const w = page.locator('#seat-widget');
    try {
      await w.getByRole('spinbutton').waitFor({ timeout: 10000 });
    } catch (e) {
      const state = await page.evaluate(() => ({
        who: document.getElementById('who').textContent,
        accountHidden: document.getElementById('account').hidden,
        active: document.activeElement?.outerHTML.slice(0, 80),
        widget: document.querySelector('#seat-widget').shadowRoot?.textContent.slice(0, 300),
      }));
      await shot(page, 'failed-keyboard');
      throw new Error(`widget not ready: ${JSON.stringify(state)} ${JSON.stringify(problems)}\n${stack.proxy.logs().slice(-3000)}`);
    }
    for (let i = 0; i < 20 && !(await focusIs('#qty')); i++) await page.keyboard.press('Tab');
    assert.ok(await focusIs('#qty'), 'the stepper is reachable by Tab');
    await page.keyboard.press('PageUp'); // +10
    await page.keyboard.press('ArrowDown'); // -1 → 10
    await page.keyboard.press('Home'); // min 1
    await page.keyboard.press('ArrowUp'); // 2
    assert.equal(await w.getByRole('spinbutton').inputValue(), '2');
    await waitVerified(w);
    for (let i = 0; i < 10 && !(await focusIs('#consent')); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    assert.ok(await focusIs('.confirm'), 'Confirm follows the consent');
    await page.keyboard.press('Enter');
    await part(w, 'success').waitFor();
    assert.deepEqual(await sandboxSeats('S68841753'), [2]);
    assert.deepEqual(await csp(page), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('upstream 500 and 429 show an error state and recover on Retry', async () => {
  const { page, context } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    for (const [fault, count, name] of [['status500', 3, 'error-500'], ['status429', 1, 'error-429']]) {
      // A 429's Retry-After blocks every upstream request (shared budget): 1 s here, not 60.
      await admin(stack.proxy.base, 'fault', fault === 'status429' ? { fault, count, ms: 1000 } : { fault, count });
      await w.getByRole('button', { name: 'Add one seat' }).click();
      const notice = part(w, 'notice');
      await notice.getByText('The billing service is busy').waitFor();
      await shot(w, 'widget-' + name);
      assert.equal(await w.getByRole('button', { name: 'Confirm change' }).isDisabled(), true);
      // After the Retry-After (1 s) the widget may have retried on its own already.
      await page.waitForTimeout(1100);
      const again = notice.getByRole('button', { name: 'Try again' });
      if (await again.isVisible()) await again.click();
      await waitVerified(w);
      assert.equal(await notice.isVisible(), false);
    }
    const errors = await events(page, 'seatquote:error');
    assert.deepEqual(errors.map((e) => e.detail.code), ['upstream_error', 'upstream_unavailable']);
    assert.ok(errors.every((e) => typeof e.detail.message === 'string' && e.detail.message.length > 0));
  } finally {
    await context.close();
  }
});

test('a price change between preview and confirm shows quote_changed and asks again', async () => {
  const { page, context } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    await w.getByRole('button', { name: 'Add one seat' }).click();
    await waitVerified(w);
    await w.getByRole('checkbox').check();
    await admin(stack.proxy.base, 'price', { productId: 294835, unitPrice: '1500.00' });
    await w.getByRole('button', { name: 'Confirm change' }).click();
    await part(w, 'notice').getByText('The price changed').waitFor();
    await shot(w, 'widget-quote-changed');
    // The sandbox reprices the current seat too: round((3000 − 1500) × 184 / 365) = 756.16
    assert.equal(await part(w, 'due').textContent(), '$756.16');
    assert.equal(await w.getByRole('checkbox').isChecked(), false);
    assert.equal(await commits('S68841753'), 0);
    await w.getByLabel('I agree to pay $756.16 today and $3,000.00 on Nov 13, 2026.').check();
    await w.getByRole('button', { name: 'Confirm change' }).click();
    await part(w, 'success').waitFor();
    assert.equal(await commits('S68841753'), 1);
  } finally {
    await context.close();
  }
});

test('de-DE custom element: decrease goes to nextBilling; attribute changes re-render; destroy() leaves no listeners', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  await context.addInitScript(() => {
    const live = new Map();
    const add = EventTarget.prototype.addEventListener;
    const remove = EventTarget.prototype.removeEventListener;
    EventTarget.prototype.addEventListener = function (type, fn, o) {
      if (!live.has(this)) live.set(this, new Set());
      live.get(this).add(type + ':' + (fn.__id ??= Math.random()));
      return add.call(this, type, fn, o);
    };
    EventTarget.prototype.removeEventListener = function (type, fn, o) {
      live.get(this)?.delete(type + ':' + fn?.__id);
      return remove.call(this, type, fn, o);
    };
    window.__listeners = (t) => live.get(t)?.size ?? 0;
  });
  try {
    const previews = [];
    page.on('request', (r) => { if (r.url().endsWith('/preview')) previews.push(JSON.parse(r.postData())); });
    await page.goto(stack.proxy.base + '/embed.html');
    const eur = page.locator('#eur');
    await eur.getByRole('spinbutton').waitFor();
    const plain = (s) => s.replace(/[\u00a0\u202f]/g, ' ');
    assert.equal(plain(await part(eur, 'line').textContent()), '5 × 29,90 € = 149,50 € pro Monat · zzgl. 19 % MwSt.');
    await eur.getByRole('spinbutton').press('ArrowDown');
    await waitVerified(eur);
    assert.deepEqual(previews.at(-1), { quantity: 4, alignment: 'nextBilling' });
    assert.match(await eur.locator('.notice.info').first().textContent(), /Weniger Plätze gelten ab der Verlängerung/);
    assert.match(plain(await part(eur, 'next').textContent()), /142,32 €/, '4 × 29,90 € net + 19 % VAT');
    assert.match(await eur.locator('label[for="consent"]').textContent(), /Heute wird nichts berechnet/);
    await shot(eur, 'widget-de-DE-decrease');
    // Every visible string (text, labels, aria-*) is German: none matches an English
    // catalogue template that German words differently (or lacks).
    assert.deepEqual(englishLeaks(['Confirm change', '3 seats', 'Netto'], 'DE'), ['seats_other: 3 seats', 'confirm: Confirm change']);
    const seen = await visibleStrings(eur);
    assert.ok(seen.length >= 12, seen.join(' | '));
    assert.deepEqual(englishLeaks(seen, 'DE'), [], 'English text in the de-DE widget');

    const jpy = page.locator('#jpy');
    await jpy.getByRole('spinbutton').waitFor();
    assert.match(await part(jpy, 'line').textContent(), /^3 × ￥12,000 = ￥36,000/);
    await jpy.getByRole('button', { name: 'Add one seat' }).click();
    await waitVerified(jpy);
    assert.match(await part(jpy, 'due').textContent(), /^￥[\d,]+$/);
    assert.equal(await jpy.getByRole('button', { name: 'Confirm seats' }).count(), 1, 'merchant override');
    await shot(jpy, 'widget-ja-JP');

    // Attribute change → re-render in French.
    await page.evaluate(() => document.getElementById('eur').setAttribute('locale', 'fr-FR'));
    await eur.getByText('Offre actuelle : 5 postes').waitFor();

    // destroy(): no listener left on the shadow root, nothing rendered.
    const before = await page.evaluate(() => window.__listeners(document.getElementById('jpy').shadowRoot));
    assert.equal(before, 4);
    await page.evaluate(() => window.seatquoteHandles.jpy.destroy());
    const left = await page.evaluate(() => ({
      listeners: window.__listeners(document.getElementById('jpy').shadowRoot),
      children: document.getElementById('jpy').shadowRoot.childNodes.length,
    }));
    assert.deepEqual(left, { listeners: 0, children: 0 });
    // Removing the custom element destroys it too.
    await page.evaluate(() => { window.__eurRoot = document.getElementById('eur').shadowRoot; document.getElementById('eur').remove(); });
    assert.equal(await page.evaluate(() => window.__listeners(window.__eurRoot)), 0);
    assert.deepEqual(await csp(page), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('bad options: one console error naming the option and an error state', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    await page.goto(stack.proxy.base + '/embed.html');
    await page.locator('#jpy').getByRole('spinbutton').waitFor();
    await page.evaluate(async () => {
      const { mount } = await import('/pkg/seatquote.js');
      const el = document.createElement('div');
      el.id = 'bad';
      document.body.append(el);
      mount(el, { subscription: 'S70000002', currencyDisplay: 'emoji', token: 't' });
    });
    const bad = page.locator('#bad');
    await part(bad, 'error').getByText('not set up correctly').waitFor();
    assert.deepEqual(problems, ['console: seatquote: option `currencyDisplay` must be symbol, narrowSymbol, code or name']);
  } finally {
    await context.close();
  }
});

test('a hostile product name renders as text', async () => {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'crates/sandbox/fixtures/sandbox.json'), 'utf8'));
  const evil = '<img src=x onerror=alert(1)>';
  fixture.subscriptions[0].items[0].productName = evil;
  const dir = mkdtempSync(join(tmpdir(), 'seatquote-fixture-'));
  writeFileSync(join(dir, 'sandbox.json'), JSON.stringify(fixture));
  const p2 = await startProxy({ SEATQUOTE_SANDBOX_FIXTURE: join(dir, 'sandbox.json') });
  const { page, context, problems } = await newPage(stack.browser);
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs++; d.dismiss(); });
  try {
    const w = await openDemo(page, p2.base);
    assert.equal(await part(w, 'header').textContent(), evil);
    assert.equal(await page.evaluate(() => document.querySelector('#seat-widget').shadowRoot.querySelectorAll('img').length), 0);
    await w.getByRole('button', { name: 'Add one seat' }).click();
    await waitVerified(w);
    assert.equal(dialogs, 0);
    assert.deepEqual(await csp(page), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await p2.stop();
  }
});
