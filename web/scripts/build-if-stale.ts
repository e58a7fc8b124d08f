import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm start` and `npm test` need a built web app, not a new one every time: the build takes 4–7 s
 * (most of `npm start` from a snapshot). This builds it (`npm run build:web`) only when something it
 * is made from changed since the last build: the web app's sources, the API contract its types are
 * generated from (functions/, domain/) and the installed packages (package-lock.json). The inputs'
 * hash is kept beside the build in web/dist; a clean checkout has none, so it builds.
 * `npm run build:web` itself always builds (and leaves no stamp: the next start checks again).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const STAMP = join(root, 'web/dist/.inputs-sha256');
const INPUTS = ['web', 'functions', 'domain', 'package-lock.json', 'package.json', 'tsconfig.json'];
/** Build output and files the build writes itself (the generated API types). */
const NOT_INPUTS = new Set(['web/dist', 'web/.generated', 'web/src/api/schema.d.ts', 'web/node_modules']);

function files(base: string, path: string): string[] {
  if (NOT_INPUTS.has(relative(base, path))) return [];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => {
    const full = join(path, e.name);
    if (e.isDirectory()) return files(base, full);
    return e.isFile() && !NOT_INPUTS.has(relative(base, full)) ? [full] : [];
  });
}

/** What the web build is made from, as one hash: every input file's path and bytes. */
export function webInputsHash(base = root): string {
  const hash = createHash('sha256');
  const all = INPUTS.flatMap((p) => {
    const full = join(base, p);
    if (!existsSync(full)) return [];
    return p.includes('.') ? [full] : files(base, full);
  }).sort();
  for (const file of all) {
    hash.update(relative(base, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function webBuildIsCurrent(hash = webInputsHash()): boolean {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash && existsSync(join(root, 'web/dist/index.html'));
}

/** Builds the web app unless the last build is of exactly these inputs. True when it built. */
export function buildWebIfStale(): boolean {
  const hash = webInputsHash();
  if (webBuildIsCurrent(hash)) return false;
  execFileSync('npm', ['run', '-s', 'build:web'], { cwd: root, stdio: 'inherit' });
  // The hash of the inputs as they were when the build began: an edit made during the build
  // leaves a stamp that no longer matches, so the next start builds again.
  writeFileSync(STAMP, `${hash}\n`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!buildWebIfStale()) console.log('Web app build is current (web/dist): not rebuilt.');
}
