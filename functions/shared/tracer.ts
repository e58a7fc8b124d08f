import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './service';

/**
 * X-Ray tracing (the functions run with active tracing). Outside Lambda the tracer is off and
 * `traced` hands the client back untouched, so tests and `npm start` pay nothing.
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

/** An AWS SDK v3 client whose calls appear as subsegments (DynamoDB, S3, STS, SQS, SES...). */
export function traced<T>(client: T): T {
  return tracer.isTracingEnabled() ? tracer.captureAWSv3Client(client) : client;
}
