import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ConflictError, DomainError, ServiceUnavailableError, ValidationError } from '../../domain/shared/errors';
import { logger, sourceMappedStack } from './logger';
import { json } from './responses';

/** Maps thrown errors to responses: domain errors to 4xx, anything else to a bare 500. */
export function errorResponder(): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const error = request.error as (Error & { statusCode?: number; cause?: { package?: string } }) | null;
      request.response = toResponse(error, request.event?.requestContext?.requestId);
    },
  };
}

const STATUS: Record<string, number> = {
  validation_failed: 400,
  forbidden: 403,
  not_found: 404,
  version_conflict: 409,
  already_exists: 409,
  immutable: 409,
  busy: 409,
  payload_too_large: 413,
  unavailable: 503,
};

export function toResponse(
  error: (Error & { statusCode?: number; cause?: unknown }) | null,
  requestId: string | undefined,
): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError) {
    const body: Record<string, unknown> = { code: error.code, message: error.message };
    if (error instanceof ValidationError) body.errors = error.errors;
    if (error instanceof ConflictError && error.details.currentVersion !== undefined) body.currentVersion = error.details.currentVersion;
    logger.info('request refused', { code: error.code });
    if (error instanceof ServiceUnavailableError) {
      body.retryAfterSeconds = error.retryAfterSeconds;
      return json(503, { error: body }, { 'retry-after': String(error.retryAfterSeconds) });
    }
    return json(STATUS[error.code] ?? 400, { error: body });
  }
  const fromBodyParser = (error?.cause as { package?: string } | undefined)?.package === '@middy/http-json-body-parser';
  if (fromBodyParser) {
    return json(400, {
      error: { code: 'invalid_json', message: 'The request body is not valid JSON.', errors: [{ path: 'body', message: 'Malformed JSON' }] },
    });
  }
  // Unknown failure: log what helps engineers, return nothing internal to the caller.
  logger.error('unhandled error', { errorName: error?.name, stack: sourceMappedStack(error?.stack) });
  return json(500, { error: { code: 'internal', message: 'Something went wrong on our side.', requestId } });
}
