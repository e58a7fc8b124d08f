import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, toIsoDate } from '../../domain/shared/dates';
import { dynamo } from '../../functions/data/client';
import { keys } from '../../functions/data/keys';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

/**
 * A person is seeded into every kind of item that can hold them: current and superseded
 * completions, an import (with a valid row and a rejected row of theirs), and the audit
 * events of all of these. After the erasure, a scan of the whole table finds none of
 * their values anywhere.
 */
useFreshTable();

let api: TestApi;
let p: PartnershipFixture;
let url: string;
const TODAY = toIsoDate(new Date());

const PERSON = {
  staffRef: 'ERZ-5521/Q',
  name: 'Ottoline Vexworth',
  team: 'Quillfeather Unit',
  provider: 'Trainer Zanzibarova',
  oddCourse: 'Marchbanks Quibble Course',
  fileName: 'ottoline-vexworth-training.csv',
};
const NEIGHBOUR = { staffRef: 'KEEP-1', name: 'Nora Neighbour' };

/** Every value of the person, as stored and as a key would encode it. */
const needles = () =>
  Object.values(PERSON).flatMap((v) => [v, encodeURIComponent(v)]).map((v) => v.toLowerCase());

async function scanTable(): Promise<Record<string, unknown>[]> {
  const { doc, tableName } = dynamo();
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const holding = (items: Record<string, unknown>[]) => {
  const values = needles();
  return items.filter((item) => values.some((v) => JSON.stringify(item).toLowerCase().includes(v)));
};

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'erasure');
  url = `/authorities/${p.authorities.a}`;
  const editor = p.tokens['authority-editor@a'];
  const plan = await api.request('PUT', `${url}/training-plan`, { token: editor, body: { version: 0, roles: [{ id: 'staff', name: 'All staff', headcount: 5, requiredCourses: ['home-office-elearning'] }] } });
  expect(plan.status, plan.text).toBe(200);
  const person = { staffRef: PERSON.staffRef, name: PERSON.name, team: PERSON.team, provider: PERSON.provider, role: 'staff' };
  // A completion, then its renewal: the first moves to history.
  for (const completedOn of [addDays(TODAY, -500), addDays(TODAY, -10)]) {
    const res = await api.request('POST', `${url}/completions`, { token: editor, body: { ...person, courseId: 'home-office-elearning', completedOn, deliveryMode: 'face-to-face' } });
    expect(res.status, res.text).toBe(201);
  }
  // A neighbour who must survive the erasure.
  expect((await api.request('POST', `${url}/completions`, { token: editor, body: { ...NEIGHBOUR, courseId: 'wrap', completedOn: TODAY } })).status).toBe(201);
  // An import: one valid row of theirs and one rejected (unknown course, impossible date).
  const csv = [
    'Employee ID,Full Name,Team,Trainer,Course Title,Completion Date',
    `${PERSON.staffRef},${PERSON.name},${PERSON.team},${PERSON.provider},WRAP,${addDays(TODAY, -3)}`,
    `${PERSON.staffRef},${PERSON.name},${PERSON.team},${PERSON.provider},${PERSON.oddCourse},2024-02-30`,
  ].join('\n');
  const imported = await api.request('POST', `${url}/completions/import?fileName=${encodeURIComponent(PERSON.fileName)}`, { token: editor, rawBody: csv, headers: { 'content-type': 'text/csv' } });
  expect(imported.status, imported.text).toBe(200);
  expect(imported.body).toMatchObject({ imported: 1, rejected: [{ line: 3 }] });
  // An import record as the previous version stored it: file name kept, reasons quoting cells, no TTL.
  const { doc, tableName } = dynamo();
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...keys.training.importRecord('erasure', p.authorities.a, '01LEGACYIMPORT0000000000AA'),
        entity: 'import', id: '01LEGACYIMPORT0000000000AA', authorityId: p.authorities.a, status: 'completed', fileName: PERSON.fileName,
        rows: 1, imported: 0, duplicates: 0, rejectedCount: 1, startedAt: new Date(Date.now() - 86_400_000).toISOString(),
        rejected: [{ line: 2, reasons: [`unknown course "${PERSON.oddCourse}"`, 'impossible date "2024-02-30" (use YYYY-MM-DD or dd/mm/yyyy)', `role "${PERSON.team}`] }],
      },
    }),
  );
  // A delivered session named after its trainer: its audit event keeps no name either.
  const session = await api.request('POST', `${url}/sessions`, { token: editor, body: { date: TODAY, courseId: 'wrap', provider: PERSON.provider, audience: 'staff', attendees: 12, notes: `Led by ${PERSON.provider}` } });
  expect(session.status, session.text).toBe(201);
});

describe("one person's completions", () => {
  it('?staffRef= on the list is refused with 400 (it would put the reference in a URL), pointing to the body-based search', async () => {
    const res = await api.request('GET', `${url}/completions?staffRef=${encodeURIComponent(PERSON.staffRef)}`, { token: p.tokens['viewer@a'] });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.errors[0]).toMatchObject({ path: 'query.staffRef', message: expect.stringMatching(/POST \/authorities\/\{id\}\/completions\/search/) });
  });

  it('POST …/completions/search with the reference in the body finds current and superseded completions, newest first, and nobody else', async () => {
    const res = await api.request('POST', `${url}/completions/search`, { token: p.tokens['viewer@a'], body: { staffRef: PERSON.staffRef } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.map((c: { staffRef: string; courseId: string; completedOn: string }) => [c.staffRef, c.courseId, c.completedOn])).toEqual([
      [PERSON.staffRef, 'home-office-elearning', addDays(TODAY, -10)],
      [PERSON.staffRef, 'wrap', addDays(TODAY, -3)],
      [PERSON.staffRef, 'home-office-elearning', addDays(TODAY, -500)],
    ].sort((a, b) => b[2].localeCompare(a[2])));
    // A reference that is a prefix of another finds only its own.
    const prefix = await api.request('POST', `${url}/completions/search`, { token: p.tokens['viewer@a'], body: { staffRef: 'KEEP' } });
    expect(prefix.body.items).toEqual([]);
    // Another authority's viewer cannot search this authority.
    expect((await api.request('POST', `${url}/completions/search`, { token: p.tokens['viewer@b'], body: { staffRef: PERSON.staffRef } })).status).toBe(404);
  });
});

describe('erasure of one staff reference', () => {
  it('before: the person is held by completions (current and history) and by nothing else', async () => {
    const items = await scanTable();
    const kinds = holding(items).map((i) => `${i.entity}:${String(i.SK).split('#')[0]}`);
    // Completions of two courses, one of them renewed, plus the session (which is the trainer's record, not the person's).
    // (And the legacy import record, seeded as an older version wrote it.)
    expect(kinds.sort()).toEqual(['completion:CUR', 'completion:CUR', 'completion:HIST', 'import:IMPORT', 'session:SESSION']);
    // The import record: counts, line numbers and reasons without cell values, no file name, and the completions' retention.
    const record = items.find((i) => i.entity === 'import' && i.id !== '01LEGACYIMPORT0000000000AA')!;
    expect(record).toMatchObject({ rows: 2, imported: 1, rejectedCount: 1, rejected: [{ line: 3 }] });
    expect(record.fileName).toBeUndefined();
    expect(record.expiresAt).toEqual(expect.any(Number));
    expect(record.expiresAt as number).toBeGreaterThan(Date.now() / 1000 + 5 * 365 * 86400);
  });

  it('takes the staff reference in the body and leaves no item holding any value of the person', async () => {
    const res = await api.request('POST', `${url}/erasures`, { token: p.tokens['authority-lead@a'], body: { staffRef: PERSON.staffRef } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ erased: 3 });
    const after = await scanTable();
    const left = holding(after).filter((i) => i.entity !== 'session');
    expect(left).toEqual([]);
    // The older import record is kept, cleaned, and now expires with the completions.
    const legacy = after.find((i) => i.id === '01LEGACYIMPORT0000000000AA')!;
    expect(legacy).toMatchObject({ rows: 1, rejectedCount: 1, rejected: [{ line: 2, reasons: ['unknown course [value removed]', 'impossible date [value removed] (use YYYY-MM-DD or dd/mm/yyyy)', 'role [value removed]'] }] });
    expect(legacy.fileName).toBeUndefined();
    expect(legacy.expiresAt).toEqual(expect.any(Number));
    // The neighbour is untouched.
    const rest = await api.request('GET', `${url}/completions?limit=100`, { token: p.tokens['steering-group'] });
    expect(rest.body.items.map((c: { staffRef: string }) => c.staffRef)).toEqual([NEIGHBOUR.staffRef]);
  });

  it('the old route with the reference in the path is gone', async () => {
    const res = await api.request('DELETE', `${url}/staff/${encodeURIComponent(NEIGHBOUR.staffRef)}/completions`, { token: p.tokens['authority-lead@a'] });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
