import { userService } from '../../domain/users/user';
import { createHandler } from '../shared/http';
import { deps } from '../shared/deps';
import { userDirectory } from '../identity/directory';

const service = () => {
  const { users, authorities, clock, ids } = deps();
  return userService({ store: users, directory: userDirectory(), authorities, clock, ids });
};

export const handler = createHandler('users', {
  listUsers: async ({ caller }) => ({ items: await service().list(caller) }),
  createUser: ({ caller, body }) => service().create(caller, body),
});
