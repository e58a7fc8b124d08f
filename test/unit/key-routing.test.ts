import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyParts } from '../../functions/data/keys';

/**
 * Keys are spelled in functions/data/keys.ts only. These modules read whole partitions and
 * once tested sort keys against literals ('OBL#', 'CUR#', '#CURRENT', 'PLAN') and split
 * partition keys on '#' themselves.
 */
const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
/** Every module that reads or writes the table, and the domain, but the key module and the table definition. */
const ROUTED = [...tsFiles('functions/data'), ...tsFiles('functions/jobs'), ...tsFiles('domain')].filter(
  (f) => !['functions/data/keys.ts', 'functions/data/table.ts'].includes(f),
);

describe('key routing', () => {
  for (const file of ROUTED) {
    it(`${file} spells no sort-key prefix and parses no key itself`, () => {
      const code = readFileSync(file, 'utf8');
      expect(code).not.toMatch(/['`][A-Z][A-Z-]*#/); // a prefix such as 'OBL#'
      expect(code).not.toMatch(/['`]#[A-Z]/); // a suffix such as '#CURRENT'
      expect(code).not.toMatch(/['`]PLAN['`]/);
      expect(code).not.toMatch(/split\(\s*['`]#/);
      expect(code).not.toMatch(/GSI\dPK|GSI\dSK/);
    });
  }

  it('parses the tenant of a partition key, and nothing from a key that is not a tenant’s', () => {
    expect(keyParts.tenantOf('demoshire#SOP#opcc')).toBe('demoshire');
    expect(keyParts.tenantOf('REMIND#2026-01-01')).toBeUndefined();
    expect(keyParts.tenantOf(undefined)).toBeUndefined();
  });
});
