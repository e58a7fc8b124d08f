import { randomUUID } from 'node:crypto';
import { beforeAll, inject } from 'vitest';
import { ensureTable } from '../../infra/local/dynamodb';
import { LOCAL_TENANT_ROLE_ARN } from '../../infra/local/sts';

/**
 * Points this test file at a fresh table on the shared DynamoDB Local. Call at the top of
 * the file: handlers read the environment lazily, on their first request.
 */
export function useFreshTable(options: { stream?: boolean } = {}): { tableName: string; endpoint: string } {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `test-${randomUUID()}`;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME = tableName;
  process.env.S3_ENDPOINT = inject('s3Endpoint');
  process.env.DOCUMENTS_BUCKET = `documents-${tableName}`;
  process.env.IMPORTS_BUCKET = `imports-${tableName}`;
  // Tenant requests assume the tenant role at the local STS, as in AWS (tenant-credentials.ts).
  process.env.STS_ENDPOINT = inject('stsEndpoint');
  process.env.TENANT_ROLE_ARN = LOCAL_TENANT_ROLE_ARN;
  delete process.env.USER_POOL_ID;
  beforeAll(async () => {
    // A change stream only where a test runs the report-summary consumer (useStreamConsumer).
    await ensureTable(endpoint, tableName, { stream: options.stream ?? false });
  });
  return { tableName, endpoint };
}
