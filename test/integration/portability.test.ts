import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isReportingYear, reportingYearOf, toIsoDate } from '../../domain/shared/dates';
import { newPartnership } from '../../domain/partnerships/partnership';
import { systemClock } from '../../domain/shared/ports';
import { ensureTable, localClient } from '../../infra/local/dynamodb';
import { loadDemo, scanTable, toLine, type Item } from '../../infra/local/snapshot';
import { EXPORT_FORMAT, importPartnership, PortabilityError, readArchive, type ExportHeader, type Stores } from '../../infra/cli/portability';
import { s3 } from '../../functions/storage/s3-client';
import { systemDeps, ulidIds } from '../../functions/shared/deps';
import { useFreshTable } from '../support/table';

/**
 * Data portability (issue 15): the demo partnership exported with `npm run partnership -- export`
 * and imported with `… import` into a fresh table and bucket gives the same items, the same
 * documents, and the same consolidated report, byte for byte, for every reporting year with data.
 * Another partnership in the same table, one whose id begins with the demo's, and objects of
 * another partnership in the bucket stay out of the archive.
 */
const { endpoint, tableName } = useFreshTable();
const sourceBucket = process.env.DOCUMENTS_BUCKET!;
const restoredTable = `test-${randomUUID()}`;
const restoredBucket = `documents-${restoredTable}`;
const dir = mkdtempSync(path.join(tmpdir(), 'portability-'));
const archive = path.join(dir, 'export.jsonl');
const dynamo = localClient(endpoint);
const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

let tenantId: string;
/** Documents of the partnership (one binary, not UTF-8) and one of another partnership. */
const DOCUMENTS: Record<string, Buffer> = {};

afterAll(() => {
  dynamo.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI as an operator runs it, against DynamoDB Local and the local S3. */
async function cli(args: string[], bucket: string, table: string) {
  return run(process.execPath, ['--import', 'tsx', 'infra/cli/partnership.ts', ...args, '--endpoint', endpoint, '--table', table, '--bucket', bucket], {
    cwd: ROOT,
    env: { ...process.env, S3_ENDPOINT: process.env.S3_ENDPOINT, DYNAMODB_ENDPOINT: '', TABLE_NAME: '' },
  });
}

const prefixed = (items: Item[], tenant: string) => items.filter((i) => i.PK?.S?.startsWith(`${tenant}#`));
const lines = (items: Item[]) => items.map(toLine).sort();

/** The consolidated report's text from the real handler over `table` (fresh modules: TABLE_NAME is read once per instance). */
async function reportText(table: string, year: string, format: 'json' | 'csv'): Promise<string> {
  vi.resetModules();
  process.env.TABLE_NAME = table;
  const { TestApi } = await import('../support/api');
  const api = await TestApi.create();
  const token = await api.token({ sub: 'portability-test', tenantId, role: 'steering-group' });
  const res = await api.request('GET', `/reports/consolidated?year=${year}&format=${format}`, { token });
  expect(res.status, res.text.slice(0, 300)).toBe(200);
  // The one value that is the time of the request, not of the data.
  return format === 'json' ? res.text.replace(/"generatedAt":"[^"]+"/, '"generatedAt":"…"') : res.text;
}

beforeAll(async () => {
  ({ seed: { tenantId } } = await loadDemo());
  // Neighbours that must stay out: another partnership, and one whose id begins with the demo's.
  for (const id of ['other-shire', `${tenantId}-north`]) {
    const { partnership, audit, courses } = newPartnership({ id, name: `Partnership ${id}` }, systemClock, ulidIds);
    await systemDeps().partnerships.create(partnership, audit, courses);
  }
  DOCUMENTS[`${tenantId}/county/2024-25/01JAAAAAAAAAAAAAAAAAAAAAAA.pdf`] = Buffer.from('%PDF-1.7 portability\n%%EOF\n');
  DOCUMENTS[`${tenantId}/county/2025-26/01JBBBBBBBBBBBBBBBBBBBBBBB.docx`] = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x80, 0xc3]);
  DOCUMENTS[`${tenantId}-north/county/2025-26/01JCCCCCCCCCCCCCCCCCCCCCCC.pdf`] = Buffer.from('%PDF-1.7 not the demo\n');
  for (const [Key, Body] of Object.entries(DOCUMENTS)) await s3().send(new PutObjectCommand({ Bucket: sourceBucket, Key, Body, ContentType: Key.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream' }));
  await ensureTable(endpoint, restoredTable, { stream: false });
});

describe('npm run partnership -- export / import', () => {
  let header: ExportHeader;

  it('exports every item of the partnership and its documents, nothing of its neighbours', async () => {
    const { stderr } = await cli(['export', '--id', tenantId, '--out', archive], sourceBucket, tableName);
    expect(stderr).toMatch(/Exported partnership/);
    const read = await readArchive(archive);
    header = read.header;
    const source = await scanTable(dynamo, tableName);
    const own = prefixed(source, tenantId);
    expect(prefixed(source, 'other-shire').length).toBeGreaterThan(0);
    expect(lines(read.items)).toEqual(lines(own));
    expect(header).toMatchObject({ format: EXPORT_FORMAT, formatVersion: 1, partnershipId: tenantId, itemCount: own.length, documentCount: 2 });
    expect(Object.values(header.counts).reduce((a, b) => a + b, 0)).toBe(own.length);
    expect(header.counts.AUTHORITY).toBeGreaterThan(0);
    expect(Object.fromEntries(read.documents.map((d) => [d.key, Buffer.from(d.base64, 'base64')]))).toEqual(
      Object.fromEntries(Object.entries(DOCUMENTS).filter(([k]) => k.startsWith(`${tenantId}/`))),
    );
  });

  it('imports into a fresh table and bucket: the same items, documents and consolidated report for every year with data', async () => {
    const { stderr } = await cli(['import', '--file', archive], restoredBucket, restoredTable);
    expect(stderr).toMatch(new RegExp(`Imported partnership ${tenantId}`));
    expect(lines(await scanTable(dynamo, restoredTable))).toEqual(lines(prefixed(await scanTable(dynamo, tableName), tenantId)));
    for (const [Key, body] of Object.entries(DOCUMENTS).filter(([k]) => k.startsWith(`${tenantId}/`))) {
      const object = await s3().send(new GetObjectCommand({ Bucket: restoredBucket, Key }));
      expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(body);
    }
    // Every reporting year named by a key of the archive (statements, summaries, …), and the current one.
    const { items } = await readArchive(archive);
    const years = new Set([reportingYearOf(toIsoDate(new Date()))]);
    for (const item of items) for (const y of `${item.PK?.S} ${item.SK?.S}`.match(/\b\d{4}-\d{2}\b/g) ?? []) if (isReportingYear(y)) years.add(y);
    expect(years.size).toBeGreaterThanOrEqual(2);
    console.info(`portability: reports compared for ${[...years].sort().join(', ')}`);
    for (const year of [...years].sort()) {
      for (const format of ['json', 'csv'] as const) {
        const [before, after] = [await reportText(tableName, year, format), await reportText(restoredTable, year, format)];
        expect(after, `${year} ${format}`).toBe(before);
      }
    }
    process.env.TABLE_NAME = tableName;
  });

  it('refuses to import over the partnership, an archive that leaves it or is cut short, and finishes a half-done import only with --resume', async () => {
    const stores = (table: string): Stores => ({ dynamo, tableName: table, s3: s3(), bucket: restoredBucket });
    await expect(importPartnership(stores(restoredTable), archive)).rejects.toThrow(/already exists/);
    await expect(cli(['import', '--file', archive], restoredBucket, restoredTable)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/already exists/) });

    const text = readFileSync(archive, 'utf8').split('\n').filter(Boolean);
    const cut = path.join(dir, 'cut.jsonl');
    writeFileSync(cut, text.slice(0, -2).join('\n'));
    await expect(readArchive(cut)).rejects.toThrow(PortabilityError);
    const smuggled = path.join(dir, 'smuggled.jsonl');
    expect(text[1]).toContain(`"PK":{"S":"${tenantId}#`);
    writeFileSync(smuggled, [text[0], text[1].replace(`"PK":{"S":"${tenantId}#`, '"PK":{"S":"other-shire#'), ...text.slice(2)].join('\n'));
    await expect(readArchive(smuggled)).rejects.toThrow(/outside partnership/);

    // An import that died after some items: refused, then finished with resume.
    const half = `test-${randomUUID()}`;
    await ensureTable(endpoint, half, { stream: false });
    const { items } = await readArchive(archive);
    const { loadItems } = await import('../../infra/local/snapshot');
    await loadItems(dynamo, half, items.filter((i) => i.PK?.S !== `${tenantId}#PARTNERSHIP`).slice(0, 30));
    await expect(importPartnership(stores(half), archive)).rejects.toThrow(/--resume/);
    await importPartnership(stores(half), archive, { resume: true });
    expect(lines(await scanTable(dynamo, half))).toEqual(lines(items));
  });
});
