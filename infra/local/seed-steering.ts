import type { z } from 'zod';
import { nextYearOf, type CreateAction, type RagStatus } from '../../domain/actionplan/plan';
import { previousYearOf } from '../../domain/reports/report';
import type { QuarterFigures } from '../../domain/delivery/figures';
import { addDays, reportingYearOf, reportingYearRange, toIsoDate } from '../../domain/shared/dates';
import type { Caller } from '../../domain/shared/identity';
import { systemDeps } from '../../functions/shared/deps';
import { steeringServices } from '../../functions/wiring/steering';

/**
 * The steering group's own records for the demo: an action plan modelled on seed 001 (the
 * Warwickshire Prevent Action Plan's six themes and key actions, with fictional leads given by
 * role), running from last year to next, last year closed with its open actions carried into
 * this one; delivery figures for every quarter of last year and this year's quarters so far
 * (seeds 000 and 004: referrals by sector, Channel, hate crime, outreach, communications);
 * last year's Home Office assessment (seed 003's shape: scores, strengths, development areas,
 * targets); and last year's annual-report narrative (seed 000). Dates are relative to today.
 * Idempotent: each part is written only if missing.
 */
export const DEMO_PLAN_THEMES = [
  { id: 'community', number: 1, title: 'Community and voluntary sector engagement' },
  { id: 'leadership', number: 2, title: 'Leadership, governance and accountability' },
  { id: 'training', number: 3, title: 'Awareness, learning and development' },
  { id: 'education', number: 4, title: 'Safe education' },
  { id: 'support', number: 5, title: 'Support (Channel)' },
  { id: 'communications', number: 6, title: 'Intelligence and communications' },
];

type Seeded = z.input<typeof CreateAction> & { progress?: { rag: RagStatus; text: string }[] };

/** Last year's actions (dates in last year), with the RAG their updates leave them at. */
function lastYearActions(year: string): Seeded[] {
  const { from } = reportingYearRange(year);
  const on = (days: number) => addDays(from, days);
  return [
    { themeId: 'community', number: '1.1', action: 'Promote and coordinate events that support community cohesion and learning about other faiths and cultures', leadAuthorities: ['county-council'], otherLeads: ['Council for Voluntary Action', 'Faiths Forum'], timescale: { kind: 'ongoing' }, outcomes: 'Communities are cohesive; more awareness and understanding of different faiths and cultures', benchmarks: [9], progress: [{ rag: 'green', text: 'Three cohesion events held with the Faiths Forum; Prevent briefings promoted at each.' }] },
    { themeId: 'community', number: '1.2', action: 'Distribute a card advising the public how to report online abuse, hate and radicalisation', leadAuthorities: ['police'], otherLeads: ['Cyber crime adviser'], timescale: { kind: 'date', dueOn: on(150) }, outcomes: 'The public know how to report concerns', benchmarks: [9, 10], progress: [{ rag: 'amber', text: 'Design agreed; print order delayed by the supplier.' }, { rag: 'complete', text: 'Cards distributed at community events and libraries.' }] },
    { themeId: 'leadership', number: '2.1', action: 'Review the steering group’s terms of reference and membership', leadAuthorities: ['opcc'], otherLeads: [], timescale: { kind: 'recurring', every: 'annually' }, outcomes: 'Districts, boroughs and the voluntary sector are represented and can influence Prevent work', benchmarks: [2], progress: [{ rag: 'complete', text: 'Terms of reference agreed at the June meeting.' }] },
    { themeId: 'leadership', number: '2.2', action: 'Produce an annual report showing the impact of Prevent and how the duty is met', leadAuthorities: ['county-council'], otherLeads: ['Prevent Partnership Officer'], timescale: { kind: 'date', dueOn: on(110) }, outcomes: 'The steering group shows effective implementation of the Prevent duty', benchmarks: [2, 3], progress: [{ rag: 'complete', text: 'Report presented to the community safety board.' }] },
    { themeId: 'leadership', number: '2.3', action: 'Hold a Prevent awareness session for elected members', leadAuthorities: ['north-demoshire', 'kingsbrook'], otherLeads: [], timescale: { kind: 'date', dueOn: on(240) }, outcomes: 'Elected members understand Prevent and their role as community leaders', benchmarks: [7], progress: [{ rag: 'amber', text: 'Date set with democratic services; low sign-up so far.' }] },
    { themeId: 'training', number: '3.1', action: 'Provide WRAP and Prevent awareness sessions across the county, targeted at teams supporting vulnerable people', leadAuthorities: ['county-council'], otherLeads: ['Prevent Partnership Officer'], timescale: { kind: 'recurring', every: 'monthly' }, outcomes: 'Frontline staff know how to refer; more appropriate referrals to Channel', benchmarks: [7], progress: [{ rag: 'green', text: 'Monthly sessions delivered; 140 staff trained this year.' }] },
    { themeId: 'training', number: '3.2', action: 'Develop a refresher package for experienced professionals', leadAuthorities: ['county-council'], otherLeads: [], timescale: { kind: 'date', dueOn: on(200) }, outcomes: 'Staff have a refresher course after WRAP', benchmarks: [7], progress: [{ rag: 'red', text: 'Trainer post vacant; package not started.' }] },
    { themeId: 'training', number: '3.3', action: 'Monitor take-up of Prevent training and keep figures of people trained and sessions delivered', leadAuthorities: ['county-council', 'nhs-trust', 'probation'], otherLeads: [], timescale: { kind: 'recurring', every: 'quarterly' }, outcomes: 'Authorities can monitor compliance and target groups not yet trained', benchmarks: [7], progress: [{ rag: 'green', text: 'Quarterly figures reported to the steering group.' }] },
    { themeId: 'education', number: '4.1', action: 'Deliver sessions for parents and foster carers on radicalisation and online grooming', leadAuthorities: ['county-council'], otherLeads: ['Cyber crime adviser'], timescale: { kind: 'date', dueOn: on(300) }, outcomes: 'Parents know the risks and practical steps to protect their families', benchmarks: [9], progress: [{ rag: 'amber', text: 'Two of four planned sessions delivered.' }] },
    { themeId: 'education', number: '4.2', action: 'Maintain the FE Prevent forum to share ideas and resources', leadAuthorities: ['college'], otherLeads: ['Regional FE Prevent coordinator'], timescale: { kind: 'recurring', every: 'quarterly' }, outcomes: 'Colleges feel supported and share good practice', benchmarks: [3], progress: [{ rag: 'green', text: 'Forum met each term.' }] },
    { themeId: 'support', number: '5.1', action: 'Develop a Channel feedback mechanism to inform practice and gather case studies', leadAuthorities: ['police'], otherLeads: ['Channel panel chair'], timescale: { kind: 'date', dueOn: on(260) }, outcomes: 'The Channel process continues to improve', benchmarks: [5], progress: [{ rag: 'red', text: 'Waiting for the national quality assurance framework.' }] },
    { themeId: 'support', number: '5.2', action: 'Analyse Channel referral information each quarter to understand trends', leadAuthorities: ['police'], otherLeads: ['Counter Terrorism Policing'], timescale: { kind: 'recurring', every: 'quarterly' }, outcomes: 'Partners understand referral trends (figures remain OFFICIAL-SENSITIVE)', benchmarks: [4, 5], progress: [{ rag: 'green', text: 'Quarterly analysis shared at the steering group.' }] },
    { themeId: 'communications', number: '6.1', action: 'Audit the filtering and monitoring arrangements of every specified authority', leadAuthorities: ['opcc'], otherLeads: ['Prevent Partnership Officer'], timescale: { kind: 'date', dueOn: on(330) }, outcomes: 'Authorities are alerted to staff accessing extremist material', benchmarks: [8], progress: [{ rag: 'amber', text: 'Nine of eleven authorities have returned the survey.' }] },
    { themeId: 'communications', number: '6.2', action: 'Produce a quarterly Prevent newsletter for Prevent leads and community members', leadAuthorities: ['county-council'], otherLeads: [], timescale: { kind: 'recurring', every: 'quarterly' }, outcomes: 'Leads and communities feel informed and engaged', benchmarks: [10], progress: [{ rag: 'green', text: 'Four issues published.' }] },
  ];
}

/** This year's new actions: one falling due soon, one overdue, one ongoing. */
function thisYearActions(today: string): Seeded[] {
  return [
    { themeId: 'communications', number: '6.3', action: 'Write a communications plan to raise awareness of Prevent (the Home Office rated benchmark 10 at 2)', leadAuthorities: ['county-council', 'opcc'], otherLeads: [], timescale: { kind: 'date', dueOn: addDays(today, 20) }, outcomes: 'Benchmark 10 rises from 2 to 4', benchmarks: [10], rag: 'amber', progress: [{ rag: 'amber', text: 'First draft shared with communications teams.' }] },
    { themeId: 'leadership', number: '2.4', action: 'Draft local area Prevent assessments and link them to each authority’s action plan', leadAuthorities: ['south-demoshire', 'fenbury'], otherLeads: ['Prevent Partnership Officer'], timescale: { kind: 'date', dueOn: addDays(today, -30) }, outcomes: 'Local plans follow local risk', benchmarks: [1, 3], rag: 'red', progress: [{ rag: 'red', text: 'Not started: waiting for the new counter-terrorism local profile.' }] },
    { themeId: 'community', number: '1.3', action: 'Engage faith and community leaders through the independent advisory group', leadAuthorities: ['police'], otherLeads: ['Independent Advisory Group'], timescale: { kind: 'ongoing' }, outcomes: 'Open and transparent dialogue on Prevent', benchmarks: [9], rag: 'green' },
  ];
}

function quarter(scale: number, q: number, sectors: number[]): QuarterFigures {
  const [education, police, localAuthority, health, criminalJustice, community, other] = sectors;
  return {
    referrals: { education, police, 'local-authority': localAuthority, health, 'criminal-justice': criminalJustice, community, other },
    channelAdopted: Math.max(0, Math.round((education + police + localAuthority) / 4)),
    channelOpened: Math.max(0, Math.round((education + police) / 5)),
    channelClosed: q % 2 === 0 ? 3 : 2,
    hateCrimeReports: 40 * scale + q * 7,
    outreachTraining: [
      { audience: 'Faith leaders', events: 1, attendees: 18 + q, feedbackRespondents: 12, feedbackGoodOrExcellent: 11 },
      { audience: q % 2 ? 'Taxi drivers' : 'Sports clubs', events: 2, attendees: 30 + 3 * q, feedbackRespondents: 20, feedbackGoodOrExcellent: 17 },
    ],
    communications: [
      { kind: 'newsletter', description: 'Quarterly Prevent newsletter', count: 1, reach: 620 + 10 * q },
      { kind: 'social-media', description: 'Safe in Demoshire posts', count: 12, reach: 4_000 + 500 * q },
      ...(q === 3 ? [{ kind: 'event' as const, description: 'Annual Prevent event', count: 1, reach: 130 }] : []),
    ],
  };
}

/** Last year's figures per quarter (small counts included, so the exports show suppression), and this year's so far. */
const LAST_YEAR_REFERRALS = [
  [6, 9, 3, 4, 1, 2, 0],
  [2, 8, 5, 3, 0, 1, 1],
  [7, 10, 2, 5, 2, 3, 0],
  [9, 7, 4, 6, 1, 0, 2],
];
const THIS_YEAR_REFERRALS = [
  [5, 11, 3, 2, 1, 1, 0],
  [3, 9, 6, 4, 0, 2, 1],
  [8, 8, 2, 5, 1, 0, 0],
];

export async function seedDemoSteering(tenantId: string, steering: Caller): Promise<void> {
  const d = systemDeps();
  const s = steeringServices(d);
  const today = toIsoDate(d.clock.now());
  const year = reportingYearOf(today);
  const lastYear = previousYearOf(year);
  const lead = (authorityId: string): Caller => ({ tenantId, userId: 'demo-seed', role: 'authority-lead', authorityId });

  // The action plan: last year's actions and their progress, the year closed, this year's additions.
  const planId = `${lastYear.slice(0, 4)}-${Number(nextYearOf(year).slice(0, 4)) + 1}`;
  if (!(await d.actionPlans.getPlan(tenantId, planId))) {
    let plan = await s.plans.createPlan(steering, { id: planId, title: 'Demoshire Prevent Action Plan', firstYear: lastYear, lastYear: nextYearOf(year), themes: DEMO_PLAN_THEMES });
    const record = async (spec: Seeded) => {
      const { progress = [], ...fields } = spec;
      let action = await s.plans.createAction(steering, planId, fields as z.infer<typeof CreateAction>);
      for (const p of progress) {
        const by = action.leadAuthorities[0] ? lead(action.leadAuthorities[0]) : steering;
        action = await s.plans.recordProgress(by, planId, action.id, { ...p, version: action.version });
      }
    };
    for (const spec of lastYearActions(lastYear)) await record(spec);
    plan = await s.plans.closeYear(steering, planId, { year: lastYear, version: plan.version });
    for (const spec of thisYearActions(today)) await record(spec);
  }

  // Delivery figures: every quarter of last year, this year's completed quarters.
  const month = Number(today.slice(5, 7));
  const quartersDone = Math.floor(((month + 8) % 12) / 3);
  for (const [y, rows, count] of [[lastYear, LAST_YEAR_REFERRALS, 4], [year, THIS_YEAR_REFERRALS, quartersDone]] as const) {
    for (let q = 1; q <= count; q++) {
      if (await d.delivery.get(tenantId, y, q)) continue;
      await s.delivery.put(steering, y, q, { ...quarter(y === year ? 2 : 1, q, [...rows[q - 1]]), version: 0 });
    }
  }

  // Last year's Home Office assessment, shaped like seed 003's letter to Thurrock.
  if (!(await d.homeOfficeAssessments.get(tenantId, lastYear))) {
    await s.assessments.put(steering, lastYear, {
      assessedOn: addDays(reportingYearRange(lastYear).to, -40),
      assessedBy: 'Home Office Regional Prevent Adviser',
      scores: { 1: 4, 2: 4, 3: 3, 4: 4, 5: 4, 6: 3, 7: 4, 8: 3, 9: 3, 10: 2 },
      targets: { 1: 4, 2: 4, 3: 4, 4: 4, 5: 4, 6: 3, 7: 4, 8: 4, 9: 4, 10: 4 },
      strengths: [
        { benchmark: 1, text: 'A risk assessment process driven by the Counter Terrorism Local Profile and local knowledge; Prevent is on the corporate risk register.' },
        { benchmark: 2, text: 'An effective multi-agency steering group that meets quarterly, drives the action plan and holds individuals to account.' },
        { benchmark: 7, text: 'An experienced trainer delivers WRAP adjusted to each audience; training records are kept.' },
      ],
      developmentAreas: [
        { benchmark: 10, text: 'Develop a communications plan to increase awareness of Prevent.' },
        { benchmark: 9, text: 'Consider further engagement with key groups to ensure open and transparent dialogue on Prevent.' },
      ],
      version: 0,
    });
  }

  // Last year's narrative for the annual report to the board (seed 000).
  if (!(await d.narratives.get(tenantId, lastYear))) {
    await s.narratives.put(steering, lastYear, {
      introduction:
        'This report covers the work of the Demoshire Prevent Partnership over the year. The Prevent Steering Group meets quarterly, and the Channel panel monthly, to respond to the needs of vulnerable people.\n\nLocally our Prevent activity is set out in the Prevent Action Plan, our response to the duty in section 26 of the Counter-Terrorism and Security Act 2015.',
      highlights: 'Monthly WRAP sessions continued across the county.\n\nThe annual Prevent event attracted 130 participants from partner agencies.',
      recommendations: [
        { theme: '2. Leadership, governance and accountability', action: 'Partners continue to assess their effectiveness with the Home Office self-assessment tool and develop improvement plans', leadOfficer: 'Prevent Partnership Officer', partners: 'All specified authorities' },
        { theme: '6. Intelligence and communications', action: 'Raise awareness of Prevent with partners and communities through a communications plan', leadOfficer: 'Prevent Partnership Officer', partners: 'Police and Crime Commissioner; county council communications' },
      ],
      version: 0,
    });
  }
}
