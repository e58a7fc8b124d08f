import { beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

useFreshTable();

let api: TestApi;
let p: PartnershipFixture;
let url: string;

const PLAN = {
  version: 0,
  roles: [
    { id: 'frontline', name: 'Frontline officer', headcount: 9000, requiredCourses: ['home-office-elearning'] },
    { id: 'safeguarding-lead', name: 'Safeguarding lead', headcount: 800, requiredCourses: ['wrap'] },
    { id: 'senior-leader', name: 'Senior leader', headcount: 200, requiredLevel: 'strategic' },
  ],
};

/**
 * A learning-system export of 10,000 rows, in the shape such systems write it (their own
 * header names, UK and ISO dates), with three bad rows at known lines.
 */
function generateCsv(): { csv: string; bad: Map<number, RegExp> } {
  const courses = ['Prevent e-learning', 'WRAP', 'Channel awareness', 'Prevent awareness briefing'];
  const roles = ['Frontline officer', 'Safeguarding lead', 'senior-leader', 'frontline'];
  const lines = ['Employee ID,Full Name,Job Role,Course Title,Completion Date,Delivery Mode,Team'];
  const bad = new Map<number, RegExp>();
  for (let i = 0; i < 10_000; i++) {
    const line = i + 2; // the header is line 1
    const day = (i % 28) + 1;
    const month = (i % 12) + 1;
    const date = i % 2 ? `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/2024` : `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    let staff = `EMP${String(i).padStart(5, '0')}`;
    let course = courses[i % courses.length];
    let when = date;
    if (line === 1002) {
      course = 'Underwater basket weaving';
      bad.set(line, /unknown course/);
    } else if (line === 5003) {
      when = '31/02/2024';
      bad.set(line, /impossible date/);
    } else if (line === 9004) {
      staff = '';
      bad.set(line, /missing staff reference/);
    }
    lines.push(`${staff},"Person ${i}, Esq.",${roles[i % roles.length]},${course},${when},${i % 3 ? 'E-learning' : 'Classroom'},Team ${i % 7}`);
  }
  return { csv: lines.join('\r\n') + '\r\n', bad };
}

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'importer');
  url = `/authorities/${p.authorities.a}`;
  const plan = await api.request('PUT', `${url}/training-plan`, { token: p.tokens['authority-lead@a'], body: PLAN });
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
  const { csv, bad } = generateCsv();
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
