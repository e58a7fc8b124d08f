import { systemClock } from '../../domain/shared/ports';
import { membershipService } from '../../domain/users/membership';
import { dynamo } from '../data/client';
import { identityRepository } from '../data/repositories';
import { createHandler } from '../shared/http';

/**
 * The caller's own partnerships and their choice among them. Built on the process's client,
 * not a partnership's: it reads across partnerships, but only by the token's subject.
 */
const service = () => membershipService({ store: identityRepository(dynamo()), clock: systemClock });

export const handler = createHandler('identity', {
  listMemberships: async ({ caller }) => ({ items: await service().list(caller) }),
  choosePartnership: ({ caller, body }) => service().choose(caller, body),
});
