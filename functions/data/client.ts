import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentityProvider, FinalizeRequestMiddleware } from '@smithy/types';
import { traced } from '../shared/tracer';
import { TABLE } from './table';
import { tenantCredentials } from './tenant-credentials';
import { guardTenantClient } from './tenant-guard';

type Dynamo = { doc: DynamoDBDocumentClient; tableName: string };

/**
 * How long DynamoDB may take, so that a request answers before its Lambda's limit. Without these
 * the SDK waits on a stalled connection indefinitely: a create whose database stalled for 13 s
 * died at the 10 s limit with a bare 500, although its write had landed. Each attempt may take
 * `requestTimeoutMs` (after `connectTimeoutMs` to connect); `maxAttempts` in all, with the
 * SDK's back-off between them (standard mode: ≤ 1 s for throttling at these counts):
 * 3 × 2 s + back-off ≈ 7 s, inside the 10 s functions with ~2 s to answer 503 (shared/errors.ts).
 * Calls in a row share one budget: requestDeadline stops a new attempt that could not finish
 * 2 s before the function's own limit. The environment overrides them (tests use short ones).
 */
export function dynamoTimeouts() {
  const num = (name: string, fallback: number) => {
    const v = Number(process.env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    connectTimeoutMs: num('DYNAMODB_CONNECT_TIMEOUT_MS', 1000),
    requestTimeoutMs: num('DYNAMODB_REQUEST_TIMEOUT_MS', 2000),
    maxAttempts: num('DYNAMODB_MAX_ATTEMPTS', 3),
    /** Time kept back at the end of an invocation to answer (503) rather than be cut off. */
    answerMarginMs: num('DYNAMODB_ANSWER_MARGIN_MS', 2000),
  };
}

/**
 * The epoch ms by which the current invocation must have its answer ready (the Lambda limit
 * less the answer margin), set by the HTTP layer around each request.
 */
export const requestDeadline = new AsyncLocalStorage<number>();

/** An attempt that cannot finish before the deadline is not started: TimeoutError → 503. */
const deadlineGuard: FinalizeRequestMiddleware<object, object> = (next) => async (args) => {
  const deadline = requestDeadline.getStore();
  if (deadline !== undefined && Date.now() + dynamoTimeouts().requestTimeoutMs > deadline) {
    // Not a name the SDK retries (TimeoutError would be): retrying cannot make time.
    throw Object.assign(new Error('No time left in this invocation for another database attempt.'), { name: 'RequestDeadlineExceeded' });
  }
  return next(args);
};

function documentClient(credentials: AwsCredentialIdentityProvider | undefined): Dynamo {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const t = dynamoTimeouts();
  const limits = {
    maxAttempts: t.maxAttempts,
    // throwOnRequestTimeout: without it this SDK only logs a warning when requestTimeout passes
    // and goes on waiting (@smithy/node-http-handler 4.x).
    requestHandler: { connectionTimeout: t.connectTimeoutMs, requestTimeout: t.requestTimeoutMs, throwOnRequestTimeout: true },
  };
  const client = traced(new DynamoDBClient(
    endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'eu-west-2',
          // DynamoDB Local runs with sharedDb: whatever key signs the request, the data is one.
          credentials: credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' },
          ...limits,
        }
      : { credentials, ...limits },
  ));
  // The SDK's logger middleware filters every response for sensitive fields to hand it to the
  // client's logger, even when there is none: a report's 600 summaries walked once more, about
  // 5% of its time. We never give the SDK a logger (our logs name no record: logger.ts).
  client.middlewareStack.remove('loggerMiddleware');
  // After the retry middleware, so every attempt (the first and each retry) is checked.
  client.middlewareStack.add(deadlineGuard as never, { step: 'finalizeRequest', name: 'requestDeadline', priority: 'low' });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, tableName: process.env.TABLE_NAME ?? TABLE.defaultName };
}

/**
 * The process's own DynamoDB client, with the execution role's credentials: for the jobs that
 * must cross partnerships (reminders, the report-summary consumer), the local seed and the
 * partnership CLI only. Tenant requests use tenantDynamo. One per process, created on first use
 * (outside the handler, reused across invocations). DYNAMODB_ENDPOINT points it at DynamoDB Local.
 */
let system: Dynamo | undefined;
export function dynamo(): Dynamo {
  system ??= documentClient(undefined);
  return system;
}

/** One partnership's clients: credentials, guarded DynamoDB client, and the same credentials for S3. */
export interface TenantScope extends Dynamo {
  tenantId: string;
  credentials: AwsCredentialIdentityProvider;
}

/**
 * Partnerships whose clients a warm container keeps. A function serves the partnerships whose
 * users happen to reach it; beyond this many the least recently used is dropped (and assumes
 * the role again if it comes back), so memory stays bounded whatever the traffic.
 */
export const MAX_TENANT_SCOPES = 50;
const scopes = new Map<string, TenantScope>();

/**
 * The DynamoDB client for one partnership's request: credentials of the tenant-access role
 * tagged with the partnership (IAM confines them to its keys) and the tenant guard, which
 * refuses any request outside `<tenantId>#` before it is sent (tenant-guard.ts). Cached per
 * partnership per process; the credentials refresh themselves (tenant-credentials.ts).
 */
export function tenantDynamo(tenantId: string): TenantScope {
  const cached = scopes.get(tenantId);
  if (cached) {
    // Most recently used last: Map keeps insertion order, so the first key is the one to drop.
    scopes.delete(tenantId);
    scopes.set(tenantId, cached);
    return cached;
  }
  const credentials = tenantCredentials(tenantId);
  const dynamo = documentClient(credentials);
  guardTenantClient(dynamo.doc, tenantId, dynamo.tableName);
  const scope: TenantScope = { ...dynamo, tenantId, credentials };
  scopes.set(tenantId, scope);
  while (scopes.size > MAX_TENANT_SCOPES) scopes.delete(scopes.keys().next().value!);
  return scope;
}
