import * as z from 'zod';
import { auditEvent, type AuditEvent } from '../audit/audit';
import type { Authority } from '../authorities/authority';
import { settingsOf, type Partnership, type PartnershipSettings } from '../partnerships/partnership';
import { addDays, addMonths, toIsoDate } from '../shared/dates';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { assertCanSeeAuthority, authorityScope, requireRole, type Caller } from '../shared/identity';
import { EntityId } from '../shared/ids';
import type { Clock, IdGenerator } from '../shared/ports';
import { newMeta, nextMeta, RecordMeta } from '../shared/records';
import { firstReminderOn, recipientsFor, type DueItem } from '../reminders/due';
import { IsoDate } from '../training/completions';
import { OBLIGATION_TEMPLATES } from './templates';

// --------------------------------------------------------------------------------------
// The SOP (standard operating procedure / model) of an authority — seed 004 is a real one.
// --------------------------------------------------------------------------------------

export const CLASSIFICATIONS = ['OFFICIAL', 'OFFICIAL-SENSITIVE'] as const;
export const RATINGS = ['low', 'medium', 'high'] as const;

export const SopFields = z.object({
  title: z.string().trim().min(1).max(200),
  ownerName: z.string().trim().min(1).max(200).describe('Personal data: the SOP owner'),
  ownerRole: z.string().trim().min(1).max(200),
  sopVersion: z.string().trim().min(1).max(20).describe('The document’s own version number, e.g. 1.0'),
  implementationDate: IsoDate,
  nextReviewDate: IsoDate.describe('Next review date ("prior to")'),
  securityClassification: z.enum(CLASSIFICATIONS),
  foiDisclosable: z.boolean(),
  riskRating: z.enum(RATINGS),
  equalityAnalysis: z.string().trim().min(1).max(500),
  revisions: z.array(z.object({ date: IsoDate, nature: z.string().trim().min(1).max(500) })).max(200).default([]),
});
export type SopFields = z.infer<typeof SopFields>;
export const PutSop = SopFields.extend({ version: z.number().int().min(0).describe('The version you read; 0 to create') });
export const Sop = SopFields.extend({ authorityId: EntityId, lastReviewedOn: z.string().optional() }).extend(RecordMeta.shape);
export type Sop = z.infer<typeof Sop>;

export const SOP_PERSONAL_FIELDS = ['ownerName'] as const;

export const REVIEW_OUTCOMES = ['unchanged', 'revised'] as const;
export const RecordReview = z.object({
  reviewedOn: IsoDate,
  reviewer: z.string().trim().min(1).max(200).describe('Personal data: who reviewed it'),
  outcome: z.enum(REVIEW_OUTCOMES),
  minuteRef: z.string().trim().min(1).max(200).describe('The steering-group minute that records the review'),
  newSopVersion: z.string().trim().min(1).max(20).optional().describe('Required when revised'),
  natureOfRevision: z.string().trim().min(1).max(500).optional().describe('Added to the revision record when revised'),
  nextReviewDate: IsoDate.optional().describe('Default: 12 months after the review'),
  version: z.number().int().positive().describe('The SOP version you read'),
});
export type RecordReview = z.infer<typeof RecordReview>;
export const SopReview = RecordReview.omit({ version: true }).extend({
  id: z.string(),
  authorityId: EntityId,
  sopVersionBefore: z.string(),
  sopVersionAfter: z.string(),
  nextReviewDate: z.string(),
}).extend(RecordMeta.shape);
export type SopReview = z.infer<typeof SopReview>;

// --------------------------------------------------------------------------------------
// Obligations the SOP commits the authority to, grouped by the toolkit's sections.
// --------------------------------------------------------------------------------------

export const SECTIONS = [
  'multi-agency-partnership',
  'local-risk-assessment',
  'partnership-plan',
  'referral-pathway',
  'channel-panel',
  'training-programme',
  'permissive-environments-venue-hire',
  'permissive-environments-it',
  'permissive-environments-contractors-grants',
  'communications-engagement',
  'monitoring-assurance',
] as const;
export const CADENCES = ['annual', 'quarterly', 'each-steering-group-meeting', 'ongoing'] as const;
export const OBLIGATION_STATUSES = ['not-yet-started', 'developing', 'achieving'] as const;

/** Months between pieces of evidence: the steering group meets quarterly; "ongoing" is checked yearly. */
export const CADENCE_MONTHS: Record<(typeof CADENCES)[number], number> = {
  annual: 12,
  quarterly: 3,
  'each-steering-group-meeting': 3,
  ongoing: 12,
};

const Evidence = z.object({
  notes: z.string().trim().max(4000).default(''),
  links: z.array(z.url().max(1000)).max(20).default([]),
});

export const ObligationFields = z.object({
  section: z.enum(SECTIONS),
  commitment: z.string().trim().min(1).max(2000),
  cadence: z.enum(CADENCES),
  ownerRole: z.string().trim().min(1).max(200),
  status: z.enum(OBLIGATION_STATUSES).default('not-yet-started'),
  evidence: Evidence.default({ notes: '', links: [] }),
});
export type ObligationFields = z.infer<typeof ObligationFields>;
export const UpdateObligation = ObligationFields.extend({ version: z.number().int().positive() });
export const RecordEvidence = z.object({
  status: z.enum(OBLIGATION_STATUSES),
  evidence: Evidence,
  evidencedOn: IsoDate.describe('When this evidence was gathered; the next due date follows from it'),
  version: z.number().int().positive(),
});
export const Obligation = ObligationFields.extend({
  id: z.string(),
  authorityId: EntityId,
  templateId: z.string().optional(),
  lastEvidencedOn: z.string().optional(),
  nextDueOn: z.string().describe('Derived from the cadence and the last evidence (or the creation date)'),
}).extend(RecordMeta.shape);
export type Obligation = z.infer<typeof Obligation>;

/**
 * An immutable copy of one version of an obligation, written in the same transaction as the
 * obligation itself, so that a past year's report shows the status and evidence as they were.
 * `effectiveOn` is the date this state took effect: the evidence date when evidence was
 * recorded, otherwise the day of the write. A deletion leaves a last copy marked `deleted`.
 */
export type ObligationVersion = Obligation & { effectiveOn: string; deleted?: true };

export function obligationVersion(o: Obligation, effectiveOn: string, deleted = false): ObligationVersion {
  return { ...o, effectiveOn, ...(deleted ? { deleted: true as const } : {}) };
}

export function nextDueOf(cadence: Obligation['cadence'], from: string): string {
  return addMonths(from, CADENCE_MONTHS[cadence]);
}

// --------------------------------------------------------------------------------------
// Ports
// --------------------------------------------------------------------------------------

export interface SopStore {
  get(tenantId: string, authorityId: string): Promise<Sop | undefined>;
  list(tenantId: string): Promise<Sop[]>;
  /** Writes the SOP (create when expectedVersion is 0), an immutable snapshot of it, its due item and the audit event. */
  put(tenantId: string, sop: Sop, expectedVersion: number, due: DueItem, audit: AuditEvent, review?: SopReview): Promise<void>;
  versions(tenantId: string, authorityId: string): Promise<Sop[]>;
  reviews(tenantId: string, authorityId: string): Promise<SopReview[]>;
}

export interface ObligationStore {
  list(tenantId: string, authorityId: string): Promise<Obligation[]>;
  get(tenantId: string, authorityId: string, id: string): Promise<Obligation | undefined>;
  /** Creates obligations with their due items and first version copies, in one transaction with the audit event. */
  create(tenantId: string, items: { obligation: Obligation; due: DueItem; history: ObligationVersion }[], audit: AuditEvent): Promise<void>;
  /** Each write also stores the new version's immutable copy (`history`), in the same transaction. */
  update(tenantId: string, obligation: Obligation, expectedVersion: number, due: DueItem, audit: AuditEvent, history: ObligationVersion): Promise<void>;
  delete(tenantId: string, obligation: Obligation, expectedVersion: number, audit: AuditEvent, history: ObligationVersion): Promise<void>;
}

// --------------------------------------------------------------------------------------
// Due-item descriptors for the reminder engine
// --------------------------------------------------------------------------------------

export function sopReviewDue(tenantId: string, sop: Sop, authority: Authority, settings: PartnershipSettings, today: string): DueItem {
  return {
    tenantId,
    kind: 'sop-review',
    itemId: sop.authorityId,
    authorityId: sop.authorityId,
    authorityName: authority.name,
    title: `Annual review of "${sop.title}"`,
    dueOn: sop.nextReviewDate,
    path: `/authorities/${sop.authorityId}/sop`,
    ...recipientsFor(authority, settings),
    thresholds: settings.reminderThresholds,
    nextRemindOn: firstReminderOn(sop.nextReviewDate, settings.reminderThresholds, today),
  };
}

export function obligationDue(tenantId: string, o: Obligation, authority: Authority, settings: PartnershipSettings, today: string): DueItem {
  const short = o.commitment.length > 80 ? `${o.commitment.slice(0, 77)}…` : o.commitment;
  return {
    tenantId,
    kind: 'obligation',
    itemId: o.id,
    authorityId: o.authorityId,
    authorityName: authority.name,
    title: `Evidence due: ${short}`,
    dueOn: o.nextDueOn,
    path: `/authorities/${o.authorityId}/sop/obligations/${o.id}`,
    ...recipientsFor(authority, settings),
    thresholds: settings.reminderThresholds,
    nextRemindOn: firstReminderOn(o.nextDueOn, settings.reminderThresholds, today),
  };
}

// --------------------------------------------------------------------------------------
// Use cases
// --------------------------------------------------------------------------------------

export interface SopDeps {
  sops: SopStore;
  obligations: ObligationStore;
  authorities: { get(tenantId: string, id: string): Promise<Authority | undefined> };
  partnerships: { get(tenantId: string): Promise<Partnership | undefined> };
  clock: Clock;
  ids: IdGenerator;
}

export function sopService(deps: SopDeps) {
  const { sops, obligations, clock, ids } = deps;

  async function context(caller: Caller, authorityId: string) {
    assertCanSeeAuthority(caller, authorityId);
    const [authority, partnership] = await Promise.all([deps.authorities.get(caller.tenantId, authorityId), deps.partnerships.get(caller.tenantId)]);
    if (!authority) throw new NotFoundError('Authority');
    return { authority, settings: settingsOf(partnership), now: clock.now() };
  }

  async function requireSop(caller: Caller, authorityId: string): Promise<Sop> {
    const sop = await sops.get(caller.tenantId, authorityId);
    if (!sop) throw new NotFoundError('SOP');
    return sop;
  }

  function staleCheck(entity: string, given: number, current: number) {
    if (given !== current) throw new ConflictError(`This ${entity} was changed by someone else; reload it and try again.`, { reason: 'stale_version', currentVersion: current });
  }

  return {
    async get(caller: Caller, authorityId: string) {
      await context(caller, authorityId);
      return requireSop(caller, authorityId);
    },

    /** The authority's lead creates or edits its SOP. */
    async put(caller: Caller, authorityId: string, input: z.infer<typeof PutSop>): Promise<Sop> {
      requireRole(caller, 'authority-lead');
      const { authority, settings, now } = await context(caller, authorityId);
      const current = await sops.get(caller.tenantId, authorityId);
      staleCheck('SOP', input.version, current?.version ?? 0);
      const { version, ...fields } = input;
      if (fields.nextReviewDate <= fields.implementationDate) {
        throw new ValidationError([{ path: 'nextReviewDate', message: 'The next review must come after the implementation date.' }]);
      }
      const sop: Sop = {
        authorityId,
        ...fields,
        ...(current?.lastReviewedOn ? { lastReviewedOn: current.lastReviewedOn } : {}),
        ...(current ? nextMeta(current, caller, now) : newMeta(caller, now)),
      };
      await sops.put(
        caller.tenantId,
        sop,
        version,
        sopReviewDue(caller.tenantId, sop, authority, settings, toIsoDate(now)),
        auditEvent(caller, now, ids, { action: current ? 'update' : 'create', entityType: 'sop', entityId: authorityId, authorityId, before: current, after: sop, personalFields: SOP_PERSONAL_FIELDS }),
      );
      return sop;
    },

    async versions(caller: Caller, authorityId: string) {
      await context(caller, authorityId);
      await requireSop(caller, authorityId);
      return sops.versions(caller.tenantId, authorityId);
    },

    async reviews(caller: Caller, authorityId: string) {
      await context(caller, authorityId);
      await requireSop(caller, authorityId);
      return sops.reviews(caller.tenantId, authorityId);
    },

    /**
     * Records the annual review, as minuted by the steering group. The next review moves on
     * 12 months from the review (or to the date the lead sets); a revision bumps the SOP's
     * version and adds to its revision record. Earlier versions stay readable, unchanged.
     */
    async recordReview(caller: Caller, authorityId: string, input: RecordReview): Promise<{ sop: Sop; review: SopReview }> {
      requireRole(caller, 'authority-lead');
      const { authority, settings, now } = await context(caller, authorityId);
      const current = await requireSop(caller, authorityId);
      staleCheck('SOP', input.version, current.version);
      const today = toIsoDate(now);
      const errors: { path: string; message: string }[] = [];
      if (input.reviewedOn > today) errors.push({ path: 'reviewedOn', message: 'A review cannot be recorded in the future.' });
      if (input.outcome === 'revised' && !input.newSopVersion) errors.push({ path: 'newSopVersion', message: 'Give the new version number of the revised SOP.' });
      if (input.outcome === 'revised' && input.newSopVersion === current.sopVersion) errors.push({ path: 'newSopVersion', message: `The SOP is already at version ${current.sopVersion}.` });
      if (input.outcome === 'unchanged' && input.newSopVersion) errors.push({ path: 'newSopVersion', message: 'An unchanged SOP keeps its version.' });
      const nextReviewDate = input.nextReviewDate ?? addMonths(input.reviewedOn, 12);
      if (nextReviewDate <= input.reviewedOn) errors.push({ path: 'nextReviewDate', message: 'The next review must come after this one.' });
      if (errors.length) throw new ValidationError(errors);

      const revised = input.outcome === 'revised';
      const sop: Sop = {
        ...current,
        sopVersion: revised ? input.newSopVersion! : current.sopVersion,
        nextReviewDate,
        lastReviewedOn: input.reviewedOn,
        revisions: revised ? [...current.revisions, { date: input.reviewedOn, nature: input.natureOfRevision ?? `Annual review (${input.minuteRef})` }] : current.revisions,
        ...nextMeta(current, caller, now),
      };
      const { version: _v, ...reviewFields } = input;
      const review: SopReview = {
        ...reviewFields,
        id: ids.next(),
        authorityId,
        sopVersionBefore: current.sopVersion,
        sopVersionAfter: sop.sopVersion,
        nextReviewDate,
        ...newMeta(caller, now),
      };
      await sops.put(
        caller.tenantId,
        sop,
        current.version,
        sopReviewDue(caller.tenantId, sop, authority, settings, today),
        auditEvent(caller, now, ids, { action: 'review', entityType: 'sop', entityId: authorityId, authorityId, before: current, after: sop, personalFields: SOP_PERSONAL_FIELDS, note: `Review ${input.outcome} (${input.minuteRef})` }),
        review,
      );
      return { sop, review };
    },

    /** Every SOP the caller can see, with whether its review is overdue or due within 60 days (as at today). */
    async listForPartnership(caller: Caller) {
      const scope = authorityScope(caller);
      const all = await sops.list(caller.tenantId);
      const today = toIsoDate(clock.now());
      const items = all
        .filter((s) => scope.kind === 'partnership' || s.authorityId === scope.authorityId)
        .map((s) => ({ ...s, reviewOverdue: s.nextReviewDate < today, reviewDueWithin60Days: s.nextReviewDate >= today && s.nextReviewDate <= addDays(today, 60) }));
      return { asAt: today, items };
    },

    async listObligations(caller: Caller, authorityId: string) {
      await context(caller, authorityId);
      return obligations.list(caller.tenantId, authorityId);
    },

    async getObligation(caller: Caller, authorityId: string, id: string) {
      await context(caller, authorityId);
      const o = await obligations.get(caller.tenantId, authorityId, id);
      if (!o) throw new NotFoundError('Obligation');
      return o;
    },

    async createObligation(caller: Caller, authorityId: string, input: ObligationFields): Promise<Obligation> {
      requireRole(caller, 'authority-lead');
      const { authority, settings, now } = await context(caller, authorityId);
      await requireSop(caller, authorityId);
      const today = toIsoDate(now);
      const o: Obligation = { ...input, id: ids.next(), authorityId, nextDueOn: nextDueOf(input.cadence, today), ...newMeta(caller, now) };
      await obligations.create(caller.tenantId, [{ obligation: o, due: obligationDue(caller.tenantId, o, authority, settings, today), history: obligationVersion(o, today) }], auditEvent(caller, now, ids, { action: 'create', entityType: 'obligation', entityId: o.id, authorityId, after: o }));
      return o;
    },

    /** Copies the template obligations the authority does not have yet. */
    async adoptTemplate(caller: Caller, authorityId: string): Promise<{ items: Obligation[] }> {
      requireRole(caller, 'authority-lead');
      const { authority, settings, now } = await context(caller, authorityId);
      await requireSop(caller, authorityId);
      const have = new Set((await obligations.list(caller.tenantId, authorityId)).map((o) => o.templateId).filter(Boolean));
      const today = toIsoDate(now);
      const created = OBLIGATION_TEMPLATES.filter((t) => !have.has(t.templateId)).map((t) => {
        const o: Obligation = { ...t, status: 'not-yet-started', evidence: { notes: '', links: [] }, id: ids.next(), authorityId, nextDueOn: nextDueOf(t.cadence, today), ...newMeta(caller, now) };
        return { obligation: o, due: obligationDue(caller.tenantId, o, authority, settings, today), history: obligationVersion(o, today) };
      });
      if (created.length) {
        await obligations.create(
          caller.tenantId,
          created,
          auditEvent(caller, now, ids, { action: 'create', entityType: 'obligation', entityId: 'template', authorityId, after: { adopted: created.length }, note: `${created.length} obligations copied from the template` }),
        );
      }
      return { items: created.map((c) => c.obligation) };
    },

    async updateObligation(caller: Caller, authorityId: string, id: string, input: z.infer<typeof UpdateObligation>): Promise<Obligation> {
      requireRole(caller, 'authority-lead');
      const { authority, settings, now } = await context(caller, authorityId);
      const current = await this.getObligation(caller, authorityId, id);
      staleCheck('obligation', input.version, current.version);
      const { version, ...fields } = input;
      const from = current.lastEvidencedOn ?? current.createdAt.slice(0, 10);
      const o: Obligation = { ...current, ...fields, nextDueOn: nextDueOf(fields.cadence, from), ...nextMeta(current, caller, now) };
      const today = toIsoDate(now);
      await obligations.update(caller.tenantId, o, version, obligationDue(caller.tenantId, o, authority, settings, today), auditEvent(caller, now, ids, { action: 'update', entityType: 'obligation', entityId: id, authorityId, before: current, after: o }), obligationVersion(o, today));
      return o;
    },

    /** Editors and the lead record evidence; the next due date follows from it. */
    async recordEvidence(caller: Caller, authorityId: string, id: string, input: z.infer<typeof RecordEvidence>): Promise<Obligation> {
      requireRole(caller, 'authority-lead', 'authority-editor');
      const { authority, settings, now } = await context(caller, authorityId);
      const current = await this.getObligation(caller, authorityId, id);
      staleCheck('obligation', input.version, current.version);
      const today = toIsoDate(now);
      if (input.evidencedOn > today) throw new ValidationError([{ path: 'evidencedOn', message: 'Evidence cannot be dated in the future.' }]);
      const o: Obligation = {
        ...current,
        status: input.status,
        evidence: input.evidence,
        lastEvidencedOn: input.evidencedOn,
        nextDueOn: nextDueOf(current.cadence, input.evidencedOn),
        ...nextMeta(current, caller, now),
      };
      await obligations.update(caller.tenantId, o, input.version, obligationDue(caller.tenantId, o, authority, settings, today), auditEvent(caller, now, ids, { action: 'update', entityType: 'obligation', entityId: id, authorityId, before: current, after: o }), obligationVersion(o, input.evidencedOn));
      return o;
    },

    async deleteObligation(caller: Caller, authorityId: string, id: string, version: number): Promise<{ deleted: true }> {
      requireRole(caller, 'authority-lead');
      const { now } = await context(caller, authorityId);
      const current = await this.getObligation(caller, authorityId, id);
      staleCheck('obligation', version, current.version);
      const gone = obligationVersion({ ...current, ...nextMeta(current, caller, now) }, toIsoDate(now), true);
      await obligations.delete(caller.tenantId, current, version, auditEvent(caller, now, ids, { action: 'delete', entityType: 'obligation', entityId: id, authorityId, before: current }), gone);
      return { deleted: true };
    },
  };
}
