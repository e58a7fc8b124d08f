import type { Caller } from '../../domain/shared/identity';
import type { SessionFields } from '../../domain/training/sessions';
import { addDays, toIsoDate } from '../../domain/shared/dates';
import { trainingServices } from '../../functions/wiring/training';
import { systemDeps } from '../../functions/shared/deps';
import { schoolProfile } from './seed-schools';

/**
 * Demo training records: a plan per authority, a learning-system export imported for each
 * (so the demo exercises the real import), and delivered sessions. Deterministic, so two
 * runs on the same day give the same figures; idempotent: an authority that holds completions
 * is not imported again, and one with sessions gets no more.
 */
const PLAN_ROLES = (size: number) => [
  { id: 'frontline', name: 'Frontline staff', headcount: size, requiredCourses: ['home-office-elearning'] },
  { id: 'safeguarding-lead', name: 'Safeguarding leads', headcount: Math.max(2, Math.round(size / 20)), requiredCourses: ['wrap'] },
  { id: 'senior-leader', name: 'Senior leaders', headcount: Math.max(1, Math.round(size / 50)), requiredCourses: [], requiredLevel: 'strategic' as const },
];

/** Workforce size per demo authority (a rough shape, not real figures). */
const WORKFORCE: Record<string, number> = {
  'county-council': 600, 'north-demoshire': 120, fenbury: 90, kingsbrook: 110, 'south-demoshire': 80,
  oakminster: 100, police: 400, opcc: 30, 'nhs-trust': 500, probation: 150, college: 140,
};

/** A small deterministic pseudo-random sequence, so the demo is the same every time. */
function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const seedOf = (authorityId: string) => [...authorityId].reduce((n, ch) => n * 31 + ch.charCodeAt(0), 7);

function exportFor(authorityId: string, size: number, today: string): string {
  const rand = random(seedOf(authorityId));
  const lines = ['Employee ID,Job Role,Course Title,Completion Date,Delivery Mode'];
  const leads = Math.max(2, Math.round(size / 20));
  const leaders = Math.max(1, Math.round(size / 50));
  // Some authorities are further along than others.
  const trainedShare = 0.75 + rand() * 0.25;
  for (let i = 0; i < size + leads + leaders; i++) {
    const role = i < size ? 'frontline' : i < size + leads ? 'safeguarding-lead' : 'senior-leader';
    const course = role === 'frontline' ? 'Prevent e-learning' : role === 'safeguarding-lead' ? 'WRAP' : 'Channel panel training';
    const ref = `${authorityId.slice(0, 3).toUpperCase()}${String(i).padStart(5, '0')}`;
    if (rand() > trainedShare) continue;
    // Mostly within the refresher interval; some older e-learning has lapsed (24 months).
    const daysAgo = Math.floor(rand() * (rand() < 0.85 ? 700 : 1000));
    lines.push(`${ref},${role},${course},${addDays(today, -daysAgo)},${role === 'frontline' ? 'e-learning' : 'classroom'}`);
  }
  return lines.join('\n');
}

/** What each kind of authority delivers itself, besides the awareness sessions everyone runs. */
const SESSION_MIX: Record<string, { courseId: string; audience: SessionFields['audience']; attendees: [number, number] }[]> = {
  'local-government': [
    { courseId: 'elected-member-briefing', audience: 'elected-members', attendees: [6, 20] },
    { courseId: 'prevent-awareness', audience: 'community', attendees: [10, 60] },
    { courseId: 'wrap', audience: 'partner-staff', attendees: [8, 30] },
  ],
  police: [
    { courseId: 'wrap', audience: 'partner-staff', attendees: [10, 40] },
    { courseId: 'channel-panel', audience: 'staff', attendees: [4, 12] },
  ],
  'health-social-care': [
    { courseId: 'wrap', audience: 'staff', attendees: [12, 45] },
    { courseId: 'online-grooming', audience: 'staff', attendees: [8, 25] },
  ],
  'criminal-justice': [{ courseId: 'beyond-wrap', audience: 'staff', attendees: [6, 20] }],
  'education-childcare': [
    { courseId: 'dsl', audience: 'staff', attendees: [4, 12] },
    { courseId: 'online-grooming', audience: 'schools', attendees: [20, 90] },
  ],
};
const PROVIDERS = ['Demoshire Prevent Officer', 'Regional Prevent Coordinator (fictional)', 'In-house safeguarding team'];

/**
 * Delivered sessions, different for every authority (as in a real county: the county council
 * and the big employers run many, the OPCC a couple), with varied audiences, turnout and
 * feedback, all in the last year or so. Deterministic per authority, like the export.
 */
export function demoSessions(authorityId: string, sector: string, size: number, today: string): SessionFields[] {
  // A stream of its own, so the export (and so the completions) stay as they were.
  const rand = random(seedOf(authorityId) ^ 0x5e55_1015);
  const between = ([lo, hi]: readonly [number, number]) => lo + Math.floor(rand() * (hi - lo + 1));
  const mix = [{ courseId: 'prevent-awareness', audience: 'staff' as const, attendees: [8, 40] as [number, number] }, ...(SESSION_MIX[sector] ?? [])];
  const count = 1 + Math.round(size / 90) + Math.floor(rand() * 3);
  const sessions: SessionFields[] = [];
  for (let i = 0; i < count; i++) {
    const kind = mix[i < mix.length ? i : Math.floor(rand() * mix.length)];
    const attendees = between(kind.attendees);
    const respondents = Math.round(attendees * (0.35 + rand() * 0.55));
    sessions.push({
      date: addDays(today, -between([3, 360])),
      courseId: kind.courseId,
      provider: PROVIDERS[Math.floor(rand() * PROVIDERS.length)],
      audience: kind.audience,
      attendees,
      feedbackRespondents: respondents,
      feedbackGoodOrExcellent: Math.round(respondents * (0.78 + rand() * 0.22)),
    });
  }
  return sessions.sort((a, b) => a.date.localeCompare(b.date));
}

/** One authority's plan, export and sessions; authorities are independent of each other. */
export async function seedDemoTraining(tenantId: string, caller: Caller, authorityId: string): Promise<{ imported: number }> {
  const size = WORKFORCE[authorityId] ?? schoolProfile(authorityId)?.workforce;
  const d = systemDeps();
  const authority = size === undefined ? undefined : await d.authorities.get(tenantId, authorityId);
  if (!authority) return { imported: 0 };
  const { plans, training } = trainingServices(systemDeps());
  const today = toIsoDate(d.clock.now());
  const plan = await plans.get(caller, authorityId);
  if (plan.version === 0) await plans.put(caller, authorityId, { version: 0, roles: PLAN_ROLES(size) });
  // Imported once: a persistent database keeps it, and importing again on a later day (the
  // export's dates follow today) would add renewals to the records on every restart.
  const held = await d.completions.page(tenantId, authorityId, { from: '0000-01-01', to: '9999-12-31', limit: 1 });
  const { imported } = held.items.length
    ? { imported: 0 }
    : await training.importCsv(caller, authorityId, exportFor(authorityId, size, today));
  const sessions = await training.listSessions(caller, authorityId);
  if (sessions.length === 0) {
    await Promise.all(demoSessions(authorityId, authority.sector, size, today).map((session) => training.createSession(caller, authorityId, session)));
  }
  return { imported };
}
