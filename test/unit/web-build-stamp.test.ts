import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { webInputsHash } from '../../web/scripts/build-if-stale';

/** `npm start` and `npm test` skip the web build when this hash is unchanged: it must see every input, and only inputs. */
describe('web build inputs hash', () => {
  const base = mkdtempSync(join(tmpdir(), 'web-inputs-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const put = (path: string, text: string) => {
    mkdirSync(join(base, path, '..'), { recursive: true });
    writeFileSync(join(base, path), text);
  };
  put('web/src/pages/home.tsx', 'export const a = 1;');
  put('web/index.html', '<!doctype html>');
  put('functions/api.ts', 'export const ROUTES = {};');
  put('domain/training/plan.ts', 'export const x = 1;');
  put('package-lock.json', '{}');
  put('web/dist/index.html', 'built');
  put('web/src/api/schema.d.ts', 'generated');
  put('infra/local/start.ts', 'not an input');

  it('changes with a web source, the contract, the domain or the lock file', () => {
    for (const path of ['web/src/pages/home.tsx', 'web/index.html', 'functions/api.ts', 'domain/training/plan.ts', 'package-lock.json']) {
      const before = webInputsHash(base);
      put(path, `changed ${path}`);
      expect(webInputsHash(base), path).not.toBe(before);
    }
    const before = webInputsHash(base);
    put('web/src/pages/new-page.tsx', 'export const b = 2;');
    expect(webInputsHash(base)).not.toBe(before);
  });

  it('ignores the build output, the generated types and what the web app is not built from', () => {
    const before = webInputsHash(base);
    put('web/dist/index.html', 'rebuilt');
    put('web/dist/assets/app.js', 'js');
    put('web/src/api/schema.d.ts', 'regenerated');
    put('infra/local/start.ts', 'changed');
    expect(webInputsHash(base)).toBe(before);
  });
});
