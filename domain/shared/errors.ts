/**
 * Typed errors thrown by use cases. The HTTP layer maps each to a status code;
 * nothing here knows about HTTP or AWS.
 */
export interface FieldError {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/** Input that is well-formed JSON but breaks a rule (400). */
export class ValidationError extends DomainError {
  readonly code = 'validation_failed';
  constructor(readonly errors: FieldError[], message = 'The request is not valid.') {
    super(message);
  }
}

/** The caller is known but may not do this (403). */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
  constructor(message = 'You do not have permission to do this.') {
    super(message);
  }
}

/** The record does not exist, or exists outside the caller's reach (404, so existence does not leak). */
export class NotFoundError extends DomainError {
  readonly code = 'not_found';
  constructor(readonly entity: string, message = `${entity} not found.`) {
    super(message);
  }
}

/** A write raced another one, or would duplicate an existing record (409). */
export class ConflictError extends DomainError {
  readonly code: string;
  constructor(
    message: string,
    readonly details: { currentVersion?: number; reason: 'stale_version' | 'already_exists' | 'immutable' | 'busy' | 'not_resumable' } = {
      reason: 'stale_version',
    },
  ) {
    super(message);
    this.code = details.reason === 'stale_version' ? 'version_conflict' : details.reason;
  }
}

/**
 * The database kept refusing part of a batch (throttling) after every retry: nothing more
 * was written, and the same request may be sent again after `retryAfterSeconds` (503).
 */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'unavailable';
  constructor(
    message = 'The service is busy; nothing more was written. Try again shortly.',
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
  }
}
