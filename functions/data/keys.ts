import { isEntityId, isTenantId } from '../../domain/shared/ids';
import { TABLE } from './table';

/**
 * Every key of the table is spelled here and nowhere else. Each partition key of a
 * partnership's items starts with `<tenantId>#`; tenant ids cannot contain `#`, so one
 * tenant's prefix never matches another's, and IAM `dynamodb:LeadingKeys` with
 * `<tenantId>#*` confines credentials to one partnership.
 */
export const KEY_DELIMITER = '#';

function tenant(tenantId: string): string {
  if (!isTenantId(tenantId)) throw new Error('Invalid tenant id in key');
  return tenantId;
}

function id(value: string): string {
  if (!isEntityId(value)) throw new Error('Invalid id in key');
  return value;
}

/** Prefix of every partition key of a tenant, for IAM conditions. */
export function tenantKeyPrefix(tenantId: string): string {
  return `${tenant(tenantId)}${KEY_DELIMITER}`;
}

type Key = { PK: string; SK: string };

export const keys = {
  partnership: (tenantId: string): Key => ({ PK: `${tenantKeyPrefix(tenantId)}PARTNERSHIP`, SK: 'PARTNERSHIP' }),

  authorities: (tenantId: string) => ({ PK: `${tenantKeyPrefix(tenantId)}AUTHORITY`, skPrefix: 'AUTHORITY#' }),
  authority: (tenantId: string, authorityId: string): Key => ({
    PK: `${tenantKeyPrefix(tenantId)}AUTHORITY`,
    SK: `AUTHORITY#${id(authorityId)}`,
  }),

  users: (tenantId: string) => ({ PK: `${tenantKeyPrefix(tenantId)}USER`, skPrefix: 'USER#' }),
  user: (tenantId: string, userId: string): Key => ({
    PK: `${tenantKeyPrefix(tenantId)}USER`,
    SK: `USER#${encodeURIComponent(userId)}`,
  }),
  /** Uniqueness marker: one user per email address within a partnership. */
  userEmail: (tenantId: string, email: string): Key => ({
    PK: `${tenantKeyPrefix(tenantId)}USER`,
    SK: `EMAIL#${encodeURIComponent(email.toLowerCase())}`,
  }),

  audit: {
    /** All events of a tenant, newest first when queried backwards. */
    all: (tenantId: string) => ({ PK: `${tenantKeyPrefix(tenantId)}AUDIT` }),
    byAuthority: (tenantId: string, authorityId: string) => ({
      index: TABLE.indexes.GSI1,
      PK: `${tenantKeyPrefix(tenantId)}AUDIT#AUTHORITY#${id(authorityId)}`,
    }),
    byEntity: (tenantId: string, entityType: string, entityId: string) => ({
      index: TABLE.indexes.GSI2,
      PK: `${tenantKeyPrefix(tenantId)}AUDIT#ENTITY#${entityType}#${encodeURIComponent(entityId)}`,
    }),
    /** The full key set of one event: base table plus both audit indexes. */
    event: (tenantId: string, e: { at: string; id: string; authorityId?: string; entityType: string; entityId: string }) => {
      const sort = `${e.at}#${e.id}`;
      return {
        PK: keys.audit.all(tenantId).PK,
        SK: sort,
        ...(e.authorityId
          ? { [TABLE.indexes.GSI1.partitionKey]: keys.audit.byAuthority(tenantId, e.authorityId).PK, [TABLE.indexes.GSI1.sortKey]: sort }
          : {}),
        [TABLE.indexes.GSI2.partitionKey]: keys.audit.byEntity(tenantId, e.entityType, e.entityId).PK,
        [TABLE.indexes.GSI2.sortKey]: sort,
      };
    },
  },
};
