import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../domain/shared/errors';
import { callerFromClaims, requireRole, type Caller } from '../../domain/shared/identity';
import { groupLimits, ROUTES, routeKey, type GroupName, type RouteContract, type RouteId, type RoutesOf } from '../api';
import { dynamoTimeouts, requestDeadline } from '../data/client';
import { idempotencyContext, type IdempotencyContext, type TableStore } from '../data/store';
import { tenantDeps } from './deps';
import { errorResponder, IdempotencyError } from './errors';
import { logger } from './logger';
import { publishMetrics } from './metrics';
import { json, RawResponse } from './responses';
import { ROUTE_METRICS } from './route-metrics';
import { tracer } from './tracer';

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

/** What a route implementation receives: the verified caller and validated input. */
export interface RouteInput<R extends RouteContract> {
  caller: R['auth'] extends 'jwt' ? Caller : undefined;
  params: Infer<R['params']>;
  query: Infer<R['query']>;
  body: Infer<R['body']>;
}

export type RouteImpl<R extends RouteContract> = (input: RouteInput<R>) => Promise<z.input<R['response']> | RawResponse>;

export type GroupImpls<G extends GroupName> = { [K in RoutesOf<G>]: RouteImpl<(typeof ROUTES)[K]> };

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

function toFieldErrors(error: z.ZodError, location: 'body' | 'query' | 'path'): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const prefix = location === 'body' ? '' : `${location}.`;
    return { path: `${prefix}${path}` || location, message: issue.message };
  });
}

function validate<T extends z.ZodType | undefined>(schema: T, value: unknown, location: 'body' | 'query' | 'path'): Infer<T> {
  if (!schema) return undefined as Infer<T>;
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toFieldErrors(result.error, location));
  return result.data as Infer<T>;
}

/**
 * Parses JSON bodies; a request with no body at all (a GET that names a JSON content type,
 * say) has nothing to parse, and is left for the route's own schema to judge — middy's
 * parser alone refuses it as malformed JSON.
 */
function jsonBodyParser(): middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2> {
  const parser = httpJsonBodyParser({ disableContentTypeError: true });
  return {
    before: async (request) => {
      const body = request.event.body as unknown;
      if (body === undefined || body === null || body === '') return;
      await parser.before!(request as never);
    },
  };
}

/**
 * In AWS the API is reached through CloudFront (and its WAF), which adds a secret header on the
 * way to the API's origin. A request to the execute-api endpoint without it bypassed the WAF:
 * refused before any route runs. Unset (locally, in tests) nothing is checked.
 */
function originVerified(event: HttpEvent): boolean {
  const header = process.env.ORIGIN_VERIFY_HEADER;
  const expected = process.env.ORIGIN_VERIFY_SECRET;
  if (!header || !expected) return true;
  const got = Buffer.from(event.headers?.[header.toLowerCase()] ?? '');
  const want = Buffer.from(expected);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The header a create may carry (any case on the wire; API Gateway passes it lower-cased). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** A UUID as the web app sends, or any other client's token of the same kind. */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

function idempotencyKeyOf(event: HttpEvent): string | undefined {
  const headers = event.headers ?? {};
  const found = Object.entries(headers).find(([name]) => name.toLowerCase() === 'idempotency-key');
  if (!found) return undefined;
  const value = found[1] ?? '';
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new ValidationError([{ path: `header.${IDEMPOTENCY_HEADER}`, message: '8 to 128 letters, digits or - _ . : (a UUID, fresh for each action, the same when it is retried)' }]);
  }
  return value;
}

/**
 * What makes two requests "the same" for one key: the caller, the route, its path parameters
 * and its validated body. A different caller or body with the same key is refused (422), so a
 * saved answer only ever goes back to the person who got it first.
 */
export function idempotencyRequestHash(caller: Caller, contract: RouteContract, params: unknown, body: unknown): string {
  return createHash('sha256').update(JSON.stringify([caller.userId, contract.method, contract.path, params ?? null, body ?? null]), 'utf8').digest('base64url');
}

/**
 * Runs a create under its Idempotency-Key: the first request claims the key and runs (its write
 * marks the claim in the same transaction, functions/data/store.ts) and its answer is saved for
 * 24 hours; a retry with the same request gets that answer (Idempotent-Replayed: true) and
 * writes nothing. A failed first attempt (a 4xx, a 503) that wrote nothing gives the key back,
 * so its retry runs afresh. Errors are not saved: they wrote nothing.
 */
async function idempotently(
  table: TableStore,
  caller: Caller,
  key: string,
  hash: string,
  lockSeconds: number,
  run: () => Promise<APIGatewayProxyStructuredResultV2>,
): Promise<APIGatewayProxyStructuredResultV2> {
  const claim = await table.claimIdempotency(caller.tenantId, key, hash, new Date(), lockSeconds);
  if ('existing' in claim) {
    const first = claim.existing;
    if (first.requestHash !== hash) {
      throw new IdempotencyError('idempotency_key_reused', `This ${IDEMPOTENCY_HEADER} was used for a different request; send a new key for a new action.`);
    }
    if (first.state === 'done' && first.status !== undefined && first.body !== undefined) {
      return {
        statusCode: first.status,
        headers: { 'content-type': first.contentType ?? 'application/json; charset=utf-8', 'cache-control': 'no-store', 'idempotent-replayed': 'true' },
        body: first.body,
      };
    }
    // Written but not yet answered: the first request is still on its way out, unless its time
    // is up (it died between its write and saving its answer).
    if (first.state === 'written' && first.lockedUntil <= new Date().toISOString()) {
      throw new IdempotencyError('already_applied', 'This request was already carried out, but its answer was lost on the way; reload the page to see the record.');
    }
    throw new IdempotencyError('idempotency_in_flight', 'The first request with this key is still being handled; try again in a moment.');
  }
  const ctx: IdempotencyContext = claim.claimed;
  let response: APIGatewayProxyStructuredResultV2;
  try {
    response = await idempotencyContext.run(ctx, run);
  } catch (error) {
    // Best effort: if giving the key back fails too, the claim lapses at `lockedUntil`.
    await table.releaseIdempotency(ctx, new Date()).catch(() => undefined);
    throw error;
  }
  const contentType = String(response.headers?.['content-type'] ?? 'application/json; charset=utf-8');
  await table.saveIdempotentAnswer(ctx, { status: response.statusCode ?? 200, body: String(response.body ?? ''), contentType });
  return response;
}

/**
 * Builds the Lambda handler of one resource group: the shared middy chain around a
 * dispatcher that picks the route by API Gateway's routeKey, reads the caller from the
 * verified JWT claims only, validates path, query and body with the contract's zod
 * schemas, calls the implementation and shapes the response through the contract's
 * response schema (so nothing undeclared ever leaves).
 */
export function createHandler<G extends GroupName>(group: G, impls: GroupImpls<G>) {
  const table = new Map<string, { id: RouteId; contract: RouteContract }>();
  for (const [id, contract] of Object.entries(ROUTES) as [RouteId, RouteContract][]) {
    if (contract.group === group) table.set(routeKey(contract), { id, contract });
  }

  /**
   * Runs the request with its database deadline: the function's remaining time less the margin
   * it needs to answer (functions/data/client.ts), so a stalled database ends in a 503 with
   * Retry-After, never in the function being cut off at its limit.
   */
  async function dispatchInTime(event: HttpEvent, context: Context | undefined): Promise<APIGatewayProxyStructuredResultV2> {
    const remaining = context?.getRemainingTimeInMillis?.() ?? groupLimits(group).timeoutSeconds * 1000;
    return requestDeadline.run(Date.now() + remaining - dynamoTimeouts().answerMarginMs, () => dispatch(event));
  }

  async function dispatch(event: HttpEvent): Promise<APIGatewayProxyStructuredResultV2> {
    if (!originVerified(event)) throw new ForbiddenError('Requests reach this API through its published address only.');
    const entry = table.get(event.routeKey);
    if (!entry) throw new NotFoundError('Route');
    const { id, contract } = entry;
    let caller: Caller | undefined;
    if (contract.auth === 'jwt') {
      caller = callerFromClaims(event.requestContext?.authorizer?.jwt?.claims);
      logger.appendKeys({ tenantId: caller.tenantId, role: caller.role, route: id });
      if (contract.roles) requireRole(caller, ...contract.roles);
    }
    let body: unknown = event.body ?? undefined;
    if (contract.bodyContentType === 'text/csv') {
      // A file: bytes for the importer to decode (API Gateway base64-encodes binary types).
      body = typeof body === 'string' && body !== '' ? Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
    }
    const input = {
      caller,
      params: validate(contract.params, event.pathParameters ?? {}, 'path'),
      query: validate(contract.query, event.queryStringParameters ?? {}, 'query'),
      body: validate(contract.body, body, 'body'),
    };
    const impl = (impls as unknown as Record<string, (i: typeof input) => Promise<unknown>>)[id];
    const respond = async (): Promise<APIGatewayProxyStructuredResultV2> => {
      const result = await impl(input);
      ROUTE_METRICS[id]?.(input, result);
      if (result instanceof RawResponse) {
        const headers = { 'content-type': result.contentType, 'cache-control': 'no-store', ...result.headers };
        // Bytes travel base64-encoded, as API Gateway expects of a Lambda proxy answer.
        if (typeof result.body !== 'string') return { statusCode: contract.status ?? 200, headers, body: Buffer.from(result.body).toString('base64'), isBase64Encoded: true };
        return { statusCode: contract.status ?? 200, headers, body: result.body };
      }
      return json(contract.status ?? 200, contract.response.parse(result));
    };
    const key = contract.idempotent && caller ? idempotencyKeyOf(event) : undefined;
    if (!key || !caller) return respond();
    // Held for the function's whole time limit and a little more: a claim outlives its request
    // only if the request died, and then a retry takes it over.
    const lockSeconds = groupLimits(group).timeoutSeconds + 5;
    return idempotently(tenantDeps(caller).table, caller, key, idempotencyRequestHash(caller, contract, input.params, input.body), lockSeconds, respond);
  }

  return middy<HttpEvent, APIGatewayProxyStructuredResultV2>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .use({ before: async (request) => logger.setCorrelationId(request.event.requestContext?.requestId) })
    .use(httpCors({ origins: (process.env.ALLOWED_ORIGINS ?? '*').split(','), headers: 'authorization,content-type,idempotency-key', exposeHeaders: 'retry-after,idempotent-replayed' }))
    .use(errorResponder())
    .use(jsonBodyParser())
    .handler(dispatchInTime);
}

