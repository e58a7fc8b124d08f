import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { EntityId, TenantId } from '../../domain/shared/ids';
import { IMPORT_MAX_RECEIVES, IMPORT_RETRY_SECONDS, type ImportJobRef } from '../../domain/training/import-job';
import { retryLater } from './import-queue';
import { logger } from '../shared/logger';
import { BUSINESS_METRICS, count, publishMetrics } from '../shared/metrics';
import { tracer } from '../shared/tracer';
import { trainingServices } from '../wiring/training';
import { tenantDeps } from '../shared/deps';

/**
 * The import worker (SQS → Lambda; on this machine the local queue runs it in a process of its
 * own). Each message names one job; the job runs from its last checkpoint to the end. A job
 * another worker holds, or one the database turned away, goes back to the queue (partial
 * batch failure) and is retried after the visibility timeout; after the last receive a job that
 * keeps failing is marked failed, so nobody waits on it.
 */
export const ImportJobMessage = z.object({ tenantId: TenantId, authorityId: EntityId, importId: EntityId });

export async function runImportJob(job: ImportJobRef, receiveCount = 1): Promise<'done' | 'retry' | 'gone'> {
  // The job's partnership, from the message the API wrote from the caller's verified claims:
  // the worker reaches the table and the file only with that partnership's credentials.
  const imports = trainingServices(tenantDeps(job)).imports;
  const startedAt = Date.now();
  try {
    const { outcome, record } = await imports.work(job);
    // Ids, status and counts only: never a cell of the file.
    logger.info('import job', { importId: job.importId, authorityId: job.authorityId, outcome, status: record?.status, rows: record?.rows, imported: record?.imported, duplicates: record?.duplicates });
    // Counted once, by the run that ended the job (a resumed job's counts cover every attempt; a
    // redelivery of a job that had already ended counts nothing).
    const endedNow = outcome === 'done' && !!record?.finishedAt && Date.parse(record.finishedAt) >= startedAt;
    if (endedNow && record.status === 'completed') {
      count(BUSINESS_METRICS.rowsImported, record.imported);
      count(BUSINESS_METRICS.rowsRejected, record.rejectedCount);
    }
    if (endedNow && record.status === 'failed') count(BUSINESS_METRICS.importsFailed);
    return outcome;
  } catch (error) {
    logger.error('import job stopped', { importId: job.importId, authorityId: job.authorityId, receiveCount, error: (error as Error).name });
    if (receiveCount >= IMPORT_MAX_RECEIVES) {
      await imports.abandon(job, 'The import stopped on an error several times and was given up. Rows stored so far are kept; import the file again to complete it (rows already stored count as duplicates).');
      count(BUSINESS_METRICS.importsFailed);
      return 'done';
    }
    return 'retry';
  }
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(async (event) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const job = ImportJobMessage.safeParse(JSON.parse(record.body || 'null'));
      if (!job.success) {
        logger.error('import job message refused', { messageId: record.messageId });
        continue;
      }
      const outcome = await runImportJob(job.data, Number(record.attributes.ApproximateReceiveCount ?? 1));
      if (outcome === 'retry') {
        // Back on the queue in seconds rather than after the visibility timeout (an hour and more).
        await retryLater(record.receiptHandle, IMPORT_RETRY_SECONDS).catch((error) => logger.warn('could not shorten the retry', { error: (error as Error).name }));
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
