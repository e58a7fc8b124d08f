import { authorityService } from '../../domain/authorities/authority';
import { dueItemChanges } from '../../domain/reminders/due';
import { createHandler } from '../shared/http';
import { deps } from '../shared/deps';

const service = () => {
  const { authorities, partnerships, dueItems, clock, ids } = deps();
  return authorityService({ store: authorities, clock, ids, dueItems: dueItemChanges({ due: dueItems, authorities, partnerships }) });
};

export const handler = createHandler('authorities', {
  listAuthorities: async ({ caller }) => ({ items: await service().list(caller) }),
  createAuthority: ({ caller, body }) => service().create(caller, body),
  getAuthority: ({ caller, params }) => service().get(caller, params.id),
  updateAuthority: ({ caller, params, body }) => service().update(caller, params.id, body),
});
