import type { ObligationFields } from './sop';

/**
 * Obligations a new authority can start from, modelled on a real OPCC Prevent Standard
 * Operating Model (seed 004, §4–5), grouped by the toolkit's compliance sections. An
 * authority copies them and then edits them to fit.
 */
export const OBLIGATION_TEMPLATES: (Omit<ObligationFields, 'status' | 'evidence'> & { templateId: string })[] = [
  { templateId: 'pg-attend', section: 'multi-agency-partnership', commitment: 'The Prevent lead is a core member of the Prevent Steering Group, attends its meetings and briefs leadership and staff on its work.', cadence: 'each-steering-group-meeting', ownerRole: 'Prevent lead' },
  { templateId: 'ra-ctlp', section: 'local-risk-assessment', commitment: 'Contribute to the Counter Terrorism Local Profile and take part in the countywide risk-assessment workshop in Q4.', cadence: 'annual', ownerRole: 'Prevent lead' },
  { templateId: 'ra-share', section: 'local-risk-assessment', commitment: 'Share and promote the Situational Assessment within the organisation, considering local priorities.', cadence: 'annual', ownerRole: 'Prevent lead' },
  { templateId: 'pp-actions', section: 'partnership-plan', commitment: 'Review the Partnership Plan as it is developed, add and drive actions for the organisation, and report progress at each meeting.', cadence: 'each-steering-group-meeting', ownerRole: 'Prevent lead' },
  { templateId: 'rp-available', section: 'referral-pathway', commitment: 'Make the agreed referral pathway available to all staff and review referrals made by the organisation against the local Prevent context.', cadence: 'quarterly', ownerRole: 'Prevent lead' },
  { templateId: 'rp-workforce', section: 'referral-pathway', commitment: 'Review the workforce profile so that staff likely to make referrals receive a higher level of Prevent training.', cadence: 'annual', ownerRole: 'HR lead' },
  { templateId: 'cp-contribute', section: 'channel-panel', commitment: "Contribute to the Channel Panel's updates to the steering group and to the annual Channel assurance statement.", cadence: 'annual', ownerRole: 'Prevent lead' },
  { templateId: 'tr-plan', section: 'training-programme', commitment: 'Keep a training plan identifying which roles require Prevent training and at what level.', cadence: 'annual', ownerRole: 'Learning and development lead' },
  { templateId: 'tr-records', section: 'training-programme', commitment: 'Include Prevent in induction, keep records of training and refreshers by role, and review them at least annually against the Situational Assessment.', cadence: 'annual', ownerRole: 'Learning and development lead' },
  { templateId: 'pe-venues', section: 'permissive-environments-venue-hire', commitment: 'Venues that the public can hire have a due-diligence policy and a booking system whose staff know what to do with a suspicious booking.', cadence: 'annual', ownerRole: 'Estates lead' },
  { templateId: 'pe-it', section: 'permissive-environments-it', commitment: 'At least annually, obtain and record assurance that firewalls and web filters have been reviewed and use the CTIRU terms.', cadence: 'annual', ownerRole: 'IT lead' },
  { templateId: 'pe-grants', section: 'permissive-environments-contractors-grants', commitment: 'Due diligence when appointing contractors, commissioning services and awarding grants, so that public money does not fund extremism.', cadence: 'ongoing', ownerRole: 'Commissioning lead' },
  { templateId: 'ce-public', section: 'communications-engagement', commitment: 'Make information on Prevent available to the public, including links to the local Prevent website and leaflets.', cadence: 'ongoing', ownerRole: 'Communications lead' },
  { templateId: 'ce-staff', section: 'communications-engagement', commitment: 'Update staff on local Prevent issues and priorities at least once a year, and keep evidence for the annual assurance statement.', cadence: 'annual', ownerRole: 'Communications lead' },
  { templateId: 'ce-engagement', section: 'communications-engagement', commitment: 'Review planned engagement activities for Prevent content before each steering group meeting, and record them on the communications and engagement plan.', cadence: 'quarterly', ownerRole: 'Prevent lead' },
  { templateId: 'ma-statement', section: 'monitoring-assurance', commitment: 'Keep records that show compliance with the duty and submit the annual assurance statement to the Prevent Steering Group.', cadence: 'annual', ownerRole: 'Prevent lead' },
];
