// A merchant's project made from the examples here: a copy of `dir` (vite/, react/ or this
// folder) with the packed package (`npm pack pkg/`) installed in it, as `npm install
// seatquote` would. It lives under target/ so that the tools the repository pins (vite,
// react, esbuild, typescript, @types/react) resolve from the root node_modules, and nothing
// is fetched from the network.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const HERE = new URL('./', import.meta.url).pathname;
/** The root's node_modules/.bin on PATH: the pinned tools, as a project's npm scripts see them. */
export const PATH = `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`;

/** Copies `tests/merchant/<dir>` to a fresh folder and installs the packed package there. */
export function merchantProject(dir = '.') {
  mkdirSync(join(ROOT, 'target'), { recursive: true });
  const project = mkdtempSync(join(ROOT, 'target', 'merchant-'));
  cpSync(join(HERE, dir), project, { recursive: true, filter: (src) => !src.endsWith('project.mjs') });
  const tgz = execFileSync('npm', ['pack', join(ROOT, 'pkg'), '--pack-destination', project, '--silent'], { encoding: 'utf8' })
    .trim().split('\n').pop();
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'merchant', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--no-save', join(project, tgz)], { cwd: project, stdio: 'ignore' });
  return { dir: project, remove: () => rmSync(project, { recursive: true, force: true }) };
}
