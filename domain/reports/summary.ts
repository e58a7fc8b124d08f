import type { Authority } from '../authorities/authority';
import type { Assurance } from '../itfilter/assurance';
import { reportingYearOf } from '../shared/dates';
import type { Obligation, Sop } from '../sop/sop';
import type { Statement } from '../statements/statement';
import type { Completion } from '../training/completions';
import { LEVELS, type Course, type Level } from '../training/courses';
import type { TrainingPlan } from '../training/plan';
import { peopleOf } from '../training/coverage';
import type { Session } from '../training/sessions';

/**
 * Report summaries: what the consolidated report needs of one authority, derived from its raw
 * records. Kept as items beside the records (refreshed from the table's change stream), so a
 * report reads a few small items instead of every completion. Time-dependent figures
 * (coverage, refreshers overdue) are stored as date histograms and evaluated on the report's date.
 */
export const NEVER = '9999-12-31';

export interface CurrentSummary {
  authorityId: string;
  /** Per plan role: headcount, and how many people are covered until which date. */
  coverage: { roleId: string; headcount: number; coveredUntil: Record<string, number> }[];
  /** Current completions by refresher due date (courses that never lapse are left out). */
  refreshersDue: Record<string, number>;
  lastCompletionOn?: string;
  sop?: { sopVersion: string; nextReviewDate: string; lastReviewedOn?: string; implementationDate: string };
  obligations: { 'not-yet-started': number; developing: number; achieving: number; oldestEvidenceOn?: string };
  itFilter?: { lastReviewedOn: string; outcome: string };
}

export interface YearSummary {
  authorityId: string;
  year: string;
  completions: number;
  peopleTrained: number;
  sessions: number;
  attendees: number;
  feedbackRespondents: number;
  feedbackGoodOrExcellent: number;
  statement?: { status: Statement['status']; version: number; date: string; scores: Record<string, number>; achieving: number; applicable: number };
}

export interface AuthorityRecords {
  authority: Authority;
  plan?: TrainingPlan;
  courses: Course[];
  /** Current completions (the latest of each person and course) … */
  current: Completion[];
  /** … and every completion, current and superseded, for the yearly counts. */
  all: Completion[];
  sessions: Session[];
  sop?: Sop;
  obligations: Obligation[];
  assurances: Assurance[];
  statements: Statement[];
  /** How many questions apply to this authority in a year (framework and sector settings). */
  applicableQuestions(year: string): number;
}

const RANK: Record<Level, number> = Object.fromEntries(LEVELS.map((l, i) => [l, i])) as Record<Level, number>;
const add = (h: Record<string, number>, key: string) => (h[key] = (h[key] ?? 0) + 1);
const minDate = (dates: (string | undefined)[]) => dates.filter((d): d is string => !!d).sort()[0];

/** The date until which a person meets a role's requirements (exclusive), or undefined if they never do. */
export function coveredUntil(role: TrainingPlan['roles'][number], expiryByCourse: Map<string, string>, levelOf: Map<string, Level>): string | undefined {
  let until = NEVER;
  for (const courseId of role.requiredCourses) {
    const expiry = expiryByCourse.get(courseId);
    if (!expiry) return undefined;
    if (expiry < until) until = expiry;
  }
  if (role.requiredLevel) {
    const atLevel = [...expiryByCourse.entries()].filter(([id]) => levelOf.has(id) && RANK[levelOf.get(id)!] >= RANK[role.requiredLevel!]).map(([, e]) => e).sort();
    if (!atLevel.length) return undefined;
    const best = atLevel[atLevel.length - 1];
    if (best < until) until = best;
  }
  return until;
}

export function summarize(r: AuthorityRecords): { current: CurrentSummary; years: YearSummary[] } {
  // People (role as coverage counts it) and each of their courses' refresher date.
  const people = [...peopleOf(r.current).values()].map((p) => ({ role: p.role, expiry: new Map(p.completions.map((c) => [c.courseId, c.expiresOn ?? NEVER])) }));
  const refreshersDue: Record<string, number> = {};
  for (const c of r.current) if (c.expiresOn) add(refreshersDue, c.expiresOn);
  const levelOf = new Map(r.courses.map((c) => [c.id, c.level]));
  const coverage = (r.plan?.roles ?? []).map((role) => {
    const histogram: Record<string, number> = {};
    for (const p of people) {
      if (p.role !== role.id) continue;
      const until = coveredUntil(role, p.expiry, levelOf);
      if (until) add(histogram, until);
    }
    return { roleId: role.id, headcount: role.headcount, coveredUntil: histogram };
  });

  const byStatus = { 'not-yet-started': 0, developing: 0, achieving: 0 };
  for (const o of r.obligations) byStatus[o.status]++;
  const latestFilter = [...r.assurances].sort((a, b) => a.reviewedOn.localeCompare(b.reviewedOn)).at(-1);
  const current: CurrentSummary = {
    authorityId: r.authority.id,
    coverage,
    refreshersDue,
    ...(r.all.length ? { lastCompletionOn: r.all.map((c) => c.completedOn).sort().at(-1) } : {}),
    ...(r.sop ? { sop: { sopVersion: r.sop.sopVersion, nextReviewDate: r.sop.nextReviewDate, implementationDate: r.sop.implementationDate, ...(r.sop.lastReviewedOn ? { lastReviewedOn: r.sop.lastReviewedOn } : {}) } } : {}),
    obligations: { ...byStatus, ...(r.obligations.length ? { oldestEvidenceOn: minDate(r.obligations.map((o) => o.lastEvidencedOn ?? o.createdAt.slice(0, 10))) } : {}) },
    ...(latestFilter ? { itFilter: { lastReviewedOn: latestFilter.reviewedOn, outcome: latestFilter.outcome } } : {}),
  };

  const years = new Map<string, YearSummary>();
  const year = (y: string) => {
    let s = years.get(y);
    if (!s) years.set(y, (s = { authorityId: r.authority.id, year: y, completions: 0, peopleTrained: 0, sessions: 0, attendees: 0, feedbackRespondents: 0, feedbackGoodOrExcellent: 0 }));
    return s;
  };
  const trained = new Map<string, Set<string>>();
  for (const c of r.all) {
    const y = reportingYearOf(c.completedOn);
    year(y).completions++;
    if (!trained.has(y)) trained.set(y, new Set());
    trained.get(y)!.add(c.staffRef);
  }
  for (const [y, set] of trained) year(y).peopleTrained = set.size;
  for (const s of r.sessions) {
    const y = year(reportingYearOf(s.date));
    y.sessions++;
    y.attendees += s.attendees;
    y.feedbackRespondents += s.feedbackRespondents;
    y.feedbackGoodOrExcellent += s.feedbackGoodOrExcellent;
  }
  for (const s of r.statements) {
    year(s.year).statement = {
      status: s.status,
      version: s.submissions,
      date: s.updatedAt.slice(0, 10),
      scores: s.scores,
      achieving: Object.values(s.ratings).filter((x) => x.rating === 'achieving').length,
      applicable: r.applicableQuestions(s.year),
    };
  }
  return { current, years: [...years.values()].sort((a, b) => a.year.localeCompare(b.year)) };
}
