import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, reportingYearOf, reportingYearRange, toIsoDate } from '../../domain/shared/dates';
import { auditEvent } from '../../domain/audit/audit';
import { systemDeps, ulidIds } from '../../functions/shared/deps';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

useFreshTable();

let api: TestApi;
let p: PartnershipFixture;
let url: string;
const today = toIsoDate(new Date());
const year = reportingYearOf(today);
const fyStart = reportingYearRange(year).from;
/** A date in the current reporting year, k days after its start, never after today. */
const recent = (k: number) => [addDays(fyStart, k), today].sort()[0];

const post = (path: string, body: unknown, token = p.tokens['authority-editor@a']) => api.request('POST', `${url}${path}`, { token, body });

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'cover');
  url = `/authorities/${p.authorities.a}`;
  const plan = await api.request('PUT', `${url}/training-plan`, {
    token: p.tokens['authority-lead@a'],
    body: {
      version: 0,
      roles: [
        { id: 'frontline', name: 'Frontline officer', headcount: 5, requiredCourses: ['home-office-elearning'] },
        { id: 'dsl', name: 'Designated safeguarding lead', headcount: 2, requiredCourses: ['wrap', 'dsl'] },
      ],
    },
  });
  expect(plan.status).toBe(200);
  // The fixture, by hand (e-learning refreshes every 24 months, WRAP 36, DSL 24):
  //   F1 e-learning recently            → in date
  //   F2 e-learning 800 days ago        → lapsed: a refresher overdue
  //   F3 e-learning 700 days ago        → in date, refresher due in about 30 days
  //   F4 e-learning recently            → in date
  //   D1 WRAP + DSL recently            → covered
  //   D2 WRAP only                      → not covered (DSL course missing)
  const rows: [string, string, string, string][] = [
    ['F1', 'home-office-elearning', recent(1), 'frontline'],
    ['F2', 'home-office-elearning', addDays(today, -800), 'frontline'],
    ['F3', 'home-office-elearning', addDays(today, -700), 'frontline'],
    ['F4', 'home-office-elearning', recent(2), 'frontline'],
    ['D1', 'wrap', recent(3), 'dsl'],
    ['D1', 'dsl', recent(3), 'dsl'],
    ['D2', 'wrap', recent(4), 'dsl'],
  ];
  for (const [staffRef, courseId, completedOn, role] of rows) {
    const res = await post('/completions', { staffRef, courseId, completedOn, role, name: `Person ${staffRef}` });
    expect(res.status, res.text).toBe(201);
  }
  for (const s of [
    { attendees: 20, feedbackRespondents: 10, feedbackGoodOrExcellent: 9 },
    { attendees: 30, feedbackRespondents: 10, feedbackGoodOrExcellent: 10 },
  ]) {
    const res = await post('/sessions', { date: recent(5), courseId: 'wrap', provider: 'Prevent Officer', audience: 'staff', ...s });
    expect(res.status, res.text).toBe(201);
  }
});

const summary = async () => {
  const res = await api.request('GET', `${url}/training-summary?year=${year}`, { token: p.tokens['steering-group'] });
  expect(res.status, res.text).toBe(200);
  return res.body;
};

describe('coverage and counts for a fixture authority', () => {
  it('match the figures worked out by hand', async () => {
    const s = await summary();
    expect(s.coverage.target).toBe(0.85);
    expect(s.coverage.roles.map((r: any) => [r.roleId, r.headcount, r.staffRecorded, r.covered, r.coverage, r.meetsTarget])).toEqual([
      ['frontline', 5, 4, 3, 3 / 5, false],
      ['dsl', 2, 2, 1, 1 / 2, false],
    ]);
    expect(s.coverage.total).toEqual({ headcount: 7, covered: 4, coverage: 4 / 7, meetsTarget: false });
    // In this reporting year: F1, F4, D1 ×2, D2 = 5 completions by 4 people.
    expect(s.completions).toBe(5);
    expect(s.peopleTrained).toBe(4);
    expect(s.courses).toEqual([
      { courseId: 'dsl', completions: 1, people: 1 },
      { courseId: 'home-office-elearning', completions: 2, people: 2 },
      { courseId: 'wrap', completions: 2, people: 2 },
    ]);
    expect(s.sessions).toEqual({ count: 2, attendees: 50, feedbackRespondents: 20, feedbackGoodOrExcellent: 19, feedbackShare: 0.95 });
    expect(s.refreshersOverdue).toBe(1);
    expect(s.refreshersDueWithin60Days).toBe(1);
  });

  it('follow the partnership’s coverage target', async () => {
    const settings = (await api.request('GET', '/settings', { token: p.tokens['viewer@a'] })).body;
    const put = await api.request('PUT', '/settings', { token: p.tokens['steering-group'], body: { coverageTarget: 0.5, trainingRetentionYears: 6, version: settings.version } });
    expect(put.status).toBe(200);
    const s = await summary();
    expect(s.coverage.roles.map((r: any) => r.meetsTarget)).toEqual([true, true]);
    expect(s.coverage.total.meetsTarget).toBe(true);
    const partnership = await api.request('GET', '/training/coverage', { token: p.tokens['steering-group'] });
    expect(partnership.body.items.find((i: any) => i.authorityId === p.authorities.a)).toMatchObject({ headcount: 7, covered: 4, target: 0.5 });
    // People without a plan role are their own figure, per authority and for the partnership.
    expect(partnership.body.items.find((i: any) => i.authorityId === p.authorities.a).staffWithoutRole).toBe(s.coverage.staffWithoutRole);
    expect(partnership.body.staffWithoutRole).toBe(partnership.body.items.reduce((n: number, i: any) => n + i.staffWithoutRole, 0));
    const own = await api.request('GET', '/training/coverage', { token: p.tokens['authority-editor@b'] });
    expect(own.body.items.map((i: any) => i.authorityId)).toEqual([p.authorities.b]);
  });

  it('lists refreshers due soon, and a renewal clears an overdue one and keeps the history', async () => {
    const soon = await api.request('GET', `${url}/completions?expiringWithinDays=60`, { token: p.tokens['viewer@a'] });
    expect(soon.body.items.map((c: any) => c.staffRef)).toEqual(['F3']);

    const renewal = await post('/completions', { staffRef: 'F2', courseId: 'home-office-elearning', completedOn: recent(6), role: 'frontline' });
    expect(renewal.status).toBe(201);
    const again = await post('/completions', { staffRef: 'F2', courseId: 'home-office-elearning', completedOn: recent(6), role: 'frontline' });
    expect(again.status).toBe(409);

    const s = await summary();
    expect(s.refreshersOverdue).toBe(0);
    expect(s.coverage.roles[0]).toMatchObject({ staffRecorded: 4, covered: 4 });
    const f2 = await api.request('GET', `${url}/completions?course=home-office-elearning&limit=50`, { token: p.tokens['steering-group'] });
    expect(f2.body.items.filter((c: any) => c.staffRef === 'F2').map((c: any) => c.completedOn).sort()).toEqual([addDays(today, -800), recent(6)].sort());
  });

  it('erases one staff reference on request, leaving an audit event without the personal data', async () => {
    const editor = await api.request('POST', `${url}/erasures`, { token: p.tokens['authority-editor@a'], body: { staffRef: 'F2' } });
    expect(editor.status).toBe(403);
    const res = await api.request('POST', `${url}/erasures`, { token: p.tokens['authority-lead@a'], body: { staffRef: 'F2' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ erased: 2 });
    const left = await api.request('GET', `${url}/completions?limit=100`, { token: p.tokens['steering-group'] });
    expect(left.body.items.some((c: any) => c.staffRef === 'F2')).toBe(false);
    const audit = await api.request('GET', `/audit?entityType=staff-training&limit=10`, { token: p.tokens['steering-group'] });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ action: 'erase', authorityId: p.authorities.a, changes: [{ field: 'records', from: 2, to: 0 }] });
    // The staff reference and name, as values (generated ids may contain the letters "F2").
    expect(audit.text).not.toMatch(/"F2"|Person F2/);
    // The completion events recorded earlier never held the reference or the name either.
    const creations = await api.request('GET', `/audit?entityType=completion&limit=100`, { token: p.tokens['steering-group'] });
    expect(creations.body.items.length).toBeGreaterThan(0);
    expect(creations.text).not.toMatch(/"F[1-4]"|Person F/);
    expect((await api.request('POST', `${url}/erasures`, { token: p.tokens['authority-lead@a'], body: { staffRef: 'F2' } })).status).toBe(404);
    expect((await summary()).coverage.roles[0]).toMatchObject({ staffRecorded: 3, covered: 3 });
  });

  it('refuses a hand-recorded completion while an import holds the authority', async () => {
    const { imports, clock } = systemDeps();
    const now = clock.now();
    const caller = { tenantId: 'cover', userId: 'importer', role: 'authority-editor' as const, authorityId: p.authorities.a };
    // An import's chunk holds the authority's lock (as between reading and writing a chunk).
    expect(await imports.lockChunk('cover', p.authorities.a, ulidIds.next(), now, new Date(now.getTime() + 60_000))).toBeDefined();
    const res = await post('/completions', { staffRef: 'Z1', courseId: 'wrap', completedOn: recent(1) });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('busy');
    const imp = await api.request('POST', `${url}/completions/import`, { token: p.tokens['authority-lead@a'], rawBody: 'Staff ID,Course,Date\nZ2,WRAP,2024-01-01\n', headers: { 'content-type': 'text/csv' } });
    expect(imp.status).toBe(409);
    expect((await api.request('GET', `${url}/completions?limit=100`, { token: p.tokens['steering-group'] })).body.items.some((c: any) => c.staffRef.startsWith('Z'))).toBe(false);
  });
});
