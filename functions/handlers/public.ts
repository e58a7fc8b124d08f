import { createHandler } from '../shared/http';
import { openApiDocument } from '../openapi';

/** Routes without a token: liveness and the API description. */
export const handler = createHandler('public', {
  health: async () => ({ status: 'ok' as const, time: new Date().toISOString() }),
  openapi: async () => openApiDocument() as unknown as Record<string, unknown>,
});
