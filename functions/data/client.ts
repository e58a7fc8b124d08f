import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { traced } from '../shared/tracer';
import { TABLE } from './table';
import { tenantCredentials } from './tenant-credentials';
import { guardTenantClient } from './tenant-guard';

type Dynamo = { doc: DynamoDBDocumentClient; tableName: string };

function documentClient(credentials: AwsCredentialIdentityProvider | undefined): Dynamo {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const client = traced(new DynamoDBClient(
    endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'eu-west-2',
          // DynamoDB Local runs with sharedDb: whatever key signs the request, the data is one.
          credentials: credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : { credentials },
  ));
  // The SDK's logger middleware filters every response for sensitive fields to hand it to the
  // client's logger, even when there is none: a report's 600 summaries walked once more, about
  // 5% of its time. We never give the SDK a logger (our logs name no record: logger.ts).
  client.middlewareStack.remove('loggerMiddleware');
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
