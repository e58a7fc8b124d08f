import { useQuery } from '@tanstack/react-query';
import { call } from '../api/client';
import type { Me, Role } from '../api/types';
import { useApi } from './context';

/** Who the token says the user is (GET /me): role, partnership and authority. */
export function useMe() {
  const api = useApi();
  return useQuery({ queryKey: ['me'], queryFn: () => call(api.GET('/me')), staleTime: Infinity });
}

export const AUTHORITY_ROLES: readonly Role[] = ['authority-lead', 'authority-editor'];

/**
 * What the UI offers a role. The API decides what is allowed; the UI never shows a control
 * the role cannot use (a viewer sees every steering-group page without a single edit control).
 */
export function abilities(me: Pick<Me, 'role' | 'authorityId'> | undefined) {
  const role = me?.role;
  return {
    seesPartnership: role === 'steering-group' || role === 'viewer',
    editsPartnership: role === 'steering-group',
    managesUsers: role === 'steering-group',
    readsAudit: role === 'steering-group',
    isAuthorityUser: role === 'authority-lead' || role === 'authority-editor',
  };
}

export function useAbilities() {
  return abilities(useMe().data);
}

export const ROLE_LABELS: Record<Role, string> = {
  'steering-group': 'Steering group',
  'authority-lead': 'Authority lead',
  'authority-editor': 'Authority editor',
  viewer: 'Viewer (read-only)',
};

/** The caller's partnerships (GET /me/memberships): only their own, with the current one marked. */
export function useMemberships() {
  const api = useApi();
  return useQuery({ queryKey: ['memberships'], queryFn: () => call(api.GET('/me/memberships')), staleTime: Infinity });
}

const CHOSEN_KEY = 'prevent.partnershipChosen';

/**
 * Whether this person has picked a partnership since signing in (in this tab): a person with
 * several is asked once after signing in, not on every page. Kept per person (their id), so
 * another person signing in in the same tab is asked too.
 */
export const partnershipChoice = {
  made: (userId: string) => sessionStorage.getItem(CHOSEN_KEY) === userId,
  record: (userId: string) => sessionStorage.setItem(CHOSEN_KEY, userId),
  /** At sign-out: the next sign-in is a new session, and asks again. */
  forget: () => sessionStorage.removeItem(CHOSEN_KEY),
};

export const CHOOSE_PARTNERSHIP_PATH = '/choose-partnership';
