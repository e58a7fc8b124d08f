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

  for (const which of ['this year', 'last year'] as const) {
    it(`costs at most 3 DynamoDB requests and equals the report of the full summaries (${which})`, { timeout: 60_000 }, async () => {
      const year = which === 'this year' ? YEAR : previousYearOf(YEAR);
      const counter = countRequests(tenantDynamo(TENANT).doc);
      const res = await api.request('GET', `/reports/consolidated?year=${year}`, { token });
      const requests = { ...counter.counts };
      counter.detach();
      expect(res.status, res.text).toBe(200);
      expect(res.body.rows).toHaveLength(AUTHORITIES);
      expect(Object.values(requests).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
      expect(requests).toEqual({ GetItem: 1, Query: 2 });
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
      const stored = new Map([...data.current].map(([id, c]) => [id, readCurrent(storedCurrent(c, TODAY))]));
      const args = { year, today: later, now: new Date(), coverageTarget: 0.85, authorities: data.authorities, years: data.years };
      expect(buildReport({ ...args, current: stored }), later).toEqual(buildReport({ ...args, current: data.current }));
    }
  });
});
