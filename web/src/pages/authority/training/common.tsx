import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useLocation, useParams } from 'react-router';
import { call } from '../../../api/client';
import type { ResponseOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { ROLE_LABELS, useMe } from '../../../app/session';
import { NotificationBanner } from '../../../components/ui';

export type Plan = ResponseOf<'/authorities/{id}/training-plan', 'get'>;
export type PlanRole = Plan['roles'][number];
export type Course = ResponseOf<'/courses', 'get'>['items'][number];
export type Completion = ResponseOf<'/authorities/{id}/completions', 'get'>['items'][number];
export type ImportJob = ResponseOf<'/authorities/{id}/imports/{importId}', 'get'>;
export type ImportMapping = ResponseOf<'/authorities/{id}/import-mapping', 'get'>;

/** Who started an import: their name where the API gives one, otherwise their role. */
export function startedBy(job: { requestedBy?: string; requestedByRole?: ImportJob['requestedByRole'] }, people: Readonly<Record<string, string>> | undefined): string {
  if (job.requestedBy && people?.[job.requestedBy]) return people[job.requestedBy];
  return job.requestedByRole ? ROLE_LABELS[job.requestedByRole] : 'Not recorded';
}

/** The authority of the page (/authorities/:id/training…). */
export function useAuthorityId(): string {
  return useParams().id!;
}

/**
 * What this user may do with this authority's training records. The API decides; this mirrors
 * it: the steering group and the authority's own lead and editors record training; only the
 * authority's lead erases a person's records; a viewer (and anyone else) only reads.
 */
export function useTrainingAbilities(authorityId: string) {
  const me = useMe().data;
  const own = !!me?.authorityId && me.authorityId === authorityId;
  const role = me?.role;
  return {
    edits: role === 'steering-group' || (own && (role === 'authority-lead' || role === 'authority-editor')),
    erases: own && role === 'authority-lead',
  };
}

export function useAuthority(id: string) {
  const api = useApi();
  return useQuery({ queryKey: ['authority', id], queryFn: () => call(api.GET('/authorities/{id}', { params: { path: { id } } })) });
}

export function usePlan(id: string) {
  const api = useApi();
  return useQuery({ queryKey: ['training-plan', id], queryFn: () => call(api.GET('/authorities/{id}/training-plan', { params: { path: { id } } })) });
}

export function useCourses() {
  const api = useApi();
  return useQuery({ queryKey: ['courses'], queryFn: () => call(api.GET('/courses')), staleTime: 60_000 });
}

export function useImportMapping(id: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: ['import-mapping', id],
    queryFn: () => call(api.GET('/authorities/{id}/import-mapping', { params: { path: { id } } })),
    enabled,
  });
}

/** The query keys a change to the authority's training records makes stale. */
export const trainingKeys = (id: string) => [['training-summary', id], ['completions', id], ['expiring', id], ['imports', id], ['sessions', id]] as const;

/**
 * After a write, the authority's training figures and lists are dropped from the cache rather
 * than marked stale: the next page loads them afresh instead of showing the old figures first
 * (coverage that does not yet count the completion just added) and changing under the reader.
 */
export function forgetTraining(queryClient: QueryClient, id: string): void {
  for (const queryKey of trainingKeys(id)) queryClient.removeQueries({ queryKey });
}

/** A success message handed over by the page that navigated here. */
export function Flash() {
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  return flash ? <NotificationBanner type="success">{flash}</NotificationBanner> : null;
}

export const AUDIENCE_LABELS: Record<string, string> = {
  staff: 'Own staff',
  'partner-staff': 'Partner organisations’ staff',
  community: 'Community groups',
  schools: 'Schools',
  'elected-members': 'Elected members',
};

export const STATUS_LABELS: Record<ImportJob['status'], { text: string; colour: 'grey' | 'blue' | 'orange' | 'green' | 'red' }> = {
  queued: { text: 'Waiting to start', colour: 'grey' },
  running: { text: 'Importing', colour: 'blue' },
  interrupted: { text: 'Interrupted', colour: 'orange' },
  completed: { text: 'Completed', colour: 'green' },
  failed: { text: 'Failed', colour: 'red' },
};

export const isRunning = (status: ImportJob['status']) => status === 'queued' || status === 'running' || status === 'interrupted';

/** Today as YYYY-MM-DD in the user's own time zone (what a date input shows). */
export function todayIso(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}
