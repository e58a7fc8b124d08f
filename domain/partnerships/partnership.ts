import * as z from 'zod';
import { TenantId } from '../shared/ids';
import { RecordMeta } from '../shared/records';
import { auditEvent, type Actor, type AuditEvent } from '../audit/audit';
import type { Clock, IdGenerator } from '../shared/ports';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { isReportingYear, toIsoDate } from '../shared/dates';
import { SECTORS } from '../authorities/authority';
import { requireRole, type Caller } from '../shared/identity';
import { nextMeta } from '../shared/records';
import { STANDARD_COURSES, type Course } from '../training/courses';
import type { DueItemChanges, DueRewrite } from '../reminders/due';

/** A partnership is one tenant: a county's Prevent partnership and its steering group. */
export const PartnershipFields = z.object({
  name: z.string().trim().min(1).max(200),
  county: z.string().trim().min(1).max(100).optional(),
});
/** Settings each partnership's steering group chooses; defaults are stated in the README. */
export const PartnershipSettings = z.object({
  // Generated input found 3.5e-146 answered 500: DynamoDB stores no number nearer 0 than 1e-130.
  // The settings page shows the target to 0.01 %, so a smaller non-zero target is refused as input.
  coverageTarget: z
    .number()
    .min(0)
    .max(1)
    .refine((v) => v === 0 || v >= 0.0001, { message: 'A target above 0 is at least 0.0001 (0.01 %).' })
    .describe('Share of each role that must be in date, e.g. 0.85'),
  trainingRetentionYears: z.number().int().min(1).max(25).describe('Staff-level training records are deleted this many years after completion'),
  reminderThresholds: z.array(z.number().int().min(0).max(365)).min(1).max(8).describe('Days before a due date at which reminders go out'),
  copySteeringGroupOnOverdue: z.boolean().describe('Copy the steering group on reminders of overdue items'),
  steeringGroupEmails: z.array(z.email()).max(10).describe('Where the steering group is copied (e.g. a shared mailbox)'),
  frameworkByYear: z.record(z.string().regex(/^\d{4}-\d{2}$/), z.string().max(120)).describe('Benchmark framework (id@version) each reporting year uses; default the 2018 toolkit'),
  benchmarksBySector: z.record(z.string(), z.array(z.number().int().min(1).max(50))).describe('Benchmark numbers that apply to each Schedule 6 sector'),
});
export type PartnershipSettings = z.infer<typeof PartnershipSettings>;
export const DEFAULT_SETTINGS: PartnershipSettings = {
  coverageTarget: 0.85,
  trainingRetentionYears: 6,
  reminderThresholds: [60, 30, 7, 0],
  copySteeringGroupOnOverdue: true,
  steeringGroupEmails: [],
  frameworkByYear: {},
  // The toolkit was written for local authorities: all ten benchmarks apply to them. Other
  // sectors answer for what they do themselves: risk assessment, the partnership, the plan,
  // referrals, training, venue hire and IT; the police also for Channel and disruption.
  benchmarksBySector: {
    'local-government': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    police: [1, 2, 3, 4, 5, 6, 7, 8],
    'criminal-justice': [1, 2, 3, 4, 7, 8],
    'education-childcare': [1, 2, 3, 4, 7, 8],
    'health-social-care': [1, 2, 3, 4, 7, 8],
  },
};

export const Partnership = PartnershipFields.extend({ id: TenantId, settings: PartnershipSettings.partial().optional() }).extend(RecordMeta.shape);
export type Partnership = z.infer<typeof Partnership>;

export interface PartnershipStore {
  get(tenantId: string): Promise<Partnership | undefined>;
  /** Creates the partnership with its starting course catalogue, in one transaction. */
  create(partnership: Partnership, audit: AuditEvent, courses: readonly Course[]): Promise<void>;
  /** With the due descriptors the change re-derives (thresholds, who is copied), in its transaction. */
  update(partnership: Partnership, expectedVersion: number, audit: AuditEvent, dues?: readonly DueRewrite[]): Promise<void>;
}

/** The platform operator, who creates partnerships from the command line (never through the API). */
export const PLATFORM_OPERATOR: Actor = { userId: 'platform-operator', role: 'platform-operator' };

export function newPartnership(
  input: { id: string; name: string; county?: string },
  clock: Clock,
  ids: IdGenerator,
): { partnership: Partnership; audit: AuditEvent; courses: Course[] } {
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
  const meta = { version: 1, createdAt: iso, createdBy: PLATFORM_OPERATOR.userId, updatedAt: iso, updatedBy: PLATFORM_OPERATOR.userId };
  const courses = STANDARD_COURSES.map((c) => ({ ...c, ...meta }));
  return { partnership, audit, courses };
}

export function settingsOf(partnership: Pick<Partnership, 'settings'> | undefined): PartnershipSettings {
  return { ...DEFAULT_SETTINGS, ...partnership?.settings };
}

export const PutSettings = PartnershipSettings.partial().extend({ version: z.number().int().positive().describe("The partnership record's version") });
export const SettingsView = PartnershipSettings.extend({ version: z.number().int() });

export function settingsService(deps: { store: PartnershipStore; clock: Clock; ids: IdGenerator; dueItems?: DueItemChanges }) {
  async function load(tenantId: string) {
    const p = await deps.store.get(tenantId);
    if (!p) throw new NotFoundError('Partnership');
    return p;
  }
  return {
    async get(caller: Caller) {
      const p = await load(caller.tenantId);
      return { ...settingsOf(p), version: p.version };
    },
    async put(caller: Caller, input: z.infer<typeof PutSettings>) {
      requireRole(caller, 'steering-group');
      const current = await load(caller.tenantId);
      const { version, ...changes } = input;
      const settings = { ...settingsOf(current), ...changes };
      const errors = [
        ...Object.keys(settings.frameworkByYear).filter((y) => !isReportingYear(y)).map((y) => ({ path: `frameworkByYear.${y}`, message: 'Not a UK financial year such as 2024-25.' })),
        ...Object.keys(settings.benchmarksBySector).filter((k) => !(SECTORS as readonly string[]).includes(k)).map((k) => ({ path: `benchmarksBySector.${k}`, message: `Not a Schedule 6 sector (${SECTORS.join(', ')}).` })),
      ];
      if (errors.length) throw new ValidationError(errors);
      if (version !== current.version) {
        throw new ConflictError('The settings were changed by someone else; reload them and try again.', { reason: 'stale_version', currentVersion: current.version });
      }
      const now = deps.clock.now();
      const updated: Partnership = { ...current, settings, ...nextMeta(current, caller, now) };
      // Thresholds and who is copied live on each due item: re-derive them all.
      const dues = (await deps.dueItems?.forSettings(caller.tenantId, settings, toIsoDate(now))) ?? [];
      await deps.store.update(
        updated,
        version,
        auditEvent(caller, now, deps.ids, { action: 'update', entityType: 'partnership', entityId: caller.tenantId, before: settingsOf(current), after: settings }),
        dues,
      );
      return { ...settings, version: updated.version };
    },
  };
}
