import { userService } from '../../domain/users/user';
import { createHandler } from '../shared/http';
import { tenantDeps } from '../shared/deps';
import type { Caller } from '../../domain/shared/identity';
import { userDirectory } from '../identity/directory';

const service = (caller: Caller) => {
  const { users, authorities, clock, ids } = tenantDeps(caller);
  return userService({ store: users, directory: userDirectory(), authorities, clock, ids });
};

export const handler = createHandler('users', {
  listUsers: async ({ caller }) => ({ items: await service(caller).list(caller) }),
  createUser: ({ caller, body }) => service(caller).create(caller, body),
});
