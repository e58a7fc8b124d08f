import * as z from 'zod';
import { ForbiddenError, NotFoundError } from './errors';
import { isEntityId, isTenantId } from './ids';

export const ROLES = ['steering-group', 'authority-lead', 'authority-editor', 'viewer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Roles whose reach is one authority: they must carry an authority claim. */
const AUTHORITY_BOUND_ROLES: readonly Role[] = ['authority-lead', 'authority-editor'];

/**
 * Who is calling, built only from verified token claims (never from a path or body).
 */
export interface Caller {
  tenantId: string;
  userId: string;
  role: Role;
  /** Present for users who belong to one authority. */
  authorityId?: string;
}

/** Claim names as Cognito issues them. */
export const CLAIMS = {
  tenantId: 'custom:tenantId',
  authorityId: 'custom:authorityId',
  groups: 'cognito:groups',
  subject: 'sub',
} as const;

/**
 * API Gateway (HTTP API, payload v2) hands JWT claims over as strings; array claims
 * such as `cognito:groups` arrive as "[a b]". Raw tokens carry real arrays. Accept both.
 */
function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.trim())
    .filter(Boolean);
}

/**
 * Turns verified claims into a Caller, failing closed: anything missing, malformed or
 * ambiguous is a 403 before any data is touched.
 */
export function callerFromClaims(claims: Record<string, unknown> | undefined | null): Caller {
  if (!claims) throw new ForbiddenError('The token carries no identity claims.');
  const tenantId = claims[CLAIMS.tenantId];
  if (!isTenantId(tenantId)) throw new ForbiddenError('The token is not bound to a partnership.');
  const userId = claims[CLAIMS.subject];
  if (typeof userId !== 'string' || userId.length === 0) throw new ForbiddenError('The token has no subject.');
  const roles = parseGroups(claims[CLAIMS.groups]).filter((g): g is Role => (ROLES as readonly string[]).includes(g));
  if (roles.length !== 1) throw new ForbiddenError('The token must carry exactly one role.');
  const role = roles[0];
  const rawAuthority = claims[CLAIMS.authorityId];
  let authorityId: string | undefined;
  if (rawAuthority !== undefined && rawAuthority !== '') {
    if (!isEntityId(rawAuthority)) throw new ForbiddenError('The token carries a malformed authority.');
    authorityId = rawAuthority;
  }
  if (AUTHORITY_BOUND_ROLES.includes(role) && !authorityId) {
    throw new ForbiddenError('This role needs an authority, and the token has none.');
  }
  return { tenantId, userId, role, authorityId };
}

export function requireRole(caller: Caller, ...allowed: Role[]): void {
  if (!allowed.includes(caller.role)) throw new ForbiddenError();
}

/**
 * Which authorities of the partnership the caller can see. The steering group sees all;
 * a viewer without an authority (scrutiny, audit) reads the whole partnership; everyone
 * else sees only their own authority.
 */
export type AuthorityScope = { kind: 'partnership' } | { kind: 'authority'; authorityId: string };

export function authorityScope(caller: Caller): AuthorityScope {
  if (caller.role === 'steering-group') return { kind: 'partnership' };
  if (caller.authorityId) return { kind: 'authority', authorityId: caller.authorityId };
  return { kind: 'partnership' };
}

export function canSeeAuthority(caller: Caller, authorityId: string): boolean {
  const scope = authorityScope(caller);
  return scope.kind === 'partnership' || scope.authorityId === authorityId;
}

/** Out-of-scope records are reported as missing, so their existence does not leak. */
export function assertCanSeeAuthority(caller: Caller, authorityId: string, entity = 'Authority'): void {
  if (!canSeeAuthority(caller, authorityId)) throw new NotFoundError(entity);
}
