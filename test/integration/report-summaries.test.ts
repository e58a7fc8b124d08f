import { beforeAll, describe, expect, it } from 'vitest';
import { marshall } from '@aws-sdk/util-dynamodb';
import { reportingYearOf, toIsoDate } from '../../domain/shared/dates';
import { dynamo } from '../../functions/data/client';
import { keys } from '../../functions/data/keys';
import { completionItem } from '../../functions/data/training-repositories';
import { processRecords } from '../../functions/jobs/report-summaries';
import { systemDeps, ulidIds } from '../../functions/shared/deps';
import { TestApi } from '../support/api';
import { countRequests } from '../support/dynamo-counter';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { LMS_PLAN } from '../support/lms-export';
import { useStreamConsumer } from '../support/stream';
import { useFreshTable } from '../support/table';

/**
 * The report-summary consumer while an import job runs (issue 11): completions written under a
 * live job lease wait for the job's end instead of recomputing the authority at every stream
 * batch. Real stream (DynamoDB Local), real consumer.
 */
useFreshTable({ stream: true });
const stream = useStreamConsumer();

const TODAY = toIsoDate(new Date());
const YEAR = reportingYearOf(TODAY);
const ROWS = 30;
let api: TestApi;
let p: PartnershipFixture;
let q: PartnershipFixture;

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

/** Completion items as an import job stores them (current slot, this year), built by the repository's own item builder. */
function completions(tenantId: string, authorityId: string, n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => {
    const c = { staffRef: `${prefix}${i}`, courseId: 'wrap', completedOn: TODAY, expiresOn: '2099-01-01', id: ulidIds.next(), authorityId, source: 'import' as const, role: 'frontline', version: 1, createdAt: TODAY, createdBy: 'test', updatedAt: TODAY, updatedBy: 'test' };
    return completionItem(tenantId, authorityId, { slot: 'current', completion: c }, 10);
  });
}

const put = (items: Record<string, unknown>[]) => systemDeps().table.batchWrite(items.map((put) => ({ put })));
const lock = (tenantId: string, authorityId: string, jobLeaseUntil: string) => ({ ...keys.training.importLock(tenantId, authorityId), entity: 'import lock', importId: 'job-1', seq: 1, jobLeaseUntil });
const importRecord = (tenantId: string, authorityId: string, status: string) => ({
  ...keys.training.importRecord(tenantId, authorityId, 'job-1'),
  entity: 'import',
  id: 'job-1',
  authorityId,
  status,
  rows: ROWS,
  imported: ROWS,
  duplicates: 0,
  rejectedCount: 0,
  rejected: [],
  startedAt: new Date().toISOString(),
});
/** This year's completions in the stored summary (0 when there is none yet). */
const summarised = async (tenantId: string, authorityId: string) => (await systemDeps().table.get<{ completions: number }>(keys.reports.year(tenantId, YEAR, authorityId)))?.completions ?? 0;

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'jobs');
  q = await seedPartnership(api, 'jobs-two');
  await stream.settle();
});

describe('the report-summary consumer during an import job', () => {
  it("skips completions while the job's lease runs and refreshes once when its import record says completed", async () => {
    const { tenantId, authorities } = p;
    const a = authorities.a;
    await put([lock(tenantId, a, minutes(10))]);
    await put([importRecord(tenantId, a, 'running')]);
    await put(completions(tenantId, a, ROWS, 'S'));
    await put([importRecord(tenantId, a, 'running')]);
    await stream.settle();
    expect(await summarised(tenantId, a)).toBe(0);
    // The job's end; the lease is still on (its removal may come later): the record alone refreshes.
    await put([importRecord(tenantId, a, 'completed')]);
    await stream.settle();
    expect(await summarised(tenantId, a)).toBe(ROWS);
  });

  it('refreshes at once when the job lease has run out (a dead worker), or when there is no job', async () => {
    const { tenantId, authorities } = p;
    await put([lock(tenantId, authorities.b, minutes(-1))]);
    await put(completions(tenantId, authorities.b, ROWS, 'T'));
    await stream.settle();
    expect(await summarised(tenantId, authorities.b)).toBe(ROWS);

    await put(completions(q.tenantId, q.authorities.b, 3, 'U'));
    await stream.settle();
    expect(await summarised(tenantId, authorities.b)).toBe(ROWS);
    expect(await summarised(q.tenantId, q.authorities.b)).toBe(3);
  });

  it('refreshes for any other record of the authority (its training plan) while the job runs', async () => {
    const { tenantId, authorities, tokens } = q;
    await put([lock(tenantId, authorities.a, minutes(10))]);
    await put(completions(tenantId, authorities.a, ROWS, 'V'));
    await stream.settle();
    expect(await summarised(tenantId, authorities.a)).toBe(0);
    const res = await api.request('PUT', `/authorities/${authorities.a}/training-plan`, { token: tokens['steering-group'], body: LMS_PLAN });
    expect(res.status, res.text).toBeLessThan(300);
    await stream.settle();
    expect(await summarised(tenantId, authorities.a)).toBe(ROWS);
  });

  it('reads the import locks of a batch in one BatchGetItem and tells the authorities apart', async () => {
    // Direct call with stream records as Lambda gets them: completions of two tenants' authorities,
    // one under a running job (q's a, still leased) and two without (p's b, q's b).
    const { tenantId } = q;
    const record = (item: Record<string, unknown>) => ({ dynamodb: { NewImage: marshall(item) as never } });
    const batch = [
      ...completions(tenantId, q.authorities.a, 2, 'W'),
      ...completions(p.tenantId, p.authorities.b, 2, 'X'),
      ...completions(tenantId, q.authorities.b, 2, 'Y'),
    ].map(record);
    const counter = countRequests(dynamo().doc);
    try {
      expect(await processRecords(batch)).toBe(2);
      expect(counter.counts.BatchGetItem).toBe(1);
      // Once the lease is gone, the same batch refreshes all three.
      await put([lock(tenantId, q.authorities.a, minutes(-1))]);
      counter.reset();
      expect(await processRecords(batch)).toBe(3);
      expect(counter.counts.BatchGetItem).toBe(1);
    } finally {
      counter.detach();
    }
  });
});

describe('a poisoned stream record (partial batch response)', () => {
  it('is reported alone, by its sequence number; the other authorities of the batch are refreshed', async () => {
    const { handleStream } = await import('../../functions/jobs/report-summaries');
    await stream.settle();
    const before = { pb: await summarised(p.tenantId, p.authorities.b), qb: await summarised(q.tenantId, q.authorities.b) };
    expect(before.pb).toBeGreaterThan(0);
    // The summaries are gone (their deletion is ignored by the consumer): only this batch can bring them back.
    await systemDeps().table.batchWrite([{ delete: keys.reports.year(p.tenantId, YEAR, p.authorities.b) }, { delete: keys.reports.year(q.tenantId, YEAR, q.authorities.b) }]);
    await stream.settle();
    expect(await summarised(p.tenantId, p.authorities.b)).toBe(0);

    const record = (item: Record<string, unknown>, seq: string) => ({ eventID: seq, eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: { NewImage: marshall(item) as never, SequenceNumber: seq } });
    const [good] = completions(p.tenantId, p.authorities.b, 1, 'S');
    const [other] = completions(q.tenantId, q.authorities.b, 1, 'U');
    // An authority id no key accepts: its recomputation throws, as a corrupt record would make it.
    const poisoned = { ...good, authorityId: 'not an id!' };
    const response = await handleStream({ Records: [record(good, '100'), record(poisoned, '200'), record(other, '300')] } as never);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '200' }]);
    expect(await summarised(p.tenantId, p.authorities.b)).toBe(before.pb);
    expect(await summarised(q.tenantId, q.authorities.b)).toBe(before.qb);
  });
});
