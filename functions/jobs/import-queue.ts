import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { traced } from '../shared/tracer';
import type { ImportQueue, ImportTimings } from '../../domain/training/import-job';
import { DEFAULT_TIMINGS } from '../../domain/training/import-job';

/**
 * Where import jobs go: the SQS queue named by IMPORT_QUEUE_URL in AWS; on this machine, the
 * local queue `npm start` and the tests register (infra/local/import-queue.ts), which runs the
 * same worker in its own process.
 */
let local: ImportQueue | undefined;
let client: SQSClient | undefined;

export function useLocalImportQueue(queue: ImportQueue | undefined): void {
  local = queue;
}

const sqsQueue = (url: string): ImportQueue => ({
  async enqueue(job) {
    client ??= traced(new SQSClient({}));
    // Ids only: the message names no person and no file.
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(job) }));
  },
});

/** Makes a received message visible again after `seconds` (the worker's retry of a job it could not take). */
export async function retryLater(receiptHandle: string, seconds: number): Promise<void> {
  const url = process.env.IMPORT_QUEUE_URL;
  if (!url) return;
  client ??= traced(new SQSClient({}));
  await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
}

export function importQueue(): ImportQueue | undefined {
  const url = process.env.IMPORT_QUEUE_URL;
  return url ? sqsQueue(url) : local;
}

/** Lease lengths: IMPORT_LEASE_SECONDS shortens them (the tests' killed worker is taken over in seconds, not minutes). */
export function importTimings(): ImportTimings {
  const seconds = Number(process.env.IMPORT_LEASE_SECONDS);
  if (!Number.isFinite(seconds) || seconds <= 0) return DEFAULT_TIMINGS;
  return { jobLeaseMs: seconds * 1000, chunkLeaseMs: seconds * 1000, lockWaitMs: Math.max(seconds * 2000, 5000) };
}
