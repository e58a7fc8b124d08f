import type { Authority } from '../authorities/authority';
import type { Assurance } from '../itfilter/assurance';
import { addDays, reportingYearOf, reportingYearRange } from '../shared/dates';
import type { Obligation, ObligationVersion, Sop } from '../sop/sop';
import type { Statement } from '../statements/statement';
import { isInDate, pairKey, type Completion } from '../training/completions';
import type { Course, Level } from '../training/courses';
import { meetsRole, roleOf } from '../training/coverage';
import type { TrainingPlan } from '../training/plan';
import type { Session } from '../training/sessions';

/**
 * Report summaries: what the consolidated report needs of one authority, derived from its raw
 * records. Kept as items beside the records (refreshed from the table's change stream), so a
 * report reads a few small items instead of every completion.
 *
 * A report is taken *as at* a date: today for the current year, 31 March for a past one. So
 * everything that changes with time is stored so that it can be evaluated on any such date:
 * coverage and overdue refreshers as dated changes (the count on a date is the sum of the
 * changes up to it), the SOP as its versions with the date each took effect, the IT-filter
 * assurance of every year, and the obligations' counts at each past year end.
 */
export const NEVER = '9999-12-31';

/** Dated changes of a count: its value on a date is the sum of the changes dated on or before it. */
export type Changes = Record<string, number>;
/**
 * Dated changes as summarize makes them, or as a stored summary holds them (encodeChanges): a
 * report evaluates the stored string where it lies (valueOn), without building an object of
 * hundreds of dates per authority first.
 */
export type DatedChanges = Changes | string;

export interface ObligationCounts {
  'not-yet-started': number;
  developing: number;
  achieving: number;
  oldestEvidenceOn?: string;
}

export interface SopInForce {
  /** The date this version took effect (see sopTimeline). */
  from: string;
  version: number;
  sopVersion: string;
  nextReviewDate: string;
  implementationDate: string;
  lastReviewedOn?: string;
}

export interface CurrentSummary {
  authorityId: string;
  /** Per plan role: headcount (today's plan), and changes in how many people meet the role's requirements. */
  coverage: { roleId: string; headcount: number; coveredChanges: DatedChanges }[];
  /** Changes in how many (person, course) pairs have a refresher overdue. */
  overdueChanges: DatedChanges;
  /** The last completion date of each reporting year. */
  lastCompletionByYear: Record<string, string>;
  /** Every version of the SOP record, oldest first. */
  sopVersions: SopInForce[];
  /** The obligations as they are now, which is how they stand on any date from `obligationsSettledOn` on … */
  obligations: ObligationCounts;
  obligationsSettledOn?: string;
  /** … and as they stood at the end of each earlier reporting year (by year). */
  obligationsAtYearEnd: Record<string, ObligationCounts>;
  /** The IT-filter assurance of each reporting year that has one. */
  itFilters: { year: string; reviewedOn: string; outcome: string }[];
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
  /** Every version of the SOP record (immutable snapshots). */
  sopVersions: Sop[];
  obligations: Obligation[];
  /** The immutable copy of every version of every obligation, deleted ones included. */
  obligationVersions: ObligationVersion[];
  assurances: Assurance[];
  statements: Statement[];
  /** How many questions apply to this authority in a year (framework and sector settings). */
  applicableQuestions(year: string): number;
}

const minDate = (dates: (string | undefined)[]) => dates.filter((d): d is string => !!d).sort()[0];

const bump = (h: Changes, date: string, by: number) => {
  const v = (h[date] ?? 0) + by;
  if (v === 0) delete h[date];
  else h[date] = v;
};

/** The value of dated changes on a date. */
export function valueOn(changes: DatedChanges | undefined, date: string): number {
  if (typeof changes === 'string') return encodedValueOn(changes, date);
  let n = 0;
  // for…in, not Object.entries: a report of 600 authorities evaluates some 100,000 entries.
  for (const d in changes) if (d <= date) n += changes[d];
  return n;
}

/**
 * Coverage changes per plan role: each person is followed through the dates where their
 * training changes (a completion, an expiry), and counts toward the role they held on a date
 * if, on that date, the latest completion of each course they had done meets its requirements.
 */
function coverageChanges(r: AuthorityRecords, levelOf: Map<string, Level>): { roleId: string; headcount: number; coveredChanges: Changes }[] {
  const roles = r.plan?.roles ?? [];
  const changes = new Map(roles.map((role) => [role.id, {} as Changes]));
  const byPerson = new Map<string, Completion[]>();
  for (const c of r.all) {
    const list = byPerson.get(c.staffRef);
    if (list) list.push(c);
    else byPerson.set(c.staffRef, [c]);
  }
  const byId = new Map(roles.map((role) => [role.id, role]));
  for (const completions of byPerson.values()) {
    completions.sort((x, y) => (x.completedOn < y.completedOn ? -1 : x.completedOn > y.completedOn ? 1 : 0));
    const dates = [...new Set(completions.flatMap((c) => (c.expiresOn ? [c.completedOn, c.expiresOn] : [c.completedOn])))].sort();
    // The person's latest completion of each course so far (as completionsAsAt keeps it, and so the
    // training summary of a past year), updated as the dates advance.
    const latest = new Map<string, Completion>();
    let next = 0;
    let was: string | undefined;
    for (const t of dates) {
      while (next < completions.length && completions[next].completedOn <= t) {
        const c = completions[next++];
        const seen = latest.get(c.courseId);
        if (!seen || c.completedOn > seen.completedOn) latest.set(c.courseId, c);
      }
      // Covered on t: the same rules as coverage today (their role, and its courses in date on t).
      const roleId = roleOf(latest.values());
      const role = roleId ? byId.get(roleId) : undefined;
      const inDate = new Set([...latest.values()].filter((c) => isInDate(c, t)).map((c) => c.courseId));
      const now = role && meetsRole(role, inDate, levelOf) ? role.id : undefined;
      if (now === was) continue;
      if (was) bump(changes.get(was)!, t, -1);
      if (now) bump(changes.get(now)!, t, +1);
      was = now;
    }
  }
  return roles.map((role) => ({ roleId: role.id, headcount: role.headcount, coveredChanges: changes.get(role.id)! }));
}

/** Overdue refreshers: a pair is overdue from its latest completion's refresher date until it is renewed. */
function overdueChanges(all: readonly Completion[]): Changes {
  const byPair = new Map<string, Completion[]>();
  for (const c of all) {
    const k = pairKey(c);
    const list = byPair.get(k);
    if (list) list.push(c);
    else byPair.set(k, [c]);
  }
  const out: Changes = {};
  for (const list of byPair.values()) {
    list.sort((a, b) => a.completedOn.localeCompare(b.completedOn));
    list.forEach((c, i) => {
      const next = list[i + 1];
      if (!c.expiresOn || (next && next.completedOn <= c.expiresOn)) return;
      bump(out, c.expiresOn, +1);
      if (next) bump(out, next.completedOn, -1);
    });
  }
  return out;
}

/** How the obligations stood on a date: of each, the latest version in effect by then (none if deleted or not yet made). */
export function obligationsOn(versions: readonly ObligationVersion[], date: string): ObligationCounts {
  const latest = new Map<string, ObligationVersion>();
  for (const v of versions) {
    if (v.effectiveOn > date) continue;
    const seen = latest.get(v.id);
    if (!seen || v.version > seen.version) latest.set(v.id, v);
  }
  const counts: ObligationCounts = { 'not-yet-started': 0, developing: 0, achieving: 0 };
  const evidence: (string | undefined)[] = [];
  for (const v of latest.values()) {
    if (v.deleted) continue;
    counts[v.status]++;
    evidence.push(v.lastEvidencedOn ?? v.createdAt.slice(0, 10));
  }
  const oldest = minDate(evidence);
  return oldest ? { ...counts, oldestEvidenceOn: oldest } : counts;
}

/** The SOP version in force on a date: the latest version that had taken effect by then. */
export function sopOn(versions: readonly SopInForce[], date: string): SopInForce | undefined {
  let best: SopInForce | undefined;
  for (const v of versions) if (v.from <= date && (!best || v.version > best.version)) best = v;
  return best;
}

/**
 * When each SOP version took effect: the first on its implementation date, one written by a
 * review on the review date, and any other edit (the record says no date of its own) on the
 * day it was written, so a correction made today does not rewrite how an earlier year stood.
 */
export function sopTimeline(snapshots: readonly Sop[]): SopInForce[] {
  const sorted = [...snapshots].sort((a, b) => a.version - b.version);
  return sorted.map((s, i) => {
    const reviewed = s.lastReviewedOn && s.lastReviewedOn !== sorted[i - 1]?.lastReviewedOn;
    const from = i === 0 ? s.implementationDate : reviewed ? s.lastReviewedOn! : s.updatedAt.slice(0, 10);
    return { from, version: s.version, sopVersion: s.sopVersion, nextReviewDate: s.nextReviewDate, implementationDate: s.implementationDate, ...(s.lastReviewedOn ? { lastReviewedOn: s.lastReviewedOn } : {}) };
  });
}

export function summarize(r: AuthorityRecords): { current: CurrentSummary; years: YearSummary[] } {
  const levelOf = new Map(r.courses.map((c) => [c.id, c.level]));

  // Obligation versions: the copies, and (for obligations written before copies were kept) the record itself.
  const copied = new Set(r.obligationVersions.map((v) => `${v.id}#${v.version}`));
  const versions: ObligationVersion[] = [
    ...r.obligationVersions,
    ...r.obligations.filter((o) => !copied.has(`${o.id}#${o.version}`)).map((o) => ({ ...o, effectiveOn: (o.version === 1 ? o.createdAt : o.updatedAt).slice(0, 10) })),
  ];
  const settledOn = versions.map((v) => v.effectiveOn).sort().at(-1);
  const obligationsAtYearEnd: Record<string, ObligationCounts> = {};
  if (settledOn) {
    for (let y = reportingYearOf(versions.map((v) => v.effectiveOn).sort()[0]); reportingYearRange(y).to < settledOn; y = reportingYearOf(addDays(reportingYearRange(y).to, 1))) {
      obligationsAtYearEnd[y] = obligationsOn(versions, reportingYearRange(y).to);
    }
  }
  const lastCompletionByYear: Record<string, string> = {};

  const current: CurrentSummary = {
    authorityId: r.authority.id,
    coverage: coverageChanges(r, levelOf),
    overdueChanges: overdueChanges(r.all),
    lastCompletionByYear,
    sopVersions: sopTimeline(r.sopVersions),
    obligations: obligationsOn(versions, NEVER),
    ...(settledOn ? { obligationsSettledOn: settledOn } : {}),
    obligationsAtYearEnd,
    itFilters: [...r.assurances].sort((a, b) => a.year.localeCompare(b.year)).map((a) => ({ year: a.year, reviewedOn: a.reviewedOn, outcome: a.outcome })),
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
    if (!lastCompletionByYear[y] || c.completedOn > lastCompletionByYear[y]) lastCompletionByYear[y] = c.completedOn;
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

/**
 * Compacting a current summary for storage (issue 14: the summaries of 600 authorities in one
 * Query page). A report only ever evaluates the dated changes on two kinds of date: a year end
 * (31 March, for a past year and for last year's column) and today (the year in progress),
 * and today is never before the day the summary was written: the stream consumer writes
 * summaries after the records change, and the report reads them later. So every change dated
 * before the day of writing is moved to the first of those dates on or after it (its year end,
 * or the day of writing if that comes first): the value on every year end and on every date
 * from the day of writing on is unchanged, and the past collapses to one change per year. What
 * stays day by day is the future (expiries and refreshers falling due), bounded by the people
 * and courses, not by the history. A report taken with a clock set back before the day of
 * writing would see the year in progress as at the day of writing; summaries are rewritten
 * whenever a record changes, so that day is at most the last change.
 */
export function compactChanges(changes: DatedChanges, writtenOn: string): Changes {
  const out: Changes = {};
  for (const [date, v] of Object.entries(typeof changes === 'string' ? decodeChanges(changes) : changes)) {
    if (date >= writtenOn) bump(out, date, v);
    else {
      const yearEnd = reportingYearRange(reportingYearOf(date)).to;
      bump(out, yearEnd < writtenOn ? yearEnd : writtenOn, v);
    }
  }
  return out;
}

/** The current summary as stored: its dated changes compacted as at the day of writing (see compactChanges). */
export function compactSummary(current: CurrentSummary, writtenOn: string): CurrentSummary {
  return {
    ...current,
    coverage: current.coverage.map((r) => ({ ...r, coveredChanges: compactChanges(r.coveredChanges, writtenOn) })),
    overdueChanges: compactChanges(current.overdueChanges, writtenOn),
  };
}

/*
 * Dated changes as one short string, to store and to read back cheaply: entries in date order,
 * the first date written out, each later one as the days since the previous (base 36), then the
 * signed change (base 36), comma-separated: `2025-03-31+4,2k-1,1+2`. About 4 characters an entry
 * against about 20 bytes for a map entry in DynamoDB's JSON, and one string to unmarshal, not a
 * map of hundreds of attributes.
 */
const DAY_MS = 86_400_000;
/** ISO date → day number, memoised: a report asks it of the same two dates and a few first entries, 600 times over. */
const dayOfIso = new Map<string, number>();
const dayOf = (date: string) => {
  let day = dayOfIso.get(date);
  if (day === undefined) {
    if (dayOfIso.size > 100_000) dayOfIso.clear(); // bounded: a long-lived process sees dates without end
    dayOfIso.set(date, (day = Date.parse(`${date}T00:00:00Z`) / DAY_MS));
  }
  return day;
};
/** Day number → ISO date, memoised: a report decodes the same few hundred dates for every authority. */
const isoOfDay = new Map<number, string>();
const dateOfDay = (day: number) => {
  if (isoOfDay.size > 100_000) isoOfDay.clear();
  let iso = isoOfDay.get(day);
  if (!iso) isoOfDay.set(day, (iso = new Date(day * DAY_MS).toISOString().slice(0, 10)));
  return iso;
};
const signed = (v: number) => (v < 0 ? `-${(-v).toString(36)}` : `+${v.toString(36)}`);

export function encodeChanges(changes: DatedChanges): string {
  if (typeof changes === 'string') return changes;
  const dates = Object.keys(changes).filter((d) => changes[d] !== 0).sort();
  let previous = 0;
  return dates
    .map((date, i) => {
      const day = dayOf(date);
      const head = i === 0 ? date : (day - previous).toString(36);
      previous = day;
      return head + signed(changes[date]);
    })
    .join(',');
}

export function decodeChanges(text: string): Changes {
  const out: Changes = {};
  if (!text) return out;
  // A hand-written scan (no split, no regular expression): a report decodes hundreds of thousands of entries at 600 authorities.
  let day = dayOf(text.slice(0, 10));
  let i = 10;
  for (;;) {
    const negative = text.charCodeAt(i) === 45; // '-'
    let v = 0;
    let c: number;
    for (i++; i < text.length && (c = text.charCodeAt(i)) !== 44; i++) v = v * 36 + (c <= 57 ? c - 48 : c - 87);
    out[dateOfDay(day)] = negative ? -v : v;
    if (i >= text.length) return out;
    let delta = 0;
    for (i++; (c = text.charCodeAt(i)) !== 43 && c !== 45; i++) delta = delta * 36 + (c <= 57 ? c - 48 : c - 87);
    day += delta;
  }
}

/** The value on a date of encoded changes: their sum up to it, read in date order and stopped at the first later entry. */
function encodedValueOn(text: string, date: string): number {
  if (!text) return 0;
  const last = dayOf(date);
  let day = dayOf(text.slice(0, 10));
  let n = 0;
  let i = 10;
  for (;;) {
    if (day > last) return n;
    const negative = text.charCodeAt(i) === 45; // '-'
    let v = 0;
    let c: number;
    for (i++; i < text.length && (c = text.charCodeAt(i)) !== 44; i++) v = v * 36 + (c <= 57 ? c - 48 : c - 87);
    n += negative ? -v : v;
    if (i >= text.length) return n;
    let delta = 0;
    for (i++; (c = text.charCodeAt(i)) !== 43 && c !== 45; i++) delta = delta * 36 + (c <= 57 ? c - 48 : c - 87);
    day += delta;
  }
}
