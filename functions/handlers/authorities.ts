import { authorityService } from '../../domain/authorities/authority';
import { refreshDueItems } from '../../domain/reminders/due';
import { createHandler } from '../shared/http';
import { deps } from '../shared/deps';

const service = () => {
  const { authorities, clock, ids } = deps();
  return authorityService({ store: authorities, clock, ids });
};

export const handler = createHandler('authorities', {
  listAuthorities: async ({ caller }) => ({ items: await service().list(caller) }),
  createAuthority: ({ caller, body }) => service().create(caller, body),
  getAuthority: ({ caller, params }) => service().get(caller, params.id),
  updateAuthority: async ({ caller, params, body }) => {
    const updated = await service().update(caller, params.id, body);
    // Reminders carry the Prevent lead's address: re-derive this authority's due items.
    const { dueItems, authorities, partnerships, clock } = deps();
    await refreshDueItems({ due: dueItems, authorities, partnerships, clock }, caller.tenantId, params.id);
    return updated;
  },
});
