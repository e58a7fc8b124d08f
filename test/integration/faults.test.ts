import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reportingYearOf, toIsoDate } from '../../domain/shared/dates';
import { keys } from '../../functions/data/keys';
import { completionItem } from '../../functions/data/training-repositories';
import { handleStream } from '../../functions/jobs/report-summaries';
import { systemDeps, ulidIds } from '../../functions/shared/deps';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';
import { addedItems, scanByKey } from '../support/table-scan';

/**
 * DynamoDB faults injected on the wire: every client of this file (the tenants' and the
 * system's) talks to DynamoDB Local through a proxy that, for the operation a test names,
 * answers with throttling or an internal error without forwarding, or forwards (so the write is
 * applied) and then drops the connection or holds the answer for 13 s. The SDK's own timeouts
 * and retries do the rest, as in AWS; the limits are the production defaults but for fewer
 * attempts (2), so a stalled case ends in about 4 s rather than 7.
 */
const { endpoint } = useFreshTable();
process.env.DYNAMODB_MAX_ATTEMPTS = '2';
process.env.DYNAMODB_REQUEST_TIMEOUT_MS = '2000';

type Fault = 'throttle' | 'internal-error' | 'drop-after-applied' | 'stall-after-applied';
/** `operation` '*' is any; `match`, if set, must appear in the request body (a key, say). */
const fault: { operation?: string; kind?: Fault; times: number; seen: number; match?: string } = { times: 0, seen: 0 };
const held: ServerResponse[] = [];
let proxy: Server;

function inject(operation: string, kind: Fault, times = Infinity, match?: string) {
  Object.assign(fault, { operation, kind, times, seen: 0, match });
}

function errorBody(type: string, message: string) {
  return JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
}

async function startProxy(): Promise<string> {
  const upstream = new URL(endpoint);
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop();
      const hit = fault.kind && (operation === fault.operation || fault.operation === '*') && fault.seen < fault.times && (!fault.match || body.includes(fault.match));
      if (hit) fault.seen++;
      if (hit && fault.kind === 'throttle') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(errorBody('ThrottlingException', 'Rate of requests exceeds the allowed throughput.'));
        return;
      }
      if (hit && fault.kind === 'internal-error') {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' }).end(errorBody('InternalServerError', 'Internal server error'));
        return;
      }
      const out = httpRequest(
        { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          const answer: Buffer[] = [];
          up.on('data', (c: Buffer) => answer.push(c));
          up.on('end', () => {
            if (hit && fault.kind === 'drop-after-applied') {
              req.socket.destroy(); // applied upstream; the caller never hears
              return;
            }
            if (hit && fault.kind === 'stall-after-applied') {
              held.push(res);
              setTimeout(() => res.writeHead(up.statusCode ?? 500, up.headers).end(Buffer.concat(answer)), 13_000).unref();
              return;
            }
            res.writeHead(up.statusCode ?? 500, up.headers).end(Buffer.concat(answer));
          });
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

let api: TestApi;
let p: PartnershipFixture;
let url: string;
let token: string;
const SESSION = { date: '2025-02-01', courseId: 'wrap', provider: 'Prevent Officer', audience: 'staff', attendees: 20 };

type Item = Record<string, unknown>;
const sessions = (items: Item[]) => items.filter((i) => i.entity === 'session');
const audits = (items: Item[]) => items.filter((i) => i.entity === 'audit-event');

beforeAll(async () => {
  // Before any client exists: each reads the endpoint once, when first made.
  process.env.DYNAMODB_ENDPOINT = await startProxy();
  api = await TestApi.create();
  p = await seedPartnership(api, 'faults');
  url = `/authorities/${p.authorities.a}/sessions`;
  token = p.tokens['authority-editor@a'];
});

afterAll(async () => {
  for (const res of held) res.destroy();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
});

beforeEach(() => inject('', 'throttle', 0));

describe('DynamoDB faults reach the caller as a 503 with Retry-After, never a 500, and never as a half write', () => {
  it('throttling once: the SDK retries and the create succeeds, once', async () => {
    const before = await scanByKey();
    inject('TransactWriteItems', 'throttle', 1);
    const res = await api.request('POST', url, { token, body: SESSION, headers: { 'Idempotency-Key': randomUUID() } });
    expect(res.status, res.text).toBe(201);
    expect(fault.seen).toBe(1);
    const written = addedItems(before, await scanByKey());
    expect(sessions(written)).toHaveLength(1);
    expect(audits(written)).toHaveLength(1);
  });

  it.each(['throttle', 'internal-error'] as const)('%s on every attempt: 503 with Retry-After, nothing written, and the retry later succeeds once', async (kind) => {
    const before = await scanByKey();
    const key = randomUUID();
    inject('TransactWriteItems', kind);
    const res = await api.request('POST', url, { token, body: SESSION, headers: { 'Idempotency-Key': key } });
    expect(res.status, res.text).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.error).toMatchObject({ code: 'unavailable' });
    expect(fault.seen).toBe(2); // both attempts of the SDK
    // All or nothing: no session, no audit event, and the key given back.
    expect(await scanByKey()).toEqual(before);

    inject('', 'throttle', 0);
    const retry = await api.request('POST', url, { token, body: SESSION, headers: { 'Idempotency-Key': key } });
    expect(retry.status, retry.text).toBe(201);
    const written = addedItems(before, await scanByKey());
    expect(sessions(written)).toHaveLength(1);
    expect(audits(written)).toHaveLength(1);
  });

  it('reads too: throttled on every attempt is a 503 with Retry-After', async () => {
    inject('Query', 'internal-error');
    const res = await api.request('GET', url, { token });
    expect(res.status, res.text).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('a connection dropped after the write was applied: the SDK resends the same transaction (its ClientRequestToken), which DynamoDB does not apply twice', async () => {
    const before = await scanByKey();
    const key = randomUUID();
    inject('TransactWriteItems', 'drop-after-applied', 1);
    const res = await api.request('POST', url, { token, body: SESSION, headers: { 'Idempotency-Key': key } });
    expect(fault.seen).toBe(1);
    expect(res.status, res.text).toBe(201);
    const written = addedItems(before, await scanByKey());
    expect(sessions(written)).toHaveLength(1);
    expect(audits(written)).toHaveLength(1);
    // And the client's own retry (had it lost this answer too) gets the same one.
    const retry = await api.request('POST', url, { token, body: SESSION, headers: { 'Idempotency-Key': key } });
    expect(retry.text).toBe(res.text);
    expect(sessions(addedItems(before, await scanByKey()))).toHaveLength(1);
  });

  it('the database stalled 13 s after applying a create: the handler answers 503 in time, and the retry is recognised (one record)', async () => {
    const before = await scanByKey();
    const key = randomUUID();
    inject('TransactWriteItems', 'stall-after-applied');
    const res = await api.request('POST', url, { token, body: SESSION, headers: { 'Idempotency-Key': key } });
    // Answered by the handler (not cut off at the function's limit): a 503 the client can act on.
    expect(res.status, res.text).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(fault.seen).toBe(2);
    const written = addedItems(before, await scanByKey());
    expect(sessions(written)).toHaveLength(1); // it did land
    expect(audits(written)).toHaveLength(1);

    inject('', 'throttle', 0);
    const retry = await api.request('POST', url, { token, body: SESSION, headers: { 'Idempotency-Key': key } });
    expect(retry.status, retry.text).toBe(409);
    expect(retry.body.error.code).toBe('already_applied');
    expect(sessions(addedItems(before, await scanByKey()))).toHaveLength(1);
    // Without the key (an old client), the retry would have made a second session: the key is what saves it.
  });

  it('a request out of time does not start another attempt: 503 before the limit', async () => {
    process.env.DYNAMODB_ANSWER_MARGIN_MS = String(30_000); // more than the training functions' whole 29 s kept back
    try {
      const before = await scanByKey();
      const res = await api.request('POST', url, { token, body: SESSION, headers: { 'Idempotency-Key': randomUUID() } });
      expect(res.status, res.text).toBe(503);
      expect(await scanByKey()).toEqual(before);
    } finally {
      delete process.env.DYNAMODB_ANSWER_MARGIN_MS;
    }
  });
});

describe('the report-summary consumer with one authority it cannot refresh', () => {
  const TODAY = toIsoDate(new Date());
  const YEAR = reportingYearOf(TODAY);
  const completion = (authorityId: string, staffRef: string) =>
    completionItem(p.tenantId, authorityId, {
      slot: 'current',
      completion: { staffRef, courseId: 'wrap', completedOn: TODAY, expiresOn: '2099-01-01', id: ulidIds.next(), authorityId, source: 'import' as const, role: 'frontline', version: 1, createdAt: TODAY, createdBy: 'test', updatedAt: TODAY, updatedBy: 'test' },
    }, 10);
  const record = (item: Record<string, unknown>, seq: string) => ({ eventID: seq, eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: { NewImage: marshall(item) as never, SequenceNumber: seq } });
  const summarised = async (authorityId: string) => (await systemDeps().table.get<{ completions: number }>(keys.reports.year(p.tenantId, YEAR, authorityId)))?.completions ?? 0;

  it('reports that record alone as failed (bisect / dead-letter queue in AWS), keeps every other summary current, and a re-drive after the fault makes it current', async () => {
    const [good, poisoned] = [completion(p.authorities.a, 'STREAM-A'), completion(p.authorities.b, 'STREAM-B')];
    await systemDeps().table.batchWrite([{ put: good }, { put: poisoned }]);
    // Every query of authority b's training partition fails, whatever the SDK retries: to the
    // consumer, a record it cannot process. (A fault in the batch's shared first read, the import
    // locks, fails the whole batch instead: Lambda then bisects it, infra/stack.ts.)
    inject('Query', 'internal-error', Infinity, `${keys.training.partition(p.tenantId, p.authorities.b)}"`);
    const response = await handleStream({ Records: [record(good, '100'), record(poisoned, '200')] } as never);
    expect(fault.seen).toBeGreaterThan(0);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '200' }]);
    expect(await summarised(p.authorities.a)).toBe(1);
    expect(await summarised(p.authorities.b)).toBe(0);

    // The fault is over; Lambda (or the operator, from the dead-letter queue) sends the record again.
    inject('', 'throttle', 0);
    const redrive = await handleStream({ Records: [record(poisoned, '200')] } as never);
    expect(redrive.batchItemFailures).toEqual([]);
    expect(await summarised(p.authorities.b)).toBe(1);
    expect(await summarised(p.authorities.a)).toBe(1);
  });
});
