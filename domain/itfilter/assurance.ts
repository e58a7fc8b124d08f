import * as z from 'zod';
import { auditEvent, type AuditEvent } from '../audit/audit';
import type { Authority } from '../authorities/authority';
import { settingsOf, type Partnership } from '../partnerships/partnership';
import { addDays, addMonths, isReportingYear, toIsoDate } from '../shared/dates';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { assertCanSeeAuthority, requireRole, type Caller } from '../shared/identity';
import { EntityId } from '../shared/ids';
import type { Clock, IdGenerator } from '../shared/ports';
import { newMeta, nextMeta, RecordMeta } from '../shared/records';
import { firstReminderOn, recipientsFor, type DueItem } from '../reminders/due';
import { IsoDate } from '../training/completions';

/**
 * IT-filter assurance (toolkit benchmark 8.2; seed 004 §7): at least once a year an authority
 * confirms its firewalls and web filters were reviewed and use the terms supplied by the
 * Counter Terrorism Internet Referral Unit (CTIRU). IT may come from another authority.
 */
export const SCOPES = ['corporate-network', 'guest-wifi', 'public-wifi', 'libraries', 'other'] as const;
export const OUTCOMES = ['assured', 'partially-assured', 'not-assured'] as const;

export const AssuranceFields = z
  .object({
    reviewedOn: IsoDate,
    itProvidedBy: EntityId.optional().describe('The authority of the partnership that provides the IT; omitted when the authority provides its own'),
    assuredBy: z.object({
      name: z.string().trim().min(1).max(200).describe('Personal data'),
      role: z.string().trim().min(1).max(200),
      organisation: z.string().trim().min(1).max(200),
    }),
    product: z.string().trim().min(1).max(200).describe('Filter or firewall product'),
    ctiruListApplied: z.boolean().describe('Whether the CTIRU list of terms is applied'),
    ctiruListVersion: z.string().trim().min(1).max(100).optional().describe('Date or version of the CTIRU list'),
    scope: z.array(z.enum(SCOPES)).min(1),
    scopeOther: z.string().trim().max(200).optional(),
    outcome: z.enum(OUTCOMES),
    actions: z.string().trim().max(4000).optional().describe('Required unless assured'),
    evidence: z.string().trim().max(1000).optional().describe('Evidence reference or link'),
  })
  .superRefine((a, ctx) => {
    if (a.outcome !== 'assured' && !a.actions) ctx.addIssue({ code: 'custom', path: ['actions'], message: 'Say what will be done when not fully assured.' });
    if (a.ctiruListApplied && !a.ctiruListVersion) ctx.addIssue({ code: 'custom', path: ['ctiruListVersion'], message: 'Give the date or version of the CTIRU list applied.' });
    if (a.scope.includes('other') && !a.scopeOther) ctx.addIssue({ code: 'custom', path: ['scopeOther'], message: 'Describe the other scope.' });
  });
export type AssuranceFields = z.infer<typeof AssuranceFields>;
export const PutAssurance = AssuranceFields.and(z.object({ version: z.number().int().min(0).describe('0 to create') }));
export const Assurance = z.object({ authorityId: EntityId, year: z.string() }).extend(RecordMeta.shape).and(AssuranceFields);
export type Assurance = z.infer<typeof Assurance>;

export type FilterStatus = 'current' | 'due-soon' | 'overdue' | 'missing';
export const REVIEW_INTERVAL_MONTHS = 12;
export const DUE_SOON_DAYS = 60;

/** Current, due within 60 days, or overdue (12 months after the last review); missing if never. */
export function filterStatus(lastReviewedOn: string | undefined, today: string): { status: FilterStatus; nextReviewDue?: string } {
  if (!lastReviewedOn) return { status: 'missing' };
  const nextReviewDue = addMonths(lastReviewedOn, REVIEW_INTERVAL_MONTHS);
  if (nextReviewDue < today) return { status: 'overdue', nextReviewDue };
  if (nextReviewDue <= addDays(today, DUE_SOON_DAYS)) return { status: 'due-soon', nextReviewDue };
  return { status: 'current', nextReviewDue };
}

export interface AssuranceStore {
  list(tenantId: string, authorityId: string): Promise<Assurance[]>;
  get(tenantId: string, authorityId: string, year: string): Promise<Assurance | undefined>;
  put(tenantId: string, assurance: Assurance, expectedVersion: number, due: DueItem, audit: AuditEvent): Promise<void>;
}

export function assuranceDue(tenantId: string, a: Assurance, authority: Authority, partnership: Partnership | undefined, today: string): DueItem {
  const settings = settingsOf(partnership);
  const dueOn = addMonths(a.reviewedOn, REVIEW_INTERVAL_MONTHS);
  return {
    tenantId,
    kind: 'it-filter-review',
    itemId: a.authorityId,
    authorityId: a.authorityId,
    authorityName: authority.name,
    title: 'Annual IT-filter assurance (CTIRU terms)',
    dueOn,
    path: `/authorities/${a.authorityId}/it-filter-assurances`,
    ...recipientsFor(authority, settings),
    thresholds: settings.reminderThresholds,
    nextRemindOn: firstReminderOn(dueOn, settings.reminderThresholds, today),
  };
}

export function assuranceService(deps: {
  store: AssuranceStore;
  authorities: { get(tenantId: string, id: string): Promise<Authority | undefined> };
  partnerships: { get(tenantId: string): Promise<Partnership | undefined> };
  clock: Clock;
  ids: IdGenerator;
}) {
  async function authorityInScope(caller: Caller, authorityId: string) {
    assertCanSeeAuthority(caller, authorityId);
    const authority = await deps.authorities.get(caller.tenantId, authorityId);
    if (!authority) throw new NotFoundError('Authority');
    return authority;
  }

  return {
    async list(caller: Caller, authorityId: string) {
      await authorityInScope(caller, authorityId);
      const items = await deps.store.list(caller.tenantId, authorityId);
      const latest = items.map((a) => a.reviewedOn).sort().at(-1);
      const asAt = toIsoDate(deps.clock.now());
      return { items, asAt, ...filterStatus(latest, asAt) };
    },

    /** Records (version 0) or corrects the assurance of a reporting year. */
    async put(caller: Caller, authorityId: string, year: string, input: z.infer<typeof PutAssurance>): Promise<Assurance> {
      requireRole(caller, 'steering-group', 'authority-lead', 'authority-editor');
      const authority = await authorityInScope(caller, authorityId);
      if (!isReportingYear(year)) throw new ValidationError([{ path: 'path.year', message: 'A UK financial year such as 2024-25.' }]);
      const now = deps.clock.now();
      const today = toIsoDate(now);
      const { version, ...fields } = input;
      const errors: { path: string; message: string }[] = [];
      if (fields.reviewedOn > today) errors.push({ path: 'reviewedOn', message: 'A review cannot be in the future.' });
      if (fields.itProvidedBy === authorityId) errors.push({ path: 'itProvidedBy', message: 'Leave this empty when the authority provides its own IT.' });
      else if (fields.itProvidedBy && !(await deps.authorities.get(caller.tenantId, fields.itProvidedBy))) errors.push({ path: 'itProvidedBy', message: 'No such authority in this partnership.' });
      if (errors.length) throw new ValidationError(errors);
      const [current, partnership, all] = await Promise.all([
        deps.store.get(caller.tenantId, authorityId, year),
        deps.partnerships.get(caller.tenantId),
        deps.store.list(caller.tenantId, authorityId),
      ]);
      const currentVersion = current?.version ?? 0;
      if (version !== currentVersion) throw new ConflictError('This assurance was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion });
      const assurance = { authorityId, year, ...fields, ...(current ? nextMeta(current, caller, now) : newMeta(caller, now)) } as Assurance;
      // The reminder follows the most recent review of any year.
      const latest = [...all.filter((a) => a.year !== year), assurance].sort((a, b) => a.reviewedOn.localeCompare(b.reviewedOn)).at(-1)!;
      await deps.store.put(
        caller.tenantId,
        assurance,
        version,
        assuranceDue(caller.tenantId, latest, authority, partnership, today),
        auditEvent(caller, now, deps.ids, {
          action: current ? 'update' : 'create',
          entityType: 'it-filter-assurance',
          entityId: `${authorityId}-${year}`,
          authorityId,
          before: current,
          after: assurance,
          personalFields: ['assuredBy'],
        }),
      );
      return assurance;
    },
  };
}
