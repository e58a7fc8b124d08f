import { describe, expect, it } from 'vitest';
import { UsernameExistsException } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoUserDirectory } from '../../functions/identity/directory';
import { ConflictError } from '../../domain/shared/errors';

/** Cognito cannot run here; a recording client stands in for it behind the SDK's send(). */
function recordingClient(reply: (name: string) => unknown) {
  const calls: { name: string; input: any }[] = [];
  return {
    calls,
    client: {
      send: async (command: { constructor: { name: string }; input: unknown }) => {
        calls.push({ name: command.constructor.name, input: command.input });
        const out = reply(command.constructor.name);
        if (out instanceof Error) throw out;
        return out;
      },
    },
  };
}

describe('CognitoUserDirectory', () => {
  it('creates the user with fixed tenant and authority attributes, then adds exactly one group', async () => {
    const { calls, client } = recordingClient((name) =>
      name === 'AdminCreateUserCommand' ? { User: { Attributes: [{ Name: 'sub', Value: 'sub-123' }] } } : {},
    );
    const dir = new CognitoUserDirectory('pool-1', client as never);
    const out = await dir.createUser({ tenantId: 'warks', email: 'a@b.org', role: 'authority-lead', authorityId: 'opcc' });
    expect(out).toEqual({ userId: 'sub-123' });
    expect(calls.map((c) => c.name)).toEqual(['AdminCreateUserCommand', 'AdminAddUserToGroupCommand']);
    expect(calls[0].input.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'custom:tenantId', Value: 'warks' },
        { Name: 'custom:authorityId', Value: 'opcc' },
      ]),
    );
    expect(calls[1].input).toEqual({ UserPoolId: 'pool-1', Username: 'a@b.org', GroupName: 'authority-lead' });
  });

  it('maps an existing username to a conflict', async () => {
    const { client } = recordingClient(() => new UsernameExistsException({ message: 'exists', $metadata: {} }));
    const dir = new CognitoUserDirectory('pool-1', client as never);
    await expect(dir.createUser({ tenantId: 'warks', email: 'a@b.org', role: 'viewer' })).rejects.toThrow(ConflictError);
  });
});
