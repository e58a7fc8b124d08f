/**
 * `npm run mutation`: proves the authorization matrix (test/integration/authz-matrix.test.ts)
 * fails when an authorization check is taken out. For each mutant of mutants.ts it patches a
 * scratch copy of the tree, runs the matrix there, expects at least one failing test, restores
 * the file, and prints mutant → killed / survived with the first tests that caught it.
 *
 * The working tree is never touched: the copy lives under the OS temp directory (node_modules a
 * symlink to this tree's), and is removed at the end, on an error, and on Ctrl-C. It runs the
 * unmutated matrix first: a matrix that already fails would "kill" everything.
 *
 *   npm run mutation                       # every mutant
 *   npm run mutation -- sops-all-authorities gateway-no-iss   # only these
 *
 * Exits non-zero if any mutant survives or no longer applies. Not part of `npm test` (one
 * matrix run per mutant: minutes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTANTS, type Mutant } from './mutants';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MATRIX = 'test/integration/authz-matrix.test.ts';
/** A hang guard only: a matrix run takes well under a minute. */
const RUN_LIMIT_MS = 15 * 60_000;

interface Outcome {
  mutant: Mutant;
  result: 'killed' | 'survived' | 'stale';
  detail: string;
}

let scratch: string | undefined;
let running: ChildProcess | undefined;

function cleanUp() {
  if (running && running.exitCode === null) running.kill('SIGTERM');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: removing the scratch copy`);
    cleanUp();
    process.exit(130);
  });
}

/** The tree as it is now (uncommitted edits included), without build output or local data. */
function copyTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'authz-mutation-'));
  const skip = new Set(['node_modules', '.git', 'cdk.out', '.local', 'coverage', 'dist']);
  cpSync(ROOT, dir, { recursive: true, filter: (src) => !skip.has(src.slice(ROOT.length + 1).split('/').pop() ?? '') || src === ROOT });
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Runs the matrix in the scratch copy; the failing tests' names (empty when all passed). */
async function runMatrix(dir: string, tag: string): Promise<{ failed: string[]; passed: number; error?: string }> {
  const report = join(dir, `.mutation-${tag}.json`);
  rmSync(report, { force: true });
  const code = await new Promise<number | null>((done) => {
    running = spawn(process.execPath, [join(dir, 'node_modules/vitest/vitest.mjs'), 'run', MATRIX, '--reporter=json', `--outputFile=${report}`], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let stderr = '';
    running.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
    const timer = setTimeout(() => running?.kill('SIGTERM'), RUN_LIMIT_MS);
    running.on('exit', (c) => {
      clearTimeout(timer);
      if (c !== 0 && !existsSync(report)) console.error(stderr);
      done(c);
    });
  });
  if (!existsSync(report)) return { failed: [], passed: 0, error: `vitest exited ${code} without a report` };
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    testResults: { status: string; message?: string; assertionResults: { status: string; fullName: string }[] }[];
  };
  const failed = json.testResults.flatMap((f) => [
    ...f.assertionResults.filter((a) => a.status === 'failed').map((a) => a.fullName),
    // A file that fails before its tests run (a hook, an import) counts as caught too.
    ...(f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed') ? [`(file) ${(f.message ?? '').split('\n')[0]}`] : []),
  ]);
  return { failed, passed: json.numPassedTests, ...(code !== 0 && failed.length === 0 ? { error: `vitest exited ${code}` } : {}) };
}

/** Applies every patch (each `from` exactly once), returning the originals to put back. */
function apply(dir: string, mutant: Mutant): Map<string, string> {
  const originals = new Map<string, string>();
  for (const patch of mutant.patches) {
    const path = join(dir, patch.file);
    const text = readFileSync(path, 'utf8');
    if (!originals.has(path)) originals.set(path, text);
    const count = text.split(patch.from).length - 1;
    if (count !== 1) {
      restore(originals);
      throw new Error(`${patch.file}: the text to replace occurs ${count} times (expected once): ${patch.from.slice(0, 80)}`);
    }
    writeFileSync(path, text.replace(patch.from, () => patch.to));
  }
  return originals;
}

function restore(originals: Map<string, string>) {
  for (const [path, text] of originals) writeFileSync(path, text);
}

async function main() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = only.filter((id) => !MUTANTS.some((m) => m.id === id));
  if (unknown.length) throw new Error(`No such mutant: ${unknown.join(', ')}`);
  const mutants = only.length ? MUTANTS.filter((m) => only.includes(m.id)) : MUTANTS;

  scratch = copyTree();
  console.log(`Scratch copy: ${scratch}`);
  const baseline = await runMatrix(scratch, 'baseline');
  if (baseline.error || baseline.failed.length) {
    throw new Error(`The unmutated matrix does not pass (${baseline.error ?? baseline.failed.slice(0, 3).join('; ')}): fix it before a mutation run.`);
  }
  console.log(`Unmutated matrix: ${baseline.passed} tests passed.\n`);

  const outcomes: Outcome[] = [];
  for (const [i, mutant] of mutants.entries()) {
    let originals: Map<string, string>;
    try {
      originals = apply(scratch, mutant);
    } catch (error) {
      outcomes.push({ mutant, result: 'stale', detail: (error as Error).message });
      console.log(`[${i + 1}/${mutants.length}] ${mutant.id}: STALE`);
      continue;
    }
    try {
      const run = await runMatrix(scratch, mutant.id);
      const killed = run.failed.length > 0;
      const detail = killed ? `${run.failed.length} failed, e.g. ${run.failed.slice(0, 2).join(' | ')}` : run.error ?? `all ${run.passed} passed`;
      outcomes.push({ mutant, result: killed ? 'killed' : 'survived', detail });
      console.log(`[${i + 1}/${mutants.length}] ${mutant.id}: ${killed ? 'killed' : 'SURVIVED'} (${detail.slice(0, 160)})`);
    } finally {
      restore(originals);
    }
  }

  const width = Math.max(...outcomes.map((o) => o.mutant.id.length));
  console.log(`\n| mutant${' '.repeat(width - 6)} | result   | failing tests | what it removes`);
  console.log(`|${'-'.repeat(width + 2)}|----------|---------------|----------------`);
  for (const o of outcomes) {
    const count = o.result === 'killed' ? o.detail.split(' ')[0] : '0';
    console.log(`| ${o.mutant.id.padEnd(width)} | ${o.result.padEnd(8)} | ${count.padStart(13)} | ${o.mutant.what}${o.mutant.named ? ' (named in issue 15)' : ''}`);
  }
  const killed = outcomes.filter((o) => o.result === 'killed').length;
  console.log(`\n${killed} of ${outcomes.length} mutants killed.`);
  for (const o of outcomes.filter((x) => x.result !== 'killed')) console.log(`${o.result.toUpperCase()}: ${o.mutant.id}: ${o.detail}`);
  return killed === outcomes.length;
}

main()
  .then((ok) => {
    cleanUp();
    process.exit(ok ? 0 : 1);
  })
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    cleanUp();
    process.exit(1);
  });
