import type { ClaimsAndScopeOverrideDetails } from 'aws-lambda';
import { CLAIMS } from '../../domain/shared/identity';
import { resolveMembership, type IdentityStore, type Membership } from '../../domain/users/membership';

/** The membership a sign-in or a token refresh of this person acts for; undefined: refuse. */
export async function membershipForSignIn(store: IdentityStore, userId: string): Promise<Membership | undefined> {
  const [memberships, choice] = await Promise.all([store.memberships(userId), store.choice(userId)]);
  return resolveMembership(memberships, choice);
}

/**
 * What Cognito (pre-token-generation trigger, V2) is asked to put in the tokens: the
 * partnership and authority of the resolved membership under the claim names the API has
 * always read, and its one role as the only `cognito:groups` entry. An authority claim left
 * from an older user attribute is suppressed when the membership has no authority. The local
 * issuer applies the very same answer (infra/local/issuer.ts).
 */
export function tokenOverrides(membership: Membership): ClaimsAndScopeOverrideDetails {
  const claims = {
    claimsToAddOrOverride: {
      [CLAIMS.tenantId]: membership.tenantId,
      ...(membership.authorityId ? { [CLAIMS.authorityId]: membership.authorityId } : {}),
    },
    ...(membership.authorityId ? {} : { claimsToSuppress: [CLAIMS.authorityId] }),
  };
  return {
    idTokenGeneration: claims,
    accessTokenGeneration: claims,
    groupOverrideDetails: { groupsToOverride: [membership.role] },
  };
}

/** The overrides for a person's next token, or undefined when they belong to no partnership. */
export async function signInOverrides(store: IdentityStore, userId: string): Promise<ClaimsAndScopeOverrideDetails | undefined> {
  const membership = await membershipForSignIn(store, userId);
  return membership && tokenOverrides(membership);
}
