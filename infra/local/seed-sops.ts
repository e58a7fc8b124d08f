import { settingsService } from '../../domain/partnerships/partnership';
import type { Caller } from '../../domain/shared/identity';
import { addDays, addMonths, toIsoDate } from '../../domain/shared/dates';
import { sopServices } from '../../functions/wiring/sop';
import { systemDeps } from '../../functions/shared/deps';
import { schoolProfile } from './seed-schools';

/**
 * Demo SOPs: the OPCC's is modelled on a real OPCC Prevent Standard Operating Model (seed
 * 004); the others are shorter. Review dates sit around today so that `npm run reminders`
 * has real work: one due in 30 days, one in 7, one today, one 8 days overdue, the rest later.
 */
const REVIEW_IN_DAYS: Record<string, number> = {
  opcc: 30,
  'county-council': 7,
  police: 0,
  'nhs-trust': -8,
  probation: 59,
  college: 120,
  'north-demoshire': 200,
  fenbury: 250,
  kingsbrook: 300,
  'south-demoshire': 150,
  oakminster: 90,
};

/** The partnership's settings the reminders need (the steering group's mailbox); before any SOP. */
export async function seedDemoSettings(steering: Caller): Promise<void> {
  const d = systemDeps();
  const settings = settingsService({ store: d.partnerships, clock: d.clock, ids: d.ids });
  const current = await settings.get(steering);
  if (current.steeringGroupEmails.length === 0) {
    await settings.put(steering, { steeringGroupEmails: ['prevent.partnership@demoshire.example.org'], version: current.version });
  }
}

/** One authority's SOP (and, for two of them, the template's obligations with some evidence). */
export async function seedDemoSops(tenantId: string, authorityId: string): Promise<void> {
  const d = systemDeps();
  const today = toIsoDate(d.clock.now());
  const sops = sopServices(systemDeps());
  const days = REVIEW_IN_DAYS[authorityId] ?? schoolProfile(authorityId)?.sopReviewInDays;
  const authority = days === undefined ? undefined : await d.authorities.get(tenantId, authorityId);
  if (!authority || (await d.sops.get(tenantId, authorityId))) return;
  const lead: Caller = { tenantId, userId: 'demo-seed', role: 'authority-lead', authorityId };
  const nextReviewDate = addDays(today, days);
  const implementationDate = addMonths(nextReviewDate, -12);
  await sops.put(lead, authorityId, {
    title: authorityId === 'opcc' ? 'Prevent Duty — OPCC Standard Operating Model' : `Prevent Duty — ${authority.name} Standard Operating Procedure`,
    ownerName: authorityId === 'opcc' ? 'Morgan Example, Chief Executive' : 'Chief Executive (fictional)',
    ownerRole: 'Chief Executive',
    sopVersion: '1.0',
    implementationDate,
    nextReviewDate,
    securityClassification: 'OFFICIAL',
    foiDisclosable: true,
    riskRating: 'low',
    equalityAnalysis: 'Low',
    revisions: [{ date: implementationDate, nature: 'First issue' }],
    version: 0,
  });
  if (authorityId === 'opcc' || authorityId === 'county-council') {
    const { items } = await sops.adoptTemplate(lead, authorityId);
    // Some evidence already in: the steering-group commitments are being met.
    for (const o of items.filter((x) => x.section === 'multi-agency-partnership' || x.section === 'monitoring-assurance')) {
      await sops.recordEvidence(lead, authorityId, o.id, {
        status: 'achieving',
        evidence: { notes: 'Attended and minuted at the last steering group meeting.', links: [] },
        evidencedOn: addDays(today, -20),
        version: o.version,
      });
    }
  }
}
