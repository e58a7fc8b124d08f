import type { Caller } from '../../domain/shared/identity';
import { addDays, toIsoDate } from '../../domain/shared/dates';
import { trainingServices } from '../../functions/wiring/training';
import { deps } from '../../functions/shared/deps';

/**
 * Demo training records: a plan per authority, a learning-system export imported for each
 * (so the demo exercises the real import), and delivered sessions. Deterministic, so two
 * runs give the same figures; idempotent, since the import skips what it already holds.
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

function exportFor(authorityId: string, size: number, today: string): string {
  const rand = random([...authorityId].reduce((n, ch) => n * 31 + ch.charCodeAt(0), 7));
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

export async function seedDemoTraining(tenantId: string, caller: Caller): Promise<{ imported: number }> {
  const d = deps();
  const { plans, training } = trainingServices();
  const today = toIsoDate(d.clock.now());
  let imported = 0;
  for (const [authorityId, size] of Object.entries(WORKFORCE)) {
    if (!(await d.authorities.exists(tenantId, authorityId))) continue;
    const plan = await plans.get(caller, authorityId);
    if (plan.version === 0) await plans.put(caller, authorityId, { version: 0, roles: PLAN_ROLES(size) });
    imported += (await training.importCsv(caller, authorityId, exportFor(authorityId, size, today))).imported;
    const sessions = await training.listSessions(caller, authorityId);
    if (sessions.length === 0) {
      for (const [k, attendees] of [[30, 24], [95, 40], [200, 18]] as const) {
        const respondents = Math.round(attendees * 0.6);
        await training.createSession(caller, authorityId, {
          date: addDays(today, -k),
          courseId: k === 95 ? 'prevent-awareness' : 'wrap',
          provider: 'Demoshire Prevent Officer',
          audience: k === 200 ? 'partner-staff' : 'staff',
          attendees,
          feedbackRespondents: respondents,
          feedbackGoodOrExcellent: Math.round(respondents * (k === 200 ? 0.9 : 0.96)),
        });
      }
    }
  }
  return { imported };
}
