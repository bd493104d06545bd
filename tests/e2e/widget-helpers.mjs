// Helpers shared by the widget's e2e tests (on top of helpers.mjs): waiting for the
// verified badge, reading the page's recorded seatquote:* events, the sandbox counters,
// the focused element inside shadow roots, language-independent widget controls and an
// axe-core accessibility check.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { admin } from './helpers.mjs';

/** A control of the widget by its data-action (language-independent). */
export const control = (w, action) => w.locator(`[data-action="${action}"]`).first();

/** Resolves once the widget shows the verified badge. */
export const waitVerified = (w) => w.locator('[part~="badge"].verified').waitFor();

/** The recorded `seatquote:*` events of `type` (all when omitted). */
export const events = (page, type) => page.evaluate((t) => window.__events.filter((e) => !t || e.type === t), type);

/** Resolves once at least `n` events of `type` were recorded. */
export const waitEvents = (page, type, n) => page.waitForFunction(
  ([t, k]) => window.__events.filter((e) => e.type === t).length >= k, [type, n]);

/** The sandbox's counters. */
export const counters = (base) => admin(base, 'counters');

/** A description of the focused element, through open shadow roots (`body` when none). */
export const focused = (page) => page.evaluate(() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  if (!a || a === document.body) return 'body';
  return a.getAttribute('data-action') || a.id || a.className || a.tagName.toLowerCase();
});

/** Every visible element with role="alert" inside the widget's shadow root (their texts). */
export const visibleAlerts = (w) => w.evaluate((host) => [...host.shadowRoot.querySelectorAll('[role="alert"]')]
  .filter((e) => e.checkVisibility()).map((e) => e.textContent.trim()));

/** Signs in as `customerId` through the sandbox-only demo login; resolves with the token. */
export async function login(base, customerId) {
  const res = await fetch(base + '/demo/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ customerId }),
  });
  if (res.status !== 200) throw new Error(`login ${customerId}: ${res.status}`);
  return (await res.json()).token;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** axe-core's violations on the page, one line each (rule: targets). */
export async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
