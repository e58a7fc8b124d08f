import type { AssuranceFields } from '../../domain/itfilter/assurance';
import { assuranceServices } from '../../functions/wiring/assurance';
import { settingsOf } from '../../domain/partnerships/partnership';
import { addDays, reportingYearOf, reportingYearRange, toIsoDate } from '../../domain/shared/dates';
import type { Caller } from '../../domain/shared/identity';
import { applicableQuestions, BUILT_IN_FRAMEWORKS } from '../../domain/statements/frameworks';
import { systemDeps } from '../../functions/shared/deps';
import { schoolProfile } from './seed-schools';

/**
 * Demo IT-filter assurances (current, due within 60 days, overdue) and annual assurance
 * statements for this year and last (accepted, submitted, returned, draft, missing).
 * Idempotent: only what is missing is written.
 */
const FILTER_REVIEWED_DAYS_AGO: Record<string, number> = {
  police: 90, opcc: 90, 'county-council': 320, 'nhs-trust': 400, probation: 150, college: 340,
  'north-demoshire': 200, fenbury: 380, kingsbrook: 60, 'south-demoshire': 250, oakminster: 30,
};
type State = 'accepted' | 'submitted' | 'returned' | 'draft' | 'missing';
const THIS_YEAR: Record<string, State> = {
  'county-council': 'accepted', opcc: 'submitted', police: 'returned', 'nhs-trust': 'draft', probation: 'draft',
  college: 'missing', 'north-demoshire': 'accepted', fenbury: 'missing', kingsbrook: 'submitted', 'south-demoshire': 'missing', oakminster: 'draft',
};
const LAST_YEAR: Record<string, State> = Object.fromEntries(Object.keys(THIS_YEAR).map((id) => [id, id === 'college' ? 'missing' : 'accepted']));

/**
 * One authority's IT-filter assurance and statements. Its training must be seeded first: a
 * submitted statement keeps the training figures of the day.
 */
export async function seedDemoAssurance(tenantId: string, steering: Caller, authorityId: string): Promise<void> {
  const d = systemDeps();
  const today = toIsoDate(d.clock.now());
  const { assurances, statements } = assuranceServices(systemDeps());
  const [partnership, authority] = await Promise.all([d.partnerships.get(tenantId), d.authorities.get(tenantId, authorityId)]);
  if (!authority) return;
  const settings = settingsOf(partnership);
  const lead: Caller = { tenantId, userId: 'demo-seed', role: 'authority-lead', authorityId };

  const school = schoolProfile(authorityId);
  const daysAgo: number | undefined = school ? school.filterReviewedDaysAgo : FILTER_REVIEWED_DAYS_AGO[authorityId];
  const reviewedOn = daysAgo === undefined ? undefined : addDays(today, -daysAgo);
  const filterYear = reviewedOn && reportingYearOf(reviewedOn);
  if (daysAgo !== undefined && reviewedOn && filterYear && !(await d.assurances.get(tenantId, authorityId, filterYear))) {
    const fields: AssuranceFields = {
      reviewedOn,
      ...(authority.itProvidedBy ? { itProvidedBy: authority.itProvidedBy } : {}),
      assuredBy: { name: 'Head of ICT (fictional)', role: 'Head of ICT', organisation: authority.itProvidedBy ? 'Demoshire Police' : authority.name },
      product: 'Corporate web filter',
      ctiruListApplied: daysAgo < 365,
      ...(daysAgo < 365 ? { ctiruListVersion: addDays(reviewedOn, -14) } : {}),
      scope: authority.sector === 'local-government' ? ['corporate-network', 'public-wifi', 'libraries'] : ['corporate-network', 'guest-wifi'],
      outcome: daysAgo < 365 ? 'assured' : 'partially-assured',
      ...(daysAgo < 365 ? {} : { actions: 'Apply the current CTIRU list to guest WiFi.' }),
      evidence: 'ICT assurance letter on file',
    };
    await assurances.put(lead, authorityId, filterYear, { ...fields, version: 0 });
  }

  const thisYear = reportingYearOf(today);
  const lastYear = reportingYearOf(addDays(reportingYearRange(thisYear).from, -1));
  for (const [year, states] of [[lastYear, LAST_YEAR], [thisYear, THIS_YEAR]] as const) {
    const state = (school ? (year === thisYear ? school.thisYear : school.lastYear) : states[authorityId]) ?? 'missing';
    if (state === 'missing' || (await d.statements.get(tenantId, authorityId, year))) continue;
    const questions = applicableQuestions(BUILT_IN_FRAMEWORKS[0], settings.benchmarksBySector[authority.sector]);
    const complete = state !== 'draft';
    const ratings = Object.fromEntries(
      questions.questions.slice(0, complete ? undefined : 5).map((q, i) => [q, { rating: i % 4 === 0 ? ('developing' as const) : ('achieving' as const), details: 'See the evidence log.' }]),
    );
    const scores = Object.fromEntries(questions.benchmarks.map((b) => [String(b), b % 3 === 0 ? 4 : 3]));
    const draft = await statements.put(lead, authorityId, year, {
      ratings,
      scores,
      narrative: { leadership: `The ${authority.name} Prevent lead chairs the internal Prevent group.`, training: 'Training plan in place; coverage reported quarterly.' },
      ...(complete ? { signOff: { name: 'Chief Executive (fictional)', role: 'Chief Executive', date: today, declaration: 'I confirm this statement is a true account of our Prevent duty compliance.' } } : {}),
      version: 0,
    });
    if (!complete) continue;
    const { statement } = await statements.submit(lead, authorityId, year, { version: draft.version });
    if (state === 'accepted') await statements.review(steering, authorityId, year, { outcome: 'accept', version: statement.version });
    if (state === 'returned') await statements.review(steering, authorityId, year, { outcome: 'return', comment: 'Please add the referral figures to benchmark 4.', version: statement.version });
  }
}

/** This year's statement deadline, once every authority is in (each is reminded of it). */
export async function seedDemoDeadline(tenantId: string, steering: Caller): Promise<void> {
  const d = systemDeps();
  const today = toIsoDate(d.clock.now());
  const { statements } = assuranceServices(systemDeps());
  const thisYear = reportingYearOf(today);
  if (!(await d.deadlines.get(tenantId, thisYear))) await statements.setDeadline(steering, thisYear, addDays(today, 45) < reportingYearRange(thisYear).to ? addDays(today, 45) : reportingYearRange(thisYear).to);
}
