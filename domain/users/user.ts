import * as z from 'zod';
import { ConflictError, ValidationError } from '../shared/errors';
import { requireRole, Role, type Caller } from '../shared/identity';
import { EntityId } from '../shared/ids';
import { newMeta, RecordMeta } from '../shared/records';
import type { Clock, IdGenerator } from '../shared/ports';
import { auditEvent, type AuditEvent } from '../audit/audit';

export const CreateUser = z.object({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  displayName: z.string().trim().min(1).max(200).optional(),
  role: Role,
  authorityId: EntityId.optional().describe('Required for authority-lead and authority-editor; optional for viewer'),
});
export type CreateUser = z.infer<typeof CreateUser>;

export const User = z
  .object({
    id: z.string().describe('The identity provider subject (Cognito sub)'),
    email: z.string(),
    displayName: z.string().optional(),
    role: Role,
    authorityId: EntityId.optional(),
  })
  .extend(RecordMeta.shape);
export type User = z.infer<typeof User>;

export const USER_PERSONAL_FIELDS = ['email', 'displayName'] as const;

/**
 * The people an answer names by user id (who reviewed, submitted, started an import), as
 * display names for the page: only the partnership's own users, only those with a name.
 */
export const People = z.record(z.string(), z.string()).describe('Display names of the users this answer names by id (`by`, `submittedBy`, `requestedBy`); a user without a recorded name is absent');
export type People = z.infer<typeof People>;

/**
 * The identity provider (Cognito in AWS): one identity per person, the email as username.
 * It knows nothing of partnerships or roles (those are memberships, the user records here),
 * so inviting a person who already has an identity, whichever partnership invited them
 * first, looks exactly like inviting a new one.
 */
export interface UserDirectory {
  /** The person's identity for this email: made (and invited) if new, found otherwise; `created` says which, for compensation only. */
  ensureUser(input: { email: string }): Promise<{ userId: string; created: boolean }>;
  /** Compensates an ensureUser that made the identity when the membership could not be stored. */
  deleteUser(input: { userId: string; email: string }): Promise<void>;
}

export interface UserStore {
  list(tenantId: string): Promise<User[]>;
  get(tenantId: string, id: string): Promise<User | undefined>;
  /** Display names of these users of the partnership, by id (one read whatever the count; a user without a name is absent). */
  names(tenantId: string, ids: readonly string[]): Promise<Record<string, string>>;
  emailTaken(tenantId: string, email: string): Promise<boolean>;
  /** Fails with ConflictError if the email is already a user of the partnership. */
  create(tenantId: string, user: User, audit: AuditEvent): Promise<void>;
}

export interface AuthorityLookup {
  exists(tenantId: string, authorityId: string): Promise<boolean>;
}

export function userService(deps: {
  store: UserStore;
  directory: UserDirectory;
  authorities: AuthorityLookup;
  clock: Clock;
  ids: IdGenerator;
}) {
  const { store, directory, authorities, clock, ids } = deps;
  return {
    async list(caller: Caller): Promise<User[]> {
      requireRole(caller, 'steering-group');
      return store.list(caller.tenantId);
    },

    async create(caller: Caller, input: CreateUser): Promise<User> {
      requireRole(caller, 'steering-group');
      const errors: { path: string; message: string }[] = [];
      const needsAuthority = input.role === 'authority-lead' || input.role === 'authority-editor';
      if (needsAuthority && !input.authorityId) {
        errors.push({ path: 'authorityId', message: `A user with role ${input.role} must belong to an authority.` });
      }
      if (input.role === 'steering-group' && input.authorityId) {
        errors.push({ path: 'authorityId', message: 'Steering-group users see the whole partnership; leave this empty.' });
      }
      if (input.authorityId && !(await authorities.exists(caller.tenantId, input.authorityId))) {
        errors.push({ path: 'authorityId', message: 'No such authority in this partnership.' });
      }
      if (errors.length) throw new ValidationError(errors);

      // Only this partnership's own users are checked: a conflict here says nothing about any other.
      // Checked before the identity provider is asked, so no directory user is made for a duplicate.
      if (await store.emailTaken(caller.tenantId, input.email)) throw new ConflictError('This person is already a user of the partnership.', { reason: 'already_exists' });

      // A person already known (a member of another partnership) keeps their one identity and
      // gains a membership here; the answer is the same 201 as for a new person.
      const { userId, created } = await directory.ensureUser({ email: input.email });
      const now = clock.now();
      const user: User = { id: userId, ...input, ...newMeta(caller, now) };
      try {
        await store.create(
          caller.tenantId,
          user,
          auditEvent(caller, now, ids, {
            action: 'create',
            entityType: 'user',
            entityId: userId,
            authorityId: input.authorityId,
            after: user,
            personalFields: USER_PERSONAL_FIELDS,
          }),
        );
      } catch (error) {
        // Only an identity this call made is removed: an existing one belongs to other memberships.
        if (created) await directory.deleteUser({ userId, email: input.email });
        throw error;
      }
      return user;
    },
  };
}
