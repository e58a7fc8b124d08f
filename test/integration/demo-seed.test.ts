import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, reportingYearOf, reportingYearRange, toIsoDate } from '../../domain/shared/dates';
import { DEMO_TENANT_ID, seedDemo } from '../../infra/local/seed';
import { TestApi } from '../support/api';
import { useFreshTable } from '../support/table';

useFreshTable();

let api: TestApi;
let sg: string;
const today = toIsoDate(new Date());
const thisYear = reportingYearOf(today);
const lastYear = reportingYearOf(addDays(reportingYearRange(thisYear).from, -1));

beforeAll(async () => {
  const first = await seedDemo();
  // A second run adds nothing (npm start --persist runs it on every start).
  const second = await seedDemo();
  expect(second.created).toEqual({ partnership: false, authorities: 0, users: 0 });
  expect(first.users.map((u) => u.sub)).toEqual(second.users.map((u) => u.sub));
  api = await TestApi.create();
  sg = await api.token({ sub: 'sg', tenantId: DEMO_TENANT_ID, role: 'steering-group' });
});

async function statusOf(authorityId: string, year: string) {
  const res = await api.request('GET', `/authorities/${authorityId}/statements/${year}`, { token: sg });
  return res.status === 404 ? 'missing' : res.body.status;
}

describe('the demo partnership', () => {
  it('has statements in every state, this year and last', async () => {
    const authorities = (await api.request('GET', '/authorities', { token: sg })).body.items.map((a: { id: string }) => a.id);
    expect(authorities).toHaveLength(11);
    for (const year of [thisYear, lastYear]) {
      const states = new Set(await Promise.all(authorities.map((id: string) => statusOf(id, year))));
      if (year === thisYear) expect([...states].sort()).toEqual(['accepted', 'draft', 'missing', 'returned', 'submitted']);
      else expect([...states].sort()).toEqual(['accepted', 'missing']);
    }
    const opcc = await api.request('GET', `/authorities/opcc/statements/${thisYear}/versions/1`, { token: sg });
    expect(opcc.status).toBe(200);
    expect(opcc.body.figures.training.headcount).toBeGreaterThan(0);
  });

  it('has IT-filter assurances that are current, due within 60 days and overdue', async () => {
    const statuses = new Set<string>();
    for (const id of ['police', 'county-council', 'nhs-trust', 'opcc']) {
      statuses.add((await api.request('GET', `/authorities/${id}/it-filter-assurances`, { token: sg })).body.status);
    }
    expect([...statuses].sort()).toEqual(['current', 'due-soon', 'overdue']);
    const opcc = (await api.request('GET', '/authorities/opcc/it-filter-assurances', { token: sg })).body.items[0];
    expect(opcc.itProvidedBy).toBe('police');
  });

  it('has SOP reviews due soon and overdue, and training coverage to show', async () => {
    const sops = (await api.request('GET', '/sops', { token: sg })).body.items;
    expect(sops.some((s: any) => s.reviewOverdue)).toBe(true);
    expect(sops.some((s: any) => s.reviewDueWithin60Days)).toBe(true);
    const coverage = (await api.request('GET', '/training/coverage', { token: sg })).body.items;
    expect(coverage.every((c: any) => c.headcount > 0 && c.covered > 0)).toBe(true);
  });

  it('looks like a real county: sessions, turnout, feedback and coverage differ between authorities', async () => {
    const ids: string[] = (await api.request('GET', '/authorities', { token: sg })).body.items.map((a: { id: string }) => a.id);
    const sessions = await Promise.all(ids.map(async (id) => (await api.request('GET', `/authorities/${id}/sessions`, { token: sg })).body.items as any[]));
    expect(sessions.every((list) => list.length > 0)).toBe(true);
    const counts = sessions.map((list) => list.length);
    const attendees = sessions.map((list) => list.reduce((n, s) => n + s.attendees, 0));
    const feedback = sessions.map((list) => list.reduce((n, s) => n + s.feedbackGoodOrExcellent, 0) / list.reduce((n, s) => n + s.feedbackRespondents, 0));
    // Not every authority the same 3 sessions and 82 attendees: a spread, with the big employers busiest.
    expect(new Set(counts).size).toBeGreaterThanOrEqual(4);
    expect(new Set(attendees).size).toBeGreaterThanOrEqual(9);
    expect(new Set(feedback.map((f) => f.toFixed(3))).size).toBeGreaterThanOrEqual(9);
    expect(counts[ids.indexOf('county-council')]).toBeGreaterThan(counts[ids.indexOf('opcc')]);
    expect(new Set(sessions.flat().map((s) => s.courseId)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(sessions.flat().map((s) => s.audience)).size).toBeGreaterThanOrEqual(4);
    const coverage = (await api.request('GET', '/training/coverage', { token: sg })).body.items;
    expect(new Set(coverage.map((c: any) => (c.covered / c.headcount).toFixed(2))).size).toBeGreaterThanOrEqual(6);
  });
});
