import * as z from 'zod';
import { ActionPlanSummary, isOverdue, RagStatus, type ActionPlan, type StoredAction } from '../actionplan/plan';
import { benchmarkName, type Assessment } from '../assessment/assessment';
import { auditEvent, type AuditEvent } from '../audit/audit';
import { PublishedFigures, totalsOnly } from '../delivery/figures';
import { isReportingYear } from '../shared/dates';
import { ConflictError, ForbiddenError, ValidationError } from '../shared/errors';
import { requireRole, type Caller } from '../shared/identity';
import type { Clock, IdGenerator } from '../shared/ports';
import { newMeta, nextMeta, RecordMeta } from '../shared/records';
import { ConsolidatedReport, STATEMENT_STATUSES } from './report';

/**
 * The annual report a steering group presents to the community-safety board (seed 000 is one):
 * assembled from the records — the year's training across the partnership, the statements and
 * their benchmark scores beside the Home Office assessment, IT-filter and SOP compliance, the
 * action plan's progress by theme, the delivery figures (suppressed) — with the narrative the
 * steering group writes (introduction, highlights, recommendations with lead officer and
 * partners), saved per year. One model; the HTML page and the Word document render it.
 */
export const Recommendation = z.object({
  theme: z.string().trim().max(200).optional().describe('e.g. "2. Leadership, governance and accountability"'),
  action: z.string().trim().min(1).max(2000).describe('The recommended action'),
  leadOfficer: z.string().trim().min(1).max(200).describe('Lead officer, by role (e.g. "Prevent Partnership Officer")'),
  partners: z.string().trim().max(500).optional().describe('Key partners'),
});
export const Narrative = z.object({
  introduction: z.string().trim().max(20_000).default(''),
  highlights: z.string().trim().max(20_000).default(''),
  recommendations: z.array(Recommendation).max(30).default([]),
});
export type Narrative = z.infer<typeof Narrative>;
export const PutNarrative = Narrative.extend({ version: z.number().int().min(0).describe('0 to write the year’s narrative the first time') });
export const StoredNarrative = Narrative.extend({ year: z.string() }).extend(RecordMeta.shape);
export type StoredNarrative = z.infer<typeof StoredNarrative>;

export interface NarrativeStore {
  get(tenantId: string, year: string): Promise<StoredNarrative | undefined>;
  put(tenantId: string, n: StoredNarrative, expectedVersion: number, audit: AuditEvent): Promise<void>;
}

const Counts = z.object({ red: z.number(), amber: z.number(), green: z.number(), complete: z.number(), total: z.number(), overdue: z.number() });

export const AnnualReport = z.object({
  year: z.string(),
  partnershipName: z.string().optional(),
  asAt: z.string(),
  partYear: z.boolean(),
  generatedAt: z.string(),
  narrative: Narrative.extend({ version: z.number().describe('0 while nothing is written'), updatedAt: z.string().optional() }),
  training: z.object({
    authorities: z.number(),
    peopleTrained: z.number(),
    completions: z.number(),
    sessions: z.number(),
    attendees: z.number(),
    feedbackShare: z.number().nullable(),
    coverage: z.number().nullable(),
    coverageTarget: z.number(),
    authoritiesMeetingTarget: z.number(),
    previousYear: z.string(),
    previousPeopleTrained: z.number(),
    previousCoverage: z.number().nullable(),
  }),
  statements: z.object({ expected: z.number(), byStatus: z.record(z.enum(STATEMENT_STATUSES), z.number()) }),
  benchmarks: ConsolidatedReport.shape.benchmarks,
  assessment: z
    .object({
      year: z.string(),
      assessedOn: z.string().optional(),
      strengths: z.array(z.object({ benchmark: z.number().optional(), name: z.string().optional(), text: z.string() })),
      developmentAreas: z.array(z.object({ benchmark: z.number().optional(), name: z.string().optional(), text: z.string() })),
    })
    .optional(),
  compliance: z.object({
    itFilter: z.object({ current: z.number(), dueSoon: z.number(), overdue: z.number(), missing: z.number() }),
    sop: z.object({ inForce: z.number(), reviewOverdue: z.number(), none: z.number() }),
    obligations: z.object({ notYetStarted: z.number(), developing: z.number(), achieving: z.number() }),
    overdueItems: z.number(),
  }),
  actionPlan: ActionPlanSummary.extend({
    themes: z.array(
      Counts.extend({
        number: z.number(),
        title: z.string(),
        actions: z.array(z.object({ number: z.string(), action: z.string(), leads: z.string(), rag: RagStatus, overdue: z.boolean(), latestProgress: z.object({ on: z.string(), text: z.string() }).optional() })),
      }),
    ),
  }).optional(),
  delivery: PublishedFigures.describe('The year’s totals, with small-number suppression'),
});
export type AnnualReport = z.infer<typeof AnnualReport>;

/** Assembles the annual report from the consolidated report, the plan year, the assessment, the published figures and the narrative. */
export function buildAnnualReport(input: {
  report: ConsolidatedReport & { partnershipName?: string };
  plan?: { plan: ActionPlan; actions: readonly StoredAction[] };
  assessment?: Assessment;
  delivery: PublishedFigures;
  narrative?: StoredNarrative;
  authorityNames: ReadonlyMap<string, string>;
}): AnnualReport {
  const { report } = input;
  const rows = report.rows;
  const byStatus = Object.fromEntries(STATEMENT_STATUSES.map((s) => [s, rows.filter((r) => r.statement.status === s).length])) as Record<(typeof STATEMENT_STATUSES)[number], number>;
  const filter = { current: 0, dueSoon: 0, overdue: 0, missing: 0 };
  for (const r of rows) filter[r.itFilter.status === 'due-soon' ? 'dueSoon' : (r.itFilter.status as 'current' | 'overdue' | 'missing')]++;
  const n = input.narrative;
  const summary = report.actionPlan;
  const finding = (f: { benchmark?: number; text: string }) => ({ ...(f.benchmark ? { benchmark: f.benchmark, name: benchmarkName(f.benchmark) } : {}), text: f.text });
  return {
    year: report.year,
    ...(report.partnershipName ? { partnershipName: report.partnershipName } : {}),
    asAt: report.asAt,
    partYear: report.partYear,
    generatedAt: report.generatedAt,
    narrative: n
      ? { introduction: n.introduction, highlights: n.highlights, recommendations: n.recommendations, version: n.version, updatedAt: n.updatedAt }
      : { introduction: '', highlights: '', recommendations: [], version: 0 },
    training: {
      authorities: report.totals.authorities,
      peopleTrained: report.totals.peopleTrained,
      completions: report.totals.completions,
      sessions: report.totals.sessions,
      attendees: report.totals.attendees,
      feedbackShare: report.totals.feedbackShare,
      coverage: report.totals.coverage,
      coverageTarget: report.coverageTarget,
      authoritiesMeetingTarget: rows.filter((r) => r.training.coverage !== null && r.training.coverage >= report.coverageTarget).length,
      previousYear: report.previousYear,
      previousPeopleTrained: report.previousTotals.peopleTrained,
      previousCoverage: report.previousTotals.coverage,
    },
    statements: { expected: rows.length, byStatus },
    benchmarks: report.benchmarks,
    ...(input.assessment
      ? { assessment: { year: input.assessment.year, ...(input.assessment.assessedOn ? { assessedOn: input.assessment.assessedOn } : {}), strengths: input.assessment.strengths.map(finding), developmentAreas: input.assessment.developmentAreas.map(finding) } }
      : {}),
    compliance: {
      itFilter: filter,
      sop: { inForce: rows.filter((r) => r.sop.present).length, reviewOverdue: rows.filter((r) => r.sop.reviewOverdue).length, none: rows.filter((r) => !r.sop.present).length },
      obligations: {
        notYetStarted: rows.reduce((s, r) => s + r.obligations.notYetStarted, 0),
        developing: rows.reduce((s, r) => s + r.obligations.developing, 0),
        achieving: rows.reduce((s, r) => s + r.obligations.achieving, 0),
      },
      overdueItems: report.totals.overdueItems,
    },
    ...(summary && input.plan
      ? {
          actionPlan: {
            ...summary,
            themes: summary.byTheme.map(({ themeId, ...counts }) => ({
              ...counts,
              actions: input.plan!.actions
                .filter((a) => a.themeId === themeId)
                .map((a) => {
                  const last = a.progress.at(-1);
                  const leads = [...a.leadAuthorities.map((id) => input.authorityNames.get(id) ?? id), ...a.otherLeads].join('; ');
                  return {
                    number: a.number,
                    action: a.action,
                    leads,
                    rag: a.rag,
                    overdue: isOverdue(a, summary.asAt),
                    ...(last ? { latestProgress: { on: last.on, text: last.text } } : {}),
                  };
                }),
            })),
          },
        }
      : {}),
    delivery: totalsOnly(input.delivery),
  };
}

export function narrativeService(deps: { store: NarrativeStore; clock: Clock; ids: IdGenerator }) {
  return {
    async get(caller: Caller, year: string): Promise<StoredNarrative | undefined> {
      return deps.store.get(caller.tenantId, year);
    },
    async put(caller: Caller, year: string, input: z.infer<typeof PutNarrative>): Promise<StoredNarrative> {
      requireRole(caller, 'steering-group');
      if (!isReportingYear(year)) throw new ValidationError([{ path: 'path.year', message: 'A UK financial year such as 2024-25.' }]);
      const current = await deps.store.get(caller.tenantId, year);
      const { version, ...fields } = input;
      if (version !== (current?.version ?? 0)) throw new ConflictError('The narrative was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion: current?.version ?? 0 });
      const now = deps.clock.now();
      const next = { year, ...fields, ...(current ? nextMeta(current, caller, now) : newMeta(caller, now)) } as StoredNarrative;
      await deps.store.put(caller.tenantId, next, version, auditEvent(caller, now, deps.ids, { action: current ? 'update' : 'create', entityType: 'annual-report', entityId: year, before: current, after: next }));
      return next;
    },
  };
}

/** The annual report is the partnership's: the steering group and partnership-wide viewers (scrutiny) read it, not a viewer of one authority. */
export function assertCanReadAnnual(caller: Caller): void {
  requireRole(caller, 'steering-group', 'viewer');
  if (caller.role === 'viewer' && caller.authorityId) throw new ForbiddenError('The annual report covers the whole partnership: ask the steering group for it.');
}

