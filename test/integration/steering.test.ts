import { parse } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReminders, type Mailer } from '../../domain/reminders/job';
import { previousYearOf } from '../../domain/reports/report';
import { addDays, reportingYearOf, toIsoDate } from '../../domain/shared/dates';
import { keys } from '../../functions/data/keys';
import { reminderJobDeps } from '../../functions/jobs/reminders';
import { systemDeps } from '../../functions/shared/deps';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

/**
 * The steering group's own records through the real handlers on DynamoDB Local: the action plan
 * (who sees and updates which actions, closing a year, reminders, overdue actions in the report),
 * delivery figures (OFFICIAL-SENSITIVE: who enters them, what viewers see, suppression in every
 * export), the Home Office assessment beside the self-assessment, and the annual report in its
 * three formats.
 */
useFreshTable();

const TODAY = toIsoDate(new Date());
const YEAR = reportingYearOf(TODAY);
const LAST_YEAR = previousYearOf(YEAR);
const NEXT_YEAR = reportingYearOf(addDays(TODAY, 366));
const THEMES = [
  { id: 'leadership', number: 2, title: 'Leadership, governance and accountability' },
  { id: 'training', number: 3, title: 'Awareness, learning and development' },
];

let api: TestApi;
let p: PartnershipFixture;
let sg: string;
/** Council (a): a district council. OPCC (b): police sector. */
let council: string;
let opcc: string;

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'steer');
  sg = p.tokens['steering-group'];
  council = p.authorities.a;
  opcc = p.authorities.b;
});

async function ok<T = any>(method: string, url: string, token: string, body?: unknown, status = 200): Promise<T> {
  const res = await api.request(method, url, { token, body });
  expect(res.status, `${method} ${url}: ${res.text}`).toBe(status);
  return res.body;
}

const action = (over: Record<string, unknown> = {}) => ({ themeId: 'training', number: '3.1', action: 'Deliver WRAP monthly', leadAuthorities: [council], timescale: { kind: 'ongoing' }, ...over });

describe('the action plan', () => {
  let planId: string;
  const ids: Record<string, string> = {};

  it('is created for a period and its actions are added to the open year, in plan order', async () => {
    const plan = await ok('POST', '/action-plans', sg, { title: 'Prevent Action Plan', firstYear: LAST_YEAR, lastYear: NEXT_YEAR, themes: THEMES }, 201);
    planId = plan.id;
    expect(plan).toMatchObject({ id: `${LAST_YEAR.slice(0, 4)}-${Number(NEXT_YEAR.slice(0, 4)) + 1}`, currentYear: LAST_YEAR, closedYears: [], closed: false, version: 1 });
    ids.council = (await ok('POST', `/action-plans/${planId}/actions`, sg, action({ number: '3.10', timescale: { kind: 'date', dueOn: addDays(TODAY, -10) } }), 201)).id;
    ids.opcc = (await ok('POST', `/action-plans/${planId}/actions`, sg, action({ themeId: 'leadership', number: '2.1', action: 'Review the terms of reference', leadAuthorities: [opcc], otherLeads: ['Chair of the steering group'] }), 201)).id;
    ids.both = (await ok('POST', `/action-plans/${planId}/actions`, sg, action({ number: '3.2', action: 'Monitor take-up', leadAuthorities: [council, opcc], rag: 'complete', benchmarks: [7] }), 201)).id;
    ids.outside = (await ok('POST', `/action-plans/${planId}/actions`, sg, action({ themeId: 'leadership', number: '2.2', action: 'Refresh the webpage', leadAuthorities: [], otherLeads: ['Communications team'], rag: 'red', benchmarks: [10] }), 201)).id;
    const year = await ok('GET', `/action-plans/${planId}`, sg);
    expect(year.actions.map((a: { number: string }) => a.number)).toEqual(['2.1', '2.2', '3.2', '3.10']);
    expect(year.actions.find((a: { id: string }) => a.id === ids.council).overdue).toBe(true);
    expect(year).toMatchObject({ year: LAST_YEAR, editable: true });
  });

  it('refuses an action that breaks a rule, field by field, and writes nothing', async () => {
    const before = await ok('GET', `/action-plans/${planId}`, sg);
    for (const [body, path] of [
      [action({ themeId: 'nowhere' }), 'themeId'],
      [action({ leadAuthorities: ['no-such-authority'] }), 'leadAuthorities.0'],
      [action({ number: '3.2' }), 'number'],
      [action({ leadAuthorities: [], otherLeads: [] }), 'leadAuthorities'],
      [action({ timescale: { kind: 'date', dueOn: '2025-02-30' } }), 'timescale.dueOn'],
    ] as const) {
      const res = await api.request('POST', `/action-plans/${planId}/actions`, { token: sg, body });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await ok('GET', `/action-plans/${planId}`, sg)).actions).toEqual(before.actions);
  });

  it('shows an authority’s users the actions their authority leads, and lets its lead and editor update those only', async () => {
    const seen = await ok('GET', `/action-plans/${planId}`, p.tokens['authority-editor@a']);
    expect(seen.actions.map((a: { id: string }) => a.id).sort()).toEqual([ids.council, ids.both].sort());
    expect((await ok('GET', `/action-plans/${planId}`, p.tokens['viewer@a'])).actions).toHaveLength(2);
    expect((await ok('GET', `/action-plans/${planId}`, p.tokens['viewer@partnership'])).actions).toHaveLength(4);

    const mine = seen.actions.find((a: { id: string }) => a.id === ids.council);
    const updated = await ok('POST', `/action-plans/${planId}/actions/${ids.council}/progress`, p.tokens['authority-editor@a'], { rag: 'amber', text: 'Two sessions delivered', version: mine.version }, 201);
    expect(updated).toMatchObject({ rag: 'amber', version: mine.version + 1 });
    expect(updated.progress.at(-1)).toMatchObject({ on: TODAY, rag: 'amber', text: 'Two sessions delivered', role: 'authority-editor' });

    // The OPCC's action: not the council's to see (404) nor to update.
    expect((await api.request('POST', `/action-plans/${planId}/actions/${ids.opcc}/progress`, { token: p.tokens['authority-lead@a'], body: { rag: 'green', text: 'x', version: 1 } })).status).toBe(404);
    // A viewer never updates; a stale version is a conflict.
    expect((await api.request('POST', `/action-plans/${planId}/actions/${ids.council}/progress`, { token: p.tokens['viewer@partnership'], body: { rag: 'green', text: 'x', version: updated.version } })).status).toBe(403);
    const stale = await api.request('POST', `/action-plans/${planId}/actions/${ids.council}/progress`, { token: sg, body: { rag: 'green', text: 'x', version: mine.version } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.currentVersion).toBe(updated.version);
    // Only the steering group changes what the action is.
    expect((await api.request('PUT', `/action-plans/${planId}/actions/${ids.council}`, { token: p.tokens['authority-lead@a'], body: { ...action(), version: updated.version } })).status).toBe(403);
  });

  it('reminds the lead authority’s Prevent lead of an action due by a date, and stops once it is complete', async () => {
    const soon = await ok('POST', `/action-plans/${planId}/actions`, sg, action({ number: '3.3', action: 'Draft the refresher package', timescale: { kind: 'date', dueOn: addDays(TODAY, 7) } }), 201);
    const due = await systemDeps().table.get<Record<string, unknown>>(keys.due.item(p.tenantId, 'action', soon.id));
    expect(due).toMatchObject({ kind: 'action', authorityId: council, dueOn: addDays(TODAY, 7), path: `/action-plans/${planId}`, to: [{ email: `lead@${council}.example` }] });
    const sent: { to: string[]; subject: string }[] = [];
    const mailer: Mailer = { send: async (r) => void sent.push(r.message) };
    await runReminders(reminderJobDeps(mailer, 'https://app.example.org'), TODAY);
    const ours = sent.filter((m) => m.subject.includes('Action plan 3.3'));
    expect(ours).toHaveLength(1);
    expect(ours[0].to).toEqual([`lead@${council}.example`]);
    // The overdue action (3.10) is reminded too, as overdue.
    expect(sent.some((m) => m.subject.startsWith('Overdue: Action plan 3.10'))).toBe(true);

    await ok('POST', `/action-plans/${planId}/actions/${soon.id}/progress`, p.tokens['authority-lead@a'], { rag: 'complete', text: 'Package published', version: soon.version }, 201);
    expect(await systemDeps().table.get(keys.due.item(p.tenantId, 'action', soon.id))).toBeUndefined();
  });

  it('closes a year: its actions stay as they stood, open ones are carried into the next, and the closed year is read-only', async () => {
    const plan = (await ok('GET', `/action-plans/${planId}`, sg)).plan;
    const before = await ok('GET', `/action-plans/${planId}?year=${LAST_YEAR}`, sg);
    const closed = await ok('POST', `/action-plans/${planId}/close-year`, sg, { year: LAST_YEAR, version: plan.version });
    const open = before.actions.filter((a: { rag: string }) => a.rag !== 'complete');
    expect(closed).toMatchObject({ currentYear: YEAR, closedYears: [LAST_YEAR], carried: open.length });

    const kept = await ok('GET', `/action-plans/${planId}?year=${LAST_YEAR}`, sg);
    expect(kept.editable).toBe(false);
    expect(kept.actions.map((a: { id: string; rag: string; progress: unknown[] }) => [a.id, a.rag, a.progress.length])).toEqual(before.actions.map((a: { id: string; rag: string; progress: unknown[] }) => [a.id, a.rag, a.progress.length]));
    const now = await ok('GET', `/action-plans/${planId}`, sg);
    expect(now.year).toBe(YEAR);
    expect(now.actions.map((a: { id: string }) => a.id).sort()).toEqual(open.map((a: { id: string }) => a.id).sort());
    const carried = now.actions.find((a: { id: string }) => a.id === ids.council);
    expect(carried).toMatchObject({ carriedFrom: LAST_YEAR, rag: 'amber', year: YEAR });
    expect(carried.progress).toHaveLength(1);

    // The complete action stays in the closed year only.
    expect(now.actions.some((a: { id: string }) => a.id === ids.both)).toBe(false);
    // Closing the same year again is refused, and so is a write to it.
    expect((await api.request('POST', `/action-plans/${planId}/close-year`, { token: sg, body: { year: LAST_YEAR, version: closed.version } })).status).toBe(409);
    const res = await api.request('PUT', `/action-plans/${planId}/actions/${ids.both}`, { token: sg, body: { ...action({ number: '3.2' }), version: 1 } });
    expect(res.status).toBe(404);
  });

  it('counts the year’s actions in the consolidated report by RAG, benchmark and lead authority, with the overdue ones per authority', async () => {
    const report = await ok('GET', `/reports/consolidated?year=${YEAR}`, sg);
    const now = await ok('GET', `/action-plans/${planId}`, sg);
    const count = (f: (a: any) => boolean) => now.actions.filter(f).length;
    expect(report.actionPlan).toMatchObject({ planId, year: YEAR, totals: { total: now.actions.length, red: count((a) => a.rag === 'red'), amber: count((a) => a.rag === 'amber'), overdue: count((a) => a.overdue) } });
    expect(report.actionPlan.byBenchmark.find((b: { benchmark: number }) => b.benchmark === 10)).toMatchObject({ red: 1, total: 1 });
    const councilRow = report.rows.find((r: { authorityId: string }) => r.authorityId === council);
    expect(councilRow.actions).toEqual({ led: count((a) => a.leadAuthorities.includes(council)), overdue: count((a) => a.overdue && a.leadAuthorities.includes(council)) });
    expect(councilRow.actions.overdue).toBeGreaterThan(0);
    const csv = await api.request('GET', `/reports/consolidated?year=${YEAR}&format=csv`, { token: sg });
    const rows = parse(csv.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.authority_id === council)!.actions_overdue).toBe(String(councilRow.actions.overdue));
    // A viewer bound to the council sees its row and the actions it leads only.
    const bound = await ok('GET', `/reports/consolidated?year=${YEAR}`, p.tokens['viewer@a']);
    expect(bound.actionPlan.totals.total).toBe(count((a) => a.leadAuthorities.includes(council)));
    expect(bound.actionPlan.byLead.map((l: { authorityId: string }) => l.authorityId)).toEqual([council]);
  });
});

const QUARTER = (referrals: number[], hate = 40) => ({
  referrals: Object.fromEntries(['education', 'police', 'local-authority', 'health', 'criminal-justice', 'community', 'other'].map((s, i) => [s, referrals[i]])),
  channelAdopted: 6, channelOpened: 5, channelClosed: 3, hateCrimeReports: hate,
  outreachTraining: [{ audience: 'Faith leaders', events: 1, attendees: 3 }],
  communications: [{ kind: 'newsletter', description: 'Newsletter', count: 1, reach: 500 }],
});

describe('delivery figures (OFFICIAL-SENSITIVE)', () => {
  it('are entered by the steering group and the police, by no one else', async () => {
    await ok('PUT', `/delivery-figures/${LAST_YEAR}/quarters/1`, sg, { ...QUARTER([6, 9, 3, 0, 0, 0, 0]), version: 0 });
    // The OPCC is in the police sector: its lead and editor enter figures too.
    const q2 = await ok('PUT', `/delivery-figures/${LAST_YEAR}/quarters/2`, p.tokens['authority-editor@b'], { ...QUARTER([7, 8, 5, 6, 0, 0, 0]), version: 0 });
    expect(q2).toMatchObject({ year: LAST_YEAR, quarter: 2, version: 1 });
    for (const token of [p.tokens['authority-lead@a'], p.tokens['authority-editor@a'], p.tokens['viewer@partnership']]) {
      expect((await api.request('PUT', `/delivery-figures/${LAST_YEAR}/quarters/3`, { token, body: { ...QUARTER([1, 1, 1, 1, 1, 1, 1]), version: 0 } })).status).toBe(403);
    }
    expect((await api.request('PUT', `/delivery-figures/${LAST_YEAR}/quarters/2`, { token: sg, body: { ...QUARTER([0, 0, 0, 0, 0, 0, 0]), version: 0 } })).status).toBe(409);
    expect((await api.request('PUT', `/delivery-figures/${LAST_YEAR}/quarters/5`, { token: sg, body: { ...QUARTER([0, 0, 0, 0, 0, 0, 0]), version: 0 } })).status).toBe(400);
    expect((await api.request('GET', `/delivery-figures/${LAST_YEAR}`, { token: p.tokens['authority-lead@a'] })).status).toBe(403);
  });

  it('reach the police and the steering group as entered, viewers as suppressed year totals only', async () => {
    const full = await ok('GET', `/delivery-figures/${LAST_YEAR}`, p.tokens['authority-lead@b']);
    expect(full.access).toBe('full');
    expect(full.quarters.map((q: { quarter: number }) => q.quarter)).toEqual([1, 2]);
    expect(full.published.referrals.cells[0].map((c: { text: string }) => c.text)).toEqual(['6', '7']);
    // Local authority: 3 in Q1 → "<5", and its row total withheld; health 0 and 6 published.
    expect(full.published.referrals.cells[2].map((c: { text: string }) => c.text)).toEqual(['<5', '5']);
    expect(full.published.referrals.rowTotals[2].text).toBe('[c]');
    expect(full.published.referrals.rowTotals[0]).toEqual({ text: '13', value: 13 });
    expect(full.published.referrals.grandTotal.text).toBe('[c]');
    expect(full.published.hateCrimeReportsPerReferral).toBeNull();

    const viewer = await ok('GET', `/delivery-figures/${LAST_YEAR}`, p.tokens['viewer@a']);
    expect(viewer.access).toBe('totals');
    expect(viewer.quarters).toBeUndefined();
    expect(viewer.published.referrals.cells.every((r: unknown[]) => r.length === 0)).toBe(true);
    expect(viewer.published.referrals.rowTotals).toEqual(full.published.referrals.rowTotals);
    expect(viewer.published.note).toMatch(/<5/);
  });

  it('export as CSV with every count from 1 to 4 suppressed, and say so', async () => {
    const res = await api.request('GET', `/delivery-figures/${LAST_YEAR}?format=csv`, { token: sg });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(res.text, { bom: true }) as string[][];
    const counts = rows.slice(1).filter((r) => r[0] !== 'Note').flatMap((r) => r.slice(2));
    expect(counts.length).toBeGreaterThan(10);
    expect(counts.filter((c) => /^[1-4]$/.test(c))).toEqual([]);
    expect(counts).toContain('<5');
    expect(res.text).toMatch(/small-number suppression/);
  });
});

describe('the Home Office assessment', () => {
  it('is recorded by the steering group and shown beside the self-assessed scores in the report', async () => {
    const bad = await api.request('PUT', `/assessments/${LAST_YEAR}`, { token: sg, body: { scores: { 11: 3 }, version: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors[0].path).toBe('scores.11');
    expect((await api.request('PUT', `/assessments/${LAST_YEAR}`, { token: p.tokens['authority-lead@a'], body: { scores: { 1: 3 }, version: 0 } })).status).toBe(403);
    const saved = await ok('PUT', `/assessments/${LAST_YEAR}`, sg, { assessedOn: addDays(TODAY, -100), scores: { 1: 5, 10: 2 }, targets: { 10: 4 }, strengths: [{ benchmark: 1, text: 'Risk assessment is thorough' }], developmentAreas: [{ benchmark: 10, text: 'Write a communications plan' }], version: 0 });
    expect(saved.version).toBe(1);
    expect((await ok('GET', `/assessments/${LAST_YEAR}`, p.tokens['viewer@a'])).scores).toEqual({ 1: 5, 10: 2 });
    // The latest assessment up to the report's year: last year's for this year's report.
    const report = await ok('GET', `/reports/consolidated?year=${YEAR}`, sg);
    expect(report.assessmentYear).toBe(LAST_YEAR);
    expect(report.benchmarks.find((b: { benchmark: number }) => b.benchmark === 10)).toMatchObject({ name: 'Communications', homeOffice: 2, target: 4 });
    expect((await api.request('GET', `/assessments/${previousYearOf(LAST_YEAR)}`, { token: sg })).status).toBe(404);
    expect((await ok('GET', `/reports/consolidated?year=${previousYearOf(LAST_YEAR)}`, sg)).assessmentYear).toBeUndefined();
  });
});

describe('the annual report to the board', () => {
  it('keeps its narrative per year, with a version check', async () => {
    const first = await ok('PUT', `/reports/annual/${LAST_YEAR}/narrative`, sg, { introduction: 'The partnership met quarterly.', highlights: 'A county event.', recommendations: [{ theme: '6', action: 'Write a communications plan', leadOfficer: 'Prevent Partnership Officer', partners: 'OPCC' }], version: 0 });
    expect(first.version).toBe(1);
    expect((await api.request('PUT', `/reports/annual/${LAST_YEAR}/narrative`, { token: sg, body: { introduction: 'Again', version: 0 } })).status).toBe(409);
  });

  it('assembles the year from the records, the same figures as the consolidated report, in JSON, HTML and Word', async () => {
    const consolidated = await ok('GET', `/reports/consolidated?year=${LAST_YEAR}`, sg);
    const annual = await ok('GET', `/reports/annual?year=${LAST_YEAR}`, p.tokens['viewer@partnership']);
    expect(annual.narrative).toMatchObject({ introduction: 'The partnership met quarterly.', version: 1 });
    expect(annual.training).toMatchObject({ peopleTrained: consolidated.totals.peopleTrained, coverage: consolidated.totals.coverage, authorities: consolidated.totals.authorities });
    expect(annual.statements.expected).toBe(consolidated.rows.length);
    expect(annual.benchmarks).toEqual(consolidated.benchmarks);
    expect(annual.assessment).toMatchObject({ year: LAST_YEAR, developmentAreas: [{ benchmark: 10, name: 'Communications', text: 'Write a communications plan' }] });
    expect(annual.actionPlan.themes.map((t: { number: number }) => t.number)).toEqual([2, 3]);
    // The delivery figures as year totals, suppressed: never the quarters.
    expect(annual.delivery.referrals.grandTotal.text).toBe('[c]');
    expect(annual.delivery.referrals.cells.every((r: unknown[]) => r.length === 0)).toBe(true);

    const html = await api.request('GET', `/reports/annual?year=${LAST_YEAR}&format=html`, { token: sg });
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('The partnership met quarterly.');
    expect(html.text).toContain('Prevent Partnership Officer');
    expect(html.text).toContain('&lt;5');

    const docx = await api.request('GET', `/reports/annual?year=${LAST_YEAR}&format=docx`, { token: sg });
    expect(docx.status).toBe(200);
    expect(docx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(docx.headers['content-disposition']).toContain(`prevent-annual-report-${LAST_YEAR}.docx`);
    const files = unzipSync(new Uint8Array(docx.bytes!));
    const text = new TextDecoder().decode(files['word/document.xml']).replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(text).toContain('The partnership met quarterly.');
    expect(text).toContain('Write a communications plan');
    expect(text).toContain('[c]');
    expect(text).toContain('<5');
  });

  it('is the partnership’s: not for an authority’s users, nor a viewer bound to one authority', async () => {
    for (const token of [p.tokens['viewer@a'], p.tokens['authority-lead@a']]) {
      expect((await api.request('GET', `/reports/annual?year=${LAST_YEAR}&format=docx`, { token })).status).toBe(403);
    }
  });
});
