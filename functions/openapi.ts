import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { ROUTES, type RouteContract } from './api';

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    currentVersion: z.number().optional(),
    retryAfterSeconds: z.number().optional().describe('With 503: also sent as the Retry-After header'),
  }),
});

/** The header of the create routes (functions/shared/http.ts). */
const IdempotencyHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{8,128}$/)
    .optional()
    .describe(
      'A fresh UUID per user action, the same when that action is sent again. Within 24 hours the same key with the same request returns the first answer ' +
        '(header Idempotent-Replayed: true) and writes nothing; with a different request it is a 422; while the first is still running, a 409.',
    ),
});

/** A file body in OpenAPI 3.0 terms: a binary string. */
const FileSchema = { type: 'string', format: 'binary' } as const;

let cached: ReturnType<OpenApiGeneratorV3['generateDocument']> | undefined;

/** The OpenAPI 3 document, generated from the same zod contracts the handlers validate with. */
export function openApiDocument() {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'cognito', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const [operationId, r] of Object.entries(ROUTES) as [string, RouteContract][]) {
    const errors: Record<number, string> = { 400: 'Invalid input (field errors listed)', 500: 'Internal error' };
    if (r.auth === 'jwt') errors[503] = 'The database stayed busy after bounded retries; nothing more was written. Retry after Retry-After seconds';
    if (r.auth === 'jwt') Object.assign(errors, { 401: 'No or invalid token', 403: 'Role not allowed', 404: 'Not found or not yours' });
    if (r.method === 'PUT' || r.method === 'POST') errors[409] = 'Version conflict, duplicate, or an import in progress';
    if (r.bodyContentType === 'text/csv') errors[413] = 'File too large';
    if (r.idempotent) {
      errors[409] = 'Version conflict or duplicate; or the first request with this Idempotency-Key is still running (idempotency_in_flight), or it was carried out but its answer was lost (already_applied)';
      errors[422] = 'This Idempotency-Key was used for a different request (idempotency_key_reused)';
    }
    registry.registerPath({
      operationId,
      method: r.method.toLowerCase() as 'get',
      path: r.path,
      summary: r.summary,
      description: r.roles ? `Roles: ${r.roles.join(', ')}` : undefined,
      security: r.auth === 'jwt' ? [{ cognito: [] }] : [],
      request: {
        params: r.params,
        query: r.query,
        headers: r.idempotent ? IdempotencyHeaders : undefined,
        body: r.body
          ? r.bodyContentType === 'text/csv'
            ? { content: Object.fromEntries((r.fileTypes ?? ['text/csv']).map((type) => [type, { schema: FileSchema }])), required: true, description: 'The file itself, as bytes' }
            : { content: { [r.bodyContentType ?? 'application/json']: { schema: r.body } }, required: true }
          : undefined,
      },
      responses: {
        [r.status ?? 200]: {
          description: 'OK',
          content: {
            'application/json': { schema: r.response },
            ...Object.fromEntries((r.produces ?? []).map((type) => [type, { schema: z.string() }])),
          },
        },
        ...Object.fromEntries(
          Object.entries(errors).map(([code, description]) => [code, { description, content: { 'application/json': { schema: ErrorBody } } }]),
        ),
      },
    });
  }
  cached = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: 'Prevent duty compliance API', version: '0.1.0', description: 'Records of Prevent-duty authorities and their steering group.' },
  });
  return cached;
}
