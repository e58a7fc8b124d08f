import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newPartnership } from '../domain/partnerships/partnership';
import { IMPORT_CONCURRENCY } from '../domain/training/import-job';
import { JOB_LIMITS, parseCompletionRecords, readImportFile } from '../domain/training/csv-import';
import { expiryOf } from '../domain/training/completions';
import type { Course } from '../domain/training/courses';
import { systemClock } from '../domain/shared/ports';
import { keys } from '../functions/data/keys';
import { completionItem } from '../functions/data/training-repositories';
import { systemDeps, ulidIds } from '../functions/shared/deps';
import { dynamo, tenantDynamo } from '../functions/data/client';
import { ensureTable } from '../infra/local/dynamodb';
import { createGateway } from '../infra/local/gateway';
import { LocalIssuer } from '../infra/local/issuer';
import { LMS_PLAN, lmsExport } from '../test/support/lms-export';
import { countRequests } from '../test/support/dynamo-counter';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);
/** Raw writes get the same parallelism as the import. */
const RAW_CONCURRENCY = IMPORT_CONCURRENCY;
const TRIALS = Number(process.env.BENCH_TRIALS ?? 3);

async function rawBatchWrite(doc: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: RAW_CONCURRENCY }, async () => {
      while (next < batches.length) {
        let pending: unknown[] | undefined = batches[next++].map((Item) => ({ PutRequest: { Item } }));
        while (pending && pending.length) {
          const out: { UnprocessedItems?: Record<string, unknown[]> } = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
          pending = out.UnprocessedItems?.[tableName];
        }
      }
    }),
  );
}

/**
 * The items an import of `csv` stores, built before any timing: the same keys, index values and
 * attributes (the key order of a file, its dates spread over the year), for a raw write that is
 * the same work for DynamoDB as the import's. Only the authority differs (a fresh one each trial).
 */
async function sameItemsAs(csv: string, tenantId: string, authorityId: string, courses: Course[]): Promise<Record<string, unknown>[]> {
  const file = await readImportFile(Buffer.from(csv, 'utf8'), { limits: JOB_LIMITS });
  const parsed = parseCompletionRecords(file.records, { courses, roles: LMS_PLAN.roles as never, today: new Date().toISOString().slice(0, 10), limits: JOB_LIMITS });
  const byId = new Map(courses.map((c) => [c.id, c]));
  const importId = ulidIds.next();
  const now = new Date().toISOString();
  return parsed.valid.map(({ line, input }) => {
    const c = { ...input, id: `${importId}-${line}`, authorityId, expiresOn: expiryOf(input.completedOn, byId.get(input.courseId)!), source: 'import' as const, importId, version: 1, createdAt: now, createdBy: 'bench', updatedAt: now, updatedBy: 'bench' };
    return completionItem(tenantId, authorityId, { slot: 'current', completion: c }, 10);
  });
}

/**
 * CSV import throughput through the whole path (local API Gateway with JWT verification,
 * the Lambda handler, validation, dedupe reads, batch writes, audited start/finish) against
 * raw BatchWriteItem of the same number of completion items, on the same DynamoDB Local.
 */
export async function benchTrainingImport(endpoint: string) {
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME = 'bench-import';
  await ensureTable(endpoint, 'bench-import', { stream: false });
  await ensureTable(endpoint, 'bench-raw', { stream: false });
  // The handlers' requests go through the partnership's own client.
  const counter = countRequests(tenantDynamo('bench').doc);

  const { partnership, audit, courses } = newPartnership({ id: 'bench', name: 'Bench partnership' }, systemClock, ulidIds);
  await systemDeps().partnerships.create(partnership, audit, courses);
  const issuer = await LocalIssuer.ephemeral();
  const gateway = createGateway({ issuer });
  const steering = await issuer.mint({ sub: 'bench-sg', tenantId: 'bench', role: 'steering-group' });
  const call = async (method: string, url: string, body?: string, contentType = 'application/json') => {
    const res = await gateway.handle({ method, url, headers: { authorization: `Bearer ${steering}`, 'content-type': contentType }, body });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body);
  };
  const { csv } = lmsExport(ROWS, { badRows: false });
  const trials: { importMs: number; rawMs: number }[] = [];
  let importRequests: Record<string, number> = {};
  let rawRequests: Record<string, number> = {};
  let reimportMs = 0;
  let reimportRequests: Record<string, number> = {};
  // Alternate import and raw writes, each into fresh keys, and take medians: the machine
  // (two cores shared by Node and DynamoDB Local's JVM) is noisy.
  // Warm-up (JIT, JVM), not measured.
  await call('POST', '/authorities', JSON.stringify({ id: 'warm-up', name: 'Warm-up', sector: 'local-government', type: 'county-council' }));
  await call('PUT', '/authorities/warm-up/training-plan', JSON.stringify(LMS_PLAN));
  await call('POST', '/authorities/warm-up/completions/import', lmsExport(2000, { badRows: false }).csv, 'text/csv');
  await rawBatchWrite(dynamo().doc, 'bench-raw', Array.from({ length: 2000 }, (_, i) => ({ PK: 'bench#WARM', SK: `W${i}`, n: i })));

  for (let trial = 0; trial < TRIALS; trial++) {
    const authority = `council-${trial}`;
    await call('POST', '/authorities', JSON.stringify({ id: authority, name: `Bench Council ${trial}`, sector: 'local-government', type: 'county-council' }));
    await call('PUT', `/authorities/${authority}/training-plan`, JSON.stringify(LMS_PLAN));

    counter.reset();
    let t0 = performance.now();
    const first = await call('POST', `/authorities/${authority}/completions/import`, csv, 'text/csv');
    const importMs = performance.now() - t0;
    importRequests = { ...counter.counts };
    if (first.imported !== ROWS) throw new Error(`expected ${ROWS} imported, got ${first.imported}`);

    if (trial === 0) {
      counter.reset();
      t0 = performance.now();
      const again = await call('POST', `/authorities/${authority}/completions/import`, csv, 'text/csv');
      reimportMs = performance.now() - t0;
      reimportRequests = { ...counter.counts };
      if (again.imported !== 0) throw new Error(`re-import stored ${again.imported}`);
    }

    // Raw: the very items the import stored, into a fresh authority of another table.
    const items = await sameItemsAs(csv, 'bench', authority, courses);
    counter.reset();
    t0 = performance.now();
    await rawBatchWrite(dynamo().doc, 'bench-raw', items);
    const rawMs = performance.now() - t0;
    rawRequests = { ...counter.counts };
    trials.push({ importMs, rawMs });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const importMs = median(trials.map((t) => t.importMs));
  const rawMs = median(trials.map((t) => t.rawMs));
  const ratios = trials.map((t) => t.rawMs / t.importMs);
  const importRate = ROWS / (importMs / 1000);
  const rawRate = ROWS / (rawMs / 1000);
  return {
    rows: ROWS,
    importMs,
    importRate,
    importRequests,
    reimportMs,
    reimportRequests,
    rawMs,
    rawRate,
    rawRequests,
    /** Median of the per-trial ratios (each trial's import and raw run back to back). */
    ratio: median(ratios),
    trials: ratios,
  };
}

/**
 * An import job end to end, as a large NHS trust would run one: the presigned upload to the
 * S3 stand-in, the job started through the API, the real worker in a process of its own
 * (spawned by the local queue, as Lambda would be invoked), polled through the API until it
 * reports completed — against raw BatchWriteItem of the same number of items in the same run.
 */
export async function benchImportJob(endpoint: string, issued?: import('../infra/local/s3').IssuedLookup) {
  const rows = Number(process.env.BENCH_JOB_ROWS ?? 100_000);
  const trials = Number(process.env.BENCH_JOB_TRIALS ?? 2);
  const { startLocalS3 } = await import('../infra/local/s3');
  const { startLocalImportQueue } = await import('../infra/local/import-queue');
  const { useLocalImportQueue } = await import('../functions/jobs/import-queue');
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME = 'bench-jobs';
  await ensureTable(endpoint, 'bench-jobs', { stream: false });
  await ensureTable(endpoint, 'bench-jobs-raw', { stream: false });
  const s3 = await startLocalS3(undefined, { issued });
  process.env.S3_ENDPOINT = s3.endpoint;
  process.env.IMPORTS_BUCKET = 'bench-imports';
  const queue = startLocalImportQueue({ concurrency: 1, nodeArgs: process.env.BENCH_WORKER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_PROFILE}`] : undefined });
  useLocalImportQueue(queue);
  try {
    const { partnership, audit, courses } = newPartnership({ id: 'benchjobs', name: 'Bench partnership' }, systemClock, ulidIds);
    await systemDeps().partnerships.create(partnership, audit, courses);
    const issuer = await LocalIssuer.ephemeral();
    const gateway = createGateway({ issuer });
    const steering = await issuer.mint({ sub: 'bench-sg', tenantId: 'benchjobs', role: 'steering-group' });
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await gateway.handle({ method, url, headers: { authorization: `Bearer ${steering}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return JSON.parse(res.body);
    };
    const { csv } = lmsExport(rows, { badRows: false });
    const file = Buffer.from(csv, 'utf8');
    const runJob = async (authority: string, bytes: Buffer) => {
      const upload = await call('POST', `/authorities/${authority}/imports/uploads`, { contentType: 'text/csv', contentLength: bytes.length });
      const put = await fetch(upload.uploadUrl, { method: 'PUT', headers: upload.headers, body: bytes });
      if (!put.ok) throw new Error(`upload: ${put.status}`);
      const started = await call('POST', `/authorities/${authority}/imports`, { key: upload.key });
      for (;;) {
        const job = await call('GET', `/authorities/${authority}/imports/${started.importId}`);
        if (job.status === 'completed' || job.status === 'failed') return job;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const newAuthority = async (id: string) => {
      await call('POST', '/authorities', { id, name: `Bench Trust ${id}`, sector: 'health-social-care', type: 'nhs-trust' });
      await call('PUT', `/authorities/${id}/training-plan`, LMS_PLAN);
    };
    // Warm-up (JIT, JVM, the worker's first process), not measured.
    await newAuthority('warm-up');
    await runJob('warm-up', Buffer.from(lmsExport(2000, { badRows: false }).csv, 'utf8'));
    await rawBatchWrite(dynamo().doc, 'bench-jobs-raw', Array.from({ length: 2000 }, (_, i) => ({ PK: 'bench#WARM', SK: `W${i}`, n: i })));

    const results: { jobMs: number; rawMs: number }[] = [];
    for (let trial = 0; trial < trials; trial++) {
      const authority = `trust-${trial}`;
      await newAuthority(authority);
      const t0 = performance.now();
      const job = await runJob(authority, file);
      const jobMs = performance.now() - t0;
      if (job.status !== 'completed' || job.imported !== rows) throw new Error(`job ${job.status}: ${job.imported} of ${rows} imported`);
      const items = await sameItemsAs(csv, 'benchjobs', authority, courses);
      const t1 = performance.now();
      await rawBatchWrite(dynamo().doc, 'bench-jobs-raw', items);
      results.push({ jobMs, rawMs: performance.now() - t1 });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const jobMs = median(results.map((r) => r.jobMs));
    const rawMs = median(results.map((r) => r.rawMs));
    return {
      rows,
      bytes: file.length,
      jobMs,
      jobRate: rows / (jobMs / 1000),
      rawMs,
      rawRate: rows / (rawMs / 1000),
      ratio: median(results.map((r) => r.rawMs / r.jobMs)),
      trials: results.map((r) => r.rawMs / r.jobMs),
    };
  } finally {
    queue.stop();
    useLocalImportQueue(undefined);
    await s3.stop();
  }
}
