import * as z from 'zod';

/**
 * Identifiers appear inside DynamoDB keys, where `#` is the delimiter. Every id
 * pattern here excludes `#`, so tenant `a` can never match a key of tenant `ab`.
 */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const TenantId = z.string().regex(TENANT_ID_PATTERN, 'lower-case letters, digits and hyphens (2–40)');
export const EntityId = z.string().regex(ENTITY_ID_PATTERN, 'letters, digits, hyphen or underscore (1–64)');

export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value);
}

export function isEntityId(value: unknown): value is string {
  return typeof value === 'string' && ENTITY_ID_PATTERN.test(value);
}
