// Renames a wasm-bindgen module's imports to short names, in the module and in its JS glue
// alike: `node scripts/short-imports.mjs pkg/widget_bg.wasm pkg/widget.js`.
//
// wasm-bindgen names every import `__wbg_<name>_<16 hex digits>` and puts all of them in one
// module named after the glue file ("./widget_bg.js"). Those names appear twice (the
// module's import section and the glue's import object) and the hex digits barely compress:
// about 2.5 KB of the widget's gzipped bytes (docs/performance.md, "Where the bytes went").
// Each import keeps its place and signature; only the names change, to `a`, `b`, … `Z`,
// `aa`, … and the module to `w`. Nothing is rewritten unless every name is found exactly
// once as a key of the glue's import object (a different wasm-bindgen could lay it out
// otherwise): the files are then left as they were and the script says so.
// The exports the glue reads as `wasm.<name>` are renamed to short names as well.
import { readFileSync, writeFileSync } from 'node:fs';

const [wasmPath, jsPath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
let js = readFileSync(jsPath, 'utf8');

/** Reads an unsigned LEB128 at `at`: [value, next offset]. */
function leb(buf, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

/** Encodes an unsigned LEB128. */
function toLeb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}

const name = (s) => Buffer.concat([toLeb(Buffer.byteLength(s)), Buffer.from(s)]);
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
function short(i) {
  let s = '';
  do {
    s = ALPHABET[i % ALPHABET.length] + s;
    i = Math.floor(i / ALPHABET.length) - 1;
  } while (i >= 0);
  return s;
}

function fail(why) {
  console.log(`short-imports: ${why}; ${wasmPath} and ${jsPath} left as they were`);
  process.exit(0);
}

// Find the import section; copy every other section as it is.
const parts = [wasm.subarray(0, 8)];
let at = 8, renamed = null, module = null, exportSection = -1;
while (at < wasm.length) {
  const start = at, id = wasm[at];
  const [size, body] = leb(wasm, at + 1);
  at = body + size;
  if (id === 7) {
    exportSection = parts.length;
    parts.push(wasm.subarray(start, at));
    continue;
  }
  if (id !== 2) {
    parts.push(wasm.subarray(start, at));
    continue;
  }
  let [count, p] = leb(wasm, body);
  const entries = [];
  renamed = [];
  for (let i = 0; i < count; i++) {
    let len;
    [len, p] = leb(wasm, p);
    const mod = wasm.toString('utf8', p, p + len);
    p += len;
    [len, p] = leb(wasm, p);
    const field = wasm.toString('utf8', p, p + len);
    p += len;
    if (wasm[p] !== 0) fail('an import that is not a function');
    const [, next] = leb(wasm, p + 1);
    if (module !== null && mod !== module) fail('imports from more than one module');
    module = mod;
    renamed.push([field, short(i)]);
    entries.push(name('w'), name(short(i)), wasm.subarray(p, next));
    p = next;
  }
  const content = Buffer.concat([toLeb(count), ...entries]);
  parts.push(Buffer.from([2]), toLeb(content.length), content);
}
if (!renamed) fail('no import section');

// The glue: each import is a key of the object literal handed to the module, once.
const moduleKey = `${JSON.stringify(module)}: import0`;
if (js.split(moduleKey).length !== 2) fail(`the module key ${moduleKey} not found once`);
js = js.replace(moduleKey, 'w: import0');
for (const [old, fresh] of renamed) {
  const key = new RegExp(`(?<=[\\s{,])${old}(?=:)`, 'g');
  const found = js.match(key)?.length ?? 0;
  if (found !== 1) fail(`the import ${old} found ${found} times in the glue`);
  js = js.replace(key, fresh);
}
// The exports the glue reads (`wasm.<name>`) renamed too: `wasm-bindgen`'s closure
// trampolines are named after their Rust paths with a crate hash (over 100 characters each).
// `memory` keeps its name, and so does any export the glue never names.
if (exportSection >= 0) {
  const section = parts[exportSection];
  let [, p] = leb(section, 1);
  let count;
  [count, p] = leb(section, p);
  const entries = [];
  let next = 0;
  for (let i = 0; i < count; i++) {
    let len;
    [len, p] = leb(section, p);
    const old = section.toString('utf8', p, p + len);
    p += len;
    const kind = section[p];
    const [, end] = leb(section, p + 1);
    const use = new RegExp(`(?<=\\bwasm\\.)${old.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
    let field = old;
    if (old !== 'memory' && use.test(js)) {
      field = short(next++);
      js = js.replace(use, field);
    }
    entries.push(name(field), Buffer.from([kind]), section.subarray(p + 1, end));
    p = end;
  }
  const content = Buffer.concat([toLeb(count), ...entries]);
  parts[exportSection] = Buffer.concat([Buffer.from([7]), toLeb(content.length), content]);
}
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(jsPath, js);
