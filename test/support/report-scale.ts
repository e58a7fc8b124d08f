import type { Authority } from '../../domain/authorities/authority';
import { summarize, type AuthorityRecords, type CurrentSummary, type YearSummary } from '../../domain/reports/summary';
import { addDays, addMonths, reportingYearOf } from '../../domain/shared/dates';
import type { Completion } from '../../domain/training/completions';
import { STANDARD_COURSES, type Course } from '../../domain/training/courses';
import { keys } from '../../functions/data/keys';
import { summaryItems } from '../../functions/data/report-repository';
import type { TableStore } from '../../functions/data/store';

/**
 * A partnership of many authorities (a county with its schools, issue 14) whose report
 * summaries are written straight to the table, in batch, from records built in memory: the
 * report's reads at 300–600 authorities without the minutes a seed of every raw record through
 * the consumer would take. Each authority has the records the summaries derive from: a plan,
 * `people` staff with five years of yearly completions (the current one and four earlier, so a
 * history of expiries and renewals), sessions, SOP versions, obligations, IT-filter reviews
 * and a statement; what varies between authorities is where in the year their dates fall.
 */
export interface ScaleOptions {
  today: string;
  authorities: number;
  /** Staff of each authority; each does one course a year for five years. */
  people: number;
}

const meta = (on: string) => ({ version: 1, createdAt: `${on}T09:00:00.000Z`, createdBy: 'scale', updatedAt: `${on}T09:00:00.000Z`, updatedBy: 'scale' });

export function scaleAuthority(i: number, o: ScaleOptions): { authority: Authority; records: AuthorityRecords } {
  const id = `auth-${String(i).padStart(4, '0')}`;
  const today = o.today;
  const authority = { id, name: `Authority ${String(i).padStart(4, '0')}`, sector: i % 4 === 0 ? 'local-government' : 'education', type: i % 4 === 0 ? 'district-council' : 'school', ...meta(addDays(today, -900)) } as Authority;
  const courses = STANDARD_COURSES.map((c) => ({ ...c, ...meta('2020-01-01') })) as Course[];
  const all: Completion[] = [];
  const current: Completion[] = [];
  for (let p = 0; p < o.people; p++) {
    const courseId = p % 3 === 0 ? 'wrap' : 'home-office-elearning';
    for (let y = 0; y < 5; y++) {
      const completedOn = addDays(today, -(y * 365 + ((p * 7 + i * 13) % 200)));
      const c = { id: `${id}-${p}-${y}`, authorityId: id, staffRef: `S${p}`, courseId, completedOn, expiresOn: addMonths(completedOn, courseId === 'wrap' ? 36 : 24), role: 'staff', source: 'import', ...meta(completedOn) } as Completion;
      all.push(c);
      if (y === 0) current.push(c);
    }
  }
  const implemented = addDays(today, -1200 - (i % 90));
  const reviewed = addDays(today, -200 - (i % 60));
  const year = reportingYearOf(today);
  const lastYear = reportingYearOf(addDays(today, -365));
  const records: AuthorityRecords = {
    authority,
    plan: { authorityId: id, roles: [{ id: 'staff', name: 'Staff', headcount: o.people, requiredCourses: ['home-office-elearning'] }], ...meta(implemented) } as never,
    courses,
    current,
    all,
    sessions: Array.from({ length: 4 }, (_, s) => ({ id: `${id}-s${s}`, authorityId: id, date: addDays(today, -(s * 120 + (i % 30))), attendees: 20 + s, feedbackRespondents: 15, feedbackGoodOrExcellent: 14, ...meta(today) })) as never,
    sopVersions: [
      { version: 1, sopVersion: '1.0', implementationDate: implemented, nextReviewDate: addMonths(implemented, 12), updatedAt: `${implemented}T09:00:00.000Z` },
      { version: 2, sopVersion: '1.1', implementationDate: implemented, lastReviewedOn: reviewed, nextReviewDate: addMonths(reviewed, 12), updatedAt: `${reviewed}T09:00:00.000Z` },
    ] as never,
    obligations: [],
    obligationVersions: Array.from({ length: 6 }, (_, n) => ({ id: `ob-${n}`, version: 1, status: (['not-yet-started', 'developing', 'achieving'] as const)[(n + i) % 3], effectiveOn: addDays(implemented, n * 40), createdAt: `${addDays(implemented, n * 40)}T09:00:00.000Z`, lastEvidencedOn: addDays(reviewed, -n) })) as never,
    assurances: [lastYear, year].map((y, n) => ({ authorityId: id, year: y, reviewedOn: addDays(today, -(n === 0 ? 380 : 20) - (i % 20)), outcome: 'adequate', ...meta(today) })) as never,
    statements: [{ year: lastYear, status: 'accepted', submissions: 1, updatedAt: `${addDays(today, -300)}T09:00:00.000Z`, scores: { '1': 3, '2': 4, '3': 2, '4': 4 }, ratings: { q1: { rating: 'achieving' }, q2: { rating: 'developing' } } }] as never,
    applicableQuestions: () => 12,
  };
  return { authority, records };
}

/** The partnership's authorities and summaries in memory (full histograms, as summarize makes them: the report's oracle). */
export interface ScaleData {
  authorities: Authority[];
  current: Map<string, CurrentSummary>;
  years: Map<string, Map<string, YearSummary>>;
  /** Authority and summary items as stored. */
  items: Record<string, unknown>[];
}

export function scaleData(tenantId: string, o: ScaleOptions): ScaleData {
  const out: ScaleData = { authorities: [], current: new Map(), years: new Map(), items: [] };
  for (let i = 0; i < o.authorities; i++) {
    const { authority, records } = scaleAuthority(i, o);
    const s = summarize(records);
    out.authorities.push(authority);
    out.current.set(authority.id, s.current);
    for (const y of s.years) {
      if (!out.years.has(y.year)) out.years.set(y.year, new Map());
      out.years.get(y.year)!.set(authority.id, y);
    }
    out.items.push({ ...authority, ...keys.authority(tenantId, authority.id), entity: 'authority' }, ...summaryItems(tenantId, s, o.today));
  }
  return out;
}

/** Writes the authorities and their summaries (BatchWriteItem, 25 a request). */
export async function seedScale(table: TableStore, tenantId: string, o: ScaleOptions): Promise<ScaleData> {
  const data = scaleData(tenantId, o);
  await table.batchWrite(data.items.map((put) => ({ put })));
  return data;
}
