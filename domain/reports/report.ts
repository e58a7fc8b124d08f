import type { Authority } from '../authorities/authority';
import { filterStatus } from '../itfilter/assurance';
import { addDays, reportingYearOf, reportingYearRange } from '../shared/dates';
import type { CurrentSummary, YearSummary } from './summary';

export interface ReportRow {
  authorityId: string;
  name: string;
  sector: string;
  type: string;
  statement: { status: 'missing' | 'draft' | 'submitted' | 'returned' | 'accepted'; date?: string; version?: number; scores: Record<string, number>; achievingShare: number | null };
  training: { coverage: number | null; covered: number; headcount: number; completions: number; peopleTrained: number; sessions: number; attendees: number; feedbackShare: number | null; refreshersOverdue: number };
  itFilter: { status: string; lastReviewedOn?: string; outcome?: string };
  sop: { present: boolean; sopVersion?: string; nextReviewDate?: string; reviewOverdue: boolean };
  obligations: { notYetStarted: number; developing: number; achieving: number };
  /** The oldest piece of evidence the row relies on. */
  evidenceFreshness?: string;
}

export interface Totals {
  authorities: number;
  peopleTrained: number;
  completions: number;
  sessions: number;
  attendees: number;
  feedbackShare: number | null;
  statementsAccepted: number;
  statementsExpected: number;
  overdueItems: number;
  coverage: number | null;
}

export interface ConsolidatedReport {
  year: string;
  previousYear: string;
  asOf: string;
  generatedAt: string;
  coverageTarget: number;
  rows: ReportRow[];
  totals: Totals;
  previousTotals: Totals;
  /** This year minus last year, for every total that has one. */
  change: Partial<Record<keyof Totals, number | null>>;
}

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
