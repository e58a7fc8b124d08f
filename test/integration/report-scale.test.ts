import { beforeAll, describe, expect, it } from 'vitest';
import { marshall } from '@aws-sdk/util-dynamodb';
import { newPartnership, settingsOf } from '../../domain/partnerships/partnership';
import { buildReport, previousYearOf } from '../../domain/reports/report';
import { addDays, reportingYearOf, toIsoDate } from '../../domain/shared/dates';
import { systemClock } from '../../domain/shared/ports';
import { tenantDynamo } from '../../functions/data/client';
import { keys } from '../../functions/data/keys';
import { systemDeps, ulidIds } from '../../functions/shared/deps';
import { TestApi } from '../support/api';
import { countRequests } from '../support/dynamo-counter';
import { seedScale, type ScaleData } from '../support/report-scale';
import { useFreshTable } from '../support/table';

/**
 * The report of a county with its schools (issue 14): 600 authorities, summaries written
 * straight to the table. Their summaries in the shape stored before compaction would not fit
 * one Query page (1 MB), so this fails if the report's requests grow with the partnership.
 */
useFreshTable();

const TODAY = toIsoDate(new Date());
const YEAR = reportingYearOf(TODAY);
const TENANT = 'county';
const AUTHORITIES = 600;
let api: TestApi;
let token: string;
let data: ScaleData;

beforeAll(async () => {
  api = await TestApi.create();
  const { partnership, audit, courses } = newPartnership({ id: TENANT, name: 'County with its schools' }, systemClock, ulidIds);
  await systemDeps().partnerships.create(partnership, audit, courses);
  token = await api.token({ sub: 'county-sg', tenantId: TENANT, role: 'steering-group' });
  data = await seedScale(systemDeps().table, TENANT, { today: TODAY, authorities: AUTHORITIES, people: 67 });
}, 120_000);

const withoutTime = ({ generatedAt: _g, partnershipName: _p, ...rest }: any) => rest;

describe('the consolidated report at 600 authorities', () => {
  it('would need more than one page of summaries in the shape stored before compaction', () => {
    // The summaries one report reads (this year, last year, the current state), as the full histograms were stored.
    const previous = previousYearOf(YEAR);
    const old = [...data.current.values()].map((c) => marshall({ ...c, ...keys.reports.current(TENANT, c.authorityId), entity: 'report-summary', kind: 'current' }, { removeUndefinedValues: true }));
    const yearItems = [YEAR, previous].flatMap((y) => [...(data.years.get(y)?.values() ?? [])]).map((y) => marshall(y, { removeUndefinedValues: true }));
    const bytes = JSON.stringify([...old, ...yearItems]).length;
    expect(bytes).toBeGreaterThan(1024 * 1024);
  });

  // Four years back: the Query reads the same current items, not every year item from that year on.
  for (const [which, back] of [['this year', 0], ['last year', 1], ['four years back', 4]] as const) {
    it(`costs at most 7 DynamoDB requests and equals the report of the full summaries (${which})`, { timeout: 60_000 }, async () => {
      let year = YEAR;
      for (let i = 0; i < back; i++) year = previousYearOf(year);
      const counter = countRequests(tenantDynamo(TENANT).doc);
      const res = await api.request('GET', `/reports/consolidated?year=${year}`, { token });
      const requests = { ...counter.counts };
      counter.detach();
      expect(res.status, res.text).toBe(200);
      expect(res.body.rows).toHaveLength(AUTHORITIES);
      expect(Object.values(requests).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(7);
      // The partnership; Queries of its authorities, the summaries, the action plans, the year's
      // actions, the latest Home Office assessment and the year's delivery figures.
      expect(requests).toEqual({ GetItem: 1, Query: 6 });
      // The oracle: the report built from the summaries as summarize made them (every dated change kept).
      const expected = buildReport({ year, today: TODAY, now: new Date(), coverageTarget: settingsOf(undefined).coverageTarget, authorities: data.authorities, current: data.current, years: data.years });
      expect(withoutTime(res.body)).toEqual(withoutTime(JSON.parse(JSON.stringify(expected))));
      expect(res.body.totals.completions).toBeGreaterThan(0);
      expect(res.body.totals.coverage).toBeGreaterThan(0);
    });
  }

  it('is the same on any later day (expiries and refreshers falling due after the summaries were written)', async () => {
    const { readCurrent, storedCurrent } = await import('../../functions/data/report-repository');
    for (const later of [addDays(TODAY, 1), addDays(TODAY, 90), addDays(TODAY, 400), addDays(TODAY, 1200)]) {
      const year = reportingYearOf(later);
      const stored = new Map([...data.current].map(([id, c]) => [id, readCurrent(storedCurrent(c, [], TODAY)).current]));
      const args = { year, today: later, now: new Date(), coverageTarget: 0.85, authorities: data.authorities, years: data.years };
      expect(buildReport({ ...args, current: stored }), later).toEqual(buildReport({ ...args, current: data.current }));
    }
  });
});

describe('a current summary stored before compaction (full histograms as attributes)', () => {
  it('is still read, with its year items, until the authority is refreshed', async () => {
    const { scaleData } = await import('../support/report-scale');
    const tenant = 'older-shape';
    const { partnership, audit, courses } = newPartnership({ id: tenant, name: 'Older shape' }, systemClock, ulidIds);
    await systemDeps().partnerships.create(partnership, audit, courses);
    const older = scaleData(tenant, { today: TODAY, authorities: 3, people: 20 });
    // auth-0001 as the consumer wrote it before: the summary's fields as attributes, no `summary`.
    const c = older.current.get('auth-0001')!;
    const items = older.items.map((i) => (i.kind === 'current' && i.authorityId === 'auth-0001' ? { ...c, years: i.years, ...keys.reports.current(tenant, 'auth-0001'), entity: 'report-summary', kind: 'current' } : i));
    await systemDeps().table.batchWrite(items.map((put) => ({ put })));
    const sg = await api.token({ sub: 'older-sg', tenantId: tenant, role: 'steering-group' });
    const counter = countRequests(tenantDynamo(tenant).doc);
    const res = await api.request('GET', `/reports/consolidated?year=${YEAR}`, { token: sg });
    const requests = counter.total();
    counter.detach();
    expect(res.status, res.text).toBe(200);
    const expected = buildReport({ year: YEAR, today: TODAY, now: new Date(), coverageTarget: settingsOf(undefined).coverageTarget, authorities: older.authorities, current: older.current, years: older.years });
    expect(withoutTime(res.body)).toEqual(withoutTime(JSON.parse(JSON.stringify(expected))));
    // One more Query (the year items) while such an item remains.
    expect(requests).toBe(8);
  });
});
