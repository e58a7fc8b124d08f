import { z } from 'zod';
import { TenantId } from '../shared/ids';
import { RecordMeta } from '../shared/records';
import { auditEvent, type Actor, type AuditEvent } from '../audit/audit';
import type { Clock, IdGenerator } from '../shared/ports';

/** A partnership is one tenant: a county's Prevent partnership and its steering group. */
export const PartnershipFields = z.object({
  name: z.string().trim().min(1).max(200),
  county: z.string().trim().min(1).max(100).optional(),
});
export const Partnership = PartnershipFields.extend({ id: TenantId }).extend(RecordMeta.shape);
export type Partnership = z.infer<typeof Partnership>;

export interface PartnershipStore {
  get(tenantId: string): Promise<Partnership | undefined>;
  create(partnership: Partnership, audit: AuditEvent): Promise<void>;
}

/** The platform operator, who creates partnerships from the command line (never through the API). */
export const PLATFORM_OPERATOR: Actor = { userId: 'platform-operator', role: 'platform-operator' };

export function newPartnership(
  input: { id: string; name: string; county?: string },
  clock: Clock,
  ids: IdGenerator,
): { partnership: Partnership; audit: AuditEvent } {
  const parsed = PartnershipFields.extend({ id: TenantId }).parse(input);
  const at = clock.now();
  const iso = at.toISOString();
  const partnership: Partnership = {
    ...parsed,
    version: 1,
    createdAt: iso,
    createdBy: PLATFORM_OPERATOR.userId,
    updatedAt: iso,
    updatedBy: PLATFORM_OPERATOR.userId,
  };
  const audit = auditEvent(PLATFORM_OPERATOR, at, ids, {
    action: 'create',
    entityType: 'partnership',
    entityId: parsed.id,
    after: partnership,
  });
  return { partnership, audit };
}
