import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { authorityService } from '../domain/authorities/authority';
import { newPartnership } from '../domain/partnerships/partnership';
import { systemClock } from '../domain/shared/ports';
import { keys } from '../functions/data/keys';
import { completionItem } from '../functions/data/training-repositories';
import { authorityRepository, partnershipRepository } from '../functions/data/repositories';
import { TableStore } from '../functions/data/store';
import { TABLE } from '../functions/data/table';
import { planRepository } from '../functions/data/training-repositories';
import { processRecords } from '../functions/jobs/report-summaries';
import { ulidIds } from '../functions/shared/deps';
import { ensureTable, localClient } from '../infra/local/dynamodb';
import { startStreamPoller } from '../infra/local/stream-poller';
import { countRequests } from '../test/support/dynamo-counter';

const ROWS = Number(process.env.BENCH_CONSUMER_ROWS ?? 20_000);
/** Rows an import job writes between two checkpoints. */
const CHUNK = 5_000;
/** The event-source mapping's batch size in AWS (infra/stack.ts). */
const STREAM_BATCH = 500;

export interface ConsumerFigures {
  /** Stream batches handed to the consumer while the job ran (after seeding). */
  batches: number;
  /** Authorities recomputed. */
  recomputations: number;
  /** Items the consumer read (Query/Scan Count, found GetItems, BatchGetItem responses). */
  itemsRead: number;
}

/**
 * The report-summary stream consumer while an import job writes `ROWS` completions into one
 * authority (issue 11): the items it reads per imported row, with the job marker
 * (`jobLeaseUntil` on the import lock: recomputed once at the job's end) and without it (the
 * old behaviour: recomputed from the whole training partition at every stream batch).
 */
export async function benchSummaryConsumer(endpoint: string) {
  const jobAware = await simulateJob(endpoint, 'bench-consumer-job', true);
  const withoutMarker = await simulateJob(endpoint, 'bench-consumer-plain', false);
  return { rows: ROWS, chunk: CHUNK, streamBatch: STREAM_BATCH, jobAware, withoutMarker };
}

/**
 * On a fresh table with a stream: a partnership, an authority and its plan; then a job's
 * writes as the import worker makes them (lock, chunks of completions each followed by a
 * running checkpoint, then the completed record and the lease removed), the consumer
 * keeping up with the stream after every chunk in batches of at most 500 records.
 */
async function simulateJob(endpoint: string, tableName: string, marker: boolean): Promise<ConsumerFigures> {
  await ensureTable(endpoint, tableName, { stream: true });
  const client = localClient(endpoint);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });
  const table = new TableStore(doc, tableName);
  const source = { doc, tableName };
  const tenantId = 'bench-consumer';
  const authorityId = 'council';
  const now = () => new Date().toISOString();

  const { partnership, audit, courses } = newPartnership({ id: tenantId, name: 'Consumer bench partnership' }, systemClock, ulidIds);
  await partnershipRepository(table).create(partnership, audit, courses);
  await authorityService({ store: authorityRepository(table), clock: systemClock, ids: ulidIds }).create(
    { tenantId, userId: 'bench', role: 'steering-group' },
    { id: authorityId, name: 'Bench Council', sector: 'local-government', type: 'county-council' },
  );
  await planRepository(table).put(
    tenantId,
    { authorityId, roles: [{ id: 'frontline', name: 'Frontline', headcount: ROWS, requiredCourses: ['wrap'] }], version: 1, createdAt: now(), createdBy: 'bench', updatedAt: now(), updatedBy: 'bench' },
    0,
    { ...audit, id: ulidIds.next(), entityId: authorityId },
  );

  const counter = countRequests(doc);
  const figures: ConsumerFigures = { batches: 0, recomputations: 0, itemsRead: 0 };
  const poller = await startStreamPoller({
    endpoint,
    tableName,
    batchSize: STREAM_BATCH,
    // Only settle() drives it: the consumer keeps up after every chunk, as in AWS.
    intervalMs: 3_600_000,
    consume: async (records) => {
      figures.batches++;
      figures.recomputations += await processRecords(records, { source });
    },
  });
  try {
    await poller.settle();
    counter.reset();
    figures.batches = 0;
    figures.recomputations = 0;

    const importId = ulidIds.next();
    const lockKey = keys.training.importLock(tenantId, authorityId);
    const lease = () => new Date(Date.now() + 5 * 60_000).toISOString();
    const importRecord = (status: string, imported: number) => ({
      ...keys.training.importRecord(tenantId, authorityId, importId),
      entity: 'import',
      id: importId,
      authorityId,
      status,
      rows: ROWS,
      imported,
      duplicates: 0,
      rejectedCount: 0,
      rejected: [],
      startedAt: now(),
      [TABLE.ttlAttribute]: 2_000_000_000,
    });
    await table.batchWrite([{ put: { ...lockKey, entity: 'import lock', importId, seq: 0, ...(marker ? { jobLeaseUntil: lease() } : {}) } }, { put: importRecord('running', 0) }]);
    await poller.settle();
    for (let start = 0; start < ROWS; start += CHUNK) {
      const end = Math.min(ROWS, start + CHUNK);
      await table.batchWrite(Array.from({ length: end - start }, (_, i) => ({ put: completion(tenantId, authorityId, start + i) })));
      // The checkpoint: the lock's seq (and job lease) moves on, the import record says how far.
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: lockKey,
          UpdateExpression: marker ? 'SET seq = :seq, jobLeaseUntil = :lease' : 'SET seq = :seq',
          ExpressionAttributeValues: { ':seq': end, ...(marker ? { ':lease': lease() } : {}) },
        }),
      );
      await table.batchWrite([{ put: importRecord('running', end) }]);
      await poller.settle();
    }
    await table.batchWrite([{ put: importRecord('completed', ROWS) }]);
    await doc.send(new UpdateCommand({ TableName: tableName, Key: lockKey, UpdateExpression: 'REMOVE jobLeaseUntil' }));
    await poller.settle();
    figures.itemsRead = counter.itemsRead();
    return figures;
  } finally {
    poller.stop();
    counter.detach();
    client.destroy();
  }
}

/** A completion item as the import stores it (the repository's own item builder). */
function completion(tenantId: string, authorityId: string, i: number) {
  const at = new Date().toISOString();
  const c = { staffRef: `JOB-${i}`, courseId: 'wrap', completedOn: '2024-05-01', expiresOn: '2027-05-01', id: ulidIds.next(), authorityId, source: 'import' as const, role: 'frontline', name: `Person ${i}, Esq.`, team: 'Team 1', deliveryMode: 'e-learning' as const, version: 1, createdAt: at, createdBy: 'bench', updatedAt: at, updatedBy: 'bench' };
  return completionItem(tenantId, authorityId, { slot: 'current', completion: c }, 10);
}
