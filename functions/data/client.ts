import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from './table';

/**
 * One document client per process, created on first use (outside the handler, reused
 * across invocations). DYNAMODB_ENDPOINT points it at DynamoDB Local.
 */
let cached: { doc: DynamoDBDocumentClient; tableName: string } | undefined;

export function dynamo(): { doc: DynamoDBDocumentClient; tableName: string } {
  if (cached) return cached;
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient(
    endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'eu-west-2',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {},
  );
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  cached = { doc, tableName: process.env.TABLE_NAME ?? TABLE.defaultName };
  return cached;
}
