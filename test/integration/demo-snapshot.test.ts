import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { keys } from '../../functions/data/keys';
import { ensureTable, localClient } from '../../infra/local/dynamodb';
import type { DemoLoaded, Item } from '../../infra/local/snapshot';
import { useFreshTable } from '../support/table';

/**
 * The snapshot `npm start` loads is the seed's content: loaded into a new table it gives the
 * very items the seeding wrote, and a fresh seed through the services writes the same items but
 * for the ids and timestamps it generates. With a few schools (--schools), so their records are
 * checked the same way.
 */
const { endpoint, tableName } = useFreshTable();
const SCHOOLS = 4;
const dirs = [mkdtempSync(path.join(tmpdir(), 'snapshot-')), mkdtempSync(path.join(tmpdir(), 'snapshot-'))];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * loadDemo in another table: the data layer reads TABLE_NAME once per module instance (one table
 * per Lambda), so a fresh set of modules for each.
 */
async function loadDemoInto(table: string, dir: string): Promise<DemoLoaded> {
  if (table !== tableName) await ensureTable(endpoint, table, { stream: false });
  vi.resetModules();
  process.env.TABLE_NAME = table;
  const { loadDemo } = await import('../../infra/local/snapshot');
  return loadDemo({ schools: SCHOOLS, dir });
}

async function scan(table: string): Promise<Item[]> {
  const { scanTable } = await import('../../infra/local/snapshot');
  const client = localClient(endpoint);
  try {
    return await scanTable(client, table);
  } finally {
    client.destroy();
  }
}

/** The consolidated report of a table, through the real handler (fresh modules: TABLE_NAME is read once per instance). */
async function reportOf(table: string, tenantId: string): Promise<unknown> {
  vi.resetModules();
  process.env.TABLE_NAME = table;
  const { TestApi } = await import('../support/api');
  const api = await TestApi.create();
  const token = await api.token({ sub: 'snapshot-test', tenantId, role: 'steering-group' });
  const res = await api.request('GET', '/reports/consolidated', { token });
  expect(res.status, res.text.slice(0, 300)).toBe(200);
  const { generatedAt: _when, ...report } = res.body as { generatedAt: string };
  return report;
}

const sorted = (items: Item[]) => items.map((item) => JSON.stringify(item, Object.keys(item).sort())).sort();
/** What the services generate: ULIDs and ISO timestamps. Dates (YYYY-MM-DD) are the seed's own. */
const withoutGenerated = (items: Item[]) =>
  sorted(items).map((line) => line.replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '<ulid>').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')).sort();

describe('the demo snapshot', () => {
  let seeded: DemoLoaded;
  let seededItems: Item[];

  it('is saved by the first load of the day, which seeds through the services', async () => {
    seeded = await loadDemoInto(tableName, dirs[0]);
    expect(seeded.from).toBe('seed');
    expect(readdirSync(dirs[0])).toEqual([path.basename(seeded.file)]);
    expect(path.basename(seeded.file)).toMatch(new RegExp(`^demo-\\d{4}-\\d\\d-\\d\\d-schools-${SCHOOLS}-\\w+\\.jsonl$`));
    seededItems = await scan(tableName);
    expect(seeded.items).toBe(seededItems.length);
    expect(seeded.seed.created.authorities).toBe(11 + SCHOOLS);
    // Summaries included (the consumer's own refresh wrote them): every authority's current state.
    const report = keys.reports.partition(seeded.seed.tenantId);
    const current = seededItems.filter((item) => item.PK?.S === report && item.SK?.S?.startsWith('Y#~CURRENT#'));
    expect(current).toHaveLength(11 + SCHOOLS);
  });

  it('loads into a new table as exactly the items the seed wrote, with the same demo users', async () => {
    const table = `test-${randomUUID()}`;
    const loaded = await loadDemoInto(table, dirs[0]);
    expect(loaded.from).toBe('snapshot');
    expect(loaded.seed).toEqual(seeded.seed);
    expect(sorted(await scan(table))).toEqual(sorted(seededItems));
    // The summaries are bytes (deflated JSON): they must come back as bytes, and read as the seed's.
    expect(await reportOf(table, seeded.seed.tenantId)).toEqual(await reportOf(tableName, seeded.seed.tenantId));
  });

  it('equals a fresh seed but for the ids and timestamps the services generate', async () => {
    const table = `test-${randomUUID()}`;
    const fresh = await loadDemoInto(table, dirs[1]);
    expect(fresh.from).toBe('seed');
    expect(fresh.seed.users).toEqual(seeded.seed.users);
    const freshItems = await scan(table);
    expect(freshItems).toHaveLength(seededItems.length);
    expect(withoutGenerated(freshItems)).toEqual(withoutGenerated(seededItems));
  });
});
