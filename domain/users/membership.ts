import * as z from 'zod';
import { NotFoundError } from '../shared/errors';
import { Role, type Caller } from '../shared/identity';
import { TenantId } from '../shared/ids';
import type { Clock } from '../shared/ports';

/**
 * A person (one identity: one Cognito user, one `sub`, the email as username) holds a
 * membership in each partnership that invited them: the user record of that partnership,
 * with its role and authority. The partnership they act for is chosen by them and carried
 * in the token as a verified claim, so the rest of the API still sees one partnership and
 * one role per request.
 */
export interface Membership {
  tenantId: string;
  role: Role;
  authorityId?: string;
}

/** The partnership a person last chose to act for (kept outside any partnership). */
export interface PartnershipChoice {
  tenantId: string;
  chosenAt: string;
}

/** Every partnership a person belongs to, and their choice: read by the identity path only. */
export interface IdentityStore {
  /** The person's memberships, in tenant-id order; the tenant of each comes from the record's key. */
  memberships(userId: string): Promise<Membership[]>;
  choice(userId: string): Promise<PartnershipChoice | undefined>;
  saveChoice(userId: string, choice: PartnershipChoice): Promise<void>;
  /** Display names of partnerships and authorities, for the chooser (absent ones are left out). */
  names(memberships: readonly Membership[]): Promise<{ partnerships: Record<string, string>; authorities: Record<string, string> }>;
}

/**
 * Which membership a sign-in (or a token refresh) acts for: the chosen partnership if the
 * person is still a member there, else their only one, else the first by tenant id — a
 * stable answer, so two sign-ins without a choice land in the same place. No membership:
 * undefined, and the sign-in is refused.
 */
export function resolveMembership(memberships: readonly Membership[], choice?: Pick<PartnershipChoice, 'tenantId'>): Membership | undefined {
  if (memberships.length === 0) return undefined;
  const chosen = choice && memberships.find((m) => m.tenantId === choice.tenantId);
  if (chosen) return chosen;
  return [...memberships].sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0))[0];
}

export const ChoosePartnership = z.object({ tenantId: TenantId });
export type ChoosePartnership = z.infer<typeof ChoosePartnership>;

export const MembershipView = z.object({
  tenantId: z.string(),
  partnershipName: z.string().optional(),
  role: Role,
  authorityId: z.string().optional(),
  authorityName: z.string().optional(),
  current: z.boolean().describe('The partnership this token acts for'),
});
export type MembershipView = z.infer<typeof MembershipView>;

export function membershipService(deps: { store: IdentityStore; clock: Clock }) {
  const { store, clock } = deps;
  /** Memberships as the caller sees them, with the partnership's and authority's names. */
  const views = async (caller: Caller, memberships: Membership[]): Promise<MembershipView[]> => {
    const names = await store.names(memberships);
    return memberships.map((m) => ({
      tenantId: m.tenantId,
      partnershipName: names.partnerships[m.tenantId],
      role: m.role,
      authorityId: m.authorityId,
      authorityName: m.authorityId ? names.authorities[`${m.tenantId}/${m.authorityId}`] : undefined,
      // The partnership the caller's token acts for (after a choice: from the next token on).
      current: m.tenantId === caller.tenantId,
    }));
  };
  return {
    /** The caller's own memberships (by the token's subject; never anyone else's). */
    async list(caller: Caller): Promise<MembershipView[]> {
      return views(caller, await store.memberships(caller.userId));
    },

    /**
     * Records the partnership the caller acts for from the next token on. A partnership the
     * caller is not a member of is "not found" whether it exists or not, and nothing is written.
     */
    async choose(caller: Caller, input: ChoosePartnership): Promise<MembershipView> {
      const memberships = await store.memberships(caller.userId);
      const membership = memberships.find((m) => m.tenantId === input.tenantId);
      if (!membership) throw new NotFoundError('Partnership');
      await store.saveChoice(caller.userId, { tenantId: membership.tenantId, chosenAt: clock.now().toISOString() });
      const [view] = await views(caller, [membership]);
      return view;
    },
  };
}
