import { ValidationError } from '../../domain/shared/errors';
import type { AuditEvent, AuditQuery, AuditReader } from '../../domain/audit/audit';
import type { Authority, AuthorityStore } from '../../domain/authorities/authority';
import type { Partnership, PartnershipStore } from '../../domain/partnerships/partnership';
import type { AuthorityLookup, User, UserStore } from '../../domain/users/user';
import { keys } from './keys';
import type { TableStore } from './store';
import { writeWithDueItems } from './sop-repositories';

/** DynamoDB adapters for the ports the domain declares. Each is a few lines over TableStore. */

export function partnershipRepository(table: TableStore): PartnershipStore {
  return {
    get: (tenantId) => table.get<Partnership>(keys.partnership(tenantId)),
    create: (partnership, audit, courses) =>
      table.write(
        partnership.id,
        [
          { kind: 'create', entity: 'partnership', key: keys.partnership(partnership.id), record: partnership },
          ...courses.map((course) => ({ kind: 'create' as const, entity: 'course', key: keys.course(partnership.id, course.id), record: course })),
        ],
        audit,
      ),
    update: (partnership, expectedVersion, audit, dues = []) =>
      writeWithDueItems(table, partnership.id, [{ kind: 'update', entity: 'partnership', key: keys.partnership(partnership.id), record: partnership, expectedVersion }], dues, audit),
  };
}

export function authorityRepository(table: TableStore): AuthorityStore & AuthorityLookup {
  return {
    list: (tenantId) => table.all<Authority>(keys.authorities(tenantId)),
    get: (tenantId, id) => table.get<Authority>(keys.authority(tenantId, id)),
    exists: async (tenantId, id) => (await table.get(keys.authority(tenantId, id))) !== undefined,
    create: (tenantId, authority, audit) =>
      table.write(tenantId, [{ kind: 'create', entity: 'authority', key: keys.authority(tenantId, authority.id), record: authority }], audit),
    update: (tenantId, authority, expectedVersion, audit, dues = []) =>
      writeWithDueItems(table, tenantId, [{ kind: 'update', entity: 'authority', key: keys.authority(tenantId, authority.id), record: authority, expectedVersion }], dues, audit),
  };
}

export function userRepository(table: TableStore): UserStore {
  return {
    list: (tenantId) => {
      const { PK, skPrefix } = keys.users(tenantId);
      return table.all<User>({ pk: PK, skPrefix });
    },
    get: (tenantId, id) => table.get<User>(keys.user(tenantId, id)),
    names: async (tenantId, ids) => {
      const distinct = [...new Set(ids)];
      if (!distinct.length) return {};
      const items = await table.batchGetItems(
        distinct.map((id) => keys.user(tenantId, id)),
        ['id', 'displayName'],
      );
      return Object.fromEntries(items.filter((u) => typeof u.displayName === 'string').map((u) => [u.id as string, u.displayName as string]));
    },
    emailTaken: async (tenantId, email) => (await table.get(keys.userEmail(tenantId, email))) !== undefined,
    create: (tenantId, user, audit) =>
      table.write(
        tenantId,
        [
          { kind: 'create', entity: 'user', key: keys.user(tenantId, user.id), record: user },
          {
            kind: 'unique',
            entity: 'user email',
            key: keys.userEmail(tenantId, user.email),
            conflictMessage: 'This person is already a user of the partnership.',
          },
        ],
        audit,
      ),
  };
}

/**
 * Audit events, newest first. One Query per page whichever filter is used: by entity
 * (GSI2), by authority (GSI1), or the whole partnership (base table); an entity-type
 * filter without an id is a filter expression on the chosen partition.
 */
export function auditRepository(table: TableStore): AuditReader {
  return {
    async page(tenantId: string, q: AuditQuery) {
      if (q.entityId && !q.entityType) {
        throw new ValidationError([{ path: 'entityType', message: 'Give the entity type with an entity id.' }]);
      }
      const filter: Record<string, string> = {};
      let target: { pk: string; index?: { name: string; partitionKey: string; sortKey: string } };
      if (q.entityType && q.entityId) {
        const k = keys.audit.byEntity(tenantId, q.entityType, q.entityId);
        target = { pk: k.PK, index: k.index };
        if (q.authorityId) filter.authorityId = q.authorityId;
      } else if (q.authorityId) {
        const k = keys.audit.byAuthority(tenantId, q.authorityId);
        target = { pk: k.PK, index: k.index };
        if (q.entityType) filter.entityType = q.entityType;
      } else {
        target = { pk: keys.audit.all(tenantId).PK };
        if (q.entityType) filter.entityType = q.entityType;
      }
      return table.page<AuditEvent>({ ...target, newestFirst: true, limit: q.limit, cursor: q.cursor, filter });
    },
  };
}
