import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from 'zod';
import { ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../domain/shared/errors';
import { callerFromClaims, requireRole, type Caller } from '../../domain/shared/identity';
import { ROUTES, routeKey, type GroupName, type RouteContract, type RouteId, type RoutesOf } from '../api';
import { errorResponder } from './errors';
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
    const result = await impl(input);
    ROUTE_METRICS[id]?.(input, result);
    if (result instanceof RawResponse) {
      return { statusCode: contract.status ?? 200, headers: { 'content-type': result.contentType, 'cache-control': 'no-store', ...result.headers }, body: result.body };
    }
    return json(contract.status ?? 200, contract.response.parse(result));
  }

  return middy<HttpEvent, APIGatewayProxyStructuredResultV2>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .use({ before: async (request) => logger.setCorrelationId(request.event.requestContext?.requestId) })
    .use(httpCors({ origins: (process.env.ALLOWED_ORIGINS ?? '*').split(','), headers: 'authorization,content-type' }))
    .use(errorResponder())
    .use(jsonBodyParser())
    .handler(dispatch);
}

