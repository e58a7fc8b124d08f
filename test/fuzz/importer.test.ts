import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import writeXlsxFile from 'write-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/data/client';
import { keys } from '../../functions/data/keys';
import { TestApi, type ApiResponse } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { LMS_PLAN } from '../support/lms-export';
import { useFreshTable } from '../support/table';

/**
 * Generated files for the inline import (POST …/completions/import): CSV in UTF-8 (with and
 * without a BOM), UTF-16 LE/BE with a BOM, Windows-1252; separated by , ; tab or |; quoted
 * always, when needed, or badly; CRLF, LF or CR; truncated anywhere, with binary noise spliced
 * in; spreadsheets (real .xlsx, damaged .xlsx, a zip that is no workbook); sent under the content
 * types browsers and scripts use. Every answer is a 2xx with per-row reasons or a 4xx that says
 * what was wrong, never a 5xx; and after each file what the table holds matches the answer: the
 * completions stored grew by exactly `imported`, with one import audit event when anything was
 * stored, and nothing at all after a 4xx.
 */
useFreshTable();

const RUNS = Number(process.env.FUZZ_IMPORT_RUNS ?? (process.env.FUZZ_RUNS ? Math.max(100, Math.round(Number(process.env.FUZZ_RUNS) / 5)) : 25));
const SEED = Number(process.env.FUZZ_SEED ?? 15);

let api: TestApi;
let p: PartnershipFixture;
let steering: string;
let authorityId: string;

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'fuzzimp');
  steering = p.tokens['steering-group'];
  authorityId = p.authorities.a;
  const plan = await api.request('PUT', `/authorities/${authorityId}/training-plan`, { token: steering, body: LMS_PLAN });
  expect(plan.status, plan.text).toBe(200);
});

// ---------------------------------------------------------------------------------------------
// Files

const HEADERS = [
  ['Employee ID', 'Full Name', 'Job Role', 'Course Title', 'Completion Date'],
  ['staffRef', 'course', 'completedOn'],
  ['Staff Number', 'Name', 'Course', 'Date Completed', 'Delivery Mode', 'Team'],
  ['Course Title', 'Employee ID', 'Completion Date'],
  ['Employee ID', 'Employee ID', 'Course Title', 'Completion Date'],
  ['Name', 'Team'],
  [''],
];
const COURSES = ['WRAP', 'Prevent e-learning', 'Channel awareness', 'home-office-elearning', 'Underwater basket weaving', '', 'wrap '];
const DATES = ['2024-03-05', '05/03/2024', '31/02/2024', '2025-02-30', '2024-13-01', '', '45000', '2099-01-01', '1899-12-31', '5/3/24', '2024-03-05T10:00:00Z'];
const ODD = ['', ' ', '"', '""', 'a"b', 'x,y', 'x;y', 'a\tb', 'a\nb', 'a\r\nb', '\u0000', '\ud800', '\u202eevil', '\u200b', 'Zoë O’Brien', '£€', '=1+1', '@SUM(A1)', 'x'.repeat(300), '🏴\u200d☠️'];

interface FileSpec {
  header: string[];
  rows: string[][];
  delimiter: string;
  quoting: 'always' | 'needed' | 'never';
  eol: string;
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  truncateAt?: number;
  noise?: { at: number; bytes: number[] };
}

/** Present one time in three (fc.option's `freq` is the chance of *nothing*, the other way round). */
const sometimes = <T,>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: arb, weight: 1 });

const cell = fc.oneof({ arbitrary: fc.constantFrom(...ODD), weight: 2 }, { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 }, { arbitrary: fc.string({ maxLength: 12 }), weight: 2 });
const row = (width: number) =>
  fc.tuple(
    fc.integer({ min: 0, max: 99_999 }),
    fc.oneof({ arbitrary: fc.constantFrom(...COURSES.slice(0, 4)), weight: 3 }, { arbitrary: fc.constantFrom(...COURSES), weight: 1 }),
    fc.oneof({ arbitrary: fc.constantFrom(...DATES.slice(0, 2)), weight: 3 }, { arbitrary: fc.constantFrom(...DATES), weight: 1 }),
    fc.array(cell, { minLength: 0, maxLength: width + 2 }),
    fc.boolean(),
  ).map(([n, course, date, rest, good]) => {
    const base = good ? [`E${n}`, `Person ${n}`, 'Frontline officer', course, date] : [`E${n}`, ...rest.slice(0, 2), course, date, ...rest.slice(2)];
    return base;
  });

const csvSpec: fc.Arbitrary<FileSpec> = fc.record({
  header: fc.oneof({ arbitrary: fc.constant(HEADERS[0]), weight: 3 }, { arbitrary: fc.constantFrom(...HEADERS), weight: 2 }, { arbitrary: fc.array(cell, { minLength: 1, maxLength: 8 }), weight: 1 }),
  rows: fc.array(row(5), { maxLength: 30 }),
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  quoting: fc.constantFrom('always', 'needed', 'never'),
  eol: fc.constantFrom('\r\n', '\n', '\r'),
  encoding: fc.constantFrom('utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252'),
  truncateAt: sometimes(fc.nat({ max: 3000 })),
  noise: sometimes(fc.record({ at: fc.nat({ max: 3000 }), bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 64 }) })),
}) as fc.Arbitrary<FileSpec>;

function quote(value: string, spec: FileSpec): string {
  if (spec.quoting === 'always') return `"${value.replace(/"/g, '""')}"`;
  if (spec.quoting === 'never') return value;
  return /["\r\n]/.test(value) || value.includes(spec.delimiter) ? `"${value.replace(/"/g, '""')}"` : value;
}

function encode(text: string, encoding: FileSpec['encoding']): Buffer {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf-16le':
      return iconv.encode(text, 'utf-16le', { addBOM: true });
    case 'utf-16be':
      return iconv.encode(text, 'utf-16be', { addBOM: true });
    case 'windows-1252':
      return iconv.encode(text, 'windows-1252');
  }
}

function csvBytes(spec: FileSpec): Buffer {
  const lines = [spec.header, ...spec.rows].map((r) => r.map((c) => quote(c, spec)).join(spec.delimiter));
  let bytes = encode(lines.join(spec.eol) + spec.eol, spec.encoding);
  if (spec.noise) {
    const at = Math.min(spec.noise.at, bytes.length);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(spec.noise.bytes), bytes.subarray(at)]);
  }
  if (spec.truncateAt !== undefined) bytes = bytes.subarray(0, Math.min(spec.truncateAt, bytes.length));
  return bytes;
}

interface XlsxSpec {
  header: string[];
  rows: string[][];
  dates: boolean;
  damage?: { at: number; bytes: number[] } | { truncateAt: number };
}
const xlsxSpec: fc.Arbitrary<XlsxSpec> = fc.record({
  header: fc.constantFrom(...HEADERS),
  rows: fc.array(row(3), { maxLength: 15 }),
  dates: fc.boolean(),
  damage: sometimes(
    fc.oneof(
      fc.record({ at: fc.nat({ max: 6000 }), bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 200 }) }),
      fc.record({ truncateAt: fc.nat({ max: 6000 }) }),
    ),
  ),
});

async function xlsxBytes(spec: XlsxSpec): Promise<Buffer> {
  const sheet = [spec.header, ...spec.rows].map((r, i) =>
    r.map((value, c) => {
      // Excel refuses control characters and lone surrogates in a cell: the writer is not the subject here.
      const text = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff]/g, '?');
      if (spec.dates && i > 0 && c === 4 && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))) return { value: new Date(`${value}T00:00:00Z`), type: Date, format: 'dd/mm/yyyy' };
      return { value: text };
    }),
  );
  let bytes = Buffer.from(await writeXlsxFile(sheet as never).toBuffer());
  const d = spec.damage;
  if (d && 'truncateAt' in d) bytes = bytes.subarray(0, Math.min(d.truncateAt, bytes.length));
  else if (d) {
    const at = Math.min(d.at, bytes.length);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(d.bytes), bytes.subarray(Math.min(bytes.length, at + d.bytes.length))]);
  }
  return bytes;
}

/** A zip whose one entry is not a workbook (stored, no compression). */
function zipOf(name: string, data: Buffer): Buffer {
  return Buffer.from(zipSync({ [name]: new Uint8Array(data) }, { level: 0 }));
}

type FileCase =
  | { kind: 'csv'; spec: FileSpec; contentType: string; encodingParam?: string }
  | { kind: 'xlsx'; spec: XlsxSpec; contentType: string }
  | { kind: 'zip'; name: string; data: string; contentType: string }
  | { kind: 'noise'; bytes: number[]; prefix: string; contentType: string };

/** The types a file arrives as; the first two take every encoding (the text types reach Lambda as UTF-8 text). */
const CONTENT_TYPES = ['text/csv', 'application/octet-stream', 'application/vnd.ms-excel', 'text/plain', 'text/tab-separated-values', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/json', 'image/png'];

const fileCase: fc.Arbitrary<FileCase> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(csvSpec, fc.oneof({ arbitrary: fc.constantFrom('application/octet-stream', 'application/vnd.ms-excel'), weight: 2 }, { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 1 }), fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: fc.constantFrom('utf-8', 'windows-1252', 'iso-8859-1', 'utf-16le', 'ebcdic', ''), weight: 1 }))
      .map(([spec, contentType, encodingParam]): FileCase => ({ kind: 'csv', spec, contentType, encodingParam })),
  },
  { weight: 2, arbitrary: fc.tuple(xlsxSpec, fc.constantFrom(...CONTENT_TYPES)).map(([spec, contentType]): FileCase => ({ kind: 'xlsx', spec, contentType })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('notes.txt', 'xl/workbook.xml', '[Content_Types].xml', 'word/document.xml'), fc.string({ maxLength: 200 }), fc.constantFrom('application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'))
      .map(([name, data, contentType]): FileCase => ({ kind: 'zip', name, data, contentType })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(fc.nat({ max: 255 }), { maxLength: 4000 }), fc.constantFrom('', 'PK\u0003\u0004', '\ufeff', '\u00ff\u00fe', '%PDF-1.7\n', '\u00d0\u00cf\u0011\u00e0'), fc.constantFrom(...CONTENT_TYPES))
      .map(([bytes, prefix, contentType]): FileCase => ({ kind: 'noise', bytes, prefix, contentType })),
  },
);

/** Makes each staff reference the case's own, so counts of one case are not another's duplicates. */
function own(c: FileCase, n: number): FileCase {
  const mark = (rows: string[][]) => rows.map((r) => (r.length && /^E\d+$/.test(r[0]) ? [`F${n}-${r[0]}`, ...r.slice(1)] : r));
  if (c.kind === 'csv') return { ...c, spec: { ...c.spec, rows: mark(c.spec.rows) } };
  if (c.kind === 'xlsx') return { ...c, spec: { ...c.spec, rows: mark(c.spec.rows) } };
  return c;
}

async function bytesOf(c: FileCase): Promise<Buffer> {
  switch (c.kind) {
    case 'csv':
      return csvBytes(c.spec);
    case 'xlsx':
      return xlsxBytes(c.spec);
    case 'zip':
      return zipOf(c.name, Buffer.from(c.data, 'utf8'));
    case 'noise':
      return Buffer.concat([Buffer.from(c.prefix, 'latin1'), Buffer.from(c.bytes)]);
  }
}

// ---------------------------------------------------------------------------------------------
// What the table holds

/** Completion items of the authority (current and superseded), and its import audit events. */
async function stored(): Promise<{ completions: number; events: { entityId: string; after: Record<string, unknown> }[] }> {
  const { doc, tableName } = dynamo();
  const query = async (PK: string, prefix?: string) => {
    const items: Record<string, any>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: prefix ? 'PK = :pk AND begins_with(SK, :sk)' : 'PK = :pk',
          ExpressionAttributeValues: prefix ? { ':pk': PK, ':sk': prefix } : { ':pk': PK },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const partition = keys.training.partition(p.tenantId, authorityId);
  const completions = (await query(partition, keys.training.currentPrefix)).length + (await query(partition, 'HIST#')).length;
  // An event's `changes` (field, from, to) read as the values it records.
  const events = (await query(keys.audit.all(p.tenantId).PK))
    .filter((i) => i.action === 'import' && i.authorityId === authorityId)
    .map((i) => ({ entityId: i.entityId as string, after: Object.fromEntries(((i.changes ?? []) as { field: string; to?: unknown }[]).map((c) => [c.field, c.to])) }));
  return { completions, events };
}

const tally = { sent: 0, '2xx': 0, '4xx': 0, '5xx': 0, imported: 0, rejectedRows: 0 };
afterAll(() => {
  console.log(`importer fuzz (seed ${SEED}): files sent ${tally.sent}  2xx ${tally['2xx']}  4xx ${tally['4xx']}  5xx ${tally['5xx']}  completions imported ${tally.imported}  rows rejected with reasons ${tally.rejectedRows}`);
});

const describeCase = (c: FileCase, bytes: Buffer) =>
  `${c.kind} ${c.contentType}${c.kind === 'csv' ? ` ${c.spec.encoding} ${JSON.stringify(c.spec.delimiter)} ${c.spec.quoting} trunc=${c.spec.truncateAt} noise=${!!c.spec.noise} enc=${c.encodingParam}` : ''} ${bytes.length} bytes`;

describe('generated files: a 2xx with per-row reasons or a 4xx in words, and the table agrees with the answer', () => {
  it(`${RUNS} files`, async () => {
    const cases = fc.sample(fileCase, { seed: SEED, numRuns: RUNS }).map(own);
    const failures: string[] = [];
    for (const [n, c] of cases.entries()) {
      const bytes = await bytesOf(c);
      const query = c.kind === 'csv' && c.encodingParam !== undefined ? `?encoding=${encodeURIComponent(c.encodingParam)}` : '';
      const before = await stored();
      let res: ApiResponse;
      try {
        res = await api.request('POST', `/authorities/${authorityId}/completions/import${query}`, { token: steering, rawBody: bytes, headers: { 'content-type': c.contentType } });
      } catch (error) {
        res = { status: 599, headers: {}, body: undefined, text: `threw ${(error as Error).message}` };
      }
      const after = await stored();
      tally.sent++;
      const what = `#${n} ${describeCase(c, bytes)} → ${res.status} ${res.text.slice(0, 300)}`;
      if (res.status >= 500) {
        tally['5xx']++;
        failures.push(`5xx: ${what}`);
      } else if (res.status >= 200 && res.status < 300) {
        tally['2xx']++;
        const body = res.body;
        tally.imported += body?.imported ?? 0;
        tally.rejectedRows += body?.rejected?.length ?? 0;
        if (typeof body?.imported !== 'number' || !Array.isArray(body?.rejected)) failures.push(`2xx without counts: ${what}`);
        else {
          const rowsWithoutReasons = body.rejected.filter((r: { line?: unknown; reasons?: unknown[] }) => typeof r.line !== 'number' || !r.reasons?.length || r.reasons.some((x) => typeof x !== 'string' || !x));
          if (rowsWithoutReasons.length) failures.push(`rejected rows without reasons: ${what}`);
          if (after.completions - before.completions !== body.imported) failures.push(`stored ${after.completions - before.completions} completions, answered imported ${body.imported}: ${what}`);
          // The import is audited when it starts and when it finishes: the finishing event carries the counts.
          const finished = after.events.find((e) => e.entityId === body.importId && e.after.status === 'completed');
          if (body.imported > 0 && finished?.after.imported !== body.imported) failures.push(`stored completions without a finished import audit event saying so: ${what}`);
        }
      } else if (res.status >= 400) {
        tally["4xx"]++;
        if (process.env.FUZZ_DEBUG) console.log(what.slice(0, 400));
        const error = res.body?.error;
        if (typeof error?.message !== 'string' || !error.message) failures.push(`4xx without a message: ${what}`);
        if (res.status === 400 && !(Array.isArray(error?.errors) && error.errors.length && error.errors.every((e: { path?: unknown; message?: unknown }) => typeof e.path === 'string' && typeof e.message === 'string'))) {
          failures.push(`400 without field errors: ${what}`);
        }
        if (after.completions !== before.completions) failures.push(`a refused file stored ${after.completions - before.completions} completions: ${what}`);
      } else failures.push(`unexpected: ${what}`);
    }
    expect(failures).toEqual([]);
    // The generators reach both outcomes: files that import and files refused in words.
    expect(tally['2xx']).toBeGreaterThan(0);
    expect(tally['4xx']).toBeGreaterThan(0);
    expect(tally.imported).toBeGreaterThan(0);
  });
});

describe('an oversized file', () => {
  it('past the inline limit (5 MB, or 20,000 rows) is a 4xx that says so, and stores nothing', async () => {
    const { MAX_IMPORT_BYTES } = await import('../../domain/training/import-format');
    const line = (i: number) => `OVER${i},Person ${i},Frontline officer,WRAP,2024-03-05\r\n`;
    const parts = ['Employee ID,Full Name,Job Role,Course Title,Completion Date\r\n'];
    let size = parts[0].length;
    for (let i = 0; size <= MAX_IMPORT_BYTES + 1024; i++) {
      parts.push(line(i));
      size += parts[parts.length - 1].length;
    }
    const before = await stored();
    const res = await api.request('POST', `/authorities/${authorityId}/completions/import`, { token: steering, rawBody: Buffer.from(parts.join('')), headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error.message).toMatch(/\w/);
    expect((await stored()).completions).toBe(before.completions);
  });
});
