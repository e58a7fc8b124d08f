import { authorityService } from '../../domain/authorities/authority';
import { dueItemChanges } from '../../domain/reminders/due';
import { createHandler } from '../shared/http';
import { tenantDeps } from '../shared/deps';
import type { Caller } from '../../domain/shared/identity';

const service = (caller: Caller) => {
  const { authorities, partnerships, dueItems, clock, ids } = tenantDeps(caller);
  return authorityService({ store: authorities, clock, ids, dueItems: dueItemChanges({ due: dueItems, authorities, partnerships }) });
};

export const handler = createHandler('authorities', {
  listAuthorities: async ({ caller }) => ({ items: await service(caller).list(caller) }),
  createAuthority: ({ caller, body }) => service(caller).create(caller, body),
  getAuthority: ({ caller, params }) => service(caller).get(caller, params.id),
  updateAuthority: ({ caller, params, body }) => service(caller).update(caller, params.id, body),
});
