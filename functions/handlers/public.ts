import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../../domain/shared/errors';
import { dynamo } from '../data/client';
import { HEALTH_KEY } from '../data/keys';
import { createHandler } from '../shared/http';
import { logger } from '../shared/logger';
import { openApiDocument } from '../openapi';

/** How long readiness waits for the table before it says the service is not ready. */
const READINESS_TIMEOUT_MS = 2_000;

/** Routes without a token: liveness, readiness and the API description. */
export const handler = createHandler('public', {
  health: async () => ({ status: 'ok' as const, time: new Date().toISOString() }),
  ready: async () => {
    const { doc, tableName } = dynamo();
    try {
      // An absent item is a good answer: the table was reached and read.
      await doc.send(new GetCommand({ TableName: tableName, Key: HEALTH_KEY, ProjectionExpression: 'PK' }), { abortSignal: AbortSignal.timeout(READINESS_TIMEOUT_MS) });
    } catch (error) {
      logger.warn('readiness: the table did not answer', { errorName: (error as Error).name });
      throw new ServiceUnavailableError('The service cannot reach its database.', 10);
    }
    return { status: 'ok' as const, time: new Date().toISOString(), checks: { table: 'ok' as const } };
  },
  openapi: async () => openApiDocument() as unknown as Record<string, unknown>,
});
