import type { Caller } from '../../domain/shared/identity';
import type { People } from '../../domain/users/user';
import { tenantDeps } from './deps';

/**
 * An answer with the display names of the users it names by id (who reviewed, submitted,
 * started an import), so a page can say "accepted by Morgan Chair" without the user list, which
 * only the steering group may read. One BatchGetItem on the caller's own partnership; ids of
 * no user (the demo seed, a removed user) are simply absent, and the page says the role instead.
 */
export async function withPeople<T extends object>(caller: Caller, answer: T, ids: readonly (string | undefined)[]): Promise<T & { people: People }> {
  const wanted = ids.filter((id): id is string => typeof id === 'string' && id.length > 0);
  return { ...answer, people: await tenantDeps(caller).users.names(caller.tenantId, wanted) };
}
