import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { GROUPS, groupLimits, ROUTES, routeKey, type GroupName, type RouteContract } from '../../functions/api';
import type { HttpEvent } from '../../functions/shared/http';
import type { LocalIssuer } from './issuer';

/**
 * Stands in for API Gateway (HTTP API, payload v2) locally and in tests: matches the
 * route, runs the JWT authorizer for real (signature, issuer, audience, expiry), places
 * the claims where API Gateway puts them (as strings; arrays as "[a b]"), and invokes the
 * very handler module that Lambda runs.
 */
type LambdaHandler = (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const HANDLERS: Record<GroupName, () => Promise<{ handler: LambdaHandler }>> = {
  public: () => import('../../functions/handlers/public') as never,
  me: () => import('../../functions/handlers/me') as never,
  authorities: () => import('../../functions/handlers/authorities') as never,
  users: () => import('../../functions/handlers/users') as never,
  audit: () => import('../../functions/handlers/audit') as never,
  partnership: () => import('../../functions/handlers/partnership') as never,
  training: () => import('../../functions/handlers/training') as never,
  sop: () => import('../../functions/handlers/sop') as never,
  assurance: () => import('../../functions/handlers/assurance') as never,
  reports: () => import('../../functions/handlers/reports') as never,
  identity: () => import('../../functions/handlers/identity') as never,
  steering: () => import('../../functions/handlers/steering') as never,
};

export interface GatewayRequest {
  method: string;
  /** Path with optional query string, e.g. `/audit?limit=5`. */
  url: string;
  headers?: Record<string, string | undefined>;
  /** The body as sent: bytes from the HTTP server; a string (taken as UTF-8) from tests. */
  body?: string | Uint8Array;
}

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** A binary answer (a Word document), which the function sent base64-encoded as Lambda does. */
  binary?: Buffer;
}

interface CompiledRoute {
  contract: RouteContract;
  pattern: RegExp;
  names: string[];
}

function compile(contract: RouteContract): CompiledRoute {
  const names: string[] = [];
  const segments = contract.path.split('/').map((segment) => {
    const param = /^\{(\w+)\}$/.exec(segment);
    if (!param) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    names.push(param[1]);
    return '([^/]+)';
  });
  return { contract, pattern: new RegExp(`^${segments.join('/')}$`), names };
}

/** API Gateway stringifies claims: arrays become "[a b]", numbers become strings. */
function flattenClaims(payload: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) out[k] = Array.isArray(v) ? `[${v.join(' ')}]` : String(v);
  return out;
}

/**
 * A path parameter as API Gateway hands it over, percent-decoded; undefined when it cannot
 * be (`%zz`, or bytes that are not UTF-8 such as the overlong `%C0%AF`).
 */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * HTTP APIs (payload 2.0) pass a body to Lambda as text when its content type is text-like and
 * base64-encode it (`isBase64Encoded: true`) otherwise: binary types, form posts, or no type.
 */
const TEXT_TYPES = /^(text\/[^;]+|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|javascript))\s*(;|$)/i;

export function lambdaBody(body: string | Uint8Array | undefined, contentType: string | undefined): { body?: string; isBase64Encoded: boolean } {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined;
  if (!bytes || bytes.length === 0) return { body: undefined, isBase64Encoded: false };
  if (contentType && TEXT_TYPES.test(contentType.trim())) return { body: bytes.toString('utf8'), isBase64Encoded: false };
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

/** A request that cannot be routed as sent: refused with the product's error shape, never a crash. */
const badRequest = (errors: { path: string; message: string }[]): GatewayResponse => ({
  statusCode: 400,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ error: { code: 'validation_failed', message: 'The request is not valid.', errors } }),
});

const unauthorized = (): GatewayResponse => ({
  statusCode: 401,
  headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
  body: JSON.stringify({ message: 'Unauthorized' }),
});

export function createGateway(options: { issuer: LocalIssuer; stage?: string }) {
  const routes = Object.values(ROUTES).map((r) => compile(r as RouteContract));
  const loaded = new Map<GroupName, LambdaHandler>();

  async function handlerFor(group: GroupName): Promise<LambdaHandler> {
    let h = loaded.get(group);
    if (!h) {
      h = (await HANDLERS[group]()).handler;
      loaded.set(group, h);
    }
    return h;
  }

  async function handle(req: GatewayRequest): Promise<GatewayResponse> {
    let url: URL;
    try {
      url = new URL(req.url, 'http://localhost');
    } catch {
      return badRequest([{ path: 'path', message: 'Not a valid request target.' }]);
    }
    const method = req.method.toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;

    if (method === 'OPTIONS') {
      return {
        statusCode: 204,
        headers: {
          'access-control-allow-origin': '*',
          'access-control-allow-headers': 'authorization,content-type,idempotency-key',
          'access-control-allow-methods': 'GET,POST,PUT,DELETE,OPTIONS',
        },
        body: '',
      };
    }

    let match: { route: CompiledRoute; params: Record<string, string> } | undefined;
    for (const route of routes) {
      if (route.contract.method !== method) continue;
      const m = route.pattern.exec(url.pathname);
      if (m) {
        const params: Record<string, string> = {};
        for (const [i, name] of route.names.entries()) {
          const value = decodePathSegment(m[i + 1]);
          if (value === undefined) return badRequest([{ path: `path.${name}`, message: 'Malformed percent-encoding (not UTF-8 text).' }]);
          params[name] = value;
        }
        match = { route, params };
        break;
      }
    }
    if (!match) return { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Not Found' }) };
    const { contract } = match.route;

    let claims: Record<string, string> | undefined;
    if (contract.auth === 'jwt') {
      const auth = headers.authorization ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
      if (!token) return unauthorized();
      try {
        claims = flattenClaims(await options.issuer.verify(token));
      } catch {
        return unauthorized();
      }
    }

    const requestId = randomUUID();
    const query = Object.fromEntries(url.searchParams.entries());
    const event = {
      version: '2.0',
      routeKey: routeKey(contract),
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      queryStringParameters: Object.keys(query).length ? query : undefined,
      pathParameters: Object.keys(match.params).length ? match.params : undefined,
      ...lambdaBody(req.body, headers['content-type']),
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId,
        routeKey: routeKey(contract),
        stage: options.stage ?? '$default',
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
        ...(claims ? { authorizer: { jwt: { claims, scopes: [] }, principalId: '', integrationLatency: 0 } } : {}),
      },
    } as unknown as HttpEvent;

    const group = contract.group;
    const limits = groupLimits(group);
    const deadline = Date.now() + limits.timeoutSeconds * 1000;
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: `local-${group}`,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${group}`,
      memoryLimitInMB: String(limits.memoryMB),
      awsRequestId: requestId,
      logGroupName: `/local/${group}`,
      logStreamName: 'local',
      // The group's Lambda timeout, counting down as in Lambda (middy answers early on it).
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } as Context;

    const result = await (await handlerFor(group))(event, context);
    const binary = result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : undefined;
    return {
      statusCode: result.statusCode ?? 200,
      headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
      body: binary ? '' : (result.body ?? ''),
      ...(binary ? { binary } : {}),
    };
  }

  return { handle, groups: Object.keys(GROUPS) as GroupName[] };
}

export type Gateway = ReturnType<typeof createGateway>;
