import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptionsOf } from '../../infra/constructs/api-function';
import { sourceMappedStack } from '../../functions/shared/logger';

/**
 * The functions run without --enable-source-maps; an error's stack is pointed at the sources
 * when it is logged, from the map esbuild writes beside the bundle. Checked on a real bundle made
 * with the stack's own options, run by a plain `node` (as Lambda runs it).
 */
const ROOT = path.resolve(__dirname, '../..');
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'source-maps-'));
  const entry = path.join(dir, 'handler.ts');
  writeFileSync(
    entry,
    [
      `import { sourceMappedStack } from ${JSON.stringify(path.join(ROOT, 'functions/shared/logger.ts'))};`,
      'function failsHere(): never {',
      "  throw new Error('boom');",
      '}',
      'try {',
      '  failsHere();',
      '} catch (error) {',
      '  process.stdout.write(JSON.stringify({ raw: (error as Error).stack, mapped: sourceMappedStack((error as Error).stack) }));',
      '}',
      '',
    ].join('\n'),
  );
  const options = esbuildOptionsOf(entry, path.join(dir, 'out'), ROOT);
  await build(options);
  bundle = options.outfile;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stack traces of bundled functions', () => {
  it('point at the TypeScript source when logged, though Node itself reports the minified bundle', () => {
    const { raw, mapped } = JSON.parse(execFileSync(process.execPath, [bundle], { encoding: 'utf8', env: { PATH: process.env.PATH } }));
    const [rawThrow] = raw.split('\n').slice(1);
    // What Node reports without --enable-source-maps: a column far into the one-line bundle.
    expect(rawThrow).toMatch(/index\.mjs:\d+:\d+\)$/);
    const [message, thrown, caller] = mapped.split('\n');
    expect(message).toBe('Error: boom');
    expect(thrown).toMatch(/\(.*handler\.ts:3:9\)$/);
    expect(caller).toMatch(/handler\.ts:6:3$/);
    expect(mapped).not.toContain('index.mjs');
  });

  it('leave frames of files without a map (tsx, Node itself) as they are', () => {
    const stack = `Error: x\n    at f (${path.join(ROOT, 'functions/shared/http.ts')}:10:5)\n    at ${path.join(dir, 'nowhere.mjs')}:1:2\n    at node:internal/modules/run_main:1:1`;
    expect(sourceMappedStack(stack)).toBe(stack);
    expect(sourceMappedStack(undefined)).toBeUndefined();
  });
});
