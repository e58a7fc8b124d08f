import * as z from 'zod';
import { Role, type Caller, requireRole } from '../shared/identity';
import { diffRecords, type FieldChange } from '../shared/records';
import { yearsAfter } from '../shared/dates';
import type { IdGenerator, Page } from '../shared/ports';
import { EntityId } from '../shared/ids';
import { wholeNumber } from '../shared/query';

export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'erase', 'submit', 'review', 'import', 'remind'] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

/** How long audit events are kept (DynamoDB TTL), stated in the README. */
export const AUDIT_RETENTION_YEARS = 7;

export const AuditEvent = z.object({
  id: z.string(),
  at: z.string().describe('ISO 8601 timestamp of the write'),
  actor: z.object({ userId: z.string(), role: z.union([Role, z.literal('platform-operator'), z.literal('system')]) }),
  action: AuditAction,
  entityType: z.string(),
  entityId: z.string(),
  authorityId: z.string().optional().describe('The authority the record belongs to, if any'),
  changes: z.array(
    z.object({ field: z.string(), from: z.unknown().optional(), to: z.unknown().optional() }),
  ),
  note: z.string().optional(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export interface AuditInput {
  action: AuditAction;
  entityType: string;
  entityId: string;
  authorityId?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  personalFields?: readonly string[];
  note?: string;
}

export type Actor = Pick<Caller, 'userId'> & { role: AuditEvent['actor']['role'] };

/**
 * Fields that hold personal data by the kind of record, redacted in every event of that kind
 * whatever the use case passes: free text about a person (their name, team, the trainer who
 * trained them) is as personal as their staff reference, and audit events outlive erasure.
 */
export const PERSONAL_FIELDS_BY_ENTITY: Readonly<Record<string, readonly string[]>> = {
  completion: ['staffRef', 'name', 'team', 'provider'],
  session: ['provider', 'notes'],
  statement: ['signOff'],
  // Outside leads and progress notes are free text that may name people.
  action: ['otherLeads', 'progress'],
};

/** Builds the immutable event that accompanies a write in the same transaction. */
export function auditEvent(actor: Actor, at: Date, ids: IdGenerator, input: AuditInput): AuditEvent {
  const personal = [...(PERSONAL_FIELDS_BY_ENTITY[input.entityType] ?? []), ...(input.personalFields ?? [])];
  const changes: FieldChange[] = diffRecords(input.before, input.after, personal);
  return {
    id: ids.next(),
    at: at.toISOString(),
    actor: { userId: actor.userId, role: actor.role },
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    ...(input.authorityId ? { authorityId: input.authorityId } : {}),
    changes,
    ...(input.note ? { note: input.note } : {}),
  };
}

export function auditExpiry(at: Date): Date {
  return yearsAfter(at, AUDIT_RETENTION_YEARS);
}

export const AuditQuery = z.object({
  authorityId: EntityId.optional(),
  entityType: z.string().regex(/^[a-z-]{1,40}$/).optional(),
  entityId: EntityId.optional(),
  limit: wholeNumber(1, 100).default(25),
  cursor: z.string().max(2048).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export interface AuditReader {
  page(tenantId: string, query: AuditQuery): Promise<Page<AuditEvent>>;
}

export function auditService(deps: { reader: AuditReader }) {
  return {
    /** Steering group only: the partnership's events, newest first. */
    async list(caller: Caller, query: AuditQuery): Promise<Page<AuditEvent>> {
      requireRole(caller, 'steering-group');
      return deps.reader.page(caller.tenantId, query);
    },
  };
}

