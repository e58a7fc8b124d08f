import { useQuery } from '@tanstack/react-query';
import { call, type ApiError } from '../../../api/client';
import type { ResponseOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { useAbilities, useMe } from '../../../app/session';
import { daysFrom } from '../../../components/report-common';
import { Tag, type TagColour } from '../../../components/ui';

/** Shared by the authority's home, SOP, obligation and IT-filter pages. */
export type Sop = ResponseOf<'/authorities/{id}/sop', 'get'>;
export type SopReview = ResponseOf<'/authorities/{id}/sop/reviews', 'get'>['items'][number];
export type Obligation = ResponseOf<'/authorities/{id}/sop/obligations/{obligationId}', 'get'>;
export type Assurances = ResponseOf<'/authorities/{id}/it-filter-assurances', 'get'>;
export type Assurance = Assurances['items'][number];

/**
 * What this user may do on one authority's records. The API decides; the UI mirrors it:
 * the SOP and its obligations are the authority's lead's; evidence is the lead's and its
 * editors'; the IT-filter assurance also the steering group's. A viewer changes nothing.
 */
export function useRecordAbilities(authorityId: string) {
  const me = useMe().data;
  const own = !!me?.authorityId && me.authorityId === authorityId;
  const lead = own && me?.role === 'authority-lead';
  const editor = own && me?.role === 'authority-editor';
  return {
    editsSop: lead,
    recordsEvidence: lead || editor,
    recordsItFilter: lead || editor || me?.role === 'steering-group',
  };
}

/** A 404 is an answer ("none recorded yet"), not a failure worth retrying. */
export const noRetryOn404 = (count: number, e: unknown) => (e as ApiError).status !== 404 && (e as ApiError).status !== 403 && count < 2;

export function useAuthority(id: string) {
  const api = useApi();
  return useQuery({ queryKey: ['authority', id], queryFn: () => call(api.GET('/authorities/{id}', { params: { path: { id } } })) });
}

export function useSop(id: string) {
  const api = useApi();
  return useQuery({ queryKey: ['sop', id], queryFn: () => call(api.GET('/authorities/{id}/sop', { params: { path: { id } } })), retry: noRetryOn404 });
}

export function useObligations(id: string) {
  const api = useApi();
  return useQuery({ queryKey: ['obligations', id], queryFn: () => call(api.GET('/authorities/{id}/sop/obligations', { params: { path: { id } } })) });
}

export function useAssurances(id: string) {
  const api = useApi();
  return useQuery({ queryKey: ['it-filter', id], queryFn: () => call(api.GET('/authorities/{id}/it-filter-assurances', { params: { path: { id } } })) });
}

/** The provider's name where the user may read it (the partnership's list), else its short code. */
export function useProviderName() {
  const api = useApi();
  const can = useAbilities();
  const list = useQuery({ queryKey: ['authorities'], queryFn: () => call(api.GET('/authorities')), enabled: can.seesPartnership });
  return (providerId: string | undefined) =>
    providerId ? (list.data?.items.find((a) => a.id === providerId)?.name ?? `Another authority of the partnership (${providerId})`) : 'Its own IT';
}

/** Today as the API counts it (the browser's date, UTC). */
export const today = () => new Date().toISOString().slice(0, 10);

export const SECTION_LABELS: Record<Obligation['section'], string> = {
  'multi-agency-partnership': 'Multi-agency partnership group',
  'local-risk-assessment': 'Local risk assessment',
  'partnership-plan': 'Partnership plan',
  'referral-pathway': 'Referral pathway',
  'channel-panel': 'Channel panel',
  'training-programme': 'Training programme',
  'permissive-environments-venue-hire': 'Reducing permissive environments: venue hire',
  'permissive-environments-it': 'Reducing permissive environments: IT policies',
  'permissive-environments-contractors-grants': 'Reducing permissive environments: contractors and grants',
  'communications-engagement': 'Communications and engagement',
  'monitoring-assurance': 'Monitoring and assurance',
};

export const CADENCE_LABELS: Record<Obligation['cadence'], string> = {
  annual: 'Every year',
  quarterly: 'Every quarter',
  'each-steering-group-meeting': 'Each steering group meeting',
  ongoing: 'Ongoing (checked every year)',
};

export const OBLIGATION_STATUS: Record<Obligation['status'], { label: string; colour: TagColour; hint: string }> = {
  'not-yet-started': { label: 'Not yet started', colour: 'grey', hint: 'Nothing in place yet' },
  developing: { label: 'Developing', colour: 'yellow', hint: 'Partly in place, work continues' },
  achieving: { label: 'Achieving', colour: 'green', hint: 'In place and evidenced' },
};

export function ObligationStatusTag({ status }: { status: Obligation['status'] }) {
  return <Tag colour={OBLIGATION_STATUS[status].colour}>{OBLIGATION_STATUS[status].label}</Tag>;
}

/** Overdue, due within 60 days (the API's "due soon"), or later. */
export type Due = 'overdue' | 'due-soon' | 'later';
export function dueState(on: string | null | undefined, asAt = today()): Due {
  if (!on) return 'later';
  const days = daysFrom(asAt, on);
  return days < 0 ? 'overdue' : days <= 60 ? 'due-soon' : 'later';
}

/** When something is due, in words: "in 7 days", "today", "8 days ago". */
export function dueInWords(on: string, asAt = today()): string {
  const days = daysFrom(asAt, on);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  return days > 0 ? `in ${days} days` : `${-days} days ago`;
}

export function DueTag({ on, asAt }: { on: string | null | undefined; asAt?: string }) {
  const state = dueState(on, asAt);
  return state === 'overdue' ? <Tag colour="red">Overdue</Tag> : state === 'due-soon' ? <Tag colour="yellow">Due soon</Tag> : <Tag colour="green">In date</Tag>;
}

export const CLASSIFICATION_LABELS: Record<Sop['securityClassification'], string> = { OFFICIAL: 'OFFICIAL', 'OFFICIAL-SENSITIVE': 'OFFICIAL-SENSITIVE' };
export const RATING_LABELS: Record<Sop['riskRating'], string> = { low: 'Low', medium: 'Medium', high: 'High' };

export const SCOPE_LABELS: Record<Assurance['scope'][number], string> = {
  'corporate-network': 'Corporate network',
  'guest-wifi': 'Guest WiFi',
  'public-wifi': 'Public WiFi',
  libraries: 'Libraries',
  other: 'Other',
};
export const OUTCOME_LABELS: Record<Assurance['outcome'], { label: string; colour: TagColour }> = {
  assured: { label: 'Assured', colour: 'green' },
  'partially-assured': { label: 'Partially assured', colour: 'yellow' },
  'not-assured': { label: 'Not assured', colour: 'red' },
};

