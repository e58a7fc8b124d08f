import { createHandler } from '../shared/http';
import { tenantDeps } from '../shared/deps';

export const handler = createHandler('me', {
  me: async ({ caller }) => {
    const { partnerships, authorities } = tenantDeps(caller);
    const [partnership, authority] = await Promise.all([
      partnerships.get(caller.tenantId),
      caller.authorityId ? authorities.get(caller.tenantId, caller.authorityId) : undefined,
    ]);
    return {
      tenantId: caller.tenantId,
      partnershipName: partnership?.name,
      userId: caller.userId,
      role: caller.role,
      authorityId: caller.authorityId,
      authorityName: authority?.name,
    };
  },
});
