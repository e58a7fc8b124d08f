import { buildReport, previousYearOf } from '../domain/reports/report';
import { summarize, type CurrentSummary, type YearSummary } from '../domain/reports/summary';
import { isDeepStrictEqual } from 'node:util';
import { newPartnership, settingsOf } from '../domain/partnerships/partnership';
import { addDays, addMonths, reportingYearOf, toIsoDate } from '../domain/shared/dates';
import { systemClock } from '../domain/shared/ports';
import { dynamo, tenantDynamo } from '../functions/data/client';
import { keys } from '../functions/data/keys';
import { reportRepository } from '../functions/data/report-repository';
import { TABLE } from '../functions/data/table';
import { systemDeps, ulidIds } from '../functions/shared/deps';
import { ensureTable } from '../infra/local/dynamodb';
import { createGateway } from '../infra/local/gateway';
import { LocalIssuer } from '../infra/local/issuer';
import { countRequests } from '../test/support/dynamo-counter';

const AUTHORITIES = Number(process.env.BENCH_REPORT_AUTHORITIES ?? 60);
const COMPLETIONS = Number(process.env.BENCH_REPORT_COMPLETIONS ?? 200_000);
const YEARS = 5;
const RUNS = 5;

/**
 * The consolidated report on a large partnership: the served report (summaries: a bounded
 * number of requests) against a naive recomputation from every raw record, same run, same data.
 */
export async function benchReport(endpoint: string) {
  // The table the handlers use in this process (their client is created once), under a
  // partnership of its own.
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME ??= 'bench-report';
  await ensureTable(endpoint, process.env.TABLE_NAME, { stream: false });
  const d = systemDeps();
  const tableName = dynamo().tableName;
  const tenantId = 'bench-report';
  const { partnership, audit, courses } = newPartnership({ id: tenantId, name: 'Large bench partnership' }, systemClock, ulidIds);
  await d.partnerships.create(partnership, audit, courses);
  const steering = { tenantId, userId: 'bench', role: 'steering-group' as const };
  const { authorityService } = await import('../domain/authorities/authority');
  const authorities = authorityService({ store: d.authorities, clock: d.clock, ids: d.ids });
  const today = toIsoDate(new Date());
  const perAuthority = Math.ceil(COMPLETIONS / AUTHORITIES);
  const pairs = Math.ceil(perAuthority / YEARS);

  // Seed: authorities with plans, then completions written straight to the table in their
  // stored shape (five yearly completions per person and course: one current, four history).
  const t0 = performance.now();
  const items: Record<string, unknown>[] = [];
  for (let a = 0; a < AUTHORITIES; a++) {
    const id = `auth-${a}`;
    await authorities.create(steering, { id, name: `Authority ${String(a).padStart(2, '0')}`, sector: 'local-government', type: 'district-council' });
    await d.plans.put(tenantId, { authorityId: id, roles: [{ id: 'staff', name: 'Staff', headcount: pairs, requiredCourses: ['home-office-elearning'] }], version: 1, createdAt: today, createdBy: 'bench', updatedAt: today, updatedBy: 'bench' }, 0, { ...audit, id: ulidIds.next(), entityId: id });
    for (let p = 0; p < pairs; p++) {
      const courseId = p % 3 === 0 ? 'wrap' : 'home-office-elearning';
      for (let y = 0; y < YEARS; y++) {
        const completedOn = addDays(today, -(y * 365 + (p % 200)));
        const c = { staffRef: `S${p}`, courseId, completedOn, expiresOn: addMonths(completedOn, courseId === 'wrap' ? 36 : 24) };
        const slot = y === 0 ? 'current' : 'history';
        items.push({
          ...(slot === 'current' ? keys.training.current(tenantId, id, c) : keys.training.history(tenantId, id, c)),
          ...keys.training.completionIndexes(tenantId, id, c, slot),
          ...c, id: ulidIds.next(), authorityId: id, role: 'staff', source: 'import', version: 1,
          createdAt: today, createdBy: 'bench', updatedAt: today, updatedBy: 'bench', entity: 'completion', [TABLE.ttlAttribute]: 2_000_000_000,
        });
      }
    }
  }
  const { doc } = dynamo();
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < batches.length) {
      let pending: unknown[] | undefined = batches[next++].map((Item) => ({ PutRequest: { Item } }));
      while (pending?.length) pending = (await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }))).UnprocessedItems?.[tableName];
    }
  }));
  const seedMs = performance.now() - t0;

  // What the stream consumer does after those writes: recompute each authority's summaries.
  const reports = reportRepository(d.table);
  const t1 = performance.now();
  for (let a = 0; a < AUTHORITIES; a++) await reports.refresh(tenantId, `auth-${a}`);
  const refreshMs = performance.now() - t1;

  const issuer = await LocalIssuer.ephemeral();
  const gateway = createGateway({ issuer });
  const token = await issuer.mint({ sub: 'bench', tenantId, role: 'steering-group' });
  const year = reportingYearOf(today);
  // The report route reads through the partnership's own client, the naive path through the system one.
  const counters = [countRequests(doc), countRequests(tenantDynamo(tenantId).doc)];
  const counter = {
    reset: () => counters.forEach((c) => c.reset()),
    total: () => counters.reduce((n, c) => n + c.total(), 0),
    detach: () => counters.forEach((c) => c.detach()),
  };

  const served = async () => {
    const res = await gateway.handle({ method: 'GET', url: `/reports/consolidated?year=${year}`, headers: { authorization: `Bearer ${token}` } });
    if (res.statusCode !== 200) throw new Error(res.body);
    return JSON.parse(res.body);
  };
  const naive = async () => {
    const list = await d.authorities.list(tenantId);
    const current = new Map<string, CurrentSummary>();
    const years = new Map<string, Map<string, YearSummary>>();
    for (const a of list) {
      const s = summarize((await reports.recordsOf(tenantId, a.id))!);
      current.set(a.id, s.current);
      for (const y of s.years) {
        if (!years.has(y.year)) years.set(y.year, new Map());
        years.get(y.year)!.set(a.id, y);
      }
    }
    const p = await d.partnerships.get(tenantId);
    return buildReport({ year, today, now: new Date(), coverageTarget: settingsOf(p).coverageTarget, authorities: list, current, years });
  };

  const measure = async (f: () => Promise<unknown>) => {
    await f(); // warm
    const times: number[] = [];
    let requests = 0;
    let result: unknown;
    for (let i = 0; i < RUNS; i++) {
      counter.reset();
      const t = performance.now();
      result = await f();
      times.push(performance.now() - t);
      requests = counter.total();
    }
    times.sort((x, y) => x - y);
    return { medianMs: times[Math.floor(RUNS / 2)], requests, result };
  };
  const fast = await measure(served);
  const slow = await measure(naive);
  counter.detach();
  const strip = ({ generatedAt: _g, partnershipName: _p, ...rest }: Record<string, unknown>) => rest;
  if ((fast.result as { totals: { completions: number } }).totals.completions === 0) throw new Error('The report counted no completions: the seed did not reach the table the report reads');
  const same = isDeepStrictEqual(strip(fast.result as never), strip(JSON.parse(JSON.stringify(slow.result)) as never));
  return { authorities: AUTHORITIES, completions: items.length, years: YEARS, seedMs, refreshMs, served: fast, naive: slow, same, previousYear: previousYearOf(year) };
}
