import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Authority } from '../../domain/authorities/authority';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../data/client';
import { keyParts, keys } from '../data/keys';
import { reportRepository } from '../data/report-repository';
import { TableStore } from '../data/store';
import { TABLE } from '../data/table';
import { logger } from '../shared/logger';
import { BUSINESS_METRICS, count, publishMetrics } from '../shared/metrics';
import { tracer } from '../shared/tracer';

/**
 * Keeps the report summaries current: the table's change stream names every record that
 * changed, and each authority touched is recomputed from its raw records. Recomputing is
 * idempotent, so a retried or replayed batch does no harm, and the summaries converge on the
 * records whatever order changes arrive in.
 *
 * A recomputation reads all of the authority's raw records, so recomputing on every stream
 * batch of a large import would read the training partition once per batch: O(rows²) items
 * for one import (issue 11). Work is therefore coalesced per authority while an import job
 * runs: an authority touched only by completions is skipped while its import lock carries a
 * live `jobLeaseUntil` (one BatchGetItem per stream batch reads the locks), and the job's end
 * (its import record written with status 'completed' or 'failed') refreshes the authority
 * once. That refresh reads the table after every chunk of the job was committed, so the
 * order in which the stream's shards deliver the chunks' records does not matter; a
 * completion written by anyone else while the job runs is in the table by then too. Any other
 * record (plan, session, SOP, statement, ...) refreshes the authority as before, job or not,
 * and so does a completion once the lease has run out. A job that never ends (its worker died
 * and the message is not retried) leaves the completions it wrote out of the summaries until
 * the next change to the authority refreshes it; a retried job renews the lease and ends.
 */

/** Entities that no summary depends on (or that are the summaries themselves). */
const IGNORED = new Set(['report-summary', 'audit-event', 'due-item', 'reminder', 'import lock', 'user', 'user email', 'SOP version', 'SOP review', 'obligation version', 'statement version', 'statement deadline', 'framework']);
/** Entities that change every authority of the partnership: settings (applicability, frameworks) and course levels. */
const WHOLE_PARTNERSHIP = new Set(['partnership', 'course']);
/**
 * An import record's statuses that end its job. An import record changes no summary by itself;
 * its writes while queued or running (checkpoints) are ignored, its last one refreshes the
 * authority, whose completions were skipped while the job ran.
 */
const JOB_ENDED = new Set(['completed', 'failed']);

/** The few string attributes this consumer reads, straight from the stream image (no full unmarshalling). */
type Image = Record<string, { S?: string } | undefined>;

/**
 * What a batch of changes touches: single authorities, or (no authorityId) every authority of
 * a partnership. `onlyCompletions` says an authority was touched by completion records and
 * nothing else, so its refresh may wait for the end of a running import job.
 */
export interface Touched {
  tenantId: string;
  authorityId?: string;
  onlyCompletions?: boolean;
}

/** The refresh one record asks for (`tenant#authority`, or `tenant#*` for the whole partnership), or none. */
function touchOf(record: Pick<DynamoDBRecord, 'dynamodb'>): (Touched & { key: string }) | undefined {
  const image = (record.dynamodb?.NewImage ?? record.dynamodb?.OldImage) as Image | undefined;
  if (!image) return undefined;
  const text = (name: string) => image[name]?.S;
  const entity = text('entity') ?? '';
  if (IGNORED.has(entity)) return undefined;
  // Only the write that ends a job (a deletion has no NewImage and ends nothing).
  if (entity === 'import' && !JOB_ENDED.has((record.dynamodb?.NewImage as Image | undefined)?.status?.S ?? '')) return undefined;
  const tenantId = keyParts.tenantOf(text('PK'));
  if (!tenantId) return undefined;
  if (WHOLE_PARTNERSHIP.has(entity)) return { key: `${tenantId}#*`, tenantId };
  const authorityId = entity === 'authority' ? text('id') : text('authorityId');
  if (!authorityId) return undefined;
  return { key: `${tenantId}#${authorityId}`, tenantId, authorityId, onlyCompletions: entity === 'completion' };
}

/**
 * What a batch touches, coalesced: each authority once (touched by completions alone, or not),
 * and a whole-partnership refresh covering that partnership's single authorities. `keyOf` says
 * which of those refreshes each record of the batch depends on.
 */
function plan(records: readonly Pick<DynamoDBRecord, 'dynamodb'>[]) {
  const out = new Map<string, Touched>();
  const perRecord = records.map(touchOf);
  for (const t of perRecord) {
    if (!t) continue;
    const { key, ...touch } = t;
    if (!touch.authorityId) {
      out.set(key, touch);
      continue;
    }
    const onlyCompletions = touch.onlyCompletions === true && (out.get(key)?.onlyCompletions ?? true);
    out.set(key, { ...touch, onlyCompletions });
  }
  // A whole-partnership refresh covers that partnership's single authorities.
  for (const [k, v] of out) if (v.authorityId && out.has(`${v.tenantId}#*`)) out.delete(k);
  const keyOf = (index: number): string | undefined => {
    const t = perRecord[index];
    if (!t) return undefined;
    return out.has(t.key) ? t.key : `${t.tenantId}#*`;
  };
  return { touched: out, keyOf };
}

export function touched(records: readonly Pick<DynamoDBRecord, 'dynamodb'>[]): Touched[] {
  return [...plan(records).touched.values()];
}

/**
 * The authorities (`tenant#authority`) among `candidates` whose import job is running: their
 * import lock's `jobLeaseUntil` is later than `now`. One BatchGetItem (per 100 authorities)
 * reading only the key and the job lease; the partition key tells the answers apart.
 */
async function runningJobs(table: TableStore, candidates: readonly { tenantId: string; authorityId: string }[], now: Date): Promise<Set<string>> {
  // A record no key can be built for (a poisoned one) is left out here, so it fails alone at its refresh.
  const locks = candidates.flatMap((c) => {
    try {
      return [{ key: keys.training.importLock(c.tenantId, c.authorityId), authority: `${c.tenantId}#${c.authorityId}` }];
    } catch {
      return [];
    }
  });
  const byPartition = new Map(locks.map((l) => [l.key.PK, l.authority]));
  const items = await table.batchGetItems(locks.map((l) => l.key), [TABLE.partitionKey, 'jobLeaseUntil']);
  const running = new Set<string>();
  for (const item of items) {
    const lease = item.jobLeaseUntil;
    const authority = byPartition.get(String(item[TABLE.partitionKey]));
    if (authority && typeof lease === 'string' && Date.parse(lease) > now.getTime()) running.add(authority);
  }
  return running;
}

/** The table the consumer reads and writes: the process's own unless a caller (a benchmark) names another. */
type TableSource = { doc: Pick<DynamoDBDocumentClient, 'send'>; tableName: string };

/** At most this many authorities are recomputed at once (each reads its partition): the table is shared with the API. */
const REFRESH_CONCURRENCY = 4;

/**
 * Prepares the refreshes a batch asks for and returns `refreshFor(index)`: the promise that the
 * refresh record `index` depends on is done. Each authority (or partnership) is recomputed once
 * per batch however many records name it, at most four at a time; an authority touched only by
 * completions while its import job runs is skipped (the job's end refreshes it).
 */
async function prepare(records: readonly Pick<DynamoDBRecord, 'dynamodb'>[], options: { source?: TableSource; now?: Date }) {
  const source = options.source ?? dynamo();
  const table = new TableStore(source.doc, source.tableName);
  const reports = reportRepository(table);
  const { touched: all, keyOf } = plan(records);
  const waiting = [...all.values()].filter((t): t is { tenantId: string; authorityId: string; onlyCompletions: true } => !!t.authorityId && t.onlyCompletions === true);
  const running = waiting.length ? await runningJobs(table, waiting, options.now ?? new Date()) : new Set<string>();

  let active = 0;
  const queue: (() => void)[] = [];
  const limited = async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= REFRESH_CONCURRENCY) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
  const tenantData = new Map();
  let recomputed = 0;
  const refreshAuthority = (tenantId: string, authorityId: string) =>
    limited(async () => {
      await reports.refresh(tenantId, authorityId, tenantData);
      recomputed++;
    });
  const started = new Map<string, Promise<void>>();
  const refresh = (key: string): Promise<void> => {
    let done = started.get(key);
    if (!done) {
      const t = all.get(key)!;
      done = t.authorityId
        ? running.has(key)
          ? Promise.resolve()
          : refreshAuthority(t.tenantId, t.authorityId)
        : limited(() => table.all<Authority>(keys.authorities(t.tenantId))).then(async (authorities) => {
            await Promise.all(authorities.map((a) => refreshAuthority(t.tenantId, a.id)));
          });
      started.set(key, done);
    }
    return done;
  };
  return {
    keys: [...all.keys()],
    refreshFor: async (index: number) => {
      const key = keyOf(index);
      if (key) await refresh(key);
    },
    refresh,
    recomputed: () => recomputed,
  };
}

/**
 * Refreshes what a batch of stream records touched; resolves to how many authorities were
 * recomputed. Fails if any refresh failed (the local stream poller and benchmarks use this; the
 * Lambda reports failures per record instead).
 */
export async function processRecords(records: readonly Pick<DynamoDBRecord, 'dynamodb'>[], options: { source?: TableSource; now?: Date } = {}): Promise<number> {
  const batch = await prepare(records, options);
  await Promise.all(batch.keys.map((key) => batch.refresh(key)));
  return batch.recomputed();
}

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/**
 * The stream's Lambda. A record whose refresh failed is reported alone (partial batch
 * response): Lambda checkpoints before the first such record and retries from there, with the
 * batch bisected and a record that keeps failing parked in the dead-letter queue (infra/stack.ts),
 * while the authorities refreshed before it stay refreshed. Records of one authority share
 * one recomputation, so they fail or succeed together.
 */
export async function handleStream(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const batch = await prepare(event.Records, {});
  const index = new Map(event.Records.map((r, i) => [r, i]));
  const response = await processPartialResponse(event, (record: DynamoDBRecord) => batch.refreshFor(index.get(record)!), processor, { throwOnFullBatchFailure: false });
  const failed = response.batchItemFailures.length;
  count(BUSINESS_METRICS.summaryRecomputations, batch.recomputed());
  count(BUSINESS_METRICS.summaryFailures, failed);
  // Counts only: the records' images hold personal data.
  logger.info('report summaries refreshed', { records: event.Records.length, authorities: batch.recomputed(), failedRecords: failed });
  return response;
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(handleStream);
