// docs/widget.md's examples are files that the tests run: every fenced code block is marked
// `<!-- quoted from PATH -->` and is a verbatim excerpt of that file (the demo's pages in
// www/, run by tests/e2e; the merchant projects in tests/merchant/, built, run and
// type-checked by tests/e2e/frameworks.test.mjs and tests/node/package/types.test.mjs). No example
// uses an inline script, which the recommended CSP blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
const doc = readFileSync(join(root, 'docs/widget.md'), 'utf8');

/** Every fenced block: its language, its text and the line before its opening fence. */
function blocks(markdown) {
  const out = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^```(\w*)$/);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `the block at line ${i + 1} is closed`);
    out.push({ line: i + 1, lang: open[1], text: lines.slice(i + 1, end).join('\n'), before: lines[i - 1] ?? '' });
    i = end;
  }
  return out;
}

const found = blocks(doc);

test('docs/widget.md has its examples (HTML, TypeScript, TSX, JS, CSS, the esbuild step)', () => {
  assert.deepEqual([...new Set(found.map((b) => b.lang))].sort(), ['css', 'html', 'js', 'sh', 'ts', 'tsx']);
});

for (const b of found) {
  test(`docs/widget.md line ${b.line} (${b.lang}) is quoted verbatim from its file`, () => {
    const marker = b.before.match(/^<!-- quoted from ([\w./-]+) -->$/);
    assert.ok(marker, `a "<!-- quoted from PATH -->" line precedes the block at line ${b.line}`);
    const file = readFileSync(join(root, marker[1]), 'utf8');
    assert.ok(file.includes(b.text), `${marker[1]} contains the block at line ${b.line} verbatim`);
    if (b.lang === 'html') assert.doesNotMatch(b.text, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  });
}
