import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../infra/local/dynamodb';
import { startLocalS3 } from '../infra/local/s3';
import { startLocalSts } from '../infra/local/sts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
    stsEndpoint: string;
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * One DynamoDB Local, one local S3 and one local STS for the whole run; test files get their own
 * tables. Tenant requests assume the tenant role at the STS stand-in, and the S3 stand-in checks
 * URLs signed with those credentials.
 */
export default async function setup(project: TestProject) {
  const sts = await startLocalSts();
  const [dynamo, s3] = await Promise.all([startDynamoLocal(), startLocalS3(undefined, { issued: sts.lookup })]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('s3Endpoint', s3.endpoint);
  project.provide('stsEndpoint', sts.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), s3.stop(), sts.stop()]);
  };
}
