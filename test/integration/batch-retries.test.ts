import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../domain/shared/errors';
import { dynamo, tenantDynamo } from '../../functions/data/client';
import { keys } from '../../functions/data/keys';
import { TableStore, tableStore, type BatchRetry } from '../../functions/data/store';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { LMS_PLAN } from '../support/lms-export';
import { useFreshTable } from '../support/table';

/**
 * Batch reads and writes retry what DynamoDB leaves unprocessed a bounded number of times,
 * then answer 503 with Retry-After; an import that stops there says so, releases its lease,
 * and importing the same file again completes it. Throttling is injected with a wrapper
 * around the document client whose batch calls keep answering "unprocessed" (fault
 * injection only: everything else goes to DynamoDB Local).
 */
const { tableName } = useFreshTable();

const FAST: BatchRetry = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2, retryAfterSeconds: 7 };

type Send = DynamoDBDocumentClient['send'];

/**
 * The real client, except that batch calls after the first `passThrough` (and, with
 * `unprocessedTimes`, only that many of them) leave unprocessed every request that `refuse`
 * picks (all by default) — DynamoDB may process part of a batch and return the rest.
 */
function throttling(
  real: Pick<DynamoDBDocumentClient, 'send'>,
  options: { passThrough?: number; unprocessedTimes?: number; refuse?: (request: Record<string, any>) => boolean } = {},
) {
  const calls = { batchWrite: 0, batchGet: 0 };
  const realSend = (command: unknown): Promise<any> => (real.send as (c: unknown) => Promise<unknown>).call(real, command);
  const send = (async (command: unknown) => {
    const isWrite = command instanceof BatchWriteCommand;
    const isGet = command instanceof BatchGetCommand;
    if (!isWrite && !isGet) return realSend(command);
    const n = isWrite ? ++calls.batchWrite : ++calls.batchGet;
    const from = options.passThrough ?? 0;
    const faulty = n > from && (options.unprocessedTimes === undefined || n <= from + options.unprocessedTimes);
    if (!faulty) return realSend(command);
    const requested = (command as BatchWriteCommand | BatchGetCommand).input.RequestItems!;
    if (isGet) return { Responses: {}, UnprocessedKeys: requested };
    const [table, requests] = Object.entries(requested as Record<string, Record<string, any>[]>)[0];
    const refuse = options.refuse ?? (() => true);
    const refused = requests.filter(refuse);
    const accepted = requests.filter((r) => !refuse(r));
    const out = accepted.length ? await realSend(new BatchWriteCommand({ RequestItems: { [table]: accepted as never } })) : {};
    return { UnprocessedItems: { [table]: [...refused, ...(out.UnprocessedItems?.[table] ?? [])] } };
  }) as unknown as Send;
  return { send, calls };
}

const items = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ put: { PK: `batch#${prefix}`, SK: `ITEM#${String(i).padStart(3, '0')}`, entity: 'test', n: i } }));

describe('TableStore batches under throttling', () => {
  it('a write that stays unprocessed gives up after the attempt cap with a 503-mapped error, and sends no later batch', async () => {
    const fault = throttling(dynamo().doc);
    const store = new TableStore({ send: fault.send }, tableName, FAST);
    const error = await store.batchWrite(items(60, 'stuck')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).retryAfterSeconds).toBe(7);
    expect(fault.calls.batchWrite).toBe(FAST.maxAttempts);
    const real = new TableStore(dynamo().doc, tableName);
    expect(await real.all({ pk: 'batch#stuck' })).toEqual([]);
  });

  it('a write refused a few times, then accepted, is complete', async () => {
    const fault = throttling(dynamo().doc, { unprocessedTimes: FAST.maxAttempts - 1 });
    const store = new TableStore({ send: fault.send }, tableName, FAST);
    await store.batchWrite(items(30, 'flaky'));
    const real = new TableStore(dynamo().doc, tableName);
    expect(await real.all({ pk: 'batch#flaky' })).toHaveLength(30);
  });

  it('a read that stays unprocessed gives up the same way', async () => {
    const fault = throttling(dynamo().doc);
    const store = new TableStore({ send: fault.send }, tableName, FAST);
    const error = await store.batchGet([{ PK: 'batch#flaky', SK: 'ITEM#000' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(fault.calls.batchGet).toBe(FAST.maxAttempts);
  });
});

describe('a CSV import stopped by throttling', () => {
  let api: TestApi;
  let p: PartnershipFixture;
  let url: string;
  const PEOPLE = 150;
  const csv = (date: string) =>
    ['Employee ID,Full Name,Job Role,Course Title,Completion Date,Delivery Mode,Team', ...Array.from({ length: PEOPLE }, (_, i) => `T${String(i).padStart(4, '0')},Person ${i},frontline,WRAP,${date},Classroom,Team`)].join('\r\n');
  const importCsv = (body: string) => api.request('POST', `${url}/completions/import?fileName=lms.csv`, { token: p.tokens['authority-editor@a'], rawBody: body, headers: { 'content-type': 'text/csv' } });

  beforeAll(async () => {
    api = await TestApi.create();
    p = await seedPartnership(api, 'throttled');
    url = `/authorities/${p.authorities.a}`;
    expect((await api.request('PUT', `${url}/training-plan`, { token: p.tokens['authority-lead@a'], body: LMS_PLAN })).status).toBe(200);
  });

  async function allCompletions(): Promise<{ staffRef: string; completedOn: string }[]> {
    const out: { staffRef: string; completedOn: string }[] = [];
    let cursor: string | undefined;
    do {
      const res = await api.request('GET', `${url}/completions?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token: p.tokens['steering-group'] });
      expect(res.status).toBe(200);
      out.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return out;
  }

  it('answers 503 with Retry-After, records the import as failed, releases the lease, and a re-import completes it', async () => {
    // Last year's completions, imported without trouble: the next file supersedes every one.
    const first = await importCsv(csv('2024-05-01'));
    expect(first.status, first.text).toBe(200);
    expect(first.body.imported).toBe(PEOPLE);

    // The same people a year later, while DynamoDB starts refusing batch writes part-way
    // (on the partnership's own client, which the handler uses).
    const doc = tenantDynamo(p.tenantId).doc;
    const realSend = doc.send;
    // After two batches, every history put is refused while current puts go through: were a
    // successor written before its predecessor reached history, the predecessor would be lost.
    const fault = throttling({ send: realSend.bind(doc) as Send }, { passThrough: 2, refuse: (r) => String(r.PutRequest?.Item?.SK).startsWith('HIST#') });
    doc.send = fault.send;
    let stopped;
    try {
      stopped = await importCsv(csv('2025-05-01'));
    } finally {
      doc.send = realSend;
    }
    expect(stopped.status, stopped.text).toBe(503);
    expect(stopped.headers['retry-after']).toMatch(/^\d+$/);
    expect(stopped.body.error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/import the same file again/) });

    // The import record says it failed, and the lease is gone.
    const store = tableStore(dynamo());
    const partition = keys.training.partition(p.tenantId, p.authorities.a);
    const imports = (await store.raw({ pk: partition, skPrefix: 'IMPORT' })).filter((i) => i.entity === 'import');
    expect(imports.map((i) => i.status).sort()).toEqual(['completed', 'failed']);
    // The lock item stays (its write mark outlives imports), with no lease on it.
    const lock = await store.get<Record<string, unknown>>(keys.training.importLock(p.tenantId, p.authorities.a));
    expect(lock?.leaseUntil).toBeUndefined();
    expect(lock?.jobLeaseUntil).toBeUndefined();

    // Nothing was lost on the way: every person's 2024 completion is still held, current or history.
    const midway = await allCompletions();
    for (let i = 0; i < PEOPLE; i++) {
      const staffRef = `T${String(i).padStart(4, '0')}`;
      expect(midway.some((c) => c.staffRef === staffRef && c.completedOn === '2024-05-01'), staffRef).toBe(true);
    }

    // Importing the same file again completes it: each person has 2025 as current, 2024 as history, once each.
    const again = await importCsv(csv('2025-05-01'));
    expect(again.status, again.text).toBe(200);
    expect(again.body.imported + again.body.duplicates).toBe(PEOPLE);
    const after = await allCompletions();
    expect(after).toHaveLength(2 * PEOPLE);
    expect(new Set(after.map((c) => `${c.staffRef} ${c.completedOn}`)).size).toBe(2 * PEOPLE);
  });
});
