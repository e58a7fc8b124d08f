import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { monotonicFactory } from 'ulid';
import { ConflictError } from '../../domain/shared/errors';
import { CLAIMS } from '../../domain/shared/identity';
import type { UserDirectory } from '../../domain/users/user';

/**
 * Cognito adapter: creates the user with immutable tenant/authority attributes and puts
 * them in exactly one group. The email is the username; Cognito sends the invitation.
 */
export class CognitoUserDirectory implements UserDirectory {
  constructor(
    private readonly userPoolId: string,
    private readonly client: Pick<CognitoIdentityProviderClient, 'send'> = new CognitoIdentityProviderClient({}),
  ) {}

  async createUser(input: Parameters<UserDirectory['createUser']>[0]) {
    const attributes = [
      { Name: 'email', Value: input.email },
      { Name: 'email_verified', Value: 'true' },
      { Name: CLAIMS.tenantId, Value: input.tenantId },
      ...(input.authorityId ? [{ Name: CLAIMS.authorityId, Value: input.authorityId }] : []),
    ];
    let out;
    try {
      out = await this.client.send(
        new AdminCreateUserCommand({ UserPoolId: this.userPoolId, Username: input.email, UserAttributes: attributes, DesiredDeliveryMediums: ['EMAIL'] }),
      );
    } catch (error) {
      if (error instanceof UsernameExistsException || (error as Error).name === 'UsernameExistsException') {
        throw new ConflictError('A user with this email already exists.', { reason: 'already_exists' });
      }
      throw error;
    }
    const sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    if (!sub) throw new Error('Cognito returned no subject for the new user');
    await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: input.email, GroupName: input.role }));
    return { userId: sub };
  }

  async deleteUser(input: Parameters<UserDirectory['deleteUser']>[0]) {
    await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: input.email }));
  }
}

/**
 * Local stand-in: there is no identity provider locally (tokens are minted by the local
 * issuer), so a user is just its record. Keeps what it did, for tests and the console.
 */
export class LocalUserDirectory implements UserDirectory {
  readonly created: { tenantId: string; userId: string; role: string; authorityId?: string }[] = [];
  readonly deleted: string[] = [];
  private readonly nextId = monotonicFactory();

  async createUser(input: Parameters<UserDirectory['createUser']>[0]) {
    const userId = `local-${this.nextId().toLowerCase()}`;
    this.created.push({ tenantId: input.tenantId, userId, role: input.role, authorityId: input.authorityId });
    return { userId };
  }

  async deleteUser(input: Parameters<UserDirectory['deleteUser']>[0]) {
    this.deleted.push(input.userId);
  }
}

let directory: UserDirectory | undefined;
/** Cognito when deployed (USER_POOL_ID set), the local stand-in otherwise. */
export function userDirectory(): UserDirectory {
  directory ??= process.env.USER_POOL_ID ? new CognitoUserDirectory(process.env.USER_POOL_ID) : new LocalUserDirectory();
  return directory;
}
