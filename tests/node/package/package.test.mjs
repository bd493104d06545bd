// The published package as people expect it: README, LICENSE, keywords and engines in it;
// publint and @arethetypeswrong/cli (ESM-only profile: the package is ESM by design) find
// no problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
const pkg = join(root, 'pkg');
const bin = (name) => join(root, 'node_modules/.bin', name);

test('the tarball carries README, LICENSE, keywords and engines', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', pkg], { encoding: 'utf8' }));
  const files = packed.files.map((f) => f.path);
  for (const f of ['README.md', 'LICENSE', 'package.json', 'index.js', 'index.d.ts', 'node.js', 'quote-fast.js', 'quote_bg.wasm',
    'engine.js', 'quote_speed_bg.wasm', 'seatquote.js', 'widget_bg.wasm', 'seatquote.css',
    'seatquote.d.ts', 'widget.d.ts', 'react.js', 'react.d.ts', 'seatquote.css.d.ts']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  // The demo server's content-hashed copies stay out of the package.
  assert.deepEqual(files.filter((f) => f.startsWith('assets/')), []);
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  assert.equal(manifest.license, 'MIT');
  assert.ok(manifest.keywords.includes('cleverbridge'));
  assert.equal(manifest.engines.node, '>=20');
});

test('publint reports no problem', () => {
  const out = execFileSync(bin('publint'), [pkg, '--strict'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(out, /All good/);
});

test('are the types wrong: no problem for an ESM-only package', () => {
  // The stylesheet export (the widget's reserved space) has no types to check.
  execFileSync(bin('attw'), ['--pack', pkg, '--profile', 'esm-only', '--exclude-entrypoints', './seatquote.css', '--format', 'ascii'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
});
