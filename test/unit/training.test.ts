import { describe, expect, it } from 'vitest';
import { addMonths, parseDate, reportingYearOf, reportingYearRange, isReportingYear } from '../../domain/shared/dates';
import { completionKey, historyToCheck, mergeCompletions, pairKey, type Completion } from '../../domain/training/completions';
import { mapHeaders, parseCompletionsCsv } from '../../domain/training/csv-import';
import { computeCoverage, countByCourse } from '../../domain/training/coverage';
import { STANDARD_COURSES, courseMatcher, type Course } from '../../domain/training/courses';
import { chunkByPair } from '../../domain/training/import-job';
import { ValidationError } from '../../domain/shared/errors';

const meta = { version: 1, createdAt: 'x', createdBy: 'u', updatedAt: 'x', updatedBy: 'u' };
const courses: Course[] = STANDARD_COURSES.map((c) => ({ ...c, ...meta }));
let n = 0;
const completion = (staffRef: string, courseId: string, completedOn: string, extra: Partial<Completion> = {}): Completion => ({
  id: `c${n++}`, staffRef, courseId, completedOn, authorityId: 'a', expiresOn: addMonths(completedOn, 12), source: 'import', ...meta, ...extra,
});

describe('dates', () => {
  it('reads ISO and UK dates and refuses impossible ones', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('29/02/2024')).toBe('2024-02-29');
    expect(parseDate('1/3/2024')).toBe('2024-03-01');
    expect(parseDate('31/02/2024')).toBeUndefined();
    expect(parseDate('2023-02-29')).toBeUndefined();
    expect(parseDate('2024-13-01')).toBeUndefined();
    expect(parseDate('03/01/2024 10:00')).toBeUndefined();
  });

  it('adds months clamping to the month end', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-06-15', 36)).toBe('2027-06-15');
  });

  it('knows UK financial years', () => {
    expect(reportingYearOf('2025-03-31')).toBe('2024-25');
    expect(reportingYearOf('2025-04-01')).toBe('2025-26');
    expect(reportingYearRange('2024-25')).toEqual({ from: '2024-04-01', to: '2025-03-31' });
    expect(isReportingYear('2099-00')).toBe(true);
    expect(isReportingYear('2024-26')).toBe(false);
  });
});

describe('mergeCompletions', () => {
  it('keeps the latest completion current and moves superseded ones to history', () => {
    const stored = completion('S1', 'wrap', '2023-05-01');
    const renewal = completion('S1', 'wrap', '2024-05-01');
    const out = mergeCompletions(new Map([[pairKey(stored), stored]]), new Set(), [renewal]);
    expect(out.writes).toEqual([
      { slot: 'history', completion: stored },
      { slot: 'current', completion: renewal },
    ]);
    expect(out.added).toEqual([renewal]);
  });

  it('counts repeats of the current one, of known history and within the batch as duplicates', () => {
    const stored = completion('S1', 'wrap', '2024-05-01');
    const old = completion('S1', 'wrap', '2022-05-01');
    const again = completion('S1', 'wrap', '2024-05-01');
    const twiceInFile = [completion('S2', 'dsl', '2024-01-01'), completion('S2', 'dsl', '2024-01-01')];
    const current = new Map([[pairKey(stored), stored]]);
    expect(historyToCheck(current, [again, old, ...twiceInFile])).toEqual([old]);
    const out = mergeCompletions(current, new Set([completionKey(old)]), [again, old, ...twiceInFile]);
    expect(out.added).toEqual([twiceInFile[0]]);
    expect(out.duplicates).toHaveLength(3);
    expect(out.duplicates).toEqual(expect.arrayContaining([again, old, twiceInFile[1]]));
    expect(out.writes).toEqual([{ slot: 'current', completion: twiceInFile[0] }]);
  });

  it('stores an older completion that arrives late as history, leaving the current one alone', () => {
    const stored = completion('S1', 'wrap', '2024-05-01');
    const late = completion('S1', 'wrap', '2021-05-01');
    const out = mergeCompletions(new Map([[pairKey(stored), stored]]), new Set(), [late]);
    expect(out.writes).toEqual([{ slot: 'history', completion: late }]);
  });

  it('orders several completions of one pair in one batch', () => {
    const a = completion('S3', 'wrap', '2020-01-01');
    const b = completion('S3', 'wrap', '2023-01-01');
    const c = completion('S3', 'wrap', '2021-01-01');
    const out = mergeCompletions(new Map(), new Set(), [b, a, c]);
    expect(out.writes).toEqual([
      { slot: 'history', completion: a },
      { slot: 'history', completion: c },
      { slot: 'current', completion: b },
    ]);
  });

  it('never splits one pair across import chunks', () => {
    const list = [completion('A', 'wrap', '2020-01-01'), completion('B', 'wrap', '2020-01-01'), completion('A', 'wrap', '2021-01-01'), completion('C', 'dsl', '2020-01-01')];
    const chunks = chunkByPair(list, 2);
    expect(chunks.map((c) => c.map((x) => x.staffRef))).toEqual([['A', 'A', 'B'], ['C']]);
  });
});

describe('CSV headers and courses', () => {
  it('matches learning-system headers tolerantly', () => {
    expect(mapHeaders(['EMPLOYEE_ID', ' Course Title ', 'completion-date', 'Job Role'])).toEqual({ staffRef: 0, course: 1, completedOn: 2, role: 3 });
    expect(() => mapHeaders(['Name'])).toThrow(ValidationError);
  });

  it('finds courses by id, name or alias, ignoring case and punctuation', () => {
    const find = courseMatcher(courses);
    expect(find('WRAP')?.id).toBe('wrap');
    expect(find('workshop to raise awareness of prevent (wrap)')?.id).toBe('wrap');
    expect(find('Prevent e-Learning')?.id).toBe('home-office-elearning');
    expect(find('Basket weaving')).toBeUndefined();
  });

  it('reports every reason of a bad row, and quoted commas are not column breaks', () => {
    const out = parseCompletionsCsv('Employee ID,Name,Course,Date\n,"Smith, Jo",Nonsense,31/04/2024\nA1,"Smith, Jo",WRAP,30/04/2024\n', { courses, roles: [], today: '2025-01-01' });
    expect(out.rejected).toEqual([
      {
        line: 2,
        reasons: [
          'column "Employee ID" (staffRef): missing staff reference',
          'column course: unknown course (not a course id, name or alias of the catalogue)',
          'column "Date" (completedOn): impossible date (use YYYY-MM-DD or dd/mm/yyyy)',
        ],
      },
    ]);
    expect(out.valid).toEqual([{ line: 3, index: 1, input: { staffRef: 'A1', name: 'Smith, Jo', courseId: 'wrap', completedOn: '2024-04-30' } }]);
  });

  it('names the column and the problem of a rejected row without echoing any cell', () => {
    const roles = [{ id: 'staff', name: 'Staff', headcount: 1, requiredCourses: [] }];
    const csv = 'Staff ID,Full Name,Course Title,Completion Date,Job Role,Delivery,Certificate,Team,Trainer\nZQ-771,Zelda Quartermaine,Zither Course,2024-02-30,Zookeeper,Zoomcast,Zilch,Zeta Team,Zorro Trainer\n';
    const out = parseCompletionsCsv(csv, { courses, roles, today: '2025-01-01' });
    expect(out.rejected).toHaveLength(1);
    const text = JSON.stringify(out.rejected);
    for (const value of ['ZQ-771', 'Zelda', 'Zither', '2024-02-30', 'Zookeeper', 'Zoomcast', 'Zilch', 'Zeta', 'Zorro']) expect(text).not.toContain(value);
    expect(out.rejected[0].reasons.map((r) => r.split(':')[0])).toEqual(['column "Course Title" (course)', 'column "Completion Date" (completedOn)', 'column "Job Role" (role)', 'column "Delivery" (deliveryMode)', 'column "Certificate" (certificateIssued)']);
  });
});

describe('coverage', () => {
  const roles = [
    { id: 'frontline', name: 'Frontline', headcount: 4, requiredCourses: ['home-office-elearning'] },
    { id: 'dsl', name: 'Safeguarding lead', headcount: 2, requiredCourses: ['wrap', 'dsl'] },
    { id: 'leader', name: 'Leader', headcount: 1, requiredCourses: [], requiredLevel: 'specialist' as const },
  ];
  it('counts a person covered only when every requirement is in date on the day', () => {
    const current = [
      completion('F1', 'home-office-elearning', '2024-06-01', { role: 'frontline', expiresOn: '2026-06-01' }), // in date
      completion('F2', 'home-office-elearning', '2023-01-01', { role: 'frontline', expiresOn: '2025-01-01' }), // lapsed
      completion('F3', 'home-office-elearning', '2024-12-01', { role: 'frontline', expiresOn: '2025-06-02' }), // in date (due tomorrow)
      completion('F4', 'home-office-elearning', '2023-06-01', { role: 'frontline', expiresOn: '2025-06-01' }), // due today: not in date
      completion('D1', 'wrap', '2024-01-01', { role: 'dsl', expiresOn: '2027-01-01' }),
      completion('D1', 'dsl', '2024-01-01', { role: 'dsl', expiresOn: '2026-01-01' }), // both in date
      completion('D2', 'wrap', '2024-01-01', { role: 'dsl', expiresOn: '2027-01-01' }), // dsl course missing
      completion('L1', 'channel-panel', '2020-01-01', { role: 'leader', expiresOn: null }), // strategic ≥ specialist, never expires
      completion('X1', 'induction', '2024-01-01', { expiresOn: null }), // no role
    ];
    const c = computeCoverage({ roles, courses, current, asOf: '2025-06-01', target: 0.5 });
    expect(c.roles.map((r) => [r.roleId, r.staffRecorded, r.covered, r.coverage, r.meetsTarget])).toEqual([
      ['frontline', 4, 2, 2 / 4, true],
      ['dsl', 2, 1, 1 / 2, true],
      ['leader', 1, 1, 1, true],
    ]);
    expect(c.total).toEqual({ headcount: 7, covered: 4, coverage: 4 / 7, meetsTarget: true });
    expect(c.staffWithoutRole).toBe(1);
  });

  it('caps covered staff at the headcount and counts people once per course', () => {
    const current = ['A', 'B', 'C'].map((s) => completion(s, 'home-office-elearning', '2025-01-01', { role: 'frontline', expiresOn: null }));
    const c = computeCoverage({ roles: [{ ...roles[0], headcount: 2 }], courses, current, asOf: '2025-06-01', target: 0.85 });
    expect(c.roles[0]).toMatchObject({ covered: 3, coverage: 1 });
    expect(countByCourse([...current, completion('A', 'wrap', '2025-01-01')])).toEqual({
      completions: 4,
      peopleTrained: 3,
      courses: [
        { courseId: 'home-office-elearning', completions: 3, people: 3 },
        { courseId: 'wrap', completions: 1, people: 1 },
      ],
    });
  });
});

describe('reading import files', () => {
  it('decodes by byte-order mark, validity and the named encoding', async () => {
    const { decodeText } = await import('../../domain/training/csv-import');
    const cp1252 = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0xa3, 0x35, 0x20, 0x92]); // "Café £5 ’"
    expect(decodeText(cp1252)).toEqual({ text: 'Café £5 ’', encoding: 'windows-1252' });
    expect(decodeText(cp1252, 'iso-8859-1').encoding).toBe('iso-8859-1');
    expect(decodeText(Buffer.from('\uFEFFCafé', 'utf8'))).toEqual({ text: 'Café', encoding: 'utf-8' });
    expect(decodeText(Buffer.from('Café', 'utf8'))).toEqual({ text: 'Café', encoding: 'utf-8' });
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Café', 'utf16le')]))).toEqual({ text: 'Café', encoding: 'utf-16le' });
    expect(() => decodeText(Buffer.from('Caf\uFFFD', 'utf8'))).toThrow(ValidationError);
    expect(() => decodeText(cp1252, 'utf-8')).toThrow(/not valid UTF-8/);
  });

  it('finds the separator outside quotes and the header below title rows, keeping the file’s line numbers', async () => {
    const { readImportFile, parseCompletionRecords } = await import('../../domain/training/csv-import');
    const text = 'Report; generated 01/06/2026\n\n"Staff; ID",Course,Date\n"A;1",WRAP,2024-01-02\nB1,Nonsense,2024-01-02\n';
    const file = await readImportFile(Buffer.from(text));
    expect(file).toMatchObject({ format: 'csv', delimiter: ',' });
    const out = parseCompletionRecords(file.records, { courses, roles: [], today: '2025-01-01' });
    expect(out.headerLine).toBe(3);
    expect(out.valid.map((v) => [v.line, v.input.staffRef])).toEqual([[4, 'A;1']]);
    expect(out.rejected.map((r) => r.line)).toEqual([5]);
    const piped = await readImportFile(Buffer.from('Staff ID|Course|Date\nA1|WRAP|2024-01-02 09:15\n'));
    expect(piped.delimiter).toBe('|');
    expect(parseCompletionRecords(piped.records, { courses, roles: [], today: '2025-01-01' }).valid[0].input.completedOn).toBe('2024-01-02');
  });
});

describe('xlsx unpacking guard', () => {
  it('counts what a zip unpacks to and stops past the limit (a few KB that unpack to 10 MB)', async () => {
    const { zipSync } = await import('fflate');
    const { unpacksWithin } = await import('../../domain/training/csv-import');
    const bomb = zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(10 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(unpacksWithin(bomb, 1024 * 1024)).toBe(false);
    expect(unpacksWithin(bomb, 11 * 1024 * 1024)).toBe(true);
  });
});
