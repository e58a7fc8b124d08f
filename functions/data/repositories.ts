import { ValidationError } from '../../domain/shared/errors';
import type { AuditEvent, AuditQuery, AuditReader } from '../../domain/audit/audit';
import type { Authority, AuthorityStore } from '../../domain/authorities/authority';
import type { Partnership, PartnershipStore } from '../../domain/partnerships/partnership';
import type { AuthorityLookup, User, UserStore } from '../../domain/users/user';
import type { IdentityStore, Membership } from '../../domain/users/membership';
import { Role } from '../../domain/shared/identity';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keyParts, keys, USER_SORT_PREFIX } from './keys';
import { TABLE } from './table';
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
          // Indexed by person too (GSI3), so sign-in finds this membership among the person's others.
          { kind: 'create', entity: 'user', key: { ...keys.user(tenantId, user.id), ...keys.membershipIndex(tenantId, user.id) }, record: user },
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

/**
 * The identity path's reads and its one write, across partnerships: a person's memberships
 * (GSI3 partition MEMBER#<sub>), their choice (IDENTITY#<sub>), and the names of the partnerships
 * and authorities they belong to. Built on the process's own client, not on a partnership's:
 * these are the only reads that cross partnerships on behalf of a signed-in person, and only
 * ever for that person's own `sub` (the trigger's event, the token's subject).
 */
export function identityRepository(client: { doc: Pick<DynamoDBDocumentClient, 'send'>; tableName: string }): IdentityStore {
  const { doc, tableName } = client;
  const index = TABLE.indexes.GSI3;
  return {
    async memberships(userId) {
      const q = keys.memberships(userId);
      const found: Membership[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: q.index.name,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': index.partitionKey },
            ExpressionAttributeValues: { ':pk': q.PK },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) {
          // The partnership is the one whose key space holds the record, never an attribute;
          // and only the person's own user record counts (its key must be exactly that).
          const tenantId = keyParts.tenantOf(item.PK as string);
          if (!tenantId) continue;
          const own = keys.user(tenantId, userId);
          if (item.PK !== own.PK || item.SK !== own.SK) continue;
          const role = Role.safeParse(item.role);
          if (!role.success) continue;
          found.push({ tenantId, role: role.data, ...(typeof item.authorityId === 'string' ? { authorityId: item.authorityId } : {}) });
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return found.sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
    },

    async choice(userId) {
      const out = await doc.send(new GetCommand({ TableName: tableName, Key: keys.identityChoice(userId) }));
      if (!out.Item || typeof out.Item.tenantId !== 'string') return undefined;
      return { tenantId: out.Item.tenantId, chosenAt: String(out.Item.chosenAt ?? '') };
    },

    async saveChoice(userId, choice) {
      await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.identityChoice(userId), entity: 'partnership choice', ...choice } }));
    },

    async names(memberships) {
      const wanted = new Map<string, { PK: string; SK: string }>();
      for (const m of memberships) {
        const p = keys.partnership(m.tenantId);
        wanted.set(`${p.PK}|${p.SK}`, p);
        if (m.authorityId) {
          const a = keys.authority(m.tenantId, m.authorityId);
          wanted.set(`${a.PK}|${a.SK}`, a);
        }
      }
      const partnerships: Record<string, string> = {};
      const authorities: Record<string, string> = {};
      const pending = [...wanted.values()];
      // BatchGet takes 100 keys; unprocessed ones are asked for again (a person has a handful).
      for (let attempt = 0; pending.length && attempt < 5; attempt++) {
        const batch = pending.splice(0, 100);
        const out = await doc.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch, ProjectionExpression: 'PK, SK, #n, id', ExpressionAttributeNames: { '#n': 'name' } } } }),
        );
        for (const item of out.Responses?.[tableName] ?? []) {
          const tenantId = keyParts.tenantOf(item.PK as string);
          if (!tenantId || typeof item.name !== 'string') continue;
          if (item.PK === keys.partnership(tenantId).PK) partnerships[tenantId] = item.name;
          else if (typeof item.id === 'string') authorities[`${tenantId}/${item.id}`] = item.name;
        }
        pending.push(...((out.UnprocessedKeys?.[tableName]?.Keys ?? []) as { PK: string; SK: string }[]));
      }
      return { partnerships, authorities };
    },
  };
}

/**
 * One-off, for tables written before memberships: gives every user record its person index
 * (GSI3 partition MEMBER#<sub>), without which its owner cannot sign in. Reads the whole table (an
 * operator's command, `npm run partnership -- index-memberships`, never a request path) and
 * touches only user records that lack the index; safe to run again. Returns how many it indexed.
 */
export async function indexMemberships(client: { doc: Pick<DynamoDBDocumentClient, 'send'>; tableName: string }): Promise<number> {
  const { doc, tableName } = client;
  const gsi3 = TABLE.indexes.GSI3;
  let indexed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(SK, :user) AND attribute_not_exists(#gsi3pk)',
        ExpressionAttributeNames: { '#gsi3pk': gsi3.partitionKey },
        ExpressionAttributeValues: { ':user': USER_SORT_PREFIX },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const tenantId = keyParts.tenantOf(item.PK as string);
      if (!tenantId || typeof item.id !== 'string') continue;
      const key = keys.user(tenantId, item.id);
      if (item.PK !== key.PK || item.SK !== key.SK) continue;
      const index = keys.membershipIndex(tenantId, item.id);
      const update = doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'SET #pk = :pk, #sk = :sk',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': gsi3.partitionKey, '#sk': gsi3.sortKey },
          ExpressionAttributeValues: { ':pk': index[gsi3.partitionKey], ':sk': index[gsi3.sortKey] },
        }),
      );
      // Indexed meanwhile (a second run, or the record was rewritten): nothing left to do for it.
      if (await update.then(() => true, (error: Error) => { if (error.name === 'ConditionalCheckFailedException') return false; throw error; })) indexed++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return indexed;
}
