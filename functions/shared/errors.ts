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
  idempotency_key_reused: 422,
  idempotency_in_flight: 409,
  already_applied: 409,
};

/**
 * An Idempotency-Key that cannot be honoured as asked (functions/shared/http.ts): used before
 * with another request (422), its first request still running (409), or its first request's
 * write landed but its answer was never saved (409: the record exists; reload to see it).
 */
export class IdempotencyError extends DomainError {
  constructor(
    readonly code: 'idempotency_key_reused' | 'idempotency_in_flight' | 'already_applied',
    message: string,
  ) {
    super(message);
  }
}

/**
 * AWS SDK failures that outlived the SDK's own retries and say nothing about the request
 * itself: throttling, DynamoDB's internal errors, timeouts and dropped connections. The request
 * may be sent again (creates with their Idempotency-Key): 503 with Retry-After, not a 500.
 * A transaction cancelled for one of these reasons (not a condition) counts too.
 */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'InternalServerError',
  'ServiceUnavailable', 'ServiceUnavailableException', 'TransactionInProgressException', 'TimeoutError', 'RequestTimeout',
  'RequestTimeoutException', 'AbortError', 'RequestDeadlineExceeded',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);
const TRANSIENT_CANCELLATIONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'TransactionConflict', 'InternalServerError']);

export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export function isTransientAwsError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string; CancellationReasons?: { Code?: string }[]; cause?: unknown };
  if (e.name === 'TransactionCanceledException') {
    const codes = (e.CancellationReasons ?? []).map((r) => r?.Code).filter((c) => c && c !== 'None');
    return codes.length > 0 && codes.every((c) => TRANSIENT_CANCELLATIONS.has(c!));
  }
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.$fault === 'server' && (e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return e.cause !== undefined && e.cause !== error && isTransientAwsError(e.cause);
}

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
  if (isTransientAwsError(error)) {
    logger.warn('database unavailable after retries', { errorName: error?.name, code: (error as { code?: string } | null)?.code });
    const retryAfter = UNAVAILABLE_RETRY_AFTER_SECONDS;
    return json(503, {
      error: { code: 'unavailable', message: `The database did not answer in time. Try again in ${retryAfter} seconds: a create sent again with the same Idempotency-Key is never applied twice.`, retryAfterSeconds: retryAfter },
    }, { 'retry-after': String(retryAfter) });
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
