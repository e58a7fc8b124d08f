import { monotonicFactory } from 'ulid';
import { systemClock, type Clock, type IdGenerator } from '../../domain/shared/ports';
import type { UserDirectory } from '../../domain/users/user';
import { dynamo } from '../data/client';
import { auditRepository, authorityRepository, partnershipRepository, userRepository } from '../data/repositories';
import { tableStore } from '../data/store';
import { CognitoUserDirectory, LocalUserDirectory } from '../identity/directory';

const ulid = monotonicFactory();
export const ulidIds: IdGenerator = { next: () => ulid() };

let directory: UserDirectory | undefined;
/** Cognito when deployed (USER_POOL_ID set), the local stand-in otherwise. */
export function userDirectory(): UserDirectory {
  directory ??= process.env.USER_POOL_ID ? new CognitoUserDirectory(process.env.USER_POOL_ID) : new LocalUserDirectory();
  return directory;
}

/** Adapters wired once per process (container reuse), lazily so tests can set the table first. */
export function deps() {
  const table = tableStore(dynamo());
  const clock: Clock = systemClock;
  return {
    clock,
    ids: ulidIds,
    table,
    partnerships: partnershipRepository(table),
    authorities: authorityRepository(table),
    users: userRepository(table),
    audit: auditRepository(table),
    directory: userDirectory(),
  };
}
