import { z } from 'zod';
import { AuditEvent, AuditQuery } from '../domain/audit/audit';
import { Authority, CreateAuthority, UpdateAuthority } from '../domain/authorities/authority';
import { EntityId } from '../domain/shared/ids';
import { Role, type Role as RoleT } from '../domain/shared/identity';
import { CreateUser, User } from '../domain/users/user';

/**
 * The API contract: every route, once. The CDK stack wires API Gateway routes from it,
 * the local server dispatches with it, the OpenAPI document is generated from it, and
 * the authorization matrix test fails if a route here has no row.
 *
 * Handlers are grouped into one Lambda function per resource group (see README).
 */
export const GROUPS = {
  public: { entry: 'functions/handlers/public.ts', table: 'none' },
  me: { entry: 'functions/handlers/me.ts', table: 'RO' },
  authorities: { entry: 'functions/handlers/authorities.ts', table: 'RW' },
  users: { entry: 'functions/handlers/users.ts', table: 'RW' },
  audit: { entry: 'functions/handlers/audit.ts', table: 'RO' },
} as const satisfies Record<string, { entry: string; table: 'none' | 'RO' | 'RW' }>;
export type GroupName = keyof typeof GROUPS;

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteContract {
  method: Method;
  path: string;
  group: GroupName;
  /** `none` only for /health and /openapi.json; everything else sits behind the JWT authorizer. */
  auth: 'jwt' | 'none';
  summary: string;
  /** Roles that may call the route at all; finer rules (own authority) live in the domain. */
  roles?: readonly RoleT[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  status?: number;
}

const ALL_ROLES = Role.options;
const IdParam = z.object({ id: EntityId });
const Health = z.object({ status: z.literal('ok'), time: z.string() });
const Me = z.object({
  tenantId: z.string(),
  partnershipName: z.string().optional(),
  userId: z.string(),
  role: Role,
  authorityId: z.string().optional(),
  authorityName: z.string().optional(),
});
const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional().describe('Pass as `cursor` for the next page') });

function route<const R extends RouteContract>(r: R): R {
  return r;
}

export const ROUTES = {
  health: route({
    method: 'GET', path: '/health', group: 'public', auth: 'none',
    summary: 'Liveness check', response: Health,
  }),
  openapi: route({
    method: 'GET', path: '/openapi.json', group: 'public', auth: 'none',
    summary: 'This OpenAPI document', response: z.record(z.string(), z.unknown()),
  }),
  me: route({
    method: 'GET', path: '/me', group: 'me', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Who the token says you are', response: Me,
  }),
  listAuthorities: route({
    method: 'GET', path: '/authorities', group: 'authorities', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Authorities you can see (all of the partnership for the steering group)',
    response: z.object({ items: z.array(Authority) }),
  }),
  createAuthority: route({
    method: 'POST', path: '/authorities', group: 'authorities', auth: 'jwt', roles: ['steering-group'],
    summary: 'Add an authority to the partnership', body: CreateAuthority, response: Authority, status: 201,
  }),
  getAuthority: route({
    method: 'GET', path: '/authorities/{id}', group: 'authorities', auth: 'jwt', roles: ALL_ROLES,
    summary: 'One authority', params: IdParam, response: Authority,
  }),
  updateAuthority: route({
    method: 'PUT', path: '/authorities/{id}', group: 'authorities', auth: 'jwt', roles: ['steering-group', 'authority-lead'],
    summary: 'Replace an authority’s details (steering group, or the authority’s own lead)',
    params: IdParam, body: UpdateAuthority, response: Authority,
  }),
  listUsers: route({
    method: 'GET', path: '/users', group: 'users', auth: 'jwt', roles: ['steering-group'],
    summary: 'Users of the partnership', response: z.object({ items: z.array(User) }),
  }),
  createUser: route({
    method: 'POST', path: '/users', group: 'users', auth: 'jwt', roles: ['steering-group'],
    summary: 'Invite a user to the partnership with one role', body: CreateUser, response: User, status: 201,
  }),
  listAudit: route({
    method: 'GET', path: '/audit', group: 'audit', auth: 'jwt', roles: ['steering-group'],
    summary: 'The partnership’s audit trail, newest first', query: AuditQuery, response: pageOf(AuditEvent),
  }),
} satisfies Record<string, RouteContract>;

export type RouteId = keyof typeof ROUTES;
export type RoutesOf<G extends GroupName> = {
  [K in RouteId]: (typeof ROUTES)[K]['group'] extends G ? K : never;
}[RouteId];

export function routeKey(r: Pick<RouteContract, 'method' | 'path'>): string {
  return `${r.method} ${r.path}`;
}
