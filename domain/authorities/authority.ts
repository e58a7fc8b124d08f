import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { assertCanSeeAuthority, authorityScope, requireRole, type Caller } from '../shared/identity';
import { EntityId } from '../shared/ids';
import { newMeta, nextMeta, RecordMeta } from '../shared/records';
import type { Clock, IdGenerator } from '../shared/ports';
import { auditEvent, type AuditEvent } from '../audit/audit';
import type { DueItemChanges, DueRewrite } from '../reminders/due';
import { toIsoDate } from '../shared/dates';

/** Schedule 6 of the Counter-Terrorism and Security Act 2015: each authority is in exactly one. */
export const SECTORS = ['local-government', 'criminal-justice', 'education-childcare', 'health-social-care', 'police'] as const;
export const Sector = z.enum(SECTORS);
export type Sector = z.infer<typeof Sector>;

/** Kinds of specified authority, and the sector each belongs to (`other` fits any sector). */
export const AUTHORITY_TYPE_SECTOR = {
  'county-council': 'local-government',
  'district-council': 'local-government',
  'borough-council': 'local-government',
  'unitary-council': 'local-government',
  opcc: 'police',
  'police-force': 'police',
  'nhs-foundation-trust': 'health-social-care',
  'nhs-trust': 'health-social-care',
  'integrated-care-board': 'health-social-care',
  probation: 'criminal-justice',
  prison: 'criminal-justice',
  'youth-offending-service': 'criminal-justice',
  'fe-college': 'education-childcare',
  university: 'education-childcare',
  school: 'education-childcare',
  other: null,
} as const satisfies Record<string, Sector | null>;
export const AuthorityType = z.enum(Object.keys(AUTHORITY_TYPE_SECTOR) as [keyof typeof AUTHORITY_TYPE_SECTOR, ...(keyof typeof AUTHORITY_TYPE_SECTOR)[]]);
export type AuthorityType = z.infer<typeof AuthorityType>;

export const AuthorityFields = z.object({
  name: z.string().trim().min(1).max(200),
  sector: Sector,
  type: AuthorityType,
  preventLeadName: z.string().trim().min(1).max(200).optional().describe('Personal data: the Prevent lead'),
  preventLeadEmail: z.email().max(254).optional().describe('Personal data: the Prevent lead'),
  itProvidedBy: EntityId.optional().describe('Id of the authority of this partnership that provides its IT, if another'),
});
export type AuthorityFields = z.infer<typeof AuthorityFields>;

export const CreateAuthority = AuthorityFields.extend({
  id: EntityId.optional().describe('A short code for the authority; generated if omitted'),
});
export type CreateAuthority = z.infer<typeof CreateAuthority>;

export const UpdateAuthority = AuthorityFields.extend({
  version: z.number().int().positive().describe('The version you read; a stale one is refused with 409'),
});
export type UpdateAuthority = z.infer<typeof UpdateAuthority>;

export const Authority = AuthorityFields.extend({ id: EntityId }).extend(RecordMeta.shape);
export type Authority = z.infer<typeof Authority>;

export const AUTHORITY_PERSONAL_FIELDS = ['preventLeadName', 'preventLeadEmail'] as const;

export interface AuthorityStore {
  list(tenantId: string): Promise<Authority[]>;
  get(tenantId: string, id: string): Promise<Authority | undefined>;
  /** Fails with ConflictError if the id is taken. */
  create(tenantId: string, authority: Authority, audit: AuditEvent): Promise<void>;
  /**
   * Fails with ConflictError if the stored version is not `expectedVersion`, NotFoundError if gone.
   * Rewrites the authority's due descriptors (who reminders go to) with it, in its transaction.
   */
  update(tenantId: string, authority: Authority, expectedVersion: number, audit: AuditEvent, dues?: readonly DueRewrite[]): Promise<void>;
}

/** The rules an authority's fields must satisfy beyond their shapes. */
export function authorityRuleErrors(fields: AuthorityFields, selfId: string | undefined, known: ReadonlySet<string>) {
  const errors: { path: string; message: string }[] = [];
  const expected = AUTHORITY_TYPE_SECTOR[fields.type];
  if (expected && expected !== fields.sector) {
    errors.push({ path: 'sector', message: `An authority of type ${fields.type} is in the ${expected} sector.` });
  }
  if (fields.itProvidedBy !== undefined) {
    if (fields.itProvidedBy === selfId) {
      errors.push({ path: 'itProvidedBy', message: 'Leave this empty when the authority provides its own IT.' });
    } else if (!known.has(fields.itProvidedBy)) {
      errors.push({ path: 'itProvidedBy', message: 'No such authority in this partnership.' });
    }
  }
  return errors;
}

export function authorityService(deps: { store: AuthorityStore; clock: Clock; ids: IdGenerator; dueItems?: DueItemChanges }) {
  const { store, clock, ids } = deps;

  /** The IT provider named, if it is an authority of the partnership: one read, only when one is named. */
  async function knownIds(tenantId: string, fields: AuthorityFields): Promise<Set<string>> {
    if (!fields.itProvidedBy) return new Set();
    return (await store.get(tenantId, fields.itProvidedBy)) ? new Set([fields.itProvidedBy]) : new Set();
  }

  return {
    async list(caller: Caller): Promise<Authority[]> {
      const scope = authorityScope(caller);
      const all = await store.list(caller.tenantId);
      return scope.kind === 'partnership' ? all : all.filter((a) => a.id === scope.authorityId);
    },

    async get(caller: Caller, id: string): Promise<Authority> {
      assertCanSeeAuthority(caller, id);
      const found = await store.get(caller.tenantId, id);
      if (!found) throw new NotFoundError('Authority');
      return found;
    },

    async create(caller: Caller, input: CreateAuthority): Promise<Authority> {
      requireRole(caller, 'steering-group');
      const { id: requestedId, ...fields } = input;
      const id = requestedId ?? ids.next();
      const errors = authorityRuleErrors(fields, id, await knownIds(caller.tenantId, fields));
      if (errors.length) throw new ValidationError(errors);
      const now = clock.now();
      const authority: Authority = { id, ...fields, ...newMeta(caller, now) };
      await store.create(
        caller.tenantId,
        authority,
        auditEvent(caller, now, ids, {
          action: 'create',
          entityType: 'authority',
          entityId: id,
          authorityId: id,
          after: authority,
          personalFields: AUTHORITY_PERSONAL_FIELDS,
        }),
      );
      return authority;
    },

    /** The steering group edits any authority; an authority's lead edits its own. */
    async update(caller: Caller, id: string, input: UpdateAuthority): Promise<Authority> {
      requireRole(caller, 'steering-group', 'authority-lead');
      assertCanSeeAuthority(caller, id);
      const current = await store.get(caller.tenantId, id);
      if (!current) throw new NotFoundError('Authority');
      const { version, ...fields } = input;
      if (version !== current.version) {
        throw new ConflictError('This authority was changed by someone else; reload it and try again.', {
          reason: 'stale_version',
          currentVersion: current.version,
        });
      }
      const errors = authorityRuleErrors(fields, id, await knownIds(caller.tenantId, fields));
      if (errors.length) throw new ValidationError(errors);
      const now = clock.now();
      const updated: Authority = { id, ...fields, ...nextMeta(current, caller, now) };
      // Reminders carry the Prevent lead's address and the authority's name.
      const dues = (await deps.dueItems?.forAuthority(caller.tenantId, updated, toIsoDate(now))) ?? [];
      await store.update(
        caller.tenantId,
        updated,
        version,
        auditEvent(caller, now, ids, {
          action: 'update',
          entityType: 'authority',
          entityId: id,
          authorityId: id,
          before: current,
          after: updated,
          personalFields: AUTHORITY_PERSONAL_FIELDS,
        }),
        dues,
      );
      return updated;
    },
  };
}

/** The authority, if the caller may see it: another authority's or partnership's answers 404, so existence does not leak. */
export async function authorityInScope(
  authorities: { get(tenantId: string, id: string): Promise<Authority | undefined> },
  caller: Caller,
  authorityId: string,
): Promise<Authority> {
  assertCanSeeAuthority(caller, authorityId);
  const authority = await authorities.get(caller.tenantId, authorityId);
  if (!authority) throw new NotFoundError('Authority');
  return authority;
}
