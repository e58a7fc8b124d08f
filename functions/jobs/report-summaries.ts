import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Authority } from '../../domain/authorities/authority';
import { keyParts, keys } from '../data/keys';
import { reportRepository } from '../data/report-repository';
import { deps } from '../shared/deps';
import { logger } from '../shared/logger';

/**
 * Keeps the report summaries current: the table's change stream names every record that
 * changed, and each authority touched is recomputed from its raw records. Recomputing is
 * idempotent, so a retried or replayed batch does no harm, and the summaries converge on the
 * records whatever order changes arrive in.
 */

/** Entities that no summary depends on (or that are the summaries themselves). */
const IGNORED = new Set(['report-summary', 'audit-event', 'due-item', 'reminder', 'import lock', 'import', 'user', 'user email', 'SOP version', 'SOP review', 'obligation version', 'statement version', 'statement deadline', 'framework']);
/** Entities that change every authority of the partnership: settings (applicability, frameworks) and course levels. */
const WHOLE_PARTNERSHIP = new Set(['partnership', 'course']);

/** The few string attributes this consumer reads, straight from the stream image (no full unmarshalling). */
type Image = Record<string, { S?: string } | undefined>;

export function touched(records: readonly Pick<DynamoDBRecord, 'dynamodb'>[]): { tenantId: string; authorityId?: string }[] {
  const out = new Map<string, { tenantId: string; authorityId?: string }>();
  for (const record of records) {
    const image = (record.dynamodb?.NewImage ?? record.dynamodb?.OldImage) as Image | undefined;
    if (!image) continue;
    const text = (name: string) => image[name]?.S;
    const entity = text('entity') ?? '';
    if (IGNORED.has(entity)) continue;
    const tenantId = keyParts.tenantOf(text('PK'));
    if (!tenantId) continue;
    const authorityId = WHOLE_PARTNERSHIP.has(entity) ? undefined : entity === 'authority' ? text('id') : text('authorityId');
    if (!WHOLE_PARTNERSHIP.has(entity) && !authorityId) continue;
    out.set(`${tenantId}#${authorityId ?? '*'}`, { tenantId, authorityId });
  }
  // A whole-partnership refresh covers that partnership's single authorities.
  for (const [k, v] of out) if (v.authorityId && out.has(`${v.tenantId}#*`)) out.delete(k);
  return [...out.values()];
}

export async function processRecords(records: readonly Pick<DynamoDBRecord, 'dynamodb'>[]): Promise<number> {
  const { table } = deps();
  const reports = reportRepository(table);
  const jobs: { tenantId: string; authorityId: string }[] = [];
  for (const t of touched(records)) {
    if (t.authorityId) jobs.push({ tenantId: t.tenantId, authorityId: t.authorityId });
    else {
      const all = await table.all<Authority>(keys.authorities(t.tenantId));
      jobs.push(...all.map((a) => ({ tenantId: t.tenantId, authorityId: a.id })));
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
