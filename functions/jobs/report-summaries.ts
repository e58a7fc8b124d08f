import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Authority } from '../../domain/authorities/authority';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../data/client';
import { keyParts, keys } from '../data/keys';
import { reportRepository } from '../data/report-repository';
import { TableStore } from '../data/store';
import { TABLE } from '../data/table';
import { logger } from '../shared/logger';

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

export function touched(records: readonly Pick<DynamoDBRecord, 'dynamodb'>[]): Touched[] {
  const out = new Map<string, Touched>();
  for (const record of records) {
    const image = (record.dynamodb?.NewImage ?? record.dynamodb?.OldImage) as Image | undefined;
    if (!image) continue;
    const text = (name: string) => image[name]?.S;
    const entity = text('entity') ?? '';
    if (IGNORED.has(entity)) continue;
    // Only the write that ends a job (a deletion has no NewImage and ends nothing).
    if (entity === 'import' && !JOB_ENDED.has((record.dynamodb?.NewImage as Image | undefined)?.status?.S ?? '')) continue;
    const tenantId = keyParts.tenantOf(text('PK'));
    if (!tenantId) continue;
    if (WHOLE_PARTNERSHIP.has(entity)) {
      out.set(`${tenantId}#*`, { tenantId });
      continue;
    }
    const authorityId = entity === 'authority' ? text('id') : text('authorityId');
    if (!authorityId) continue;
    const key = `${tenantId}#${authorityId}`;
    const onlyCompletions = entity === 'completion' && (out.get(key)?.onlyCompletions ?? true);
    out.set(key, { tenantId, authorityId, onlyCompletions });
  }
  // A whole-partnership refresh covers that partnership's single authorities.
  for (const [k, v] of out) if (v.authorityId && out.has(`${v.tenantId}#*`)) out.delete(k);
  return [...out.values()];
}

/**
 * The authorities (`tenant#authority`) among `candidates` whose import job is running: their
 * import lock's `jobLeaseUntil` is later than `now`. One BatchGetItem (per 100 authorities)
 * reading only the key and the job lease; the partition key tells the answers apart.
 */
async function runningJobs(table: TableStore, candidates: readonly { tenantId: string; authorityId: string }[], now: Date): Promise<Set<string>> {
  const locks = candidates.map((c) => ({ key: keys.training.importLock(c.tenantId, c.authorityId), authority: `${c.tenantId}#${c.authorityId}` }));
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

/** Refreshes what a batch of stream records touched; resolves to how many authorities were recomputed. */
export async function processRecords(records: readonly Pick<DynamoDBRecord, 'dynamodb'>[], options: { source?: TableSource; now?: Date } = {}): Promise<number> {
  const source = options.source ?? dynamo();
  const table = new TableStore(source.doc, source.tableName);
  const reports = reportRepository(table);
  const all = touched(records);
  const waiting = all.filter((t): t is { tenantId: string; authorityId: string; onlyCompletions: true } => !!t.authorityId && t.onlyCompletions === true);
  const running = waiting.length ? await runningJobs(table, waiting, options.now ?? new Date()) : new Set<string>();
  const jobs: { tenantId: string; authorityId: string }[] = [];
  for (const t of all) {
    if (t.authorityId) {
      if (!running.has(`${t.tenantId}#${t.authorityId}`)) jobs.push({ tenantId: t.tenantId, authorityId: t.authorityId });
    } else {
      const authorities = await table.all<Authority>(keys.authorities(t.tenantId));
      jobs.push(...authorities.map((a) => ({ tenantId: t.tenantId, authorityId: a.id })));
    }
  }
  const tenantData = new Map();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, jobs.length) }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        await reports.refresh(job.tenantId, job.authorityId, tenantData);
      }
    }),
  );
  return jobs.length;
}

export const handler = middy<DynamoDBStreamEvent, unknown>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const refreshed = await processRecords(event.Records);
    logger.info('report summaries refreshed', { records: event.Records.length, authorities: refreshed });
    return { refreshed };
  });
