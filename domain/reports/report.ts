import { z } from 'zod';
import type { Authority } from '../authorities/authority';
import { filterStatus } from '../itfilter/assurance';
import { addDays, reportingYearOf, reportingYearRange } from '../shared/dates';
import type { CurrentSummary, YearSummary } from './summary';

/**
 * The report's shape, defined once: the API contract (functions/api.ts) serves this schema
 * and the types below are inferred from it, so a column added here reaches the JSON.
 */
export const STATEMENT_STATUSES = ['missing', 'draft', 'submitted', 'returned', 'accepted'] as const;

export const ReportRow = z.object({
  authorityId: z.string(),
  name: z.string(),
  sector: z.string(),
  type: z.string(),
  statement: z.object({
    status: z.enum(STATEMENT_STATUSES),
    date: z.string().optional(),
    version: z.number().optional(),
    scores: z.record(z.string(), z.number()),
    achievingShare: z.number().nullable(),
  }),
  training: z.object({
    coverage: z.number().nullable(),
    covered: z.number(),
    headcount: z.number(),
    completions: z.number(),
    peopleTrained: z.number(),
    sessions: z.number(),
    attendees: z.number(),
    feedbackShare: z.number().nullable(),
    refreshersOverdue: z.number(),
  }),
  itFilter: z.object({ status: z.string(), lastReviewedOn: z.string().optional(), outcome: z.string().optional() }),
  sop: z.object({ present: z.boolean(), sopVersion: z.string().optional(), nextReviewDate: z.string().optional(), reviewOverdue: z.boolean() }),
  obligations: z.object({ notYetStarted: z.number(), developing: z.number(), achieving: z.number() }),
  evidenceFreshness: z.string().optional().describe('The oldest piece of evidence the row relies on'),
});
export type ReportRow = z.infer<typeof ReportRow>;

export const Totals = z.object({
  authorities: z.number(),
  peopleTrained: z.number(),
  completions: z.number(),
  sessions: z.number(),
  attendees: z.number(),
  feedbackShare: z.number().nullable(),
  statementsAccepted: z.number(),
  statementsExpected: z.number(),
  overdueItems: z.number(),
  coverage: z.number().nullable(),
});
export type Totals = z.infer<typeof Totals>;

export const ConsolidatedReport = z.object({
  year: z.string(),
  previousYear: z.string(),
  asOf: z.string(),
  generatedAt: z.string(),
  coverageTarget: z.number(),
  partnershipName: z.string().optional(),
  rows: z.array(ReportRow),
  totals: Totals,
  previousTotals: Totals,
  change: z.partialRecord(Totals.keyof(), z.number().nullable()).describe('This year minus last year, per total (null where either year has none)'),
});
export type ConsolidatedReport = z.infer<typeof ConsolidatedReport>;

export function previousYearOf(year: string): string {
  return reportingYearOf(addDays(reportingYearRange(year).from, -1));
}

/** Coverage on a date from the covered-until histograms: covered people capped at each role's headcount. */
export function coverageOn(current: CurrentSummary | undefined, asOf: string) {
  let covered = 0;
  let headcount = 0;
  for (const role of current?.coverage ?? []) {
    const people = Object.entries(role.coveredUntil).reduce((n, [until, count]) => (until > asOf ? n + count : n), 0);
    covered += Math.min(people, role.headcount);
    headcount += role.headcount;
  }
  return { covered, headcount, coverage: headcount > 0 ? covered / headcount : null };
}

const share = (num: number, den: number) => (den > 0 ? num / den : null);

export function buildRows(authorities: readonly Authority[], current: ReadonlyMap<string, CurrentSummary>, years: ReadonlyMap<string, YearSummary>, asOf: string): ReportRow[] {
  return [...authorities]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((a) => {
      const c = current.get(a.id);
      const y = years.get(a.id);
      const cov = coverageOn(c, asOf);
      const overdue = Object.entries(c?.refreshersDue ?? {}).reduce((n, [due, count]) => (due <= asOf ? n + count : n), 0);
      const filter = filterStatus(c?.itFilter?.lastReviewedOn, asOf);
      const st = y?.statement;
      const sopReviewDate = c?.sop ? c.sop.lastReviewedOn ?? c.sop.implementationDate : undefined;
      const evidence = [c?.itFilter?.lastReviewedOn, sopReviewDate, st && st.status !== 'draft' ? st.date : undefined, c?.obligations.oldestEvidenceOn, c?.lastCompletionOn].filter((d): d is string => !!d).sort()[0];
      return {
        authorityId: a.id,
        name: a.name,
        sector: a.sector,
        type: a.type,
        statement: st
          ? { status: st.status, date: st.date, version: st.version, scores: st.scores, achievingShare: share(st.achieving, st.applicable) }
          : { status: 'missing' as const, scores: {}, achievingShare: null },
        training: {
          ...cov,
          completions: y?.completions ?? 0,
          peopleTrained: y?.peopleTrained ?? 0,
          sessions: y?.sessions ?? 0,
          attendees: y?.attendees ?? 0,
          feedbackShare: share(y?.feedbackGoodOrExcellent ?? 0, y?.feedbackRespondents ?? 0),
          refreshersOverdue: overdue,
        },
        itFilter: { status: filter.status, ...(c?.itFilter ? { lastReviewedOn: c.itFilter.lastReviewedOn, outcome: c.itFilter.outcome } : {}) },
        sop: c?.sop ? { present: true, sopVersion: c.sop.sopVersion, nextReviewDate: c.sop.nextReviewDate, reviewOverdue: c.sop.nextReviewDate < asOf } : { present: false, reviewOverdue: false },
        obligations: { notYetStarted: c?.obligations['not-yet-started'] ?? 0, developing: c?.obligations.developing ?? 0, achieving: c?.obligations.achieving ?? 0 },
        ...(evidence ? { evidenceFreshness: evidence } : {}),
      };
    });
}

export function totalsOf(rows: readonly ReportRow[], years: ReadonlyMap<string, YearSummary>): Totals {
  const sum = (f: (r: ReportRow) => number) => rows.reduce((n, r) => n + f(r), 0);
  const respondents = rows.reduce((n, r) => n + (years.get(r.authorityId)?.feedbackRespondents ?? 0), 0);
  const good = rows.reduce((n, r) => n + (years.get(r.authorityId)?.feedbackGoodOrExcellent ?? 0), 0);
  const headcount = sum((r) => r.training.headcount);
  return {
    authorities: rows.length,
    peopleTrained: sum((r) => r.training.peopleTrained),
    completions: sum((r) => r.training.completions),
    sessions: sum((r) => r.training.sessions),
    attendees: sum((r) => r.training.attendees),
    feedbackShare: share(good, respondents),
    statementsAccepted: rows.filter((r) => r.statement.status === 'accepted').length,
    statementsExpected: rows.length,
    overdueItems: sum((r) => r.training.refreshersOverdue + (r.sop.reviewOverdue ? 1 : 0) + (r.itFilter.status === 'overdue' ? 1 : 0)),
    coverage: share(sum((r) => r.training.covered), headcount),
  };
}

/**
 * The consolidated report of a partnership for a year, from the summaries alone. Figures that
 * depend on the date are taken at the end of the year, or today for the current year.
 */
export function buildReport(input: {
  year: string;
  today: string;
  now: Date;
  coverageTarget: number;
  authorities: readonly Authority[];
  current: ReadonlyMap<string, CurrentSummary>;
  years: ReadonlyMap<string, ReadonlyMap<string, YearSummary>>;
}): ConsolidatedReport {
  const previousYear = previousYearOf(input.year);
  const asOfFor = (y: string) => [reportingYearRange(y).to, input.today].sort()[0];
  const thisYear = input.years.get(input.year) ?? new Map();
  const lastYear = input.years.get(previousYear) ?? new Map();
  const rows = buildRows(input.authorities, input.current, thisYear, asOfFor(input.year));
  const totals = totalsOf(rows, thisYear);
  const previousTotals = totalsOf(buildRows(input.authorities, input.current, lastYear, asOfFor(previousYear)), lastYear);
  const change: ConsolidatedReport['change'] = {};
  for (const key of Object.keys(totals) as (keyof Totals)[]) {
    const a = totals[key];
    const b = previousTotals[key];
    change[key] = a === null || b === null ? null : a - b;
  }
  return { year: input.year, previousYear, asOf: asOfFor(input.year), generatedAt: input.now.toISOString(), coverageTarget: input.coverageTarget, rows, totals, previousTotals, change };
}
