import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../infra/local/dynamodb';
import { startLocalS3 } from '../infra/local/s3';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** One DynamoDB Local and one local S3 for the whole run; test files get their own tables. */
export default async function setup(project: TestProject) {
  const [dynamo, s3] = await Promise.all([startDynamoLocal(), startLocalS3()]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), s3.stop()]);
  };
}
