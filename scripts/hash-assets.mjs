// Writes content-hashed copies of the built package's browser files to <pkg>/assets/ and
// a manifest (assets/manifest.json: plain name → hashed name), each also brotli- and
// gzip-compressed (`.br`, `.gz`), for servers that cache them immutably (the demo merchant, demo/static.mjs). References between the files
// (`./widget.js`, `widget_bg.wasm`, …) are rewritten to the hashed names, so a hashed file
// only ever loads hashed files. The plain names stay in pkg/ for npm and `<script>` embeds.
//   node scripts/hash-assets.mjs pkg
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const pkg = process.argv[2];
if (!pkg) throw new Error('usage: node scripts/hash-assets.mjs <pkg dir>');
// Leaves first: a file is hashed after every file it names.
const ORDER = ['widget_bg.wasm', 'quote_bg.wasm', 'engine.js', 'widget.js', 'quote.js', 'quote-fast.js',
  'seatquote.js', 'index.js', 'seatquote.css'];
const out = join(pkg, 'assets');
rmSync(out, { recursive: true, force: true });
mkdirSync(out);

const manifest = {};
for (const name of ORDER) {
  let body = readFileSync(join(pkg, name));
  if (!name.endsWith('.wasm')) {
    let text = body.toString('utf8');
    for (const [plain, hashed] of Object.entries(manifest)) {
      const quoted = new RegExp(`(["'\`])(\\./)?${plain.replace(/[.]/g, '\\.')}\\1`, 'g');
      text = text.replace(quoted, (_m, q, dot) => `${q}${dot ?? ''}${hashed}${q}`);
    }
    body = Buffer.from(text);
  }
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  const dot = name.lastIndexOf('.');
  const hashed = `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
  writeFileSync(join(out, hashed), body);
  // Precompressed at the best settings, for servers that send them as they are.
  const quality = { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length };
  writeFileSync(join(out, hashed + '.br'), brotliCompressSync(body, { params: quality }));
  writeFileSync(join(out, hashed + '.gz'), gzipSync(body, { level: 9 }));
  manifest[name] = hashed;
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
