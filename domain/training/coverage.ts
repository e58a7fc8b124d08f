import { isInDate, pairKey, type Completion } from './completions';
import { LEVELS, type Course, type Level } from './courses';
import type { PlanRole } from './plan';

const RANK: Record<Level, number> = Object.fromEntries(LEVELS.map((l, i) => [l, i])) as Record<Level, number>;

/**
 * A person's role: the role on their most recent completion that names one; of two on the same
 * date, the one of the later course id (the order the table keeps a person's completions in).
 */
export function roleOf(completions: Iterable<Pick<Completion, 'role' | 'completedOn' | 'courseId'>>): string | undefined {
  let role: string | undefined;
  let date = '';
  let course = '';
  for (const c of completions) {
    if (c.role && (c.completedOn > date || (c.completedOn === date && c.courseId >= course))) [role, date, course] = [c.role, c.completedOn, c.courseId];
  }
  return role;
}

/** Whether a person with these courses in date meets a plan role: every required course, and one at the required level. */
export function meetsRole(role: Pick<PlanRole, 'requiredCourses' | 'requiredLevel'>, inDate: ReadonlySet<string>, levelOf: ReadonlyMap<string, Level>): boolean {
  if (!role.requiredCourses.every((id) => inDate.has(id))) return false;
  if (!role.requiredLevel) return true;
  for (const id of inDate) if (levelOf.has(id) && RANK[levelOf.get(id)!] >= RANK[role.requiredLevel]) return true;
  return false;
}

/**
 * The people behind current completions: each with their current completions and their role
 * (`roleOf`). Coverage and the report summaries both count people this way.
 */
export function peopleOf(current: readonly Completion[]): Map<string, { role?: string; completions: Completion[] }> {
  const people = new Map<string, { role?: string; completions: Completion[] }>();
  for (const c of current) {
    const p = people.get(c.staffRef);
    if (p) p.completions.push(c);
    else people.set(c.staffRef, { completions: [c] });
  }
  for (const p of people.values()) p.role = roleOf(p.completions);
  return people;
}

/**
 * The completions that were current on a date: of each (person, course), the latest completed
 * on or before it. Ordered by person and course, as the table keeps current completions, so
 * coverage on a past date counts people exactly as coverage today does.
 */
export function completionsAsAt<T extends Pick<Completion, 'staffRef' | 'courseId' | 'completedOn'>>(all: readonly T[], date: string): T[] {
  const latest = new Map<string, T>();
  for (const c of all) {
    if (c.completedOn > date) continue;
    const k = pairKey(c);
    const seen = latest.get(k);
    if (!seen || c.completedOn > seen.completedOn) latest.set(k, c);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...latest.values()].sort((a, b) => cmp(a.staffRef, b.staffRef) || cmp(a.courseId, b.courseId));
}

export interface RoleCoverage {
  roleId: string;
  name: string;
  headcount: number;
  /** Distinct staff references whose latest recorded role is this one. */
  staffRecorded: number;
  /** Of those, how many have every required course in date. */
  covered: number;
  /** covered ÷ headcount (covered capped at headcount); null when headcount is 0. */
  coverage: number | null;
  meetsTarget: boolean;
}

export interface Coverage {
  asOf: string;
  target: number;
  roles: RoleCoverage[];
  total: { headcount: number; covered: number; coverage: number | null; meetsTarget: boolean };
  /** Staff with completions but no role from the plan: they count toward no role. */
  staffWithoutRole: number;
}

/**
 * Coverage of an authority's training plan on a date, from the *current* completion of
 * each (person, course). A person's role is the role on their most recent completion.
 */
export function computeCoverage(input: {
  roles: readonly PlanRole[];
  courses: readonly Course[];
  current: readonly Completion[];
  asOf: string;
  target: number;
}): Coverage {
  const levelOf = new Map(input.courses.map((c) => [c.id, c.level]));
  const people = [...peopleOf(input.current).values()].map((p) => ({
    role: p.role,
    inDate: new Set(p.completions.filter((c) => isInDate(c, input.asOf)).map((c) => c.courseId)),
  }));

  const roles: RoleCoverage[] = input.roles.map((role) => {
    let staffRecorded = 0;
    let covered = 0;
    for (const p of people) {
      if (p.role !== role.id) continue;
      staffRecorded++;
      if (meetsRole(role, p.inDate, levelOf)) covered++;
    }
    const counted = Math.min(covered, role.headcount);
    const coverage = role.headcount > 0 ? counted / role.headcount : null;
    return { roleId: role.id, name: role.name, headcount: role.headcount, staffRecorded, covered, coverage, meetsTarget: coverage !== null && coverage >= input.target };
  });

  const headcount = roles.reduce((n, r) => n + r.headcount, 0);
  const covered = roles.reduce((n, r) => n + Math.min(r.covered, r.headcount), 0);
  const coverage = headcount > 0 ? covered / headcount : null;
  const planRoles = new Set(input.roles.map((r) => r.id));
  const staffWithoutRole = people.filter((p) => !p.role || !planRoles.has(p.role)).length;
  return {
    asOf: input.asOf,
    target: input.target,
    roles,
    total: { headcount, covered, coverage, meetsTarget: coverage !== null && coverage >= input.target },
    staffWithoutRole,
  };
}

export interface CourseCount {
  courseId: string;
  completions: number;
  people: number;
}

/** Completions and distinct people per course, and people trained overall, in a period. */
export function countByCourse(completions: readonly Pick<Completion, 'courseId' | 'staffRef'>[]): { courses: CourseCount[]; peopleTrained: number; completions: number } {
  const byCourse = new Map<string, { completions: number; people: Set<string> }>();
  const everyone = new Set<string>();
  for (const c of completions) {
    let entry = byCourse.get(c.courseId);
    if (!entry) byCourse.set(c.courseId, (entry = { completions: 0, people: new Set() }));
    entry.completions++;
    entry.people.add(c.staffRef);
    everyone.add(c.staffRef);
  }
  const courses = [...byCourse.entries()]
    .map(([courseId, e]) => ({ courseId, completions: e.completions, people: e.people.size }))
    .sort((a, b) => a.courseId.localeCompare(b.courseId));
  return { courses, peopleTrained: everyone.size, completions: completions.length };
}
