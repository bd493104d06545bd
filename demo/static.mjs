// The demo merchant's static files: its pages (www/) and the built package (pkg/), with the
// caching and compression a real merchant's server or CDN would give them (README,
// "Serving the widget"):
// - content-hashed files (pkg/assets/<name>.<hash>.<ext>, written by the build with a
//   manifest) are cached for a year, `immutable`;
// - everything else (pages, their scripts and styles, the package's plain names) is
//   revalidated on every use (`no-cache`) against a strong ETag and Last-Modified, so an
//   unchanged file costs a 304;
// - text and wasm are compressed with brotli or gzip (node:zlib) when the client accepts it
//   (the hashed files ahead of time, by the build);
// - the pages' references to `/pkg/<name>` are rewritten to the hashed names from the
//   manifest, so the pages load files that never need revalidating.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ts': 'text/plain; charset=utf-8', '.map': 'application/json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.ts', '.map']);
/** Hashed file names (`name.0123456789.ext` under assets/): safe to cache forever. */
const HASHED = /(^|\/)assets\/[^/]+\.[0-9a-f]{10}\.[a-z]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/** Files that name /pkg/ files and get the hashed names instead. */
const REWRITTEN = new Set(['.html', '.js', '.css']);
const MIN_COMPRESS = 256;

/**
 * A static file server for `dir`. `pkgDir`: where the manifest (`assets/manifest.json`)
 * is, for rewriting `/pkg/<name>` in this directory's pages (omit for the package itself).
 * `headers`: added to every answer (the page's CSP and such).
 * Returns `serve(req, res, relativePath)`, which answers and returns true, or returns
 * false (and answers nothing) when there is no such file.
 */
export function staticFiles(dir, { pkgDir, headers = {} } = {}) {
  const root = normalize(dir);
  const cache = new Map(); // path → { mtimeMs, manifestMs, body, etag, lastModified, variants }

  function manifest() {
    if (!pkgDir) return undefined;
    const path = join(pkgDir, 'assets', 'manifest.json');
    try {
      const { mtimeMs } = statSync(path);
      if (manifest.cached?.mtimeMs !== mtimeMs) {
        manifest.cached = { mtimeMs, map: JSON.parse(readFileSync(path, 'utf8')) };
      }
      return manifest.cached;
    } catch {
      return undefined;
    }
  }

  function load(file) {
    const stat = statSync(file);
    const m = REWRITTEN.has(extname(file)) ? manifest() : undefined;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.manifestMs === m?.mtimeMs) return hit;
    let body = readFileSync(file);
    if (m) {
      const text = body.toString('utf8').replace(/\/pkg\/([\w.-]+)/g, (all, name) =>
        m.map[name] ? `/pkg/assets/${m.map[name]}` : all);
      body = Buffer.from(text);
    }
    const modified = Math.max(stat.mtimeMs, m?.mtimeMs ?? 0);
    const entry = {
      mtimeMs: stat.mtimeMs, manifestMs: m?.mtimeMs, body, rewritten: m !== undefined,
      etag: '"' + createHash('sha256').update(body).digest('base64url').slice(0, 27) + '"',
      lastModified: new Date(Math.floor(modified / 1000) * 1000).toUTCString(),
      variants: new Map(),
    };
    cache.set(file, entry);
    return entry;
  }

  function encodingFor(req, file, size) {
    if (!COMPRESSIBLE.has(extname(file)) || size < MIN_COMPRESS) return undefined;
    const accepted = new Set();
    for (const part of String(req.headers['accept-encoding'] ?? '').split(',')) {
      const [name, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      if (name && !(q && Number(q.slice(2)) === 0)) accepted.add(name.trim());
    }
    const accepts = (enc) => accepted.has(enc);
    if (accepts('br')) return 'br';
    if (accepts('gzip')) return 'gzip';
    return undefined;
  }

  // Precompressed siblings (`<file>.br`, `<file>.gz`, written by the build for the hashed
  // files at the best settings) are used as they are; anything else is compressed once, at
  // a fast setting (brotli's best takes ~0.8 s for the widget's wasm), and kept in memory.
  function variant(file, entry, encoding) {
    if (!encoding) return { body: entry.body, etag: entry.etag };
    let v = entry.variants.get(encoding);
    if (!v) {
      const ext = encoding === 'br' ? '.br' : '.gz';
      let body;
      try {
        if (!entry.rewritten && statSync(file + ext).mtimeMs >= entry.mtimeMs) body = readFileSync(file + ext);
      } catch {
        body = undefined;
      }
      body ??= encoding === 'br'
        ? brotliCompressSync(entry.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: entry.body.length } })
        : gzipSync(entry.body, { level: 6 });
      v = { body, etag: entry.etag.slice(0, -1) + ext.replace('.', '-') + '"' };
      entry.variants.set(encoding, v);
    }
    return v;
  }

  function notModified(req, etag, lastModified) {
    const inm = req.headers['if-none-match'];
    if (inm !== undefined) return inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
    const ims = Date.parse(req.headers['if-modified-since'] ?? '');
    return !Number.isNaN(ims) && ims >= Date.parse(lastModified);
  }

  return function serve(req, res, rel) {
    let file;
    try {
      file = normalize(join(root, decodeURIComponent(rel)));
    } catch {
      return false;
    }
    if (file !== root && !file.startsWith(root + sep)) return false;
    let entry;
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      entry = load(file);
    } catch {
      return false;
    }
    const encoding = encodingFor(req, file, entry.body.length);
    const { body, etag } = variant(file, entry, encoding);
    const head = {
      ...headers,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': HASHED.test(rel) ? IMMUTABLE : REVALIDATE,
      ETag: etag,
      'Last-Modified': entry.lastModified,
      Vary: 'Accept-Encoding',
    };
    if (notModified(req, etag, entry.lastModified)) {
      res.writeHead(304, head).end();
      return true;
    }
    if (encoding) head['Content-Encoding'] = encoding;
    head['Content-Length'] = body.length;
    res.writeHead(200, head);
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
