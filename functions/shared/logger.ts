import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './service';

/**
 * One logger per process. Log lines carry the correlation id (API Gateway request id),
 * the tenant and the role; never an event, a header, a token, a name or an email.
 */
export const logger = new Logger({ serviceName: SERVICE_NAME, logLevel: (process.env.LOG_LEVEL as 'INFO') ?? 'INFO' });
