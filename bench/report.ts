import { buildReport, previousYearOf } from '../domain/reports/report';
import { byNumber, MAX_ACTIONS_PER_YEAR } from '../domain/actionplan/plan';
import { publishFigures } from '../domain/delivery/figures';
import { steeringServices } from '../functions/wiring/steering';
import { summarize, type CurrentSummary, type YearSummary } from '../domain/reports/summary';
import { isDeepStrictEqual } from 'node:util';
import { newPartnership, settingsOf } from '../domain/partnerships/partnership';
import { addDays, addMonths, reportingYearOf, toIsoDate } from '../domain/shared/dates';
import { systemClock } from '../domain/shared/ports';
import { dynamo, tenantDynamo } from '../functions/data/client';
import { keys } from '../functions/data/keys';
import { forgetDecodedSummaries, reportRepository } from '../functions/data/report-repository';
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

  // The naive recomputation takes seconds a run (hundreds of times the served report): three runs, no warm-up, keep the bench to a few minutes.
  const measure = async (f: () => Promise<unknown>, runs = RUNS, warm = true) => {
    if (warm) await f();
    const times: number[] = [];
    let requests = 0;
    let result: unknown;
    for (let i = 0; i < runs; i++) {
      counter.reset();
      const t = performance.now();
      result = await f();
      times.push(performance.now() - t);
      requests = counter.total();
    }
    times.sort((x, y) => x - y);
    return { medianMs: times[Math.floor(runs / 2)], requests, result };
  };
  const fast = await measure(served);
  const slow = await measure(naive, 3, false);
  counter.detach();
  const strip = ({ generatedAt: _g, partnershipName: _p, ...rest }: Record<string, unknown>) => rest;
  if ((fast.result as { totals: { completions: number } }).totals.completions === 0) throw new Error('The report counted no completions: the seed did not reach the table the report reads');
  const same = isDeepStrictEqual(strip(fast.result as never), strip(JSON.parse(JSON.stringify(slow.result)) as never));
  return { authorities: AUTHORITIES, completions: items.length, years: YEARS, seedMs, refreshMs, served: fast, naive: slow, same, previousYear: previousYearOf(year) };
}

/**
 * A partnership's own records at their largest, through the services (so stored as in use): a
 * plan year with MAX_ACTIONS_PER_YEAR actions led by its authorities in turn, a Home Office
 * assessment and four quarters of delivery figures. Returns them as buildReport takes them.
 */
async function seedSteeringRecords(tenantId: string, authorityIds: string[], year: string) {
  const d = systemDeps();
  const s = steeringServices(d);
  const sg = { tenantId, userId: 'bench', role: 'steering-group' as const };
  const themes = [1, 2, 3, 4, 5, 6].map((n) => ({ id: `t${n}`, number: n, title: `Theme ${n}` }));
  const plan = await s.plans.createPlan(sg, { id: 'bench-plan', title: 'Bench plan', firstYear: year, lastYear: year, themes });
  for (let i = 0; i < MAX_ACTIONS_PER_YEAR; i++) {
    const dueOn = addDays(toIsoDate(new Date()), (i % 7) * 30 - 90);
    await s.plans.createAction(sg, plan.id, {
      themeId: `t${(i % 6) + 1}`, number: `${(i % 6) + 1}.${Math.floor(i / 6) + 1}`, action: `Bench action ${i} with an ordinary length of text describing what is to be done`,
      leadAuthorities: [authorityIds[i % authorityIds.length]], otherLeads: ['Prevent Partnership Officer'], timescale: { kind: 'date', dueOn },
      outcomes: 'An outcome of ordinary length', benchmarks: [(i % 10) + 1], rag: (['red', 'amber', 'green', 'complete'] as const)[i % 4],
    });
  }
  const assessment = await s.assessments.put(sg, year, { scores: { 1: 4, 2: 3, 10: 2 }, targets: { 10: 4 }, strengths: [], developmentAreas: [], version: 0 });
  const quarters = [];
  for (let q = 1; q <= 4; q++) {
    quarters.push(await s.delivery.put(sg, year, q, {
      referrals: { education: 3 * q, police: 8, 'local-authority': 2, health: 5, 'criminal-justice': 0, community: 1, other: 0 },
      channelAdopted: 2, channelOpened: 2, channelClosed: 1, hateCrimeReports: 50, outreachTraining: [], communications: [], version: 0,
    }));
  }
  const actions = await d.actionPlans.actions(tenantId, plan.id, year);
  return { actionPlan: { plan, actions: actions.sort(byNumber(plan.themes)) }, assessment, delivery: publishFigures(year, quarters) };
}

/**
 * The report as the partnership grows (issue 14): 10, 60, 300 and 600 authorities sharing the
 * same 200,000 completions (five years of yearly completions per person), their summaries
 * written straight to the table from records built in memory (test/support/report-scale.ts),
 * so the seed takes seconds, not the minutes of raw records through the consumer.
 *
 * Against each served report (API Gateway stand-in → JWT → handler → DynamoDB → JSON), the
 * bare requests: the same GetItem and Queries the report makes, sent with the SDK's low-level
 * client (its JSON parsing only, no unmarshalling, no report code), pages followed as the
 * report would. Each trial runs both back to back (alternating which goes first); the ratio
 * is the median of the trials' ratios.
 */
export const GROWTH_SIZES = [10, 60, 300, 600];
const TRIALS = 9;

export async function benchReportGrowth(endpoint: string) {
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME ??= 'bench-report';
  await ensureTable(endpoint, process.env.TABLE_NAME, { stream: false });
  const d = systemDeps();
  const tableName = dynamo().tableName;
  const { DynamoDBClient, GetItemCommand, QueryCommand } = await import('@aws-sdk/client-dynamodb');
  const { scaleData } = await import('../test/support/report-scale');
  const bare = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION ?? 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  // As the product's clients are (functions/data/client.ts): no SDK logging work on either side.
  bare.middlewareStack.remove('loggerMiddleware');
  const issuer = await LocalIssuer.ephemeral();
  const gateway = createGateway({ issuer });
  const today = toIsoDate(new Date());
  const year = reportingYearOf(today);
  // DynamoDB's wire format is JSON with binary values in base64: the size of what came back.
  const wireBytes = (o: unknown) => JSON.stringify(o, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)).length;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const out = [];

  for (const size of GROWTH_SIZES) {
    const tenantId = `bench-growth-${size}`;
    const { partnership, audit, courses } = newPartnership({ id: tenantId, name: `Growth bench ${size}` }, systemClock, ulidIds);
    await d.partnerships.create(partnership, audit, courses);
    const t0 = performance.now();
    const people = Math.ceil(COMPLETIONS / YEARS / size);
    const data = scaleData(tenantId, { today, authorities: size, people });
    await d.table.batchWrite(data.items.map((put) => ({ put })));
    const seedMs = performance.now() - t0;
    // The steering group's own records at their largest: a plan year of 90 actions (the most one
    // holds), the Home Office assessment and four quarters of delivery figures.
    const steering = await seedSteeringRecords(tenantId, data.authorities.map((a) => a.id), year);
    const token = await issuer.mint({ sub: 'bench', tenantId, role: 'steering-group' });

    const served = async () => {
      const t = performance.now();
      const res = await gateway.handle({ method: 'GET', url: `/reports/consolidated?year=${year}`, headers: { authorization: `Bearer ${token}` } });
      const ms = performance.now() - t;
      if (res.statusCode !== 200) throw new Error(res.body);
      return { ms, body: res.body };
    };
    const query = async (input: ConstructorParameters<typeof QueryCommand>[0]) => {
      let bytes = 0;
      let requests = 0;
      let start: Record<string, never> | undefined;
      do {
        const o = await bare.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
        bytes += wireBytes(o);
        requests++;
        start = o.LastEvaluatedKey as never;
      } while (start);
      return { bytes, requests };
    };
    const authorities = keys.authorities(tenantId);
    const summaries = keys.reports.currents(tenantId);
    const plans = keys.actionPlans.list(tenantId);
    const delivery = keys.delivery.year(tenantId, year);
    const assessmentsUpTo = keys.assessments.upTo(tenantId, year);
    const prefixQuery = (k: { pk: string; skPrefix: string }) =>
      query({ TableName: tableName, KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)', ExpressionAttributeNames: { '#pk': 'PK', '#sk': 'SK' }, ExpressionAttributeValues: { ':pk': { S: k.pk }, ':sk': { S: k.skPrefix } } });
    const bareRequests = async () => {
      const t = performance.now();
      const [p, a, s, pl, ac, as, dl] = await Promise.all([
        bare.send(new GetItemCommand({ TableName: tableName, Key: { PK: { S: keys.partnership(tenantId).PK }, SK: { S: keys.partnership(tenantId).SK } } })),
        prefixQuery(authorities),
        prefixQuery(summaries),
        prefixQuery(plans),
        query({ TableName: tableName, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': 'PK' }, ExpressionAttributeValues: { ':pk': { S: keys.actionPlans.yearActions(tenantId, year).pk } } }),
        bare.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi', ExpressionAttributeNames: { '#pk': 'PK', '#sk': 'SK' }, ExpressionAttributeValues: { ':pk': { S: assessmentsUpTo.pk }, ':lo': { S: assessmentsUpTo.skBetween[0] }, ':hi': { S: assessmentsUpTo.skBetween[1] } }, ScanIndexForward: false, Limit: 1 })),
        prefixQuery(delivery),
      ]);
      const requests = 1 + a.requests + s.requests + pl.requests + ac.requests + 1 + dl.requests;
      return { ms: performance.now() - t, requests, bytes: wireBytes(p) + a.bytes + s.bytes + pl.bytes + ac.bytes + wireBytes(as) + dl.bytes, summaryBytes: s.bytes };
    };

    const counter = countRequests(tenantDynamo(tenantId).doc);
    await served(); // warm: tenant credentials, JIT
    await bareRequests();
    const servedMs: number[] = [];
    const bareMs: number[] = [];
    const ratios: number[] = [];
    const decodingMs: number[] = [];
    const decodingRatios: number[] = [];
    let requests = 0;
    let body = '';
    let b = await bareRequests();
    for (let i = 0; i < TRIALS; i++) {
      let s: Awaited<ReturnType<typeof served>>;
      counter.reset();
      if (i % 2 === 0) {
        s = await served();
        b = await bareRequests();
      } else {
        b = await bareRequests();
        s = await served();
      }
      requests = counter.total();
      body = s.body;
      servedMs.push(s.ms);
      bareMs.push(b.ms);
      ratios.push(s.ms / b.ms);
      // The same report with nothing decoded before (a new container, or every summary changed).
      forgetDecodedSummaries();
      const d = await served();
      decodingMs.push(d.ms);
      decodingRatios.push(d.ms / b.ms);
    }
    counter.detach();
    const report = JSON.parse(body);
    const expected = buildReport({ year, today, now: new Date(), coverageTarget: settingsOf(partnership).coverageTarget, authorities: data.authorities, current: data.current, years: data.years, ...steering });
    const strip = ({ generatedAt: _g, partnershipName: _p, ...rest }: Record<string, unknown>) => rest;
    const same = isDeepStrictEqual(strip(report), strip(JSON.parse(JSON.stringify(expected))));
    if (report.actionPlan?.totals.total !== MAX_ACTIONS_PER_YEAR) throw new Error('The bench plan year did not reach the report');
    out.push({ size, people, completions: size * people * YEARS, seedMs, requests, bareRequests: b.requests, dynamoBytes: b.bytes, summaryBytes: b.summaryBytes, reportBytes: body.length, servedMs: median(servedMs), bareMs: median(bareMs), ratio: median(ratios), decodingMs: median(decodingMs), decodingRatio: median(decodingRatios), same, rows: report.rows.length });
  }
  bare.destroy();
  return { trials: TRIALS, year, rows: out };
}
