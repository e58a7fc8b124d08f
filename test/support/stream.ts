import { afterAll, beforeAll, inject } from 'vitest';
import { processRecords } from '../../functions/jobs/report-summaries';
import { startStreamPoller } from '../../infra/local/stream-poller';

/**
 * Runs the report-summary stream consumer against this test file's table, as the Lambda
 * event-source mapping does in AWS. Call after useFreshTable(); `settle()` waits until every
 * change so far has been consumed.
 */
export function useStreamConsumer() {
  let poller: Awaited<ReturnType<typeof startStreamPoller>> | undefined;
  beforeAll(async () => {
    poller = await startStreamPoller({ endpoint: inject('dynamoEndpoint'), tableName: process.env.TABLE_NAME!, consume: (records) => processRecords(records), intervalMs: 100 });
  });
  afterAll(() => poller?.stop());
  return { settle: () => poller!.settle() };
}
