import createClient, { type Client } from 'openapi-fetch';
import type { Auth } from '../auth/auth';
import type { paths } from './schema';

export type { paths, components, operations } from './schema';
export type Api = Client<paths>;

/** One field-level problem, as the API reports it (`path` is dotted, e.g. `roles.0.name`). */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * A failed request, explained: the status, the API's code and message, its field errors and,
 * for a version conflict, the version that is current now. Status 0 is a network failure.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly fieldErrors: FieldError[] = [],
    readonly currentVersion?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isConflict() {
    return this.status === 409;
  }
  get isNetwork() {
    return this.status === 0;
  }
}

interface ErrorBody {
  message?: string;
  error?: { code?: string; message?: string; errors?: FieldError[]; currentVersion?: number };
}

export function toApiError(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as ErrorBody;
  const message =
    b.error?.message ??
    b.message ??
    (status === 401 ? 'Your session has ended.' : status === 403 ? 'You do not have permission to do that.' : status === 404 ? 'Not found.' : 'Something went wrong.');
  return new ApiError(status, message, b.error?.code, b.error?.errors ?? [], b.error?.currentVersion);
}

/**
 * Sends a POST again, once, when its answer never arrived (the network failed after sending):
 * with the same Idempotency-Key, so a create the API did carry out is answered, not made twice.
 */
async function fetchRetryingLostAnswers(request: Request): Promise<Response> {
  const again = request.method === 'POST' && request.headers.has('idempotency-key') ? request.clone() : undefined;
  try {
    return await fetch(request);
  } catch (error) {
    if (!again) throw error;
    return fetch(again);
  }
}

export function createApi(options: { baseUrl: string; auth: Auth; onUnauthorized: () => void }): Api {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: fetchRetryingLostAnswers });
  client.use({
    async onRequest({ request }) {
      const token = await options.auth.idToken();
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      // One key per user action (each click sends one request): the API's create routes keep
      // the first answer for 24 hours against it; other POST routes ignore the header.
      if (request.method === 'POST' && !request.headers.has('idempotency-key')) request.headers.set('idempotency-key', crypto.randomUUID());
      return request;
    },
    async onResponse({ response }) {
      if (response.status === 401) options.onUnauthorized();
      return response;
    },
  });
  return client;
}

/**
 * The body of a successful call, or an ApiError. openapi-fetch resolves with `{data, error}`;
 * this turns that (and a network failure, which rejects) into one shape for TanStack Query.
 */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(0, 'The service could not be reached. Check your connection; nothing you typed has been lost.');
  }
  if (!result.response.ok) throw toApiError(result.response.status, result.error);
  return result.data as T;
}
