// The package's TypeScript types as a merchant's strict project meets them: the examples in
// tests/merchant (the Vite page, the React 19 component, and every exported type) type-check
// with `tsc --strict --noEmit`, `skipLibCheck: false` and `lib: ES2022, DOM`, under
// TypeScript 5 and the newest TypeScript (both pinned in the root package.json). The typed
// unions agree with their sources: the message keys with src/widget/view/i18n/texts.rs, the error codes
// with the widget's ErrorCode and the proxy's OpenAPI document.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { merchantProject, ROOT } from '../../merchant/project.mjs';

const dts = readFileSync(join(ROOT, 'js/seatquote.d.ts'), 'utf8');
/** The string literals of `type NAME = 'a' | 'b' …;` in seatquote.d.ts. */
function union(name) {
  const m = dts.match(new RegExp(`export type ${name} =([^;]*);`));
  assert.ok(m, `seatquote.d.ts declares ${name}`);
  return [...m[1].matchAll(/'([^']+)'/g)].map(([, s]) => s);
}

test('SeatQuoteMessageKey lists exactly the keys of the English catalogue (src/widget/view/i18n/texts.rs)', () => {
  const src = readFileSync(join(ROOT, 'src/widget/view/i18n/texts.rs'), 'utf8');
  const en = src.match(/catalogue!\(keys[\s\S]*?EN \{\n([\s\S]*?)\n    \}/);
  assert.ok(en, 'i18n/texts.rs has the English catalogue');
  const keys = [...en[1].matchAll(/^ +(\w+): "/gm)].map(([, k]) => k);
  assert.ok(keys.length > 50);
  assert.deepEqual(union('SeatQuoteMessageKey'), keys);
});

test('SeatQuoteErrorCode holds every code the widget reports, and only codes that exist', () => {
  const errors = readFileSync(join(ROOT, 'src/widget/model/errors.rs'), 'utf8');
  const names = errors.match(/const NAMES: \[&str; \d+\] = \[([\s\S]*?)\];/);
  assert.ok(names, 'ErrorCode\'s NAMES (what ErrorCode::as_str writes) are in src/widget/model/errors.rs');
  const widget = [...names[1].matchAll(/"(\w+)"/g)].map(([, c]) => c);
  assert.ok(widget.length > 20, 'NAMES read');
  const openapi = JSON.parse(readFileSync(join(ROOT, 'crates/proxy/openapi.json'), 'utf8'));
  const problems = openapi.components.schemas.Problem.properties.code.enum;
  const declared = union('SeatQuoteErrorCode');
  for (const c of widget) assert.ok(declared.includes(c), `${c} (ErrorCode::as_str) is declared`);
  // `error`: an answer without a problem code (src/widget/runtime/api.rs).
  for (const c of declared) assert.ok(widget.includes(c) || problems.includes(c) || c === 'error', `${c} exists`);
});

const project = merchantProject();
after(() => project.remove());

for (const [name, bin] of [['TypeScript 5', 'typescript5/bin/tsc'], ['the newest TypeScript', 'typescript/bin/tsc']]) {
  test(`${name}: the merchant examples type-check (strict, skipLibCheck false)`, () => {
    const tsc = join(ROOT, 'node_modules', bin);
    const version = execFileSync(tsc, ['--version'], { encoding: 'utf8' }).trim();
    try {
      execFileSync(tsc, ['-p', join(project.dir, 'tsconfig.json'), '--strict', '--noEmit'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      assert.fail(`${version}:\n${e.stdout}${e.stderr}`);
    }
  });
}
