// End to end, the commit under quick hands and upstream faults (issue "What the customer
// sees is what is charged", bugs 1–3): real proxy + sandbox with fault injection, Chromium.
// The committed change always equals what was on screen at Confirm; a confirmation's
// Idempotency-Key belongs to one quote; an unknown outcome offers only "Check again".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, openDemo, admin, shot, part, useStack } from './helpers.mjs';
import { control, waitVerified, events, counters } from './widget-helpers.mjs';

// Upstream timeout 4 s: above the 1.5 s latency faults, and the applied-then-hung commit
// answers 504 within seconds.
// A 2 s quarantine: a commit found unchanged after its deadline is declared not applied
// only after it (docs/proxy.md, "Commit, idempotency and crash safety"); the default is minutes.
const stack = useStack({
  env: { SEATQUOTE_CACHE_MS: '0', SEATQUOTE_UPSTREAM_TIMEOUT_MS: '4000', SEATQUOTE_COMMIT_QUARANTINE_MS: '2000' },
});

/** Records every commit request the page sends: { key, token }. */
function recordCommits(page) {
  const sent = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/commit')) sent.push({ key: r.headers()['idempotency-key'], token: JSON.parse(r.postData()).quoteToken });
  });
  return sent;
}

async function agreeAndConfirm(w) {
  await w.getByRole('checkbox').check();
  await control(w, 'confirm').click();
}

test('bug 1: switching the mode during a slowed commit changes nothing; the committed change is what was on screen at Confirm', async () => {
  const { page, context, problems } = await newPage(stack.browser);
  try {
    const w = await openDemo(page, stack.proxy.base);
    await control(w, 'inc').click();
    await waitVerified(w);
    assert.equal(await part(w, 'due').textContent(), '$604.93');
    assert.equal(await w.locator('input[name="mode"]:checked').getAttribute('value'), 'immediate');
    await admin(stack.proxy.base, 'fault', { fault: 'latency', ms: 1500, count: 1, target: 'commit' });
    // Everything the widget shows as confirmed from here on is recorded.
    await w.evaluate((host) => {
      const root = host.shadowRoot;
      const q = (s) => root.querySelector(s);
      window.__seen = [];
      const look = () => window.__seen.push({
        due: q('[part~="due"]').textContent, next: q('[part~="next"]').textContent,
        line: q('[part~="line"]').textContent, verified: q('[part~="badge"]').classList.contains('verified'),
        badgeShown: q('[part~="badge"]').checkVisibility(),
      });
      new MutationObserver(look).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await agreeAndConfirm(w);
    await w.getByRole('button', { name: 'Confirming…' }).waitFor();
    // Quick hands: the other mode (label and radio), the stepper, by mouse and by script.
    await w.getByText('Start a new full period today').click({ force: true, timeout: 2000 }).catch(() => {});
    await w.evaluate((host) => {
      host.shadowRoot.querySelector('input[value="extend"]').click();
      host.shadowRoot.querySelector('[data-action="inc"]').click();
    });
    assert.equal(await w.locator('input[value="extend"]').isDisabled(), true, 'modes are locked while confirming');
    assert.equal(await control(w, 'inc').isDisabled(), true, 'the stepper is locked while confirming');
    assert.equal(await w.locator('input[name="mode"]:checked').getAttribute('value'), 'immediate');
    await shot(w, 'commit-bug1-confirming');
    await part(w, 'success').waitFor();
    const committed = (await events(page, 'seatquote:committed')).map((e) => e.detail);
    assert.equal(committed.length, 1);
    assert.equal(committed[0].mode, 'immediate');
    assert.equal(committed[0].quantity, 2);
    assert.equal(committed[0].quote.alignment.gross, '604.93');
    assert.equal(committed[0].quote.nextBilling.date, '2026-11-13');
    const seen = await page.evaluate(() => window.__seen);
    const confirmed = seen.filter((s) => s.verified && s.badgeShown);
    assert.ok(confirmed.length > 0);
    for (const s of confirmed) {
      assert.equal(s.due, '$604.93', JSON.stringify(s));
      assert.match(s.next, /Nov 13, 2026: \$2,400\.00/);
      assert.match(s.line, /^2 × \$1,200\.00/);
    }
    const success = await part(w, 'success').textContent();
    assert.match(success, /You now have 2 seats\. \$604\.93 was charged today\. Next billing: \$2,400\.00 on Nov 13, 2026\./);
    const c = await counters(stack.proxy.base);
    assert.equal(c.commits.S68841753, 1);
    assert.deepEqual(c.quantities.S68841753, { 1: 2 });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('bug 2: after a refused Confirm (nothing charged) a new count confirms with its own key; after a 500 only Check again (same key) until final evidence says not applied, then the fresh quote agreed again', async () => {
  const { page, context } = await newPage(stack.browser);
  try {
    const sent = recordCommits(page);
    const w = await openDemo(page, stack.proxy.base);
    const notice = part(w, 'notice');
    // 429 upstream (Retry-After: 1) → 503: certainly not applied.
    await admin(stack.proxy.base, 'fault', { fault: 'status429', count: 1, target: 'commit', ms: 1000 });
    await control(w, 'inc').click();
    await waitVerified(w);
    await agreeAndConfirm(w);
    await notice.getByText('Your change was not made and nothing was charged.').waitFor();
    await shot(w, 'commit-refused');
    // The proxy sends nothing upstream until the Retry-After has passed.
    await page.waitForTimeout(1100);
    await control(w, 'inc').click(); // 3 seats: a new quote
    await waitVerified(w);
    await agreeAndConfirm(w);
    await part(w, 'success').getByText('You now have 3 seats.').waitFor();
    assert.equal(sent.length, 2);
    assert.notEqual(sent[1].key, sent[0].key, 'the new quote has its own Idempotency-Key');
    assert.notEqual(sent[1].token, sent[0].token);
    let c = await counters(stack.proxy.base);
    assert.deepEqual([c.commits.S68841753, c.quantities.S68841753], [1, { 1: 3 }]);

    // 500 upstream → 502: may have been applied. Only "Check again", with the same key.
    await control(w, 'again').click();
    await w.getByRole('spinbutton').waitFor();
    await admin(stack.proxy.base, 'fault', { fault: 'status500', count: 1, target: 'commit' });
    await control(w, 'inc').click();
    await waitVerified(w);
    await agreeAndConfirm(w);
    await notice.getByRole('button', { name: 'Check again' }).waitFor();
    assert.match(await notice.textContent(), /may already have been applied/);
    assert.equal(await control(w, 'inc').isDisabled(), true);
    assert.equal(await w.getByRole('checkbox').isDisabled(), true);
    // Cleverbridge applied nothing, but one read is not final evidence: Check again (same
    // key) answers "still being checked" until the deadline and the quarantine have passed,
    // then "not made, nothing charged" — and nothing is ever sent again under that key.
    const notApplied = notice.getByText('Your change was not made and nothing was charged.');
    for (let i = 0; i < 15 && !(await notApplied.isVisible()); i++) {
      const again = notice.getByRole('button', { name: 'Check again' });
      if (await again.isVisible()) await again.click();
      await page.waitForTimeout(1500);
    }
    await notApplied.waitFor();
    assert.match(await notice.textContent(), /fresh quote/);
    assert.ok(sent.length >= 4, 'Check again was sent');
    for (const s of sent.slice(3)) assert.equal(s.key, sent[2].key, 'Check again reuses the key');
    assert.notEqual(sent[2].key, sent[1].key);
    c = await counters(stack.proxy.base);
    assert.deepEqual([c.commits.S68841753, c.quantities.S68841753], [1, { 1: 3 }], 'the 500 applied nothing');
    // The fresh quote, agreed again, commits with its own key.
    const before = sent.length;
    await waitVerified(w);
    await agreeAndConfirm(w);
    await part(w, 'success').getByText('You now have 4 seats.').waitFor();
    assert.equal(sent.length, before + 1);
    assert.notEqual(sent[before].key, sent[2].key, 'the fresh quote has its own key');
    // …and the next change is a new quote with a new key.
    await control(w, 'again').click();
    await w.getByRole('spinbutton').waitFor();
    await control(w, 'inc').click();
    await waitVerified(w);
    await agreeAndConfirm(w);
    await part(w, 'success').getByText('You now have 5 seats.').waitFor();
    assert.equal(sent.length, before + 2);
    const last = sent[sent.length - 1];
    assert.ok(!sent.slice(0, -1).some((s) => s.key === last.key), 'the next change has a new key');
    c = await counters(stack.proxy.base);
    assert.deepEqual([c.commits.S68841753, c.quantities.S68841753], [3, { 1: 5 }]);
    const codes = (await events(page, 'seatquote:error')).map((e) => e.detail.code);
    assert.ok(!codes.includes('idempotency_key_reused'), codes.join());
  } finally {
    await context.close();
  }
});

test('bug 3: a commit applied but unanswered says it may have gone through, offers only Check again, and settles with exactly one change', async () => {
  const { page, context } = await newPage(stack.browser);
  try {
    const sent = recordCommits(page);
    const w = await openDemo(page, stack.proxy.base);
    await admin(stack.proxy.base, 'fault', { fault: 'applyThenHang', count: 1, target: 'commit' });
    await control(w, 'inc').click();
    await waitVerified(w);
    await agreeAndConfirm(w);
    const notice = part(w, 'notice');
    await notice.getByRole('button', { name: 'Check again' }).waitFor({ timeout: 20000 });
    assert.match(await notice.textContent(), /could not confirm whether your change went through: it may already have been applied/);
    assert.equal(await notice.getByRole('button', { name: 'Try again' }).count(), 0);
    await shot(w, 'commit-unknown');
    // Nothing that would make a new quote works; the figures stay the confirmed ones.
    await w.evaluate((host) => host.shadowRoot.querySelector('[data-action="inc"]').click());
    assert.equal(await w.getByRole('spinbutton').inputValue(), '2');
    assert.equal(await part(w, 'due').textContent(), '$604.93');
    assert.equal(await w.getByRole('checkbox').isDisabled(), true);
    assert.equal(await control(w, 'confirm').getAttribute('aria-disabled'), 'true');
    assert.equal((await counters(stack.proxy.base)).commits.S68841753, 1, 'the sandbox applied it');
    await notice.getByRole('button', { name: 'Check again' }).click();
    await part(w, 'success').getByText('You now have 2 seats.').waitFor();
    const c = await counters(stack.proxy.base);
    assert.deepEqual([c.commits.S68841753, c.quantities.S68841753], [1, { 1: 2 }], 'exactly one applied change');
    assert.equal(sent.length, 2);
    assert.equal(sent[1].key, sent[0].key);
    assert.equal((await events(page, 'seatquote:committed')).length, 1);
  } finally {
    await context.close();
  }
});
