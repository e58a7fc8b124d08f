import * as z from 'zod';
import { ActionPlanSummary, isOverdue, judgedOn, summarizePlan, type ActionPlan, type StoredAction } from '../actionplan/plan';
import { benchmarkName, TOOLKIT_BENCHMARKS, type Assessment } from '../assessment/assessment';
import type { Authority } from '../authorities/authority';
import { PublishedFigures, totalsOnly } from '../delivery/figures';
import { filterStatus } from '../itfilter/assurance';
import { addDays, reportingYearOf, reportingYearRange } from '../shared/dates';
import { sopOn, valueOn, type CurrentSummary, type ObligationCounts, type YearSummary } from './summary';

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
  itFilter: z.object({
    status: z.string().describe('On the report’s asAt date, from the latest review on or before it'),
    lastReviewedOn: z.string().optional().describe('That latest review'),
    outcome: z.string().optional(),
    yearAssurance: z.object({ reviewedOn: z.string(), outcome: z.string() }).optional().describe('The assurance recorded for the report’s year, if any'),
  }),
  sop: z.object({
    present: z.boolean().describe('Whether a SOP version was in force on the asAt date'),
    sopVersion: z.string().optional(),
    lastReviewedOn: z.string().optional(),
    nextReviewDate: z.string().optional(),
    reviewOverdue: z.boolean(),
  }),
  obligations: z.object({ notYetStarted: z.number(), developing: z.number(), achieving: z.number() }),
  evidenceFreshness: z.string().optional().describe('The oldest piece of evidence the row relies on'),
  overdueItems: z.number().describe('Overdue refreshers, plus the SOP review and the IT-filter review if overdue (the totals add these up)'),
  actions: z.object({
    led: z.number().describe('Actions of the year’s action plan the authority leads'),
    overdue: z.number().describe('Of those, due by a date that has passed and not complete'),
  }),
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
  asAt: z.string().describe('The date every figure is taken at: 31 March for a past year, today for the current one'),
  previousAsAt: z.string().describe('The date last year’s figures are taken at (the end of that year)'),
  partYear: z.boolean().describe('True while the year is in progress: the change compares this part year with the whole of last year'),
  generatedAt: z.string(),
  coverageTarget: z.number(),
  partnershipName: z.string().optional(),
  rows: z.array(ReportRow),
  totals: Totals,
  previousTotals: Totals,
  change: z.partialRecord(Totals.keyof(), z.number().nullable()).describe('This year minus last year, per total (null where either year has none)'),
  benchmarks: z
    .array(
      z.object({
        benchmark: z.number(),
        name: z.string(),
        selfAverage: z.number().nullable().describe('Mean self-assessed score of the submitted and accepted statements that score it'),
        selfCount: z.number().describe('How many statements that mean is of'),
        homeOffice: z.number().optional().describe('The Home Office’s score for the area (the latest assessment up to this year)'),
        target: z.number().optional().describe('The partnership’s target score'),
      }),
    )
    .describe('Self-assessment beside the Home Office assessment, per benchmark: the gap'),
  assessmentYear: z.string().optional().describe('The year of the Home Office assessment shown'),
  actionPlan: ActionPlanSummary.optional().describe('The action plan covering the year: counts by RAG per theme, benchmark and lead authority, and how many are overdue'),
  delivery: PublishedFigures.optional().describe('The year’s delivery figures as totals, with small-number suppression'),
});
export type ConsolidatedReport = z.infer<typeof ConsolidatedReport>;

export function previousYearOf(year: string): string {
  return reportingYearOf(addDays(reportingYearRange(year).from, -1));
}

/** Coverage on a date from the coverage changes: covered people capped at each role's headcount. */
export function coverageOn(current: CurrentSummary | undefined, asAt: string) {
  let covered = 0;
  let headcount = 0;
  for (const role of current?.coverage ?? []) {
    covered += Math.min(valueOn(role.coveredChanges, asAt), role.headcount);
    headcount += role.headcount;
  }
  return { covered, headcount, coverage: headcount > 0 ? covered / headcount : null };
}

/** Authorities in name order; a list already in order (buildReport sorts once for both years) is kept as it is. */
function byName(authorities: readonly Authority[]): readonly Authority[] {
  for (let i = 1; i < authorities.length; i++) {
    if (authorities[i - 1].name.localeCompare(authorities[i].name) > 0) return [...authorities].sort((a, b) => a.name.localeCompare(b.name));
  }
  return authorities;
}

/*
 * Each row picks a few dates out of short lists, 1,200 rows a report at 600 authorities: a scan
 * with plain comparisons (ISO dates order as strings) rather than filter, sort and a locale-aware compare.
 */
/** The item with the latest date on or before `asAt` (the last such in the list when dates tie). */
function latest<T>(items: readonly T[], dateOf: (item: T) => string, asAt: string): T | undefined {
  let best: T | undefined;
  let bestDate = '';
  for (const item of items) {
    const date = dateOf(item);
    if (date <= asAt && (best === undefined || date >= bestDate)) {
      best = item;
      bestDate = date;
    }
  }
  return best;
}

function earliest(dates: readonly (string | undefined)[]): string | undefined {
  let min: string | undefined;
  for (const d of dates) if (d && (min === undefined || d < min)) min = d;
  return min;
}

const share = (num: number, den: number) => (den > 0 ? num / den : null);
const EMPTY_OBLIGATIONS: ObligationCounts = { 'not-yet-started': 0, developing: 0, achieving: 0 };

/** How the obligations stood on a date: as now from the last change on, else at that year end. */
function obligationsAt(c: CurrentSummary | undefined, date: string): ObligationCounts {
  if (!c?.obligationsSettledOn) return EMPTY_OBLIGATIONS;
  if (date >= c.obligationsSettledOn) return c.obligations;
  return c.obligationsAtYearEnd[reportingYearOf(date)] ?? EMPTY_OBLIGATIONS;
}

/** Actions led and overdue per authority, from the plan year's actions. */
export type ActionCounts = ReadonlyMap<string, { led: number; overdue: number }>;
export function actionCounts(actions: readonly StoredAction[], asAt: string): ActionCounts {
  const out = new Map<string, { led: number; overdue: number }>();
  for (const a of actions) {
    const overdue = isOverdue(a, asAt);
    for (const id of new Set(a.leadAuthorities)) {
      const c = out.get(id) ?? { led: 0, overdue: 0 };
      c.led++;
      if (overdue) c.overdue++;
      out.set(id, c);
    }
  }
  return out;
}
const NO_ACTIONS = { led: 0, overdue: 0 };

/** One row per authority, every figure as it stood on `asAt` (a date in `year`). */
export function buildRows(authorities: readonly Authority[], current: ReadonlyMap<string, CurrentSummary>, years: ReadonlyMap<string, YearSummary>, asAt: string, year: string, actions?: ActionCounts): ReportRow[] {
  return byName(authorities).map((a) => {
    const c = current.get(a.id);
    const y = years.get(a.id);
    const cov = coverageOn(c, asAt);
    const overdue = valueOn(c?.overdueChanges, asAt);
    const lastFilter = latest(c?.itFilters ?? [], (f) => f.reviewedOn, asAt);
    const yearFilter = c?.itFilters.find((f) => f.year === year);
    const filter = filterStatus(lastFilter?.reviewedOn, asAt);
    const sop = sopOn(c?.sopVersions ?? [], asAt);
    const obligations = obligationsAt(c, asAt);
    const lastCompletionOn = latest(Object.values(c?.lastCompletionByYear ?? {}), (d) => d, asAt);
    const st = y?.statement;
    const sopReviewDate = sop ? sop.lastReviewedOn ?? sop.implementationDate : undefined;
    const sopOverdue = sop ? sop.nextReviewDate < asAt : false;
    const evidence = earliest([lastFilter?.reviewedOn, sopReviewDate, st && st.status !== 'draft' ? st.date : undefined, obligations.oldestEvidenceOn, lastCompletionOn]);
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
      itFilter: {
        status: filter.status,
        ...(lastFilter ? { lastReviewedOn: lastFilter.reviewedOn, outcome: lastFilter.outcome } : {}),
        ...(yearFilter ? { yearAssurance: { reviewedOn: yearFilter.reviewedOn, outcome: yearFilter.outcome } } : {}),
      },
      sop: sop
        ? { present: true, sopVersion: sop.sopVersion, ...(sop.lastReviewedOn ? { lastReviewedOn: sop.lastReviewedOn } : {}), nextReviewDate: sop.nextReviewDate, reviewOverdue: sopOverdue }
        : { present: false, reviewOverdue: false },
      obligations: { notYetStarted: obligations['not-yet-started'], developing: obligations.developing, achieving: obligations.achieving },
      ...(evidence ? { evidenceFreshness: evidence } : {}),
      overdueItems: overdue + (sopOverdue ? 1 : 0) + (filter.status === 'overdue' ? 1 : 0),
      actions: actions?.get(a.id) ?? NO_ACTIONS,
    };
  });
}

/** Statements the steering group has received are scored: drafts and returned ones are still being written. */
export const SCORED_STATUSES: ReadonlySet<string> = new Set(['submitted', 'accepted']);

/** Per benchmark: the mean self-assessed score of the scored statements, beside the Home Office's score and the target. */
export function benchmarkComparison(rows: readonly ReportRow[], assessment: Pick<Assessment, 'scores' | 'targets'> | undefined): ConsolidatedReport['benchmarks'] {
  return TOOLKIT_BENCHMARKS.map(({ number }) => {
    const b = String(number);
    let sum = 0;
    let n = 0;
    for (const r of rows) {
      const s = SCORED_STATUSES.has(r.statement.status) ? r.statement.scores[b] : undefined;
      if (s !== undefined) {
        sum += s;
        n++;
      }
    }
    const homeOffice = assessment?.scores[b];
    const target = assessment?.targets[b];
    return {
      benchmark: number,
      name: benchmarkName(number),
      selfAverage: n ? Math.round((sum / n) * 10) / 10 : null,
      selfCount: n,
      ...(homeOffice !== undefined ? { homeOffice } : {}),
      ...(target !== undefined ? { target } : {}),
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
    overdueItems: sum((r) => r.overdueItems),
    coverage: share(sum((r) => r.training.covered), headcount),
  };
}

/** The date a year's figures are taken at: its last day, or today while it is in progress. */
export function asAtOf(year: string, today: string): string {
  return [reportingYearRange(year).to, today].sort()[0];
}

/**
 * The consolidated report of a partnership for a year, from the summaries alone. Every figure
 * is taken as at the end of the year, or today for the current year; last year's figures are
 * taken at the end of last year. While the year is in progress the change therefore compares
 * a part year with a whole one, and the report says so (`partYear`).
 */
export function buildReport(input: {
  year: string;
  today: string;
  now: Date;
  coverageTarget: number;
  authorities: readonly Authority[];
  current: ReadonlyMap<string, CurrentSummary>;
  years: ReadonlyMap<string, ReadonlyMap<string, YearSummary>>;
  /** The partnership's own records for the year: the action plan covering it, the latest Home Office assessment, the delivery figures. */
  actionPlan?: { plan: ActionPlan; actions: readonly StoredAction[] };
  assessment?: Assessment;
  delivery?: PublishedFigures;
}): ConsolidatedReport {
  const previousYear = previousYearOf(input.year);
  const asAt = asAtOf(input.year, input.today);
  const previousAsAt = asAtOf(previousYear, input.today);
  const thisYear = input.years.get(input.year) ?? new Map();
  const lastYear = input.years.get(previousYear) ?? new Map();
  const authorities = byName(input.authorities);
  const plan = input.actionPlan;
  const planAsAt = plan ? judgedOn(plan.plan, input.year, input.today) : asAt;
  const rows = buildRows(authorities, input.current, thisYear, asAt, input.year, plan ? actionCounts(plan.actions, planAsAt) : undefined);
  const totals = totalsOf(rows, thisYear);
  const previousTotals = totalsOf(buildRows(authorities, input.current, lastYear, previousAsAt, previousYear), lastYear);
  const change: ConsolidatedReport['change'] = {};
  for (const key of Object.keys(totals) as (keyof Totals)[]) {
    const a = totals[key];
    const b = previousTotals[key];
    change[key] = a === null || b === null ? null : a - b;
  }
  return {
    year: input.year,
    previousYear,
    asAt,
    previousAsAt,
    partYear: asAt < reportingYearRange(input.year).to,
    generatedAt: input.now.toISOString(),
    coverageTarget: input.coverageTarget,
    rows,
    totals,
    previousTotals,
    change,
    benchmarks: benchmarkComparison(rows, input.assessment),
    ...(input.assessment ? { assessmentYear: input.assessment.year } : {}),
    ...(plan ? { actionPlan: summarizePlan(plan.plan, input.year, plan.actions, authorities, input.today) } : {}),
    ...(input.delivery ? { delivery: totalsOnly(input.delivery) } : {}),
  };
}
