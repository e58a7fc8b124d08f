import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, reportingYearOf, toIsoDate } from '../../domain/shared/dates';
import { buildReport, previousYearOf } from '../../domain/reports/report';
import { summarize } from '../../domain/reports/summary';
import { CSV_COLUMNS } from '../../domain/reports/formats';
import { settingsOf } from '../../domain/partnerships/partnership';
import { dynamo } from '../../functions/data/client';
import { reportRepository } from '../../functions/data/report-repository';
import { deps } from '../../functions/shared/deps';
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
  const d = deps();
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
    }
    const last = (await api.request('GET', `/reports/consolidated?year=${YEAR}`, { token: sg })).body;
    expect(last.totals.completions + last.previousTotals.completions).toBeGreaterThan(0);
    expect(last.rows).toHaveLength(2);
  });

  it('is served with at most 3 DynamoDB requests for a 60-authority partnership', { timeout: 120_000 }, async () => {
    const big = await seedPartnership(api, 'sixty');
    for (let i = 0; i < 58; i++) {
      const res = await api.request('POST', '/authorities', { token: big.tokens['steering-group'], body: { id: `a${i}`, name: `Authority ${i}`, sector: 'local-government', type: 'district-council' } });
      expect(res.status).toBe(201);
    }
    await api.request('POST', `/authorities/a1/completions`, { token: big.tokens['steering-group'], body: { staffRef: 'X', courseId: 'wrap', completedOn: TODAY } });
    await stream.settle();
    const counter = countRequests(dynamo().doc);
    const res = await api.request('GET', '/reports/consolidated', { token: big.tokens['viewer@partnership'] });
    const requests = counter.total();
    counter.detach();
    expect(res.status).toBe(200);
    expect(res.body.rows).toHaveLength(60);
    expect(res.body.rows.find((r: any) => r.authorityId === 'a1').training.completions).toBe(1);
    expect(requests).toBeLessThanOrEqual(3);
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
    expect(Object.keys(rows[0])).toEqual(CSV_COLUMNS.map((c) => c.name));
    expect(rows).toHaveLength(json.rows.length);
    json.rows.forEach((row: any, i: number) => {
      for (const column of CSV_COLUMNS) {
        const v = column.value(row);
        const expected = v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
        expect(rows[i][column.name], `${row.authorityId} ${column.name}`).toBe(expected);
      }
    });
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
