import { beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';
import { LMS_PLAN, lmsExport } from '../support/lms-export';

useFreshTable();

let api: TestApi;
let p: PartnershipFixture;
let url: string;

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'importer');
  url = `/authorities/${p.authorities.a}`;
  const plan = await api.request('PUT', `${url}/training-plan`, { token: p.tokens['authority-lead@a'], body: LMS_PLAN });
  expect(plan.status).toBe(200);
});

async function countCompletions(): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const res = await api.request('GET', `${url}/completions?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token: p.tokens['steering-group'] });
    expect(res.status).toBe(200);
    n += res.body.items.length;
    cursor = res.body.nextCursor;
  } while (cursor);
  return n;
}

describe('CSV import of 10,000 completions', () => {
  const { csv, bad } = lmsExport(10_000);
  const importIt = () =>
    api.request('POST', `${url}/completions/import?fileName=lms-export.csv`, {
      token: p.tokens['authority-editor@a'],
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });

  it('stores 9,997 completions and names the 3 bad rows by line and reason', { timeout: 180_000 }, async () => {
    const res = await importIt();
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    expect(res.body).toMatchObject({ rows: 10_000, imported: 9_997, duplicates: 0 });
    expect(res.body.rejected.map((r: { line: number }) => r.line)).toEqual([...bad.keys()]);
    for (const rejected of res.body.rejected) {
      expect(rejected.reasons.join('; ')).toMatch(bad.get(rejected.line)!);
    }
    expect(JSON.stringify(res.body.rejected)).not.toMatch(/Person \d+/); // no names echoed back
    expect(await countCompletions()).toBe(9_997);

    const audit = await api.request('GET', `/audit?entityType=training-import&entityId=${res.body.importId}`, { token: p.tokens['steering-group'] });
    expect(audit.body.items.map((e: any) => e.changes.find((c: any) => c.field === 'status').to)).toEqual(['completed', 'running']);
    expect(audit.body.items[0].changes).toContainEqual({ field: 'imported', to: 9_997 });
  });

  it('adds nothing when the same file is imported again', { timeout: 180_000 }, async () => {
    const res = await importIt();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 10_000, imported: 0, duplicates: 9_997 });
    expect(res.body.rejected).toHaveLength(3);
    expect(await countCompletions()).toBe(9_997);
  });

  it('reads the stored fields back: UK dates as ISO, derived expiry, mapped role and mode', async () => {
    const res = await api.request('GET', `${url}/completions?course=wrap&from=2024-02-02&to=2024-02-02`, { token: p.tokens['viewer@a'] });
    expect(res.status).toBe(200);
    // Rows i ≡ 1 (mod 4) are WRAP; day = i%28+1 = 2 and month = i%12+1 = 2 → i ≡ 1 (mod 84).
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const c of res.body.items) {
      expect(c).toMatchObject({ courseId: 'wrap', completedOn: '2024-02-02', expiresOn: '2027-02-02', role: 'safeguarding-lead', source: 'import' });
      expect(['e-learning', 'face-to-face']).toContain(c.deliveryMode);
    }
  });
});

describe('import limits and malformed files', () => {
  const post = (csv: string) =>
    api.request('POST', `${url}/completions/import`, { token: p.tokens['authority-lead@a'], rawBody: csv, headers: { 'content-type': 'text/csv' } });

  it('refuses more than 20,000 rows with 413 and stores nothing', async () => {
    const rows = Array.from({ length: 20_001 }, (_, i) => `X${i},WRAP,2024-05-01`);
    const res = await post(['Staff reference,Course,Completion date', ...rows].join('\n'));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/20000|20,000/);
    const found = await api.request('GET', `${url}/completions?course=wrap&from=2024-05-01&to=2024-05-01`, { token: p.tokens['steering-group'] });
    expect(found.body.items.filter((c: any) => c.staffRef.startsWith('X'))).toHaveLength(0);
  });

  it('refuses a file over 5 MB with 413', async () => {
    const res = await post('Staff reference,Course,Completion date\n' + `A,WRAP,2024-05-01,${'x'.repeat(5 * 1024 * 1024)}\n`);
    expect(res.status).toBe(413);
  });

  it('names the missing columns and the headers it accepts', async () => {
    const res = await post('Name,When\nJo,2024-01-01\n');
    expect(res.status).toBe(400);
    expect(res.body.error.errors.map((e: any) => e.path)).toEqual(['csv.staffRef', 'csv.course', 'csv.completedOn']);
    expect(res.body.error.errors[0].message).toMatch(/Employee ID|employee id/i);
  });

  it('rejects future dates, roles outside the plan and unknown modes, row by row', async () => {
    const res = await post('Staff ID,Module,Date completed,Role,Mode\nF1,WRAP,2999-01-01,frontline,online\nF2,WRAP,2024-01-01,astronaut,online\nF3,WRAP,2024-01-01,frontline,carrier pigeon\nF4,wrap,1/3/2024,Frontline officer,Teams\n');
    expect(res.status).toBe(200);
    expect(res.body.imported).toBe(1);
    expect(res.body.rejected).toEqual([
      { line: 2, reasons: [expect.stringMatching(/future/)] },
      { line: 3, reasons: [expect.stringMatching(/not in the authority's training plan/)] },
      { line: 4, reasons: [expect.stringMatching(/delivery mode/)] },
    ]);
  });
});

describe('a second large import: renewals, late older completions and repeats', () => {
  it('moves superseded completions to history and counts repeats as duplicates', { timeout: 120_000 }, async () => {
    // Rows 0..1199 of the first file were EMP00000.. with course i%4 and a 2024 date.
    // Here: 600 renewals (yesterday), 300 older completions (2023), 300 exact repeats — of which
    // EMP01000 (line 1002) was the unknown-course row of the first file, so it is new.
    const courses = ['Prevent e-learning', 'WRAP', 'Channel awareness', 'Prevent awareness briefing'];
    const renewedOn = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10); // yesterday
    const lines = ['Staff Reference,Course,Completion Date'];
    for (let i = 0; i < 1200; i++) {
      const staff = `EMP${String(i).padStart(5, '0')}`;
      if (i < 600) lines.push(`${staff},${courses[i % 4]},${renewedOn}`);
      else if (i < 900) lines.push(`${staff},${courses[i % 4]},2023-03-0${(i % 9) + 1}`);
      else lines.push(`${staff},${courses[i % 4]},2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`);
    }
    const post = () =>
      api.request('POST', `${url}/completions/import`, { token: p.tokens['authority-lead@a'], rawBody: lines.join('\n'), headers: { 'content-type': 'text/csv' } });
    const res = await post();
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body).toMatchObject({ rows: 1200, imported: 901, duplicates: 299, rejected: [] });
    expect(await countCompletions()).toBe(9_997 + 1 + 901); // + F4 from the row-by-row test above

    const again = await post();
    expect(again.body).toMatchObject({ imported: 0, duplicates: 1200 });

    // EMP00000 (e-learning): 2024-01-01 original, renewed yesterday.
    // EMP00600 (e-learning; day 600%28+1 = 13, month 600%12+1 = 1): 2024-01-13 original, 2023 older one.
    const all: any[] = [];
    let cursor: string | undefined;
    do {
      const page: { body: any } = await api.request('GET', `${url}/completions?course=home-office-elearning&limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token: p.tokens['steering-group'] });
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const datesOf = (staff: string) => all.filter((c: any) => c.staffRef === staff).map((c: any) => c.completedOn).sort();
    expect(datesOf('EMP00000')).toEqual(['2024-01-01', renewedOn]);
    expect(datesOf('EMP00600')).toEqual(['2023-03-07', '2024-01-13']);

    // Only the latest completion of a pair is current: EMP00000's renewal is due in two
    // years and its superseded 2024 one no longer counts; EMP00600's current 2024-01-13 one
    // lapsed on 2026-01-13, so it is no longer "due within" anything — it is overdue.
    const due: any[] = [];
    cursor = undefined;
    do {
      const page: { body: any } = await api.request('GET', `${url}/completions?expiringWithinDays=3650&course=home-office-elearning&limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token: p.tokens['steering-group'] });
      due.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(due.filter((c) => c.staffRef === 'EMP00000').map((c) => c.completedOn)).toEqual([renewedOn]);
    expect(due.filter((c) => c.staffRef === 'EMP00600')).toEqual([]);
    expect(due.every((c) => c.expiresOn >= new Date().toISOString().slice(0, 10))).toBe(true);
  });
});
