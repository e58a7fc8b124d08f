import { createHash } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { UserDirectory } from '../../domain/users/user';

/**
 * Cognito adapter: one Cognito user per person, the email as username; Cognito sends the
 * invitation to a new one. No partnership, authority or role is stored on the Cognito user
 * (a person may hold several memberships): the pre-token-generation trigger puts the chosen
 * membership's into each token (functions/identity/pre-token.ts).
 */
export class CognitoUserDirectory implements UserDirectory {
  constructor(
    private readonly userPoolId: string,
    private readonly client: Pick<CognitoIdentityProviderClient, 'send'> = new CognitoIdentityProviderClient({}),
  ) {}

  async ensureUser(input: Parameters<UserDirectory['ensureUser']>[0]) {
    try {
      const out = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: input.email,
          UserAttributes: [
            { Name: 'email', Value: input.email },
            { Name: 'email_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
      return { userId: subjectOf(out.User?.Attributes), created: true };
    } catch (error) {
      if (!(error instanceof UsernameExistsException || (error as Error).name === 'UsernameExistsException')) throw error;
    }
    // The person already has an identity (another partnership invited them): use it. The
    // caller is told nothing more than for a new person.
    const existing = await this.client.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: input.email }));
    return { userId: subjectOf(existing.UserAttributes), created: false };
  }

  async deleteUser(input: Parameters<UserDirectory['deleteUser']>[0]) {
    await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: input.email }));
  }
}

function subjectOf(attributes: { Name?: string; Value?: string }[] | undefined): string {
  const sub = attributes?.find((a) => a.Name === 'sub')?.Value;
  if (!sub) throw new Error('Cognito returned no subject for the user');
  return sub;
}

/**
 * Local stand-in: there is no identity provider locally (tokens are minted by the local
 * issuer). The same email is always the same person: the subject is derived from it, so a
 * person invited to two partnerships is one identity here too, across restarts. Keeps what
 * it did, for tests and the console.
 */
export class LocalUserDirectory implements UserDirectory {
  readonly created: { userId: string; email: string }[] = [];
  readonly deleted: string[] = [];
  private readonly known = new Set<string>();

  static subjectFor(email: string): string {
    return `local-${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 24)}`;
  }

  async ensureUser(input: Parameters<UserDirectory['ensureUser']>[0]) {
    const userId = LocalUserDirectory.subjectFor(input.email);
    const created = !this.known.has(userId);
    if (created) {
      this.known.add(userId);
      this.created.push({ userId, email: input.email.toLowerCase() });
    }
    return { userId, created };
  }

  async deleteUser(input: Parameters<UserDirectory['deleteUser']>[0]) {
    this.known.delete(input.userId);
    this.deleted.push(input.userId);
  }
}

let directory: UserDirectory | undefined;
/** Cognito when deployed (USER_POOL_ID set), the local stand-in otherwise. */
export function userDirectory(): UserDirectory {
  directory ??= process.env.USER_POOL_ID ? new CognitoUserDirectory(process.env.USER_POOL_ID) : new LocalUserDirectory();
  return directory;
}
